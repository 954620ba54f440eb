"""The profile editor offers the sign-in method, shows only its fields, and never a field for a secret's value."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select, Static

from qlik_tui.core.profiles.loader import load_profiles
from qlik_tui.core.profiles.model import CloudProfile, QseowProfile, SecretSource
from qlik_tui.ui.screens.profile_editor import ProfileEditor
from tests.ui.conftest import make_app, wait_until
from tests.ui.test_profile_editor import open_editor

HEADER = (
    '# a hand-written file\n[profiles.hdr]  # header proxy\ntype = "qseow"\nauth = "header"\nurl = "https://qs.invalid"\n'
    'virtual_proxy = "hdr"\nheader_name = "X-User"\nuser = "alice"\n'
)


def shown_fields(editor: ProfileEditor) -> set[str]:
    return {str(w.id) for w in editor.query("Input, TextArea") if w.display and w.parent.display}  # type: ignore[union-attr]


async def pick(editor: ProfileEditor, pilot: object, select: str, value: str) -> None:
    editor.query_one(select, Select).value = value
    await pilot.pause()  # type: ignore[attr-defined]


async def test_each_method_shows_only_its_fields(tmp_path: Path) -> None:
    (tmp_path / "profiles.toml").write_text(HEADER)
    app = make_app(tmp_path / "profiles.toml", tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        editor = await open_editor(pilot, "ctrl+n")
        assert {"f-key", "f-claims", "f-lifetime", "f-key_passphrase"} <= shown_fields(editor)
        await pick(editor, pilot, "#f-auth", "certificate")
        assert shown_fields(editor) == {
            "f-name", "f-url", "f-user", "f-client_cert", "f-client_key", "f-ca_bundle", "f-catalog_files", "f-key_passphrase"
        }  # fmt: skip
        await pick(editor, pilot, "#f-type", "cloud")
        assert editor.query_one("#f-auth", Select).value == "jwt"  # certificates are QSEoW's
        await pick(editor, pilot, "#f-auth", "api_key")
        assert shown_fields(editor) == {"f-name", "f-url", "f-api_key", "f-ca_bundle", "f-catalog_files"}
        await pick(editor, pilot, "#f-auth", "oauth")
        oauth = {"f-name", "f-url", "f-client_id", "f-scopes", "f-client_secret", "f-ca_bundle", "f-catalog_files"}
        assert shown_fields(editor) == oauth
        # what is typed for a secret is where it lives; the placeholder follows the source chosen
        await pick(editor, pilot, "#f-client_secret-source", "command")
        assert editor.query_one("#f-client_secret", Input).placeholder == "pass show qlik/eu"


async def test_a_new_api_key_profile_is_saved_with_its_source(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    path.write_text(HEADER)
    app = make_app(path, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        editor = await open_editor(pilot, "ctrl+n")
        await pick(editor, pilot, "#f-type", "cloud")
        await pick(editor, pilot, "#f-auth", "oauth")
        editor.query_one("#f-name", Input).value = "m2m"
        editor.query_one("#f-url", Input).value = "t.eu.qlikcloud.com"
        editor.query_one("#f-client_id", Input).value = "6f2d0c"
        editor.query_one("#f-scopes", Input).value = "user_default, admin_classic"
        await pick(editor, pilot, "#f-client_secret-source", "command")
        editor.query_one("#f-client_secret", Input).value = "pass show qlik/m2m"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ProfileEditor), what="the editor to close")
    text = path.read_text()
    assert text.startswith("# a hand-written file\n[profiles.hdr]  # header proxy\n")
    profile = load_profiles(path).profiles["m2m"]
    assert isinstance(profile, CloudProfile) and profile.auth == "oauth" and profile.client_id == "6f2d0c"
    assert profile.scopes == ("user_default", "admin_classic") and profile.claims == {}
    assert profile.secrets == {"client_secret": SecretSource("command", ("pass", "show", "qlik/m2m"))}
    assert "claims" not in text.split("[profiles.m2m]")[1] and "key =" not in text.split("[profiles.m2m]")[1]


async def test_certificate_profile_problems_point_at_the_fields(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    path.write_text(HEADER)
    app = make_app(path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, "ctrl+n")
        await pick(editor, pilot, "#f-auth", "certificate")
        editor.query_one("#f-name", Input).value = "qrs"
        editor.query_one("#f-url", Input).value = "https://qs.example.com"
        editor.query_one("#f-user", Input).value = "alice"
        editor.query_one("#f-client_cert", Input).value = "client.pem"
        editor.query_one("#f-client_key", Input).value = "client_key.pem"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: editor.query_one("#f-url", Input).has_class("-invalid"), what="the URL marked")
        problems = str(editor.query_one("#editor-problems", Static).render())
        assert "has no port; certificates are taken by the QRS port" in problems and "has no user directory" in problems
        assert app.focused is editor.query_one("#f-url", Input) and editor.query_one("#f-user", Input).has_class("-invalid")
        editor.query_one("#f-url", Input).value = "https://qs.example.com:4242"
        editor.query_one("#f-user", Input).value = "INTERNAL\\sa_api"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ProfileEditor), what="the editor to close")
    profile = load_profiles(path).profiles["qrs"]
    assert isinstance(profile, QseowProfile) and profile.user_directory_and_id == ("INTERNAL", "sa_api")


async def test_editing_an_existing_header_profile_shows_its_values(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    path.write_text(HEADER)
    app = make_app(path, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        editor = await open_editor(pilot, "f3")
        assert editor.query_one("#f-auth", Select).value == "header"
        assert editor.query_one("#f-header_name", Input).value == "X-User" and editor.query_one("#f-user", Input).value == "alice"
        assert "f-key" not in shown_fields(editor) and "f-claims" not in shown_fields(editor)
        editor.query_one("#f-header_name", Input).value = "X Bad"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: editor.query_one("#f-header_name", Input).has_class("-invalid"))
        editor.query_one("#f-header_name", Input).value = "X-Qlik-User-Header"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ProfileEditor), what="the editor to close")
    assert path.read_text() == HEADER.replace('"X-User"', '"X-Qlik-User-Header"')


async def test_keys_without_a_field_survive_an_edit(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    path.write_text(HEADER + 'session_cache = false\n\n[profiles.hdr.vars]\napp_id = "f9e8"  # the sales app\n')
    app = make_app(path, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        editor = await open_editor(pilot, "f3")
        editor.query_one("#f-user", Input).value = "bob"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ProfileEditor), what="the editor to close")
    profile = load_profiles(path).profiles["hdr"]
    assert profile.user == "bob" and profile.vars == {"app_id": "f9e8"} and profile.session_cache is False
    assert 'app_id = "f9e8"  # the sales app' in path.read_text()


async def test_palette_check_of_an_api_key_profile_shows_the_offline_findings(tmp_path: Path) -> None:
    from textual.command import CommandPalette
    from textual.widgets import OptionList

    from qlik_tui.ui.screens.profile_check import ProfileCheckScreen

    path = tmp_path / "profiles.toml"
    path.write_text('[profiles.eu]\ntype = "cloud"\nauth = "api_key"\nurl = "https://t.invalid"\napi_key_file = "eu.key"\n')
    (tmp_path / "eu.key").write_text("not-a-jwt-secret\n")
    (tmp_path / "eu.key").chmod(0o600)
    app = make_app(path, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"check profile eu")

        def offered() -> bool:
            options = app.screen.query_one(OptionList)
            return options.option_count > 0 and "Check profile eu" in str(options.get_option_at_index(0).prompt)

        await wait_until(pilot, offered, what="the palette entry")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ProfileCheckScreen))
        body = app.screen.query_one("#profile-check-body", Static)
        await wait_until(pilot, lambda: "is not a Qlik API key" in str(body.render()), what="the finding")
        assert "not-a-jwt-secret" not in str(body.render())
