"""Keys of the response panel: → / ← in the tree, direct tab keys, `/` in the Raw tab, and
the elapsed time while a request runs (Pilot, simulator over real loopback HTTP)."""

from __future__ import annotations

import itertools
import json
import re
import time
from pathlib import Path

from rich.style import Style
from textual.widgets import Input, Static, TabbedContent

from qlik_tui.demo.environment import Demo
from qlik_tui.ui.widgets.json_tree import JsonTree
from qlik_tui.ui.widgets.raw_search_view import RawSearchView
from qlik_tui.ui.widgets.raw_view import RawView
from qlik_tui.ui.widgets.response_view import ResponseView
from tests.ui.conftest import make_app, settle, wait_until
from tests.ui.test_app_flows import text_of, type_path
from tests.ui.test_big_responses import send


async def test_right_and_left_open_close_and_walk_the_tree(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        await send(pilot, "/qrs/app/full")
        tree = app.query_one("#json-tree", JsonTree)
        tree.focus()
        await pilot.press("down")  # the first app, open (a list shows its first record's fields)
        first = tree.root.children[0]
        assert tree.cursor_node is first and first.is_expanded
        await pilot.press("left")  # an open node: closes it
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


async def test_shift_right_and_left_scroll_the_tree_sideways(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        await send(pilot, "/qrs/app/full")
        tree = app.query_one("#json-tree", JsonTree)
        tree.focus()
        await pilot.press("down")  # the first app, open: its keys' ids are wider than the view
        await pilot.pause()
        assert tree.max_scroll_x > 0
        await pilot.press("shift+right")
        assert tree.scroll_x > 0 and tree.cursor_node is tree.root.children[0]
        await pilot.press("shift+left")
        assert tree.scroll_x == 0


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
        # Whole seconds (the label changes once a second, not ten times), counting up. Which
        # seconds the test sees depends on the machine's load, so no exact list.
        assert all(re.fullmatch(r"\d+ s", tick) for tick in ticks), ticks
        seconds = [int(tick.removesuffix(" s")) for tick in ticks]
        assert len(seconds) >= 2 and seconds == sorted(set(seconds)) and seconds[0] <= 1, ticks


async def test_time_left_is_estimated_from_the_pace_so_far(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = app.query_one(ResponseView)
        view.show_waiting("GET /qrs/app/full", 4.2, received=1024 * 1024, total=4 * 1024 * 1024)
        text = text_of(app.query_one("#status-line", Static))
        assert text == "⟳ GET /qrs/app/full  4 s, 1.0 MB of 4.0 MB (25%), about 13 s left  (Esc cancels)"


def styles_on_line(raw: RawSearchView, y: int) -> list[tuple[str, Style | None]]:
    """The pieces of screen line `y` of the raw view with their styles."""
    return [(segment.text, segment.style) for segment in raw.render_line(y) if segment.text]


async def test_slash_searches_the_raw_text_and_n_walks_the_hits(demo: Demo, tmp_path: Path) -> None:
    demo.qseow.faults.huge_apps = 1200
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await send(pilot, "/qrs/app/full")
        apps = app.query_one("#json-tree", JsonTree).root.data.value  # type: ignore[union-attr]
        app.query_one("#json-tree", JsonTree).focus()
        await pilot.press("2")
        await settle(pilot)
        raw = app.query_one("#raw", RawSearchView)
        target = apps[700]["id"]  # one hit: the app's own id (owner ids differ)
        lines = json.dumps(list(apps), indent=2, ensure_ascii=False).splitlines()
        expected = [(i, line.lower().index(target.lower())) for i, line in enumerate(lines) if target in line]
        await pilot.press("slash")
        assert app.focused is app.query_one("#find-input", Input)
        await pilot.press(*target.upper(), "enter")  # case-insensitive
        await settle(pilot)
        status = app.query_one("#find-status", Static)
        assert raw.hits == expected and len(expected) >= 1
        assert text_of(status).startswith(f"1 of {len(expected)}")
        line, _ = expected[0]
        assert raw.scroll_y <= line < raw.scroll_y + raw.scrollable_content_region.height  # scrolled to it
        pieces = styles_on_line(raw, line - int(raw.scroll_y))
        marked = [text for text, style in pieces if style is not None and style.reverse]
        assert marked == [target]  # the current hit, and only it, is marked on its line

        bar = app.query_one("#find-bar")
        await pilot.press("escape")  # closes the bar, back to the text; the hits stay for n / N
        await pilot.pause()
        assert app.focused is raw and raw.hits == expected and not bar.display
        await pilot.press("escape")  # Esc again clears the search
        await pilot.pause()
        assert raw.hits == [] and not any(style and style.reverse for _, style in styles_on_line(raw, 0))

        await pilot.press("slash", *'"name"', "enter")  # a key on every app: many hits
        await settle(pilot)
        assert len(raw.hits) == sum(1 for line in lines if '"name"' in line) > 1200
        await pilot.press("escape")  # back to the text
        await pilot.pause()
        assert app.focused is raw and not bar.display
        await pilot.press("n", "n")
        assert raw.current == 2 and text_of(status).startswith(f"3 of {len(raw.hits):,}")
        assert bar.display  # the counter is back
        await pilot.press("N")
        assert raw.current == 1
        app.query_one("#find-input", Input).focus()
        await pilot.press("enter")  # Enter in the box: next, as in the tree
        assert raw.current == 2
        line, _ = raw.hits[2]
        assert raw.scroll_y <= line < raw.scroll_y + raw.scrollable_content_region.height


async def test_a_long_raw_search_keeps_the_screen_alive(demo: Demo, tmp_path: Path) -> None:
    # 20 MB where nearly every position starts a partial match of the query: more than a
    # second of regex work on a quiet machine. Scanned in one call (which holds the GIL),
    # the event loop would stop for the whole search; in windows, it runs between them. The
    # bound is a share of the search's own duration, so a loaded machine, which slows the
    # search and the loop alike, does not fail it, and a faster one does not hide the stall.
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await send(pilot, "/qrs/about")
        app.query_one("#json-tree", JsonTree).focus()
        await pilot.press("2")
        await settle(pilot)
        lines = ["n" * 80] * 250_000
        lines[-2] = "haystack: NnNnNnNnEEDLE"
        text = "\n".join(lines)
        assert len(text) >= 20_000_000
        raw = app.query_one("#raw", RawSearchView)
        raw.set_text(text)
        ticks: list[float] = []
        app.set_interval(0.02, lambda: ticks.append(time.monotonic()))
        await pilot.press("slash", *"nnnnnnnneedle")
        started = time.monotonic()
        await pilot.press("enter")
        await wait_until(pilot, lambda: raw.hits, seconds=120, what="the search")
        ended = time.monotonic()
        assert raw.hits == [(len(lines) - 2, len("haystack: "))]
        status = app.query_one("#find-status", Static)
        await wait_until(pilot, lambda: text_of(status).startswith("1 of 1"), what="the counter")
        moments = [started, *(t for t in ticks if started < t < ended), ended]
        gaps = [later - earlier for earlier, later in itertools.pairwise(moments)]
        assert max(gaps) < (ended - started) / 4, (round(ended - started, 3), [round(g, 3) for g in gaps])


async def test_esc_on_the_raw_text_without_a_search_still_cancels(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await send(pilot, "/qrs/about")
        app.query_one("#json-tree", JsonTree).focus()
        await pilot.press("2")
        await settle(pilot)
        demo.qseow.faults.latency = 60  # far longer than any loaded machine takes to press Esc
        assert app.focused is app.query_one("#raw", RawSearchView)
        await pilot.press("f5")
        status = app.query_one("#status-line", Static)
        await wait_until(pilot, lambda: "Esc cancels" in text_of(status), what="the request running")
        await pilot.press("escape")
        await wait_until(pilot, lambda: "cancelled" in text_of(status), what="the request cancelled")
