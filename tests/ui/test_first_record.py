"""A list response opens at its first record (QRS lists, Cloud's {"data": [...]}), and only
the elements whose lines are on screen are made into Python objects (LazyArray bodies)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from textual.app import App, ComposeResult

from qlik_tui.core.json.lazy import LazyArray, lazy_loads
from qlik_tui.ui.widgets.json_tree import JsonTree


class TreeApp(App[None]):
    def compose(self) -> ComposeResult:
        yield JsonTree()


def _records(count: int) -> list[dict[str, Any]]:
    pad = "x" * 5_000  # a body over lazy.PIECEWISE_BYTES even at 60 records: a LazyArray
    return [{"id": f"id-{i}", "name": f"app [{i}] é\x01", "tags": [i, pad], "owner": {"userId": "u"}} for i in range(count)]


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The indices of every element a LazyArray makes into objects (it still does so)."""
    parsed: list[int] = []
    element = LazyArray._element
    monkeypatch.setattr(LazyArray, "_element", lambda self, i: parsed.append(i) or element(self, i))
    return parsed


@pytest.mark.parametrize("count", [60, 1_200])
async def test_a_lazy_qrs_list_opens_at_its_first_record_and_reads_only_what_is_shown(
    monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    records = _records(count)
    doc = lazy_loads(json.dumps(records, ensure_ascii=False).encode())
    assert isinstance(doc, LazyArray)
    parsed = _spy(monkeypatch)
    async with TreeApp().run_test(size=(80, 24)) as pilot:
        tree = pilot.app.query_one(JsonTree)
        tree.show(doc)
        await pilot.pause()
        holder = tree.root if count <= 500 else tree.root.children[0]  # the first bucket of 500
        first = holder.children[0]
        assert first.is_expanded and [c.data.key for c in first.children] == ["id", "name", "tags", "owner"]  # type: ignore[union-attr]
        assert first.children[1].data.value == records[0]["name"]  # type: ignore[union-attr]
        # Exactly the records whose lines are on screen were read, once each: not the rest of
        # the list (or of the first bucket), though every line exists and scrolls.
        on_screen = [n.data.key for n in holder.children if 0 <= n.line < tree.size.height]  # type: ignore[union-attr]
        assert sorted(parsed) == on_screen and 0 < len(on_screen) < tree.size.height
        assert len(holder.children) == min(count, 500)
        assert all(len(n.children) == 0 and not n.is_expanded for n in holder.children[1:])
        assert all(len(b.children) == 0 for b in tree.root.children[1:]) if count > 500 else True
        assert tree.cursor_node is tree.root
        tree.scroll_end(animate=False)  # scrolled to: drawn, so read
        await pilot.pause()
        last = holder.children[-1]
        assert last.data.key in parsed and str(last.label).startswith(f"[{last.data.key}]: {{4 keys}}")  # type: ignore[union-attr]
        label = str(first.children[1].label)
        assert label.startswith('name: "app [0] é') and "\x01" not in label  # literal, control characters shown


async def test_a_cloud_page_opens_data_and_its_first_record() -> None:
    page = {"data": _records(3), "links": {"self": {"href": "https://t/api/v1/items"}}}
    async with TreeApp().run_test(size=(80, 24)) as pilot:
        tree = pilot.app.query_one(JsonTree)
        tree.show(page)
        await pilot.pause()
        data, links = tree.root.children
        assert data.is_expanded and data.children[0].is_expanded and len(data.children[0].children) == 4
        assert not data.children[1].is_expanded and len(data.children[1].children) == 0
        assert not links.is_expanded and len(links.children) == 0


@pytest.mark.parametrize("value", [{"a": 1, "b": {"c": 2}}, [1, 2, 3], {"x": [1], "y": [2]}, [], {}])
async def test_without_a_main_list_of_records_nothing_more_opens(value: Any) -> None:
    async with TreeApp().run_test(size=(80, 24)) as pilot:
        tree = pilot.app.query_one(JsonTree)
        tree.show(value)
        await pilot.pause()
        assert all(not n.is_expanded and len(n.children) == 0 for n in tree.root.children)
