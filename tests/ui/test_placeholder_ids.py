"""The {id} picker offers ids of the type the path wants first, the others after, marked (Pilot)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList

from qlik_tui.demo.environment import Demo
from qlik_tui.ui.screens.placeholders import PlaceholderScreen
from qlik_tui.ui.widgets.json_tree import JsonTree
from tests.ui.conftest import make_app, settle
from tests.ui.test_app_flows import type_path
from tests.ui.test_navigation import endpoint


async def send(pilot, path: str) -> object:  # type: ignore[no-untyped-def]
    await type_path(pilot, path)
    await pilot.press("f5")
    await settle(pilot)
    return pilot.app.query_one("#json-tree", JsonTree).root.data.value


async def test_app_id_picker_puts_app_ids_before_newer_stream_ids(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        apps = await send(pilot, "/qrs/app/full")
        streams = await send(pilot, "/qrs/stream/full")  # the newest ids are streams
        app_ids = {a["id"] for a in apps}  # type: ignore[attr-defined]
        stream_ids = {s["id"] for s in streams}  # type: ignore[attr-defined]
        app.load_endpoint(endpoint("GET /qrs/app/{id}"))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PlaceholderScreen)
        options = screen.query_one("#seen-list", OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        first_other = next(i for i, v in enumerate(ids) if v is None)  # the separator
        assert ids[:first_other] and set(ids[:first_other]) <= app_ids
        separator = options.get_option_at_index(first_other)
        assert separator.disabled and "not seen as app" in str(separator.prompt)
        marked = [str(options.get_option_at_index(i).prompt) for i in range(first_other + 1, len(ids))]
        assert any(p.startswith("[stream] ") for p in marked)
        assert stream_ids & set(ids[first_other + 1 :])
        # Enter takes the highlighted one: an app id, which opens that app
        options.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one("#path", Input).value == f"/qrs/app/{ids[0]}"
        await pilot.press("f5")
        await settle(pilot)
        assert app.query_one("#json-tree", JsonTree).root.data.value["schemaPath"] == "App"  # type: ignore[union-attr]
