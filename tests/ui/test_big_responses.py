"""Big responses: buckets, lazy children, search into collapsed buckets, filter, raw view,
the size-cap prompt and saving the body (Pilot, simulator over loopback)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from textual.widgets import Input, Static

from qlik_tui.demo.environment import Demo
from qlik_tui.ui.screens.save_body import SaveBodyScreen
from qlik_tui.ui.screens.simple import ConfirmScreen
from qlik_tui.ui.widgets.json_tree import JsonTree
from qlik_tui.ui.widgets.raw_view import RawView
from tests.ui.conftest import make_app, settle, wait_until
from tests.ui.test_app_flows import text_of, type_path


async def send(pilot, path: str) -> None:  # type: ignore[no-untyped-def]
    await type_path(pilot, path)
    await pilot.press("f5")
    await settle(pilot)


async def test_buckets_lazy_children_and_search_reveals_inside_a_bucket(demo: Demo, tmp_path: Path) -> None:
    demo.qseow.faults.huge_apps = 1500
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        await send(pilot, "/qrs/app/full")
        tree = app.query_one("#json-tree", JsonTree)
        buckets = tree.root.children
        assert [str(b.label) for b in buckets] == ["[0 … 499]", "[500 … 999]", "[1,000 … 1,499]"]
        # The first record is open, and that path is all that is built: its bucket's 500
        # lines, its own fields; no other record's fields, no other bucket's lines.
        first = buckets[0].children[0]
        assert buckets[0].is_expanded and len(buckets[0].children) == 500
        assert first.is_expanded and len(first.children) == 26
        assert all(len(r.children) == 0 and not r.is_expanded for r in buckets[0].children[1:])
        assert all(len(b.children) == 0 for b in buckets[1:])  # nothing built until asked
        target = tree.root.data.value[1234]["name"]  # type: ignore[union-attr]
        tree.focus()
        await pilot.press("slash")
        app.query_one("#find-input", Input).value = target
        await pilot.press("enter")
        await settle(pilot)
        node = tree.cursor_node
        assert node is not None and tree.path_of(node) == (1234, "name")
        assert buckets[2].is_expanded and len(buckets[2].children) == 500
        assert len(buckets[1].children) == 0  # only the path was expanded
        assert all(len(r.children) == 0 for r in buckets[2].children if r is not node.parent)
        assert "1 of" in text_of(app.query_one("#find-status", Static))


async def test_filter_and_raw_view(demo: Demo, tmp_path: Path) -> None:
    demo.qseow.faults.huge_apps = 1200
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        await send(pilot, "/qrs/app/full")
        tree = app.query_one("#json-tree", JsonTree)
        apps = tree.root.data.value  # type: ignore[union-attr]
        tree.focus()
        await pilot.press("f")
        await pilot.press(*"[*].owner.userId", "enter")
        await settle(pilot)  # the filter runs in a worker: a LazyArray parses every element
        assert tree.root.data.value == [a["owner"]["userId"] for a in apps]  # type: ignore[union-attr]
        assert "1,200 results" in text_of(app.query_one("#find-status", Static))
        await pilot.press("escape")
        await pilot.pause()
        assert tree.root.data.value is apps  # type: ignore[union-attr]
        app.query_one("#response-tabs").active = "tab-raw"  # type: ignore[attr-defined]
        raw = app.query_one("#raw", RawView)
        expected = json.dumps(list(apps), indent=2, ensure_ascii=False).splitlines()
        # The first text shown (the first elements, before the whole text is built, on all
        # but the fastest machines) begins as the whole text does.
        await wait_until(pilot, lambda: raw.line_count > 1, what="raw text")
        assert raw.line_count > 100
        assert [raw.line(i) for i in range(raw.line_count)] == expected[: raw.line_count]
        await settle(pilot)
        assert raw.line_count == len(expected)
        assert raw.line(raw.line_count - 1) == "]" and raw.line(3) == expected[3]


async def test_size_cap_asks_before_going_on(demo: Demo, tmp_path: Path) -> None:
    demo.qseow.faults.huge_apps = 2000  # about 3 MB
    app = make_app(demo.profiles_path, tmp_path, max_body=1024 * 1024)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        await send(pilot, "/qrs/app/full")
        assert isinstance(app.screen, ConfirmScreen) and "over the 1 MB cap" in app.screen.question
        await pilot.press("n")
        await settle(pilot)
        assert "cap" in text_of(app.query_one("#error-panel", Static))
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert len(app.query_one("#json-tree", JsonTree).root.data.value) == 2000  # type: ignore[union-attr, arg-type]


async def test_save_body_never_overwrites(demo: Demo, tmp_path: Path, monkeypatch: object) -> None:
    monkeypatch.chdir(tmp_path)  # type: ignore[attr-defined]  # restored after the test: later tests keep a real cwd
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # type: ignore[attr-defined]  # no ~/Downloads
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        await send(pilot, "/qrs/stream/full")
        app.query_one("#json-tree", JsonTree).focus()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SaveBodyScreen)
        assert app.screen.query_one("#save-path", Input).value == str(tmp_path / "qrs-stream-full.json")  # in full
        await pilot.press("enter")
        await pilot.pause()
        saved = tmp_path / "qrs-stream-full.json"
        assert saved.read_bytes() == app.workspace.state().response.body  # type: ignore[union-attr]
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600
        app.query_one("#json-tree", JsonTree).focus()
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SaveBodyScreen)
        assert "already exists" in text_of(app.screen.query_one("#save-problem", Static))
