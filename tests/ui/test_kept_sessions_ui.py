"""The TUI uses the sessions `qlik-tui call` keeps: opening it starts no new Qlik session."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from qlik_tui.core.auth.session_cache import SessionCache
from qlik_tui.demo.environment import Demo
from tests.cli_helpers import run_cli
from tests.ui.conftest import make_app, settle, wait_until


async def test_the_tui_reuses_the_session_a_call_kept(demo: Demo, tmp_path: Path) -> None:
    proc = run_cli("call", "--profiles", str(demo.profiles_path), "-p", "demo-qseow", "GET", "/qrs/about")
    assert proc.returncode == 0, proc.stderr
    assert demo.qseow.stats.jwt_logins == 1
    app = make_app(demo.profiles_path, tmp_path, sessions=SessionCache())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.query_one("#path", Input).value = "/qrs/app/count"
        app.query_one("#path", Input).focus()
        await pilot.press("f5")
        await wait_until(pilot, lambda: app.workspace is not None and app.workspace.state().response is not None, what="answer")
        assert app.workspace is not None
        response = app.workspace.state().response
        assert response is not None and response.ok
        connection = app.workspace.state().connection
        assert connection is not None and connection.events.count("session restored") == 1
    assert demo.qseow.stats.jwt_logins == 1  # the call's session, not a new one
    assert demo.qseow.session_count() == 1
