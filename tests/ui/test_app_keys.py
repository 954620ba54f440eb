"""The app's keys: help, palette, modal footers, copy, maximise, theme."""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import shutil
import stat
import subprocess
import uuid
from pathlib import Path

import pytest
from rich.text import Text
from textual.binding import Binding
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Footer, Input, TextArea
from textual.widgets._footer import FooterKey

import qlik_tui.ui.widgets
from qlik_tui.demo.environment import Demo
from qlik_tui.ui.app import QlikTuiApp
from qlik_tui.ui.footer import AppFooter
from qlik_tui.ui.palette import key_label
from qlik_tui.ui.screens.save_body import SaveBodyScreen
from qlik_tui.ui.screens.simple import ConfirmScreen, CopiedScreen, InfoScreen, TokenScreen
from qlik_tui.ui.widgets.json_tree import JsonTree
from qlik_tui.ui.widgets.response_view import ResponseView
from tests.ui.conftest import make_app, settle, wait_until


def widget_classes_with_bindings() -> list[type[Widget]]:
    """Every widget class in qlik_tui/ui/widgets that declares key bindings."""
    found = []
    for info in pkgutil.iter_modules(qlik_tui.ui.widgets.__path__):
        module = importlib.import_module(f"qlik_tui.ui.widgets.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Widget) and cls.__module__ == module.__name__ and cls.__dict__.get("BINDINGS"):
                found.append(cls)
    return found


async def test_palette_runs_the_same_action_as_the_key(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        first = app.workspace.active  # type: ignore[union-attr]
        await pilot.press("ctrl+p")
        await pilot.press(*"Next profile")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert app.workspace.active != first  # type: ignore[union-attr]
        assert app.title == f"qlik-tui · {app.workspace.active}"  # type: ignore[union-attr]


async def test_help_lists_every_binding_of_the_app_and_of_every_widget(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        classes = [cls for cls in widget_classes_with_bindings() if app.query(cls)]
        assert JsonTree in classes
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, InfoScreen)
        text = str(app.screen.body)
        for owner in [type(app), *classes]:
            for binding in owner.BINDINGS:
                assert isinstance(binding, Binding)
                assert binding.description in text, (owner.__name__, binding.key)
                assert key_label(binding.key) in text or key_label(binding.key.split(",")[0]) in text, binding.key
        for missing_before in ["g", "Backspace", "/", "f", "s", "n", "a"]:
            assert f"  {missing_before} " in text
        # Arrows read as the README and the footer write them, not as Textual's key names.
        for arrow in ["→", "←", "shift+→", "shift+←"]:
            assert f"  {arrow} " in text
        assert "  right " not in text and "shift+left" not in text


async def test_each_modal_screen_shows_its_own_keys_only(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        # Ours compose their footer; SaveBodyScreen (another module) gets one when pushed.
        for screen in [ConfirmScreen("Sure?"), InfoScreen("Help", Text("body")), SaveBodyScreen("body.json", b"{}")]:
            app.push_screen(screen)
            await settle(pilot)
            assert app.screen is screen and isinstance(screen, ModalScreen)
            footers = list(screen.query(Footer))
            assert len(footers) == 1
            shown = {key.action for key in footers[0].query(FooterKey)}
            declared = {b.action for b in type(screen).BINDINGS if isinstance(b, Binding)}
            assert shown and shown <= declared, shown
            assert "send" not in shown and "next_profile" not in shown
            screen.dismiss(None)
            await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert type(app.screen).__name__ == "CommandPalette" and not app.screen.query(Footer)  # Textual's own: untouched


async def test_ctrl_o_in_the_token_view_copies_the_token(demo: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TMUX", raising=False)
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        token = app.workspace.state().connection.tokens.token.token  # type: ignore[union-attr]
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, TokenScreen)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert app.clipboard == token
        assert app.last_copied == ("token", token)
        shown = {key.action for key in app.screen.query(FooterKey)}
        assert "app.copy_token" in shown
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("Sent the token to the terminal's clipboard (OSC 52).") for m in messages), messages
        assert not any("Copied" in m or "copied to" in m for m in messages)
        # The notice says "F8 shows it": that must hold in the token view, where it is read.
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, CopiedScreen)
        assert app.screen.query_one("#copied-text", TextArea).text == token


@pytest.fixture
def tmux_server() -> object:
    """A private tmux server; yields a function that sets set-clipboard and returns $TMUX for it."""
    if shutil.which("tmux") is None:
        assert not os.environ.get("CI"), "tmux is required in CI (.ci/run installs it)"
        pytest.skip("tmux is not installed")
    tmux = ["tmux", "-f", os.devnull, "-L", f"qlik-tui-clip-{uuid.uuid4().hex[:8]}"]  # private: no ~/.tmux.conf
    subprocess.run([*tmux, "new-session", "-d", "-s", "clip", "sleep 600"], check=True)
    socket = subprocess.run(
        [*tmux, "display-message", "-p", "#{socket_path}"], check=True, capture_output=True, text=True
    ).stdout.strip()

    def with_setting(value: str) -> str:
        subprocess.run([*tmux, "set-option", "-g", "set-clipboard", value], check=True)
        return f"{socket},1,0"

    yield with_setting
    subprocess.run([*tmux, "kill-server"], check=False)


@pytest.mark.parametrize(("setting", "dropped"), [("off", True), ("external", True), ("on", False)])
def test_copy_notice_names_a_tmux_that_drops_osc52(tmux_server, setting: str, dropped: bool) -> None:  # type: ignore[no-untyped-def]
    from qlik_tui.ui.clipboard import copy_notice, tmux_clipboard_setting

    env = {**os.environ, "TMUX": tmux_server(setting)}
    assert tmux_clipboard_setting(env) == setting
    text, warned = copy_notice("value", env, "F8")
    assert warned is dropped
    assert text.startswith("Sent the value to the terminal's clipboard (OSC 52).")
    assert ("set -g set-clipboard on" in text) is dropped
    assert "F8 shows it" in text
    outside = {k: v for k, v in os.environ.items() if k != "TMUX"}
    assert copy_notice("value", outside, "F8") == (
        "Sent the value to the terminal's clipboard (OSC 52).\nF8 shows it to select by hand.",
        False,
    )


async def test_a_copied_value_can_be_shown_to_select_by_hand(demo: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TMUX", raising=False)
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await pilot.pause()
        assert not isinstance(app.screen, CopiedScreen)  # nothing copied yet: a warning, no view
        await pilot.press("ctrl+l", *"/qrs/about", "f5")
        await settle(pilot)
        tree = app.query_one("#json-tree", JsonTree)
        tree.focus()
        await pilot.press("down", "c")
        await pilot.pause()
        assert app.last_copied is not None and app.last_copied[0] == "value"
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, CopiedScreen)
        box = app.screen.query_one("#copied-text", TextArea)
        assert box.read_only and box.text == app.clipboard == app.last_copied[1]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CopiedScreen)


