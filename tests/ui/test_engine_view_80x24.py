"""The Engine view at 80x24: outline, JSON tree, expression bar and footer keys all on screen,
none over another, each usable from the keyboard."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Footer, Input
from textual.widgets._footer import FooterKey

from qlik_tui.demo.engine_apps import generate_rows
from qlik_tui.demo.environment import Demo
from qlik_tui.ui.widgets.engine_eval import EngineEval
from qlik_tui.ui.widgets.engine_outline import EngineOutline
from qlik_tui.ui.widgets.json_tree import JsonTree
from qlik_tui.ui.widgets.response_view import ResponseView
from qlik_tui.ui.widgets.token_panel import TokenPanel
from tests.ui.conftest import make_app, settle, wait_until
from tests.ui.test_engine_view import first_app, open_view_from_picker, outline_line


async def test_every_part_is_on_screen_and_usable_at_80x24(demo: Demo, tmp_path: Path) -> None:
    app_id, _ = first_app(demo)
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_view_from_picker(pilot, demo, app_id)
        outline = screen.query_one(EngineOutline)
        view = screen.query_one(ResponseView)
        bar = screen.query_one(EngineEval)
        expression = bar.query_one("#engine-expression", Input)
        footer = screen.query_one(Footer)
        parts = {
            "outline": outline.region,
            "token": screen.query_one("#engine-token", TokenPanel).region,
            "view": view.region,
            "bar": bar.region,
            "footer": footer.region,
        }
        whole = screen.region
        for name, region in parts.items():
            assert region.area > 0 and whole.contains_region(region), (name, region)  # on screen, not clipped away
        names = list(parts)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                assert not parts[a].overlaps(parts[b]), (a, b)
        assert parts["outline"].width >= 24 and parts["outline"].height >= 8  # a few lines of titles
        assert outline.scrollable_content_region.height == outline.region.height - 2  # borders only: no sideways scrollbar
        assert parts["view"].width >= 40 and parts["view"].height >= 8  # a JSON tree worth reading
        assert expression.region.height >= 1 and parts["bar"].contains_region(expression.region)
        shown_keys = [k.description for k in footer.query(FooterKey) if k.region.area and whole.contains_region(k.region)]
        assert {"Leave", "Outline", "Evaluate", "Script"} <= set(shown_keys), shown_keys

        # Usable: the outline opens an object into the tree, the bar evaluates, F9 goes back.
        table = outline_line(outline, "Sales by region and product")
        table.parent.expand()
        await pilot.pause()
        outline.move_cursor(table)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(view._doc, dict) and "qHyperCube" in view._doc, what="the table")
        tree = view.query_one("#json-tree", JsonTree)
        assert tree.region.height >= 5 and parts["view"].contains_region(tree.region)
        assert outline.cursor_node is table and table.line >= 0  # the chosen line is still visible
        await pilot.press("ctrl+e")
        assert app.focused is expression
        await pilot.press(*"Count(OrderID)", "enter")
        await wait_until(pilot, lambda: len(bar.results) == 1, what="the result")
        assert bar.results[0][2] == len(generate_rows(app_id))
        await pilot.press("f9")
        assert app.focused is outline
        await pilot.press("escape")
        await wait_until(pilot, lambda: demo.qseow.engine.live_count() == 0, what="leaving ends the session")
