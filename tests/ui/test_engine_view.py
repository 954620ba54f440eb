"""The Engine view (F9) with Pilot, against the simulated Engine over real loopback WebSockets:
open an app from an id seen in a response or from the picker, browse the outline, evaluate
with numbers computed here from the generated rows, search the script, leave (the Engine's
session ends: the simulator's count says so)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList, Static

from qlik_tui.demo.engine_apps import generate_rows
from qlik_tui.demo.environment import Demo
from qlik_tui.ui.screens.engine_picker import EnginePicker
from qlik_tui.ui.screens.engine_view import EngineScreen
from qlik_tui.ui.widgets.engine_eval import EngineEval
from qlik_tui.ui.widgets.engine_outline import EngineOutline
from qlik_tui.ui.widgets.json_tree import JsonTree
from qlik_tui.ui.widgets.raw_search_view import RawSearchView
from qlik_tui.ui.widgets.response_view import ResponseView
from qlik_tui.ui.widgets.token_panel import TokenPanel
from tests.ui.conftest import make_app, settle, wait_until


def first_app(demo: Demo) -> tuple[str, str]:
    app = demo.qseow.store.objects["app"][0]
    return str(app["id"]), str(app["name"])


def outline_line(outline: EngineOutline, starts: str):  # type: ignore[no-untyped-def]
    """The first line (depth first) whose label starts with `starts`."""
    stack = list(outline.root.children)
    while stack:
        node = stack.pop(0)
        if str(node.label).startswith(starts):
            return node
        stack[:0] = list(node.children)
    raise AssertionError(f"no outline line starts with {starts!r}")


async def open_view_from_picker(pilot, demo: Demo, app_id: str) -> EngineScreen:  # type: ignore[no-untyped-def]
    app = pilot.app
    await pilot.press("f12")
    await wait_until(pilot, lambda: isinstance(app.screen, EnginePicker), what="the picker opens")
    await pilot.press(*app_id, "enter")
    await wait_until(pilot, lambda: isinstance(app.screen, EngineScreen), what="the Engine view opens")
    screen = app.screen
    assert isinstance(screen, EngineScreen)
    await wait_until(pilot, lambda: screen.outline is not None, what="the outline is read")
    return screen


async def test_open_browse_evaluate_script_and_leave_closes_the_session(demo: Demo, tmp_path: Path) -> None:
    app_id, _ = first_app(demo)
    rows = generate_rows(app_id)
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_view_from_picker(pilot, demo, app_id)
        assert demo.qseow.engine.live_count() == 1
        outline = screen.query_one(EngineOutline)
        assert app.focused is outline
        assert str(outline_line(outline, "Sheets").label) == "Sheets (2)"
        assert outline_line(outline, "Overview") and outline_line(outline, "Total sales")
        assert str(outline_line(outline, "Fields").label).startswith("Fields (")
        panel = str(screen.query_one("#engine-token", TokenPanel).render())
        assert "engine: connected (session created) · app open" in panel

        # The table: its layout with the hypercube's rows, in the JSON tree.
        table = outline_line(outline, "Sales by region and product")
        table.parent.expand()  # its sheet, as → does
        await pilot.pause()
        outline.move_cursor(table)
        await pilot.press("enter")
        view = screen.query_one(ResponseView)
        tree = view.query_one("#json-tree", JsonTree)
        await wait_until(pilot, lambda: isinstance(view._doc, dict) and "qHyperCube" in view._doc, what="the table's layout")
        cube = view._doc["qHyperCube"]
        assert cube["qSize"]["qcy"] > 0 and sum(len(p["qMatrix"]) for p in cube["qDataPages"]) == cube["qSize"]["qcy"]
        assert tree.root.children  # shown (children built lazily)

        # Expressions: the numbers are the rows' own, computed here.
        await pilot.press("ctrl+e")
        assert isinstance(app.focused, Input) and app.focused.id == "engine-expression"
        await pilot.press(*"Sum(Quantity)", "enter")
        await pilot.press(*"Count(OrderID)", "enter")
        await pilot.press(*"Nonsense(Sales)", "enter")
        bar = screen.query_one(EngineEval)
        await wait_until(pilot, lambda: len(bar.results) == 3, what="three results")
        by_expression = {r[0]: r for r in bar.results}
        assert by_expression["Sum(Quantity)"][2] == sum(r["Quantity"] for r in rows)
        assert by_expression["Count(OrderID)"][2] == len(rows)
        assert by_expression["Nonsense(Sales)"][3] is True and by_expression["Nonsense(Sales)"][2] is None
        await pilot.press("up")  # history: the last expression back in the bar
        assert app.focused.value == "Nonsense(Sales)"  # type: ignore[union-attr]
        await pilot.press("up")
        assert app.focused.value == "Count(OrderID)"  # type: ignore[union-attr]

        # The load script, read-only, searchable.
        await pilot.press("ctrl+s")
        raw = view.query_one("#raw", RawSearchView)
        await wait_until(pilot, lambda: b"LOAD" in raw._text, what="the script in the raw view")
        raw.focus()
        await pilot.press("slash", *"qvd", "enter")
        await wait_until(pilot, lambda: bool(raw.hits), what="a hit for qvd")

        # Leaving closes the Engine session.
        await pilot.press("escape", "escape")  # the find bar, then its hits
        if isinstance(app.screen, EngineScreen):
            await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, EngineScreen), what="back on the main screen")
        await wait_until(pilot, lambda: demo.qseow.engine.live_count() == 0, what="the Engine ends the session")
        assert "engine: closed" in str(app.query_one(TokenPanel).render())


async def test_f12_on_an_app_in_the_response_opens_it_directly(demo: Demo, tmp_path: Path) -> None:
    app_id, name = first_app(demo)
    app = make_app(demo.profiles_path, tmp_path, request="GET /qrs/app/full")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        tree = app.query_one("#json-tree", JsonTree)
        await wait_until(pilot, lambda: len(tree.root.children) > 0, what="the app list")
        tree.focus()
        tree.move_cursor(tree.root.children[0])
        await pilot.press("f12")
        await wait_until(pilot, lambda: isinstance(app.screen, EngineScreen), what="the Engine view, no picker")
        screen = app.screen
        assert isinstance(screen, EngineScreen) and screen.app_id == app_id and name in screen.label
        shown = str(screen.title).removeprefix("Engine · ")  # whole, or visibly cut
        assert shown == screen.label or (shown.endswith("…") and screen.label.startswith(shown[:-1]))
        await wait_until(pilot, lambda: screen.outline is not None, what="the outline")
        await pilot.press("f9")  # in the view, F9 is the outline (the app's F9, curl export, is hidden there)
        await pilot.press("escape")
        await wait_until(pilot, lambda: demo.qseow.engine.live_count() == 0, what="the session ends")


async def test_the_picker_lists_the_engines_apps_and_errors_stay_in_the_view(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f12")
        await wait_until(pilot, lambda: isinstance(app.screen, EnginePicker), what="the picker")
        picker = app.screen
        assert isinstance(picker, EnginePicker)
        count = len(demo.qseow.store.objects["app"])
        await wait_until(pilot, lambda: picker.query_one(OptionList).option_count >= min(count, 500), what="GetDocList")
        await pilot.press(*"no-such-app", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, EngineScreen), what="the view")
        screen = app.screen
        status = screen.query_one("#error-panel", Static)
        await wait_until(pilot, lambda: "hint:" in str(status.render()), what="the error with its hint")
        await wait_until(pilot, lambda: demo.qseow.engine.live_count() == 0, what="no session left open")
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, EngineScreen), what="back")
        assert app.return_code is None  # nothing crashed


async def test_cloud_profile_opens_an_item_resource_id(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path, active="demo-cloud", request="GET /api/v1/items?resourceType=app")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        tree = app.query_one("#json-tree", JsonTree)
        await wait_until(pilot, lambda: bool(tree.root.children), what="the items")
        data = next(n for n in tree.root.children if str(n.label).startswith("data"))
        data.expand()
        await pilot.pause()
        tree.focus()
        tree.move_cursor(data.children[0])
        await pilot.press("f12")
        await wait_until(pilot, lambda: isinstance(app.screen, EngineScreen), what="the view")
        screen = app.screen
        assert isinstance(screen, EngineScreen)
        await wait_until(pilot, lambda: screen.outline is not None, what="the outline over Cloud")
        assert demo.cloud.engine.live_count() == 1
        await pilot.press("escape")
        await wait_until(pilot, lambda: demo.cloud.engine.live_count() == 0, what="the session ends")
