"""Start-up does each piece of work once: the first token is minted once (before the HTTP
stack loads, then taken over by the connection) and the footer is composed once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import ComposeResult

from qlik_tui.demo.environment import Demo
from qlik_tui.ui.footer import AppFooter
from qlik_tui.ui.widgets.profile_list import ProfileList
from qlik_tui.ui.widgets.request_editor import RequestEditor
from qlik_tui.ui.widgets.token_panel import TokenPanel
from tests.ui.conftest import make_app, settle, wait_until


async def test_the_first_token_is_minted_once_and_kept_by_the_connection(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = app.query_one(TokenPanel)
        await wait_until(pilot, lambda: panel.token is not None, what="the first token")
        state = app.workspace.state()  # type: ignore[union-attr]
        await wait_until(pilot, lambda: state.connection is not None and state.connection.tokens.token is not None)
        assert state.connection is not None
        assert state.connection.tokens.token is panel.token  # the one shown is the one requests carry
        assert state.connection.tokens.mint_count == 1
        assert [event.kind for event in state.connection.events.history].count("minted") == 1
        await settle(pilot)
        assert panel.last_event is not None and panel.last_event.kind == "minted"
        # and it is used: a request goes out with it, no second mint
        app.query_one(RequestEditor).load("GET", "/qrs/about")
        await pilot.press("f5")
        await wait_until(pilot, lambda: state.response is not None, what="the answer")
        assert state.response is not None and state.response.status == 200
        assert state.connection.tokens.mint_count == 1


async def test_the_footer_is_composed_once_at_start(demo: Demo, tmp_path: Path, monkeypatch: Any) -> None:
    # Focus landing on the path input takes `?` (a second key for Help): the keys drawn stay
    # the same, and recomposing them anyway cost a layout pass right after the first frame.
    composed = []
    original = AppFooter.compose

    def counting(self: AppFooter) -> ComposeResult:
        composed.append(self)
        yield from original(self)

    monkeypatch.setattr(AppFooter, "compose", counting)
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.query_one(TokenPanel).token is not None, what="the first token")
        await settle(pilot)
        assert len(composed) == 1
        # what is compared is what is drawn: shown keys, one per action, and the palette key
        drawn = dict(app.query_one(AppFooter)._keys())
        assert "command_palette" in drawn and drawn["help"][0] == "f1"
        # A focus change that changes the keys drawn still recomposes them.
        app.query_one(ProfileList).focus()  # its `d  Make default` is drawn
        await settle(pilot)
        assert len(composed) == 2


async def test_a_first_token_that_cannot_be_minted_is_said_once_and_the_app_goes_on(demo: Demo, tmp_path: Path) -> None:
    # The first mint runs before the connection exists: its failure must still reach the
    # panel and a notification, and a later F5 must say it again rather than hang.
    text = demo.profiles_path.read_text()
    key_line = next(line for line in text.splitlines() if line.strip().startswith("key ="))
    broken = tmp_path / "profiles.toml"
    broken.write_text(text.replace(key_line, f'key = "{tmp_path / "missing.pem"}"', 1))
    app = make_app(broken, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = app.query_one(TokenPanel)
        await wait_until(pilot, lambda: bool(panel.failure), what="the mint's failure on the panel")
        assert panel.token is None and "missing.pem" in panel.failure
        assert any("Cannot mint a token" in (n.title or "") for n in app._notifications)
        state = app.workspace.state()  # type: ignore[union-attr]
        assert state.connection is None  # nothing half-made: the next request starts afresh
        app.query_one(RequestEditor).load("GET", "/qrs/about")
        await pilot.press("f5")
        await wait_until(pilot, lambda: state.error is not None, what="the request's error")
        assert "missing.pem" in str(state.error)
