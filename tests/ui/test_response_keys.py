"""Keys of the response panel: → / ← in the tree, direct tab keys, `/` in the Raw tab, and
the elapsed time while a request runs (Pilot, simulator over real loopback HTTP)."""

from __future__ import annotations

import time
from pathlib import Path

from textual.widgets import Input, Static, TabbedContent

from qlik_tui.demo.environment import Demo
from qlik_tui.ui.widgets.json_tree import JsonTree
from qlik_tui.ui.widgets.raw_view import RawView
from qlik_tui.ui.widgets.response_view import ResponseView
from tests.ui.conftest import make_app, settle
from tests.ui.test_app_flows import text_of, type_path
from tests.ui.test_big_responses import send


async def test_right_and_left_open_close_and_walk_the_tree(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        await send(pilot, "/qrs/app/full")
        tree = app.query_one("#json-tree", JsonTree)
        tree.focus()
        await pilot.press("down")  # the first app, closed
        first = tree.root.children[0]
        assert tree.cursor_node is first and not first.is_expanded
        await pilot.press("right")  # opens it
        assert first.is_expanded and len(first.children) == 26
        assert tree.cursor_node is first
        await pilot.press("right")  # open already: down to its first child
        assert tree.cursor_node is first.children[0]
        leaf = first.children[0]
        assert not leaf.allow_expand
        await pilot.press("right")  # a leaf: nothing to open, the cursor stays
        assert tree.cursor_node is leaf
        await pilot.press("left")  # a leaf: up to the parent
        assert tree.cursor_node is first and first.is_expanded
        await pilot.press("left")  # an open node: closes it
        assert tree.cursor_node is first and not first.is_expanded
        await pilot.press("left")  # a closed node: up to the parent (the root)
        assert tree.cursor_node is tree.root
        assert tree.scroll_x == 0  # the arrows never scrolled sideways


async def test_digits_open_the_tabs_and_the_footer_names_them(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await send(pilot, "/qrs/about")
        tabs = app.query_one("#response-tabs", TabbedContent)
        app.query_one("#json-tree", JsonTree).focus()
        await pilot.pause()
        footer = {binding.description for (_, binding, enabled, _) in app.active_bindings.values() if enabled}
        assert {"Tree tab", "Raw tab", "Headers tab"} <= footer
        await pilot.press("2")
        await settle(pilot)
        raw = app.query_one("#raw", RawView)
        assert tabs.active == "tab-raw" and app.focused is raw
        assert raw.line_count > 3 and '"buildVersion"' in "".join(raw.line(i) for i in range(raw.line_count))
        await pilot.press("3")
        await pilot.pause()
        assert tabs.active == "tab-headers-out"
        assert "GET http://" in text_of(app.query_one("#headers-out", Static))
        await pilot.press("1")  # the keys still work on the Headers tab (the tab strip has focus)
        await pilot.pause()
        assert tabs.active == "tab-tree" and app.focused is app.query_one("#json-tree", JsonTree)
        await type_path(pilot, "/qrs/2")  # a digit typed in a box is text, not a tab key
        assert app.query_one("#path", Input).value == "/qrs/2" and tabs.active == "tab-tree"


async def test_elapsed_ticks_once_a_second_while_a_request_runs(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        demo.qseow.faults.latency = 2.5
        await type_path(pilot, "/qrs/about")
        await pilot.press("f5")
        status = app.query_one("#status-line", Static)
        shown: list[str] = []
        deadline = time.monotonic() + 30
        while "200 OK" not in text_of(status) and time.monotonic() < deadline:
            if not shown or shown[-1] != text_of(status):
                shown.append(text_of(status))
            await pilot.pause(0.05)
        waiting = [text for text in shown if text.startswith("⟳")]
        assert "200 OK" in text_of(status)
        assert all("GET /qrs/about" in text and "(Esc cancels)" in text for text in waiting)
        ticks = [text.split("  ")[1] for text in waiting]
        assert ticks[:3] == ["0 s", "1 s", "2 s"]  # whole seconds, in order
        assert len(ticks) <= 4  # once a second, not ten times (a slow machine may see "3 s")


async def test_time_left_is_estimated_from_the_pace_so_far(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = app.query_one(ResponseView)
        view.show_waiting("GET /qrs/app/full", 4.2, received=1024 * 1024, total=4 * 1024 * 1024)
        text = text_of(app.query_one("#status-line", Static))
        assert text == "⟳ GET /qrs/app/full  4 s, 1.0 MB of 4.0 MB (25%), about 13 s left  (Esc cancels)"
