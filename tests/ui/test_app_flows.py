"""Pilot tests of each flow, against the simulator over real loopback HTTP."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from textual.widgets import Input, Select, Static, TextArea

from qlik_tui.core.profiles.loader import load_profiles
from qlik_tui.demo.environment import Demo
from qlik_tui.ui.screens.profile_editor import ProfileEditor
from qlik_tui.ui.screens.simple import InfoScreen
from qlik_tui.ui.screens.welcome import WelcomeScreen
from qlik_tui.ui.widgets.json_tree import JsonTree
from qlik_tui.ui.widgets.token_panel import TokenPanel
from tests.ui.conftest import make_app, settle, wait_until


def text_of(widget: Static) -> str:
    return str(widget.render())


async def type_path(pilot, path: str) -> None:  # type: ignore[no-untyped-def]
    box = pilot.app.query_one("#path", Input)
    box.focus()
    box.value = ""
    await pilot.press(*path)


async def test_start_mints_and_shows_the_token(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "demo-qseow" in app.title and "QSEoW" in app.sub_title
        panel = text_of(app.query_one(TokenPanel))
        assert "DEMO\\alice" in panel and "⏱ 4:" in panel and "minted" in panel
        assert app.query_one(TokenPanel).token is not None
        assert app.query_one(TokenPanel).token.token not in panel  # type: ignore[union-attr]


async def test_send_from_catalog_and_expand_lazily(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.query_one("#endpoint-filter", Input).focus()
        await pilot.press(*"app/full", "enter")  # filter, then Enter: the first match in the tree
        await pilot.press("enter")
        await settle(pilot)
        assert app.query_one("#path", Input).value == "/qrs/app/full"
        await pilot.press("f5")
        await settle(pilot)
        tree = app.query_one("#json-tree", JsonTree)
        assert len(tree.root.children) == 60
        first, second = tree.root.children[0], tree.root.children[1]
        assert first.is_expanded and len(first.children) == 26  # the first record open at once
        assert str(first.label).endswith('name="[Sales] =Sum([Amount])"')  # markup shown literally
        # only what is shown is built: no other record's fields
        assert all(len(n.children) == 0 and not n.is_expanded for n in tree.root.children[1:])
        second.expand()
        await pilot.pause()
        assert len(second.children) == 26
        assert "200 OK" in text_of(app.query_one("#status-line", Static))


async def test_switch_profile_and_back_keeps_everything(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_path(pilot, "/qrs/app/count")
        await pilot.press("f5")
        await settle(pilot)
        qseow_token = app.query_one(TokenPanel).token
        await pilot.press("f2")
        await settle(pilot)
        assert "demo-cloud" in app.title and app.query_one("#path", Input).value == ""
        await type_path(pilot, "/api/v1/users/me")
        await pilot.press("f5")
        await settle(pilot)
        assert app.query_one("#json-tree", JsonTree).root.data.value["subject"] == "alice"  # type: ignore[union-attr]
        for _ in range(10):  # on through the other demo profiles (one per sign-in method) back to the first
            await pilot.press("f2")
            await settle(pilot)
            if app.title.endswith(" demo-qseow"):
                break
        assert app.query_one("#path", Input).value == "/qrs/app/count"
        assert app.query_one("#json-tree", JsonTree).root.data.value == {"value": 60}  # type: ignore[union-attr]
        assert app.query_one(TokenPanel).token is qseow_token
    assert demo.qseow.stats.jwt_logins == 1 and demo.cloud.stats.jwt_logins == 1


async def test_expired_token_reminted_with_event_shown(demo: Demo, tmp_path: Path) -> None:
    # The app's clock jumps past the token's 5 minutes instead of the test sleeping through a
    # short token's life: a fixed sleep raced the app's once-a-second refresher under load.
    skew = [0.0]
    app = make_app(demo.profiles_path, tmp_path, clock=lambda: time.time() + skew[0])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        panel = app.query_one(TokenPanel)
        first = panel.token
        assert first is not None and "re-minted" not in text_of(panel)
        skew[0] = first.seconds_left() + 1  # expired: the app must re-mint by itself, no key pressed
        await wait_until(pilot, lambda: panel.token is not first and "re-minted" in text_of(panel), what="a re-mint")
        assert panel.token is not None and panel.token.seconds_left(app.clock()) > 4 * 60
        assert "re-minted (after expiry)" in text_of(panel)


async def test_401_shown_with_hint(demo: Demo, tmp_path: Path) -> None:
    demo.qseow.faults.refuse_tokens = 5
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_path(pilot, "/qrs/about")
        await pilot.press("f5")
        await settle(pilot)
        error = text_of(app.query_one("#error-panel", Static))
        assert "401" in error and "claim names" in error
        demo.qseow.faults.refuse_tokens = 0
        await pilot.press("f5")  # the app is still alive and recovers
        await settle(pilot)
        assert "200 OK" in text_of(app.query_one("#status-line", Static))


async def test_cancel_a_slow_request(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        demo.qseow.faults.latency = 60  # far longer than any loaded machine takes to press Esc
        await type_path(pilot, "/qrs/about")
        await pilot.press("f5")
        status = app.query_one("#status-line", Static)
        await wait_until(pilot, lambda: "Esc cancels" in text_of(status), what="the request running")
        await pilot.press("escape")
        await wait_until(pilot, lambda: "cancelled" in text_of(status), what="the request cancelled")
        demo.qseow.faults.latency = 0
        await pilot.press("f5")
        await settle(pilot)
        assert "200 OK" in text_of(app.query_one("#status-line", Static))


async def test_bad_body_rejected_before_sending(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.query_one("#method", Select).value = "POST"
        await type_path(pilot, "/qrs/tag")
        app.query_one("#body", TextArea).text = "{name: oops}"
        await pilot.press("f5")
        await settle(pilot)
        assert "not valid JSON" in text_of(app.query_one("#error-panel", Static))
        assert demo.qseow.stats.requests == 0
        await type_path(pilot, "/qrs/app/{id}")
        await pilot.press("f5")
        await settle(pilot)
        assert "fill in {id}" in text_of(app.query_one("#error-panel", Static))


async def test_edit_and_save_profile_atomically(demo: Demo, tmp_path: Path) -> None:
    before = demo.profiles_path.read_bytes()
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, ProfileEditor)
        editor.query_one("#f-lifetime", Input).value = "10m"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ProfileEditor)
    saved = load_profiles(demo.profiles_path)
    assert saved.profiles["demo-qseow"].lifetime_seconds == 600
    assert saved.profiles["demo-cloud"] == load_profiles(demo.profiles_path.with_name("profiles.toml.bak")).profiles["demo-cloud"]
    assert demo.profiles_path.with_name("profiles.toml.bak").read_bytes() == before
    assert stat.S_IMODE(os.stat(demo.profiles_path).st_mode) == 0o600


async def test_bad_profile_input_rejected_inline(demo: Demo, tmp_path: Path) -> None:
    before = demo.profiles_path.read_bytes()
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await pilot.pause()
        editor = app.screen
        editor.query_one("#f-lifetime", Input).value = "soon"
        editor.query_one("#f-claims", TextArea).text = "userId = alice"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ProfileEditor)
        problems = text_of(editor.query_one("#editor-problems", Static))
        assert "is not a duration" in problems and "TOML syntax error" in problems
    assert demo.profiles_path.read_bytes() == before


async def test_new_profile_from_the_welcome_screen(tmp_path: Path, keys: object) -> None:
    path = tmp_path / "cfg" / "profiles.toml"
    app = make_app(path, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("n")
        await pilot.pause()
        editor = app.screen
        editor.query_one("#f-name", Input).value = "lab"
        editor.query_one("#f-url", Input).value = "https://qlik.lab.local"
        editor.query_one("#f-key", Input).value = str(keys.key_path)  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "lab" in app.title
    assert load_profiles(path).names() == ["lab"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


async def test_broken_file_is_explained_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    path.write_text("[profiles.x\n")
    app = make_app(path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        assert "TOML syntax error" in text_of(app.screen.query_one("#welcome-text", Static))
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("q")
        await pilot.pause()
    assert path.read_text() == "[profiles.x\n"


async def test_history_persisted_without_secrets_and_rerun(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_path(pilot, "/qrs/app/count")
        await pilot.press("f5")
        await settle(pilot)
    history_file = tmp_path / "history" / "demo-qseow.jsonl"
    text = history_file.read_text()
    assert "/qrs/app/count" in text and "xrfkey" not in text.lower() and "eyJ" not in text
    assert stat.S_IMODE(os.stat(history_file).st_mode) == 0o600
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.query_one("#side-tabs").active = "tab-history"  # type: ignore[attr-defined]
        app.query_one("#history").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.query_one("#json-tree", JsonTree).root.data.value == {"value": 60}  # type: ignore[union-attr]


async def test_help_token_and_copy(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.query_one("#endpoint-tree").focus()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, InfoScreen) and "ctrl+q" in str(app.screen.body)
        await pilot.press("escape")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, InfoScreen) and "userDirectory" in str(app.screen.body)
        assert app.query_one(TokenPanel).token.token not in str(app.screen.body)  # type: ignore[union-attr]
        await pilot.press("escape")
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert app.clipboard == app.query_one(TokenPanel).token.token  # type: ignore[union-attr]


async def test_narrow_terminal_does_not_break(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_path(pilot, "/qrs/stream/full")
        await pilot.press("f5")
        await settle(pilot)
        assert app.has_class("-narrow")
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert not app.query_one("#sidebar").display


async def test_editor_keeps_every_key_and_rename_keeps_default(demo: Demo, tmp_path: Path) -> None:
    text = demo.profiles_path.read_text().replace(
        'virtual_proxy = "jwt"', f'virtual_proxy = "jwt"\nclock_skew = 30\ncatalog_files = ["{tmp_path / "spec.json"}"]', 1
    )
    (tmp_path / "spec.json").write_text('{"swagger": "2.0", "paths": {}}')
    demo.profiles_path.write_text(text)
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 50)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, ProfileEditor)
        assert editor.query_one("#f-clock_skew", Input).value == "30"
        editor.query_one("#f-name", Input).value = "onprem"  # rename the default profile
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "onprem" in app.title
    saved = load_profiles(demo.profiles_path)
    assert saved.default == "onprem" and "demo-qseow" not in saved.profiles
    onprem = saved.profiles["onprem"]
    assert onprem.clock_skew == 30 and onprem.catalog_files == (str(tmp_path / "spec.json"),)


async def test_deleting_the_last_profile_returns_to_the_first_screen(tmp_path: Path, keys: object) -> None:
    path = tmp_path / "profiles.toml"
    path.write_text(
        f'[profiles.only]\ntype="qseow"\nurl="https://h"\nkey="{keys.key_path}"\n[profiles.only.claims]\nuserId="a"\n'
    )  # type: ignore[attr-defined]
    app = make_app(path, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        app.action_delete_profile()
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen) and app.is_running
    assert load_profiles(path).profiles == {}
    assert path.with_name("profiles.toml.bak").exists()
