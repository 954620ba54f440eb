"""Every file this work writes (saved requests, history, the debug log), grepped for the real secrets.

A TUI session against both simulators: requests on QSEoW (Xrfkey, session cookie) and Qlik
Cloud (login, CSRF on a POST), a request saved with secrets typed into it, the debug log on.
Then every file under the state and data folders and the collection is read and searched
for the tokens the app minted, the cookies and CSRF values the simulators handed out, the
Xrfkeys sent and the private keys' material.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static, TextArea

from qlik_tui.core import debug_log
from qlik_tui.core.profiles.loader import load_profiles
from qlik_tui.demo.environment import Demo
from tests.ui.conftest import make_app, settle, wait_until
from tests.ui.test_app_flows import text_of, type_path


async def test_no_file_written_holds_a_secret(demo: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    state, data = tmp_path / "state", tmp_path / "data"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    debug_log.start("tui", state / "qlik-tui" / "debug")
    tokens: list[str] = []
    app = make_app(demo.profiles_path, tmp_path)  # history in tmp_path / "history"
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            status = app.query_one("#status-line", Static)
            await type_path(pilot, "/qrs/app?access_token=hunter2")
            await pilot.press("f5")
            await wait_until(pilot, lambda: "200 OK" in text_of(status), what="the QSEoW answer")
            tokens.append(app.workspace.state().connection.tokens.token.token)  # type: ignore[union-attr]
            # Secrets typed into the editor, then saved (ctrl+s): headers dropped, values made variables.
            app.query_one("#headers", TextArea).text = f"Authorization: Bearer {tokens[0]}\nX-Qlik-Xrfkey: abcdefghij012345"
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: app.screen.query("#save-request-name"), what="the save dialog")
            await pilot.press(*"leaky", "enter", "enter")
            await wait_until(pilot, lambda: (data / "qlik-tui" / "requests" / "leaky.toml").exists(), what="saved")
            app.query_one("#headers", TextArea).text = ""
            await pilot.press("f2")  # the Cloud profile: login, then a POST with CSRF
            await settle(pilot)
            await type_path(pilot, "/api/v1/spaces")
            app.query_one("#method").value = "POST"  # type: ignore[attr-defined]
            app.query_one("#body", TextArea).text = '{"name": "x", "type": "shared", "password": "hunter3"}'
            await pilot.press("f5")
            await wait_until(pilot, lambda: " ms · " in text_of(status), what=f"the Cloud answer: {text_of(status)}")
            assert "201" in text_of(status) or "200" in text_of(status), text_of(status)
            tokens.append(app.workspace.state().connection.tokens.token.token)  # type: ignore[union-attr]
    finally:
        log = debug_log.stop()
    assert log is not None and log.exists()
    secrets = [*tokens, *demo.qseow.stats.xrfkeys, *demo.qseow._sessions, "hunter2", "hunter3", "abcdefghij012345"]
    for sid, session in demo.cloud._sessions.items():
        secrets += [sid, session.csrf]
    for profile in load_profiles(demo.profiles_path).profiles.values():
        if profile.signs_jwts:  # the others have no signing key
            secrets += [line for line in profile.key_path.read_text().splitlines() if not line.startswith("-----")][:4]
    secrets += [p.read_text().strip() for p in (demo.profiles_path.parent / "secrets").iterdir()]  # API keys, client secret
    assert len(tokens) == 2 and demo.qseow.stats.xrfkeys and demo.cloud._sessions  # there was something to leak
    written = [p for folder in (state, data, tmp_path / "history") for p in folder.rglob("*") if p.is_file()]
    kinds = {p.parent.name for p in written}
    assert {"history", "debug", "requests"} <= kinds, written
    for path in written:
        text = path.read_text(errors="replace")
        leaked = [s[:12] for s in secrets if s and s in text]
        assert leaked == [] and "eyJ" not in text, (path, leaked)
