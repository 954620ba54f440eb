"""The palette's "Check profile NAME against the server": the online comparison in a box."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette
from textual.widgets import OptionList, Static

from qlik_tui.demo.environment import Demo
from qlik_tui.ui.screens.profile_check import ProfileCheckScreen

from .conftest import make_app, settle, wait_until


def _body(app) -> str:  # type: ignore[no-untyped-def]
    found = app.screen.query("#profile-check-body")
    return str(found.first(Static).render()) if found else ""


async def test_palette_checks_the_profile_against_the_simulator(demo: Demo, tmp_path: Path) -> None:
    demo.qseow.config.session_cookie_header = "MySession"  # a deliberate difference on the server side
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"check profile demo-qseow")

        def offered() -> bool:
            options = app.screen.query_one(OptionList)
            return options.option_count > 0 and "Check profile demo-qseow" in str(options.get_option_at_index(0).prompt)

        await wait_until(pilot, offered)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ProfileCheckScreen))
        await wait_until(pilot, lambda: "differ" in _body(app) or "Nothing differs" in _body(app))
        body = _body(app)
        assert "✓ sign-in: the server accepts the profile's token" in body
        assert '✗ session cookie: the virtual proxy "jwt" names its session cookie "MySession"' in body
        assert "1 setting(s) differ" in body
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, ProfileCheckScreen))


async def test_a_refused_cloud_sign_in_is_shown_not_raised(demo: Demo, tmp_path: Path) -> None:
    demo.cloud.faults.refuse_tokens = 10
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        from qlik_tui.ui.screens.profile_check import check_commands

        (_, about, open_check), *_ = [c for c in check_commands(app.workspace, app.push_screen) if "demo-cloud" in c[0]]
        assert about == "issuer, key id, certificate, clock, TLS"  # no cookie or audience: Cloud has none to compare
        open_check()
        await wait_until(pilot, lambda: isinstance(app.screen, ProfileCheckScreen))
        await wait_until(pilot, lambda: "differ" in _body(app))
        assert "✗ sign-in: Qlik Cloud refused the JWT login (401" in _body(app)
        assert app.is_running
