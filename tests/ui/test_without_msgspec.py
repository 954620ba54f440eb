"""Where msgspec has no wheel: big bodies are parsed in full, and the tree, the first record
opened, the Raw tab and search give the same answers (over loopback, with msgspec hidden)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from qlik_tui.core.json.lazy import LazyArray, lazy_loads, reindent, reindent_head
from qlik_tui.demo.environment import Demo
from qlik_tui.ui.widgets.json_tree import JsonTree
from qlik_tui.ui.widgets.raw_view import RawView
from tests.ui.conftest import make_app, settle, wait_until
from tests.ui.test_app_flows import text_of
from tests.ui.test_big_responses import send


@pytest.fixture
def no_msgspec(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "msgspec", None)  # `import msgspec` raises ImportError


def test_core_falls_back_to_the_full_parse(no_msgspec: None) -> None:
    records = [{"id": i, "name": f"Sales [{i}] é", "tags": ["x" * 200]} for i in range(2_000)]
    body = json.dumps(records, ensure_ascii=False).encode()
    doc = lazy_loads(body)
    assert not isinstance(doc, LazyArray) and doc == records
    assert reindent(body) is None and reindent_head(doc) is None


async def test_the_app_without_msgspec(no_msgspec: None, demo: Demo, tmp_path: Path) -> None:
    demo.qseow.faults.huge_apps = 1200  # ~1.8 MB: the lazy path where msgspec exists
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        await send(pilot, "/qrs/app/full")
        tree = app.query_one("#json-tree", JsonTree)
        apps = tree.root.data.value  # type: ignore[union-attr]
        assert isinstance(apps, list) and len(apps) == 1200
        first = tree.root.children[0].children[0]  # the first bucket's first record, open
        assert first.is_expanded and len(first.children) == 26
        assert all(len(b.children) == 0 for b in tree.root.children[1:])
        tree.focus()
        await pilot.press("slash")
        app.query_one("#find-input", Input).value = apps[777]["name"]
        await pilot.press("enter")
        await settle(pilot)
        assert tree.cursor_node is not None and tree.path_of(tree.cursor_node) == (777, "name")
        assert "1 of" in text_of(app.query_one("#find-status", Static))
        await pilot.press("escape")
        app.query_one("#response-tabs").active = "tab-raw"  # type: ignore[attr-defined]
        raw = app.query_one("#raw", RawView)
        await wait_until(pilot, lambda: raw.line_count > 1, what="raw text")
        await settle(pilot)
        expected = json.dumps(apps, indent=2, ensure_ascii=False).splitlines()
        assert raw.line_count == len(expected) and raw.line(5) == expected[5] and raw.line(raw.line_count - 1) == "]"
