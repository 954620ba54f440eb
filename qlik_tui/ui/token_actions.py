"""The active profile's token: minted in a worker, kept fresh, shown decoded, copied on request.
Mixed into the app."""

from __future__ import annotations

import asyncio
from importlib import import_module

from textual import work

from ..core.auth.tokens import mint
from ..core.errors import QlikTuiError
from ..core.events import ConnectionEvent
from ..core.terminal_text import visible
from ..core.workspace import ProfileState
from .app_protocol import AppHost
from .messages import ConnectionEventPosted, TokenReady
from .screens.simple import TokenScreen, token_text
from .widgets.token_panel import TokenPanel


class TokenActions(AppHost):
    """Mixed into the app: minting, the token panel, ctrl+t / ctrl+r / ctrl+o."""

    def _connection_listener(self, name: str) -> None:
        state = self.workspace.state(name)  # type: ignore[union-attr]
        if state.connection is None:
            connection = state.connect()

            def forward(event: ConnectionEvent) -> None:
                self.post_message(ConnectionEventPosted(name, event))

            connection.events.subscribe(forward)

    @work(group="token", exclusive=True, exit_on_error=False, description="mint a token for the active profile")
    async def _mint(self, name: str, now: bool = False) -> None:
        state = self.workspace.state(name)  # type: ignore[union-attr]
        if state.connection is None and state.profile.signs_jwts and not now:
            await self._mint_first(name, state)
            return
        # httpx and the crypto stack (~0.1 s of imports) load in a thread: imported here, on
        # the event loop, they held back the frames after the first (the footer came last).
        await asyncio.to_thread(import_module, "qlik_tui.core.http.connections")
        self._connection_listener(name)
        connection = self.workspace.state(name).connect()  # type: ignore[union-attr]
        if not connection.profile.signs_jwts and not now:
            return  # API keys and OAuth clients mint nothing: the first request signs in (ctrl+r says why)
        try:
            token = await (connection.tokens.mint_now() if now else connection.token())
        except QlikTuiError as exc:
            self.post_message(TokenReady(name, None, exc))
            return
        self.post_message(TokenReady(name, token))

    async def _mint_first(self, name: str, state: ProfileState) -> None:
        """The first token, before the connection: signing needs PyJWT and cryptography, not
        httpx, so the token does not wait for the HTTP stack's imports; both load in threads,
        never on the event loop, and the connection takes the token over. (An A/B in tmux
        showed no earlier token on the whole, the CPU being shared: what it buys is a loop
        that keeps drawing while the first token is made.)"""
        try:
            token = await asyncio.to_thread(mint, state.profile, state.clock())
        except QlikTuiError as exc:
            self.post_message(TokenReady(name, None, exc))
            return
        self.post_message(TokenReady(name, token))
        await asyncio.to_thread(import_module, "qlik_tui.core.http.connections")
        current = self.workspace.states.get(name) if self.workspace is not None else None
        if current is None or current is not state:
            return  # the profile was edited meanwhile: its old state is gone (a connection made now would leak)
        self._connection_listener(name)
        current.connect().tokens.adopt(token)  # a request sent meanwhile minted its own: that one stays

    def on_token_ready(self, message: TokenReady) -> None:
        if self.workspace is None or message.name != self.workspace.active:
            return
        panel = self.query_one(TokenPanel)
        if message.error is not None:
            panel.failure = message.error.message
            self.notify(
                f"{message.error.message}\nhint: {message.error.hint}", title="Cannot mint a token", severity="error", timeout=10
            )
        else:
            panel.failure = ""
            panel.token = message.token

    def on_connection_event_posted(self, message: ConnectionEventPosted) -> None:
        if self.workspace is None or message.name != self.workspace.active:
            return
        panel = self.query_one(TokenPanel)
        panel.last_event = message.event
        state = self.workspace.state(message.name)
        if state.connection is not None:
            panel.token = state.connection.tokens.token
            if not state.profile.signs_jwts:
                panel.credential = state.connection.credential_info()

    def _keep_token_fresh(self) -> None:
        """Re-mint the active profile's token before it expires, so it never shows expired."""
        if self.workspace is None or self.workspace.active is None:
            return
        state = self.workspace.state()
        if (
            state.connection is not None
            and state.connection.tokens.token is not None
            and not state.connection.tokens.is_fresh(state.connection.tokens.token)
        ):
            self._mint(self.workspace.active)

    def action_remint(self) -> None:
        """Mint a new token now (an OAuth profile: fetch a new access token)."""
        if self.workspace and self.workspace.active:
            if self.workspace.state().profile.auth == "oauth":
                self._renew_access_token(self.workspace.active)
                return
            if self._not_a_jwt_profile():
                return
            self._mint(self.workspace.active, now=True)

    @work(group="token", exclusive=True, exit_on_error=False, description="fetch a new OAuth access token")
    async def _renew_access_token(self, name: str) -> None:
        # a token the tenant revoked or whose scopes changed is not refused until a request fails: ctrl+r replaces it
        await asyncio.to_thread(import_module, "qlik_tui.core.http.connections")
        self._connection_listener(name)
        connection = self.workspace.state(name).connect()  # type: ignore[union-attr]
        try:
            await connection.renew_access_token()  # type: ignore[union-attr]
        except QlikTuiError as exc:
            self.notify(f"{exc.message}\nhint: {exc.hint}", title="No new access token", severity="error", timeout=10)
            return
        self.notify("A new OAuth access token was fetched.")

    def _not_a_jwt_profile(self) -> bool:
        """Say that the active profile signs in without a JWT (nothing to mint, decode or copy); True if so."""
        state = self.workspace.state() if self.workspace and self.workspace.active else None
        if state is None or state.profile.signs_jwts:
            return False
        info = state.connection.credential_info() if state.connection else None
        what = info.label if info else f'auth = "{state.profile.auth}"'
        self.notify(visible(f"This profile signs in with {what}: qlik-tui mints no token for it."), markup=False)
        return True

    def action_token_details(self) -> None:
        """Show the decoded header and claims (not the token itself)."""
        if self._not_a_jwt_profile():
            return
        state = self.workspace.state() if self.workspace and self.workspace.active else None
        token = state.connection.tokens.token if state and state.connection else None
        if token is None:
            self.notify("No token yet: it is minted with the first request, or ctrl+r.", severity="warning")
            return
        from ..core.auth.tokens import decode  # deferred: the crypto stack is not needed for the first frame

        decoded = decode(token.token)
        body = token_text(decoded.header, decoded.claims, decoded.times())
        self.push_screen(TokenScreen(f"Token · {state.profile.name}", body))  # type: ignore[union-attr]

    def action_copy_token(self) -> None:
        """ctrl+o, asked for explicitly: the raw token to the terminal's clipboard (OSC 52)."""
        if self._not_a_jwt_profile():
            return
        state = self.workspace.state() if self.workspace and self.workspace.active else None
        token = state.connection.tokens.token if state and state.connection else None
        if token is None:
            self.notify("No token yet.", severity="warning")
            return
        self.copy_value(token.token, "token")
