"""The profile editor never loses what was typed, nor what is in the file on disk."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Select, Static, TextArea

from qlik_tui.core.profiles.loader import load_profiles
from qlik_tui.demo.environment import DEMO_PROFILES, Demo
from qlik_tui.ui.launch import load_for_app
from qlik_tui.ui.screens.profile_editor import ProfileEditor
from qlik_tui.ui.screens.simple import ConfirmScreen
from qlik_tui.ui.screens.welcome import WelcomeScreen
from tests.ui.conftest import make_app, settle, wait_until

LAB = '\n[profiles.lab]\ntype = "qseow"\nurl = "https://lab"\nkey = "k.pem"\n[profiles.lab.claims]\nuserId = "x"\n'


def problems_of(editor: ProfileEditor) -> str:
    return str(editor.query_one("#editor-problems", Static).render())


async def open_editor(pilot: Pilot[int], key: str = "f3") -> ProfileEditor:
    await settle(pilot)
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ProfileEditor))
    editor = pilot.app.screen
    assert isinstance(editor, ProfileEditor)
    return editor


async def test_a_failed_save_keeps_the_editor_open_with_the_typing(demo: Demo, tmp_path: Path) -> None:
    blocker = demo.profiles_path.with_name("profiles.toml.bak")
    blocker.mkdir()  # a real failing write: the backup cannot be renamed over a folder that holds a file
    (blocker / "keep").write_text("x")
    before = demo.profiles_path.read_bytes()
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        editor = await open_editor(pilot)
        editor.query_one("#f-lifetime", Input).value = "10m"
        editor.query_one("#f-audience", Input).value = "typed by hand"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is editor
        assert "cannot keep a backup" in problems_of(editor) and "the file was not changed" in problems_of(editor)
        assert editor.query_one("#f-audience", Input).value == "typed by hand"
        assert demo.profiles_path.read_bytes() == before
        (blocker / "keep").unlink()
        blocker.rmdir()
        await pilot.press("ctrl+s")  # the same typing, saved once the folder is fixed
        await wait_until(pilot, lambda: not isinstance(app.screen, ProfileEditor))
    saved = load_profiles(demo.profiles_path).profiles["demo-qseow"]
    assert saved.lifetime == "10m" and saved.audience == "typed by hand"


async def test_a_save_without_a_change_says_nothing_was_written(demo: Demo, tmp_path: Path) -> None:
    before = demo.profiles_path.read_bytes()
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_editor(pilot)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ProfileEditor))
        messages = [n.message for n in app._notifications]
    assert demo.profiles_path.read_bytes() == before
    assert not demo.profiles_path.with_name("profiles.toml.bak").exists()
    # Before: "Saved ... (previous version kept as .bak)", naming a backup that was never made.
    assert not any(m.startswith("Saved") for m in messages), messages
    assert any("nothing to save" in m for m in messages), messages


async def test_a_profile_added_on_disk_while_the_tui_runs_is_kept(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        editor = await open_editor(pilot)
        with demo.profiles_path.open("a") as other:  # another editor, or a second qlik-tui
            other.write(LAB)
        editor.query_one("#f-lifetime", Input).value = "10m"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ProfileEditor))
        assert app.workspace is not None and "lab" in app.workspace.profile_set.names()
    on_disk = load_profiles(demo.profiles_path)
    assert on_disk.names() == [*DEMO_PROFILES, "lab"]
    assert on_disk.profiles["demo-qseow"].lifetime == "10m"


async def test_the_same_profile_changed_on_disk_asks_before_replacing(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        editor = await open_editor(pilot)
        demo.profiles_path.write_text(demo.profiles_path.read_text().replace('userId = "alice"', 'userId = "bob"'))
        editor.query_one("#f-lifetime", Input).value = "10m"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "changed in the file" in app.screen.question  # type: ignore[attr-defined]
        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen is editor)
        assert 'userId = "bob"' in demo.profiles_path.read_text()  # theirs untouched
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: not isinstance(app.screen, (ProfileEditor, ConfirmScreen)))
    saved = load_profiles(demo.profiles_path).profiles["demo-qseow"]
    assert saved.lifetime == "10m" and saved.claims["userId"] == "alice"


async def test_a_file_that_appears_under_the_welcome_screen_is_added_to(tmp_path: Path, keys: object) -> None:
    path = tmp_path / "cfg" / "profiles.toml"
    app = make_app(path, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, WelcomeScreen))
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, ProfileEditor))
        editor = app.screen
        path.parent.mkdir()
        path.write_text('# written by hand meanwhile\ndefault = "lab"\n' + LAB)
        editor.query_one("#f-name", Input).value = "mine"
        editor.query_one("#f-url", Input).value = "https://qlik.mine.local"
        editor.query_one("#f-key", Input).value = str(keys.key_path)  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, (ProfileEditor, WelcomeScreen)))
        assert app.workspace is not None and app.workspace.profile_set.names() == ["lab", "mine"]
    text = path.read_text()
    assert text.startswith('# written by hand meanwhile\ndefault = "lab"\n' + LAB)
    assert load_profiles(path).default == "lab"


async def test_validation_focuses_the_first_field_in_error_at_80x24(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, "ctrl+n")
        shown = [w for w in editor.query(Input) if w.parent.display and w.region.height and w.region.bottom <= 24]  # type: ignore[union-attr]
        assert len(shown) >= 10  # a compact form: not 4 fields per screen
        editor.query_one("#f-name", Input).value = "lab"
        editor.query_one("#f-url", Input).value = "https://lab"
        editor.query_one("#f-lifetime", Input).value = "soon"
        editor.query_one("#f-key", Input).value = ""
        editor.query_one("#f-claims", TextArea).focus()  # the cursor is far from the fields in error
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert app.focused is editor.query_one("#f-key", Input)  # the first in the form, not in the list
        key_box = editor.query_one("#f-key", Input)
        assert key_box.has_class("-invalid") and editor.query_one("#f-lifetime", Input).has_class("-invalid")
        assert 0 <= key_box.region.y < 24 and key_box.region.height == 1
        # The list of problems sits below the form, off screen at 80x24: the reasons must show anyway.
        said = " ".join(n.message for n in app._notifications)
        assert "lifetime" in said and "key" in said


async def test_type_switch_swaps_the_claims_template_unless_edited(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        editor = await open_editor(pilot, "ctrl+n")
        claims = editor.query_one("#f-claims", TextArea)
        assert "userDirectory" in claims.text
        editor.query_one("#f-type", Select).value = "cloud"
        await pilot.pause()
        assert "email_verified = true" in claims.text and "userDirectory" not in claims.text
        claims.text = 'sub = "me"\n'
        editor.query_one("#f-type", Select).value = "qseow"
        await pilot.pause()
        assert claims.text == 'sub = "me"\n'


async def test_typing_a_host_keeps_it_and_the_scheme_is_added_on_save(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        editor = await open_editor(pilot, "ctrl+n")
        editor.query_one("#f-name", Input).value = "typed"
        editor.query_one("#f-key", Input).value = "keys/private.pem"
        editor.query_one("#f-url", Input).focus()
        await pilot.press(*"qlik.example.com")
        assert editor.query_one("#f-url", Input).value == "qlik.example.com"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ProfileEditor))
    assert load_profiles(demo.profiles_path).profiles["typed"].url == "https://qlik.example.com"


async def test_keygen_from_the_form_fills_the_paths(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        editor = await open_editor(pilot, "ctrl+n")
        editor.KEYGEN_BITS = 2048  # quicker than the CLI's 4096 on a busy test machine
        editor.query_one("#f-name", Input).value = "lab one"
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: editor.query_one("#f-key", Input).value != "")
        assert editor.query_one("#f-key", Input).value == "keys/lab_one/private.pem"
        assert editor.query_one("#f-cert", Input).value == "keys/lab_one/cert.pem"
        editor.query_one("#f-url", Input).value = "https://lab"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ProfileEditor))
    profile = load_profiles(demo.profiles_path).profiles["lab one"]
    assert profile.key_path == demo.profiles_path.parent / "keys" / "lab_one" / "private.pem" and profile.key_path.is_file()
    assert profile.cert_path is not None and profile.cert_path.is_file()


async def test_in_the_demo_new_profiles_go_to_the_users_own_file(demo: Demo, tmp_path: Path) -> None:
    home = tmp_path / "config" / "qlik-tui" / "profiles.toml"
    demo_before = demo.profiles_path.read_bytes()
    app = make_app(demo.profiles_path, tmp_path)
    app.home_profiles = home
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        app.action_duplicate_profile()  # a copy of demo-qseow, whose key path is relative to the demo folder
        await wait_until(pilot, lambda: isinstance(app.screen, ProfileEditor))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ProfileEditor))
    assert demo.profiles_path.read_bytes() == demo_before  # the demo's scratch file is its own
    copy = load_profiles(home).profiles["demo-qseow-copy"]
    assert copy.key_path == demo.profiles_path.parent / "keys" / "private.pem" and copy.key_path.is_file()


async def test_d_in_the_profiles_list_changes_only_the_default_line(demo: Demo, tmp_path: Path) -> None:
    before = demo.profiles_path.read_text()
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        profiles = app.query_one("#profiles")
        profiles.focus()
        await pilot.press("down", "d")
        await wait_until(pilot, lambda: app.workspace is not None and app.workspace.profile_set.default == "demo-cloud")
    assert demo.profiles_path.read_text() == before.replace('default = "demo-qseow"', 'default = "demo-cloud"')


def test_starting_removes_what_a_killed_save_left_behind(demo: Demo) -> None:
    stale = demo.profiles_path.with_name(".profiles.toml.x1y2z3_4.tmp")
    stale.write_text("half a file")
    profile_set, problem = load_for_app(demo.profiles_path)
    assert problem is None and profile_set is not None and not stale.exists()


async def test_the_editor_opens_on_what_is_on_disk_now(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        demo.profiles_path.write_text(demo.profiles_path.read_text().replace('lifetime = "5m"', 'lifetime = "3m"', 1) + LAB)
        editor = await open_editor(pilot)
        assert editor.query_one("#f-lifetime", Input).value == "3m"  # the file's value, not the one loaded at start
        editor.query_one("#f-audience", Input).value = "aud"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ProfileEditor))  # no conflict: nothing to ask
        assert app.workspace is not None and "lab" in app.workspace.profile_set.names()
    saved = load_profiles(demo.profiles_path)
    assert saved.profiles["demo-qseow"].lifetime == "3m" and saved.profiles["demo-qseow"].audience == "aud"


async def test_saving_a_profile_keeps_its_saved_request_vars(demo: Demo, tmp_path: Path) -> None:
    # The editor has no field for [profiles.NAME.vars]; saving used to drop the table.
    demo.profiles_path.write_text(demo.profiles_path.read_text() + '\n[profiles.demo-qseow.vars]\nstream = "Finance"  # mine\n')
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        editor = await open_editor(pilot)
        editor.query_one("#f-lifetime", Input).value = "10m"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ProfileEditor))
    saved = load_profiles(demo.profiles_path).profiles["demo-qseow"]
    assert saved.lifetime == "10m" and saved.vars == {"stream": "Finance"}
    assert 'stream = "Finance"  # mine' in demo.profiles_path.read_text()
