"""Keys of the response panel: → / ← in the tree, direct tab keys, `/` in the Raw tab, and
the elapsed time while a request runs (Pilot, simulator over real loopback HTTP)."""

from __future__ import annotations

from pathlib import Path

from qlik_tui.demo.environment import Demo
from qlik_tui.ui.widgets.json_tree import JsonTree
from tests.ui.conftest import make_app, settle
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
