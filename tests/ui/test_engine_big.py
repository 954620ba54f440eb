"""The Engine view on the simulator's big app: a 10,000-row hypercube arrives and is browsable
in the JSON tree (built lazily, row by row as the user expands), with the rows' own numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qlik_tui.demo.engine_apps import BIG_APP_NAME, BIG_ROWS, generate_rows
from qlik_tui.demo.environment import Demo
from qlik_tui.ui.widgets.engine_outline import EngineOutline
from qlik_tui.ui.widgets.json_tree import JsonTree
from qlik_tui.ui.widgets.response_view import ResponseView
from tests.ui.conftest import make_app, settle, wait_until
from tests.ui.test_engine_view import open_view_from_picker, outline_line


def child(node: Any, starts: str) -> Any:
    """The child of a tree node whose label starts with `starts`."""
    found = [c for c in node.children if str(c.label).startswith(starts)]
    assert found, f"no child {starts!r} under {node.label}: {[str(c.label) for c in node.children][:8]}"
    return found[0]


async def test_ten_thousand_rows_arrive_and_are_browsable(demo: Demo, tmp_path: Path) -> None:
    app_id = next(str(a["id"]) for a in demo.qseow.store.objects["app"] if a["name"] == BIG_APP_NAME)
    rows = sorted(generate_rows(app_id, BIG_ROWS), key=lambda r: r["OrderID"])
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_view_from_picker(pilot, demo, app_id)
        outline = screen.query_one(EngineOutline)
        lines = outline_line(outline, "Every order line")
        lines.parent.expand()
        await pilot.pause()
        outline.move_cursor(lines)
        await pilot.press("enter")
        view = screen.query_one(ResponseView)
        await wait_until(pilot, lambda: isinstance(view._doc, dict) and "qHyperCube" in view._doc, 60, "the 10,000 rows")
        cube = view._doc["qHyperCube"]
        matrix = [line for page in cube["qDataPages"] for line in page["qMatrix"]]
        assert len(matrix) == 10_000 and cube["qSize"]["qcy"] == BIG_ROWS
        assert [line[0]["qNumber"] for line in matrix] == [r["OrderID"] for r in rows[:10_000]]

        # Browse to the last row: every level is built when expanded, not before.
        tree = view.query_one("#json-tree", JsonTree)
        tree.focus()
        node = child(tree.root, "qHyperCube")
        for key in ("qHyperCube", "qDataPages", "[6]", "qMatrix"):
            if key != "qHyperCube":
                node = child(node, key)
            node.expand()
            await pilot.pause()
        assert len(node.children) > 0
        pages = node.parent.parent
        assert len(child(pages, "[5]").children) == 0  # a page nobody opened: no row of it was built
        last_page_rows = len(cube["qDataPages"][6]["qMatrix"])
        last = child(node, f"[{last_page_rows - 1}]")
        last.expand()
        await pilot.pause()
        cell = child(last, "[4]")
        cell.expand()
        await pilot.pause()
        assert str(rows[9_999]["Sales"]) in str(child(cell, "qNumber").label)
        tree.move_cursor(cell)
        await pilot.press("escape")
        await wait_until(pilot, lambda: demo.qseow.engine.live_count() == 0, what="leaving ends the session")