async def test_help_stays_in_the_footer_at_80_columns(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l", *"/qrs/about", "f5")
        await settle(pilot)
        app.query_one("#json-tree", JsonTree).focus()  # the widget with the most keys in the footer
        await settle(pilot)

        def help_key_on_screen() -> bool:
            keys = [key for key in app.screen.query(FooterKey) if key.action == "help"]
            if len(keys) != 1 or keys[0].region.width == 0:
                return False  # the footer recomposes after a focus change: wait for it
            assert keys[0].region.right <= 80
            return app.screen.get_widget_at(keys[0].region.x, 23)[0] is keys[0]

        await wait_until(pilot, help_key_on_screen)
        assert any(key.action == "copy_value" for key in app.screen.query(FooterKey))  # the crowded footer


async def test_f7_maximises_the_response_and_f7_or_escape_restores(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        view = app.query_one(ResponseView)
        await pilot.press("f7")
        await wait_until(pilot, lambda: app.screen.maximized is view and view.region.width == 80)
        await pilot.press("f7")
        await wait_until(pilot, lambda: app.screen.maximized is None and 0 < view.region.width < 80)
        await pilot.press("f7")
        await pilot.pause()
        assert app.screen.maximized is view
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.maximized is None


async def test_the_theme_chosen_is_remembered(demo: Demo, tmp_path: Path) -> None:
    state = Path(os.environ["XDG_STATE_HOME"]) / "qlik-tui" / "theme"
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        default = app.theme
        assert not state.exists()
        app.theme = "nord" if default != "nord" else "gruvbox"
        chosen = app.theme
        await settle(pilot)
    assert state.read_text().strip() == chosen
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    again = make_app(demo.profiles_path, tmp_path)
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert again.theme == chosen
    state.write_text("no-such-theme\n")
    third = make_app(demo.profiles_path, tmp_path)
    async with third.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert third.theme == default


def colourless(app: QlikTuiApp, widget: Widget) -> list[tuple[tuple[str, bool, bool, bool], ...]]:
    """What `widget` looks like on screen with every colour removed (as NO_COLOR shows it)."""
    strips = app.screen._compositor.render_strips()
    region = widget.region
    rows = []
    for y in range(region.y, region.bottom):
        segments = strips[y].crop(region.x, region.right)
        rows.append(
            tuple(
                (s.text, bool(s.style and s.style.bold), bool(s.style and s.style.reverse), bool(s.style and s.style.underline))
                for s in segments
                if s.text
            )
        )
    return rows


async def steady_look(pilot: Pilot[int], widget: Widget) -> list[tuple[tuple[str, bool, bool, bool], ...]]:
    """The widget's colourless look once two frames in a row agree (styles settle after a focus change)."""
    app = pilot.app
    assert isinstance(app, QlikTuiApp)
    look = colourless(app, widget)
    for _ in range(100):  # at most ~5 s under load; usually two rounds
        await pilot.pause(0.05)
        again = colourless(app, widget)
        if again == look:
            return look
        look = again
    return look


@pytest.mark.parametrize("theme", ["ansi-dark", "textual-dark"])
async def test_focus_shows_without_colour(demo: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, theme: str) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        app.theme = theme
        for box in app.query("Input, TextArea"):
            box.cursor_blink = False  # type: ignore[attr-defined]  # the input's cursor must not blink out mid-check
        await settle(pilot)
        for selector in ["#endpoint-tree", "#method", "#profiles", "#path"]:
            widget = app.query_one(selector)
            app.query_one("#query").focus()
            blurred = await steady_look(pilot, widget)
            widget.focus()
            focused = await steady_look(pilot, widget)
            assert app.focused is widget
            assert focused != blurred, f"{selector}: focus only changes colour"


async def test_resizing_under_a_modal_screen_compacts_the_main_footer(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        footer = app.query_one(AppFooter)
        assert not footer.compact
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, InfoScreen)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert app.return_code is None and isinstance(app.screen, InfoScreen)
        assert footer.compact and app.has_class("-narrow")


async def test_the_welcome_screen_offers_only_the_keys_that_work_there(tmp_path: Path, keys: object) -> None:
    from qlik_tui.ui.screens.profile_editor import ProfileEditor
    from qlik_tui.ui.screens.welcome import WelcomeScreen
    from tests.ui.conftest import wait_until

    path = tmp_path / "cfg" / "profiles.toml"
    app = make_app(path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, WelcomeScreen) and app.screen.query(FooterKey))
        # No profile yet: Send, Next profile, Token... did nothing, yet filled the footer.
        active = {b.binding.action for b in app.screen.active_bindings.values()}
        assert {"help", "quit", "new", "leave"} <= active
        assert not active & {"send", "next_profile", "token_details", "remint", "edit_profile", "copy_token"}
        shown = {key.action for key in app.screen.query(FooterKey)}
        assert "send" not in shown and "help" in shown
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, InfoScreen))
        text = str(app.screen.body)  # type: ignore[attr-defined]
        assert "Help: this list" in text and "Send:" not in text and "Next profile" not in text
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, WelcomeScreen))
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, ProfileEditor))
        editor = app.screen
        editor.query_one("#f-name", Input).value = "mine"
        editor.query_one("#f-url", Input).value = "https://qlik.mine.local"
        editor.query_one("#f-key", Input).value = str(keys.key_path)  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, (ProfileEditor, WelcomeScreen)))
        # With a profile, the keys are back.
        await wait_until(pilot, lambda: "send" in {key.action for key in app.screen.query(FooterKey)})
