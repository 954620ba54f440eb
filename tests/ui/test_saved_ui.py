"""The Saved tab, saving from the editor, variables and the palette, driven by keys (Pilot)."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input, OptionList, Static, TabbedContent, TextArea

from qlik_tui.core.saved import store
from qlik_tui.core.saved.model import SavedRequest
from qlik_tui.demo.environment import Demo
from tests.ui.conftest import make_app, settle, wait_until
from tests.ui.test_app_flows import text_of, type_path

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"


def add_vars(demo: Demo, **values: str) -> None:
    lines = "".join(f'{k} = "{v}"\n' for k, v in values.items())
    demo.profiles_path.write_text(demo.profiles_path.read_text() + f"\n[profiles.demo-qseow.vars]\n{lines}")


def saved_rows(app: object) -> list[str]:
    listing = app.query_one("#saved-list", OptionList)  # type: ignore[attr-defined]
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


async def test_save_from_the_editor_writes_a_file_without_secrets(demo: Demo, tmp_path: Path) -> None:
    collection = tmp_path / "requests"
    app = make_app(demo.profiles_path, tmp_path)
    app.collection_option = str(collection)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_path(pilot, "/qrs/app")
        app.query_one("#query", TextArea).text = "filter=name eq '{{app}}'\n# orderby=\naccess_token=hunter2"
        app.query_one("#headers", TextArea).text = f"Authorization: Bearer {JWT}\nCookie: X-Qlik-Session=abc123\nX-Note: kept"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen.query("#save-request-name"), what="the save dialog")
        await pilot.press(*"finance/one app", "enter", *"Apps by name", "enter")
        await wait_until(pilot, lambda: (collection / "finance" / "one app.toml").exists(), what="the file written")
        await pilot.press("shift+f12")  # the Saved tab is filled when first opened
        await wait_until(pilot, lambda: saved_rows(app), what="the Saved tab refreshed")
        assert "finance/one app" in saved_rows(app)[0]
    written = (collection / "finance" / "one app.toml").read_text()
    for secret in (JWT, "eyJ", "hunter2", "abc123", "Authorization", "Cookie"):
        assert secret not in written, secret
    saved = store.load(collection, "finance/one app")
    assert saved.description == "Apps by name" and saved.headers == (("X-Note", "kept"),)
    assert saved.query == (("filter", "name eq '{{app}}'"), ("access_token", "{{access_token}}"))


async def test_saved_tab_filters_loads_and_runs_with_the_profiles_vars(demo: Demo, tmp_path: Path) -> None:
    collection = tmp_path / "requests"
    store.save(collection, SavedRequest("about", "GET", "/qrs/about"))
    store.save(collection, SavedRequest("finance/by name", "GET", "/qrs/{{kind}}", (("filter", "name eq '{{app}}'"),)))
    add_vars(demo, kind="app", app="[Sales] =Sum([Amount])")
    app = make_app(demo.profiles_path, tmp_path)
    app.collection_option = str(collection)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("shift+f12")
        assert app.query_one("#side-tabs", TabbedContent).active == "tab-saved"
        assert app.focused is app.query_one("#saved-filter", Input)
        await wait_until(pilot, lambda: len(saved_rows(app)) == 2, what="two saved requests")
        await pilot.press(*"fin", "enter")  # filter, then Enter goes into the list
        assert len(saved_rows(app)) == 1 and "finance/by name" in saved_rows(app)[0]
        await pilot.press("enter")  # loads into the editor, variables as typed
        assert app.query_one("#path", Input).value == "/qrs/{{kind}}"
        await wait_until(pilot, lambda: "{{" in text_of(app.query_one("#placeholder-note", Static)), what="the note")
        note = text_of(app.query_one("#placeholder-note", Static))
        assert "{{kind}} from the profile" in note and "{{app}} from the profile" in note
        await pilot.press("shift+f12", "tab", "r")  # r in the list runs it
        await wait_until(pilot, lambda: "200 OK" in text_of(app.query_one("#status-line", Static)), what="200 OK")
        assert app.query_one("#path", Input).value == "/qrs/{{kind}}"  # the editor keeps the variable
    assert demo.qseow.stats.paths[-1] == "/jwt/qrs/app"
    body = app.workspace.state().response.json()  # type: ignore[union-attr]
    assert [a["name"] for a in body] == ["[Sales] =Sum([Amount])"]


async def test_an_unresolved_variable_is_shown_and_not_sent(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = demo.qseow.stats.requests
        await type_path(pilot, "/qrs/{{kind}}/count")
        await pilot.press("f5")
        await settle(pilot)
        error = text_of(app.query_one("#error-panel", Static))
        assert "no value for {{kind}}" in error and "[profiles.NAME.vars]" in error
        assert "not sent" in text_of(app.query_one("#status-line", Static))
    assert demo.qseow.stats.requests == before


async def test_palette_lists_saved_requests(demo: Demo, tmp_path: Path) -> None:
    collection = tmp_path / "requests"
    store.save(collection, SavedRequest("count apps", "GET", "/qrs/app/count", description="how many"))
    app = make_app(demo.profiles_path, tmp_path)
    app.collection_option = str(collection)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"Run saved: count")
        await pilot.pause()
        await pilot.press("enter")
        await wait_until(pilot, lambda: "200 OK" in text_of(app.query_one("#status-line", Static)), what="200 OK")
        assert app.query_one("#path", Input).value == "/qrs/app/count"
    assert json.loads(app.workspace.state().response.body) == {"value": 60}  # type: ignore[union-attr]


async def test_rename_and_delete_from_the_saved_tab_ask_first(demo: Demo, tmp_path: Path) -> None:
    collection = tmp_path / "requests"
    store.save(collection, SavedRequest("about", "GET", "/qrs/about", description="server"))
    store.save(collection, SavedRequest("finance/apps", "GET", "/qrs/app"))
    app = make_app(demo.profiles_path, tmp_path)
    app.collection_option = str(collection)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("shift+f12")
        await wait_until(pilot, lambda: len(saved_rows(app)) == 2, what="two saved requests")
        await pilot.press(*"about", "enter", "m")  # rename: the save dialog, filled in
        await wait_until(pilot, lambda: app.screen.query("#save-request-name"), what="the rename dialog")
        name = app.screen.query_one("#save-request-name", Input)
        assert name.value == "about"
        name.value = "ops/about the server"
        await pilot.press("enter", "end", *" (QRS)", "enter")
        await wait_until(pilot, lambda: (collection / "ops" / "about the server.toml").exists(), what="moved")
        assert not (collection / "about.toml").exists()
        assert store.load(collection, "ops/about the server").description == "server (QRS)"
        app.query_one("#saved-filter", Input).value = ""
        await wait_until(pilot, lambda: len(saved_rows(app)) == 2, what="the list refreshed")
        listing = app.query_one("#saved-list", OptionList)
        listing.focus()
        listing.highlighted = next(i for i, row in enumerate(saved_rows(app)) if "finance/apps" in row)
        await pilot.press("delete")
        await wait_until(pilot, lambda: app.screen.query("#yes"), what="the question")
        await pilot.press("n")  # no: nothing is deleted
        await settle(pilot)
        assert (collection / "finance" / "apps.toml").exists()
        await pilot.press("delete")
        await wait_until(pilot, lambda: app.screen.query("#yes"), what="the question")
        await pilot.press("y")
        await wait_until(pilot, lambda: len(saved_rows(app)) == 1, what="the list without it")
        assert not (collection / "finance").exists()
        assert "ops/about the server" in saved_rows(app)[0]


async def test_long_saved_and_history_rows_take_one_line_at_80_columns(demo: Demo, tmp_path: Path) -> None:
    collection = tmp_path / "requests"
    long_name = "finance/a very long saved request name that cannot fit"
    store.save(collection, SavedRequest(long_name, "GET", "/qrs/app/full/with/a/long/path"))
    store.save(collection, SavedRequest("about", "GET", "/qrs/about"))
    app = make_app(demo.profiles_path, tmp_path)
    app.collection_option = str(collection)
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        await type_path(pilot, "/qrs/app?filter=name eq 'a very long filter value that cannot fit either'")
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("shift+f12")
        await wait_until(pilot, lambda: len(saved_rows(app)) == 2, what="two saved requests")
        for list_id in ("#saved-list", "#history"):
            if list_id == "#history":
                app.query_one("#side-tabs", TabbedContent).active = "tab-history"
                await settle(pilot)  # the History tab is filled when first opened
            listing = app.query_one(list_id, OptionList)
            if list_id == "#history":
                listing.focus()  # focus left in the Saved tab's filter would pull its tab back
            await wait_until(pilot, lambda listing=listing: listing.scrollable_content_region.width > 0, what="shown")
            assert listing.option_count > 0
            style = listing.get_visual_style("option-list--option")
            rows = [listing._get_option_render(listing.get_option_at_index(i), style) for i in range(listing.option_count)]
            assert [len(lines) for lines in rows] == [1] * listing.option_count, list_id  # one line each, cut with …
