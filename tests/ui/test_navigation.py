"""Placeholders, drill-down and back, Cloud paging and server discovery in the TUI (Pilot)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList, Static, Tree

from qlik_tui.core.catalog.builtin import builtin
from qlik_tui.demo.environment import Demo, DemoOptions, start_demo
from qlik_tui.ui.screens.placeholders import PlaceholderScreen
from qlik_tui.ui.widgets.json_tree import JsonTree
from tests.specs import newer_qrs_spec
from tests.ui.conftest import make_app, settle, wait_until
from tests.ui.test_app_flows import text_of, type_path


def endpoint(label: str, kind: str = "qseow"):  # type: ignore[no-untyped-def]
    return next(e for e in builtin(kind) if e.label() == label)


async def test_placeholder_offers_seen_ids_and_drill_down_and_back(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        await type_path(pilot, "/qrs/app/full")
        await pilot.press("f5")
        await settle(pilot)
        apps = app.query_one("#json-tree", JsonTree).root.data.value  # type: ignore[union-attr]
        # {id} asks, and offers the ids just seen
        app.load_endpoint(endpoint("GET /qrs/app/{id}"))
        await pilot.pause()
        assert isinstance(app.screen, PlaceholderScreen)
        seen = app.screen.query_one("#seen-list", OptionList)
        assert seen.option_count > 0
        first_id = seen.get_option_at_index(0).id
        seen.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one("#path", Input).value == f"/qrs/app/{first_id}"
        await pilot.press("f5")
        await settle(pilot)
        assert app.query_one("#json-tree", JsonTree).root.data.value["id"] == first_id  # type: ignore[union-attr]
        await pilot.press("ctrl+l")  # (focus away from the tree is fine; Backspace goes through the tree)
        # back on the list, drill from the first app's owner to the user record
        tree = app.query_one("#json-tree", JsonTree)
        tree.focus()
        await pilot.press("backspace")
        await pilot.pause()
        assert app.query_one("#path", Input).value == "/qrs/app/full"
        first = tree.root.children[0]
        first.expand()
        await pilot.pause()
        owner = next(n for n in first.children if n.data.key == "owner")  # type: ignore[union-attr]
        tree.move_cursor(owner)
        await pilot.press("g")
        await settle(pilot)
        user = app.query_one("#json-tree", JsonTree).root.data.value  # type: ignore[union-attr]
        assert user["schemaPath"] == "User" and user["id"] == apps[0]["owner"]["id"]
        assert app.query_one("#path", Input).value == f"/qrs/user/{user['id']}"
        app.query_one("#json-tree", JsonTree).focus()
        await pilot.press("backspace")
        await pilot.pause()
        assert app.query_one("#json-tree", JsonTree).root.data.value == apps  # type: ignore[union-attr]


async def test_drill_on_a_value_that_is_not_an_id(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        await type_path(pilot, "/qrs/about")
        await pilot.press("f5")
        await settle(pilot)
        tree = app.query_one("#json-tree", JsonTree)
        tree.focus()
        tree.move_cursor(tree.root.children[0])
        await pilot.press("g")
        await settle(pilot)
        assert "/qrs/about" == app.query_one("#path", Input).value  # nothing was sent


async def test_cloud_next_page_and_all_pages(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path, active="demo-cloud")
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        await type_path(pilot, "/api/v1/items?resourceType=app&limit=10")
        await pilot.press("f5")
        await settle(pilot)
        status = text_of(app.query_one("#status-line", Static))
        assert "10 items" in status and "n next page" in status
        first_page = app.query_one("#json-tree", JsonTree).root.data.value["data"]  # type: ignore[union-attr]
        app.query_one("#json-tree", JsonTree).focus()
        await pilot.press("n")
        await settle(pilot)
        second_page = app.query_one("#json-tree", JsonTree).root.data.value["data"]  # type: ignore[union-attr]
        assert len(second_page) == 10 and second_page[0]["id"] != first_page[0]["id"]
        await pilot.press("a")
        await settle(pilot)
        status = text_of(app.query_one("#status-line", Static))
        assert "45 items" in status and "pages" in status
        # the item's app opens from resourceId
        tree = app.query_one("#json-tree", JsonTree)
        data = tree.root.children[0]
        data.expand()
        await pilot.pause()
        entry = data.children[0]
        entry.expand()
        await pilot.pause()
        resource = next(n for n in entry.children if n.data.key == "resourceId")  # type: ignore[union-attr]
        tree.move_cursor(resource)
        await pilot.press("g")
        await settle(pilot)
        assert "attributes" in app.query_one("#json-tree", JsonTree).root.data.value  # type: ignore[union-attr]


async def test_discovery_adds_server_endpoints_to_the_browser(tmp_path: Path, monkeypatch: object) -> None:
    spec = newer_qrs_spec(tmp_path)
    with start_demo(DemoOptions(tmp_path / "demo", tls=False, openapi_path=spec)) as demo:
        app = make_app(demo.profiles_path, tmp_path)
        async with app.run_test(size=(110, 40)) as pilot:
            await settle(pilot)
            app.query_one("#endpoint-tree").focus()
            await pilot.press("f6")
            await settle(pilot)
            assert len(app.catalog_for("demo-qseow")) == 1583  # the built-in 1,582 and the newer server's one
            app.query_one("#endpoint-filter", Input).focus()
            await pilot.press(*"futurething")
            await pilot.pause()
            tree: Tree[object] = app.query_one("#endpoint-tree", Tree)
            labels = [str(leaf.label) for group in tree.root.children for leaf in group.children]
            assert any("/qrs/futurething/full" in label and "server" in label for label in labels)


async def test_qrs_list_count_shown_before_sending(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        app.load_endpoint(endpoint("GET /qrs/app/full"))
        await settle(pilot)
        assert "60 objects in this list" in text_of(app.query_one("#placeholder-note", Static))
        assert "/qrs/app/full" not in demo.qseow.stats.paths[-1]  # only the count was asked for


async def test_deprecated_endpoints_are_marked_in_browser_palette_and_editor(demo: Demo, tmp_path: Path) -> None:
    from textual.command import CommandPalette

    app = make_app(demo.profiles_path, tmp_path, active="demo-cloud")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.query_one("#endpoint-filter", Input).focus()
        await pilot.press(*"reload-tasks")
        await pilot.pause()
        tree: Tree[object] = app.query_one("#endpoint-tree", Tree)
        labels = {str(leaf.label) for group in tree.root.children for leaf in group.children}
        assert any(label.startswith("GET") and label.endswith("/api/v1/reload-tasks  ⚠ past sunset") for label in labels)
        await pilot.press("enter")  # into the tree, on the first match: GET /api/v1/reload-tasks
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.query_one("#path", Input).value == "/api/v1/reload-tasks")
        note = app.query_one("#placeholder-note", Static)
        await wait_until(pilot, lambda: "sunset" in text_of(note))
        assert "⚠ past sunset 2026-09; use GET /api/scheduling/tasks" in text_of(note)
        await type_path(pilot, "/api/v1/users/me")  # another path: the mark goes
        await wait_until(pilot, lambda: "sunset" not in text_of(note))
        # the palette says it too
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"reload-tasks")

        def shown() -> str:
            return "\n".join(str(option.prompt) for option in app.screen.query_one(OptionList).options)

        await wait_until(pilot, lambda: "reload-tasks" in shown())  # the palette searches on a timer
        assert "past sunset 2026-09; use GET /api/scheduling/tasks" in shown()


async def test_prefix_typed_in_the_path_is_sent_once_and_said(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_path(pilot, "/jwt/qrs/about")
        await pilot.press("f5")
        await settle(pilot)
        assert app.query_one("#json-tree", JsonTree).root.data.value["buildVersion"] == "38.22.0"  # type: ignore[union-attr]
        said = [n.message for n in app._notifications]
        assert any("/jwt/qrs/about already holds the virtual proxy prefix 'jwt'" in m for m in said), said


async def test_editor_offers_required_keys_as_rows_and_the_others_as_comments(demo: Demo, tmp_path: Path) -> None:
    from textual.widgets import TextArea

    from qlik_tui.ui.widgets.request_editor import RequestEditor

    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        editor = app.query_one(RequestEditor)
        editor.load_endpoint(endpoint("GET /qrs/user/ownedresources"))
        await pilot.pause()
        lines = app.query_one("#query", TextArea).text.splitlines()
        assert lines[:2] == ["userselection=", "filter="] and sorted(lines[2:]) == ["# limit=", "# privileges="]
        odag = endpoint("GET /qrs/odagmodelgroup/full")  # no notes: nothing but comments
        assert not odag.summary and odag.params == ()
        editor.load_endpoint(odag)
        await pilot.pause()
        assert app.query_one("#query", TextArea).text == "# filter=\n# orderby=\n# privileges="
        assert editor.build().query == ()  # comments are not sent
