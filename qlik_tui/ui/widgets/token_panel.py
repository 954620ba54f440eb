"""What signs the requests: who it speaks for, a countdown to expiry, and the last connection event.

For JWT profiles the minted token (the raw token is never shown here; a key opens the decoded
claims, another copies it); for the other sign-in methods the connection's `credential_info()`:
the API key's expiry, the OAuth access token's countdown, the client certificate, the header.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text
from textual.geometry import Region
from textual.reactive import reactive
from textual.widgets import Static

from ...core.auth.credential import CredentialInfo
from ...core.auth.key_permissions import loose_key_mode, private_key_path
from ...core.events import PREFIX_IN_PATH, ConnectionEvent
from ...core.profiles.model import Profile
from ...core.terminal_text import visible
from ...core.timefmt import iso

if TYPE_CHECKING:
    from ...core.auth.tokens import MintedToken

WARN_SECONDS = 60
WARN_DAYS = 7  # API keys and certificates: a week's notice
# What the panel says for a method before its first request (nothing is read until it is needed).
PENDING = {
    "api_key": "read at the first request",
    "oauth": "OAuth client: no access token yet",
    "certificate": "client certificate: loaded at the first request",
    "header": "header authentication",
}


def countdown(seconds: float) -> str:
    """'4:59', '1:02:03', or 'expired 0:07 ago'."""
    whole = int(abs(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    return text if seconds > 0 else f"expired {text} ago"


def long_countdown(seconds: float) -> str:
    """countdown() up to two days, then '89 days' / 'expired 3 days ago'."""
    days = int(abs(seconds) // 86400)
    if days < 2:
        return countdown(seconds)
    return f"{days} days" if seconds > 0 else f"expired {days} days ago"


class TokenPanel(Static):
    """Shows the active profile's token; updated every second."""

    token: reactive[MintedToken | None] = reactive(None, always_update=True)
    profile: reactive[Profile | None] = reactive(None, always_update=True)
    last_event: reactive[ConnectionEvent | None] = reactive(None, always_update=True)
    # what signs the requests of a profile that does not sign in with a JWT (None before any request)
    credential: reactive[CredentialInfo | None] = reactive(None, always_update=True)
    failure: reactive[str] = reactive("")
    engine: reactive[str] = reactive("")  # the Engine view's session state, one line (set by the view)

    def __init__(self, clock: Callable[[], float] = time.time, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clock = clock
        self._shown: tuple[list[str], frozenset[str]] | None = None  # lines and classes on screen

    def on_mount(self) -> None:
        self.border_title = "Token"
        self.set_interval(1.0, self.refresh_text, name="token countdown")

    def watch_token(self, _: Any) -> None:
        self.refresh_text()

    def watch_profile(self, profile: Profile | None) -> None:
        self.border_title = "Token" if profile is None or profile.signs_jwts else "Sign-in"
        self.refresh_text()

    def watch_credential(self, _: Any) -> None:
        self.refresh_text()

    def watch_last_event(self, event: ConnectionEvent | None) -> None:
        if event is not None and event.kind == PREFIX_IN_PATH:  # a warning: the next event would hide it
            self.notify(event.detail, title="path", severity="warning", markup=False)
        self.refresh_text()

    def watch_failure(self, _: Any) -> None:
        self.refresh_text()

    def watch_engine(self, _: Any) -> None:
        self.refresh_text()

    def refresh_text(self) -> None:
        """Redraw the countdown and the colour that goes with it."""
        profile, token = self.profile, self.token
        text = Text()
        if profile is not None:
            text.append(profile.identity + "\n", style="bold")
        self.remove_class("-warning", "-expired")
        if self.failure:
            text.append(self.failure + "\n", style="bold")
            self.add_class("-expired")
        elif profile is not None and not profile.signs_jwts:
            self._credential_text(text, profile)
        elif token is None:
            text.append("no token yet\n")
        else:
            left = token.seconds_left(self.clock())
            if left <= 0:
                self.add_class("-expired")
            elif left <= min(WARN_SECONDS, (profile.lifetime_seconds if profile else 300) * 0.2):
                self.add_class("-warning")
            text.append("⏱ " + countdown(left) + "\n", style="bold")
            text.append(f"issued  {iso(token.issued_at)[11:19]} UTC\nexpires {iso(token.expires_at)[11:19]} UTC\n")
        # Stat'd on every redraw (once a second): a chmod in another terminal clears it live.
        key_path = private_key_path(profile) if profile is not None else None
        mode = loose_key_mode(key_path) if key_path is not None else None
        if key_path is not None and mode is not None:
            text.append(f"⚠ key mode {mode:04o}: chmod 600 {visible(str(key_path))}\n", style="bold")
        if self.engine:
            text.append(self.engine + "\n")
        if self.last_event is not None:
            at = iso(self.last_event.at)[11:19]
            text.append(f"{at} {self.last_event.describe()}", style="italic")
        self._repaint(text)

    def _credential_text(self, text: Text, profile: Profile) -> None:
        """The credential of a profile that does not sign in with a JWT: label, expiry, details."""
        info = self.credential
        if info is None:
            text.append(PENDING.get(profile.auth, profile.auth) + "\n")
            source = profile.secrets.get("api_key") if profile.auth == "api_key" else None
            if source is not None:  # where it will come from (never the key)
                text.append(visible(f"from {source.describe('api_key')}") + "\n")
            if profile.auth == "header":
                text.append(visible(f"{getattr(profile, 'header_name', '')}: {getattr(profile, 'user', '')}") + "\n")
            return
        text.append(visible(info.label) + "\n")
        left = info.seconds_left(self.clock())
        if left is not None and info.expires_at is not None:
            short = info.kind == "oauth"  # an access token lives minutes; keys and certificates months
            lifetime = (info.expires_at - info.issued_at) if info.issued_at else 300.0
            if left <= 0:
                self.add_class("-expired")
            elif left <= (min(WARN_SECONDS, lifetime * 0.2) if short else WARN_DAYS * 86400):
                self.add_class("-warning")
            text.append("⏱ " + (countdown(left) if short else long_countdown(left)) + "\n", style="bold")
            when = iso(info.expires_at)
            text.append(f"expires {when[11:19] if short else when[:10]}{' UTC' if short else ''}\n")
        for line in info.details[:3]:  # the panel is small: what matters first
            text.append(visible(line) + "\n")

    def _repaint(self, text: Text) -> None:
        """Show `text`, repainting only the characters that changed when nothing else did.

        Once a second only the countdown's last digits change: over SSH a whole-panel repaint
        (and the layout pass Static.update does) cost ~1.5 KB/s; these few cells cost ~50 B/s."""
        lines, classes = text.plain.split("\n"), frozenset(self.classes)
        before, self._shown = self._shown, (lines, classes)
        width = self.content_size.width
        same_shape = before is not None and before[1] == classes and len(before[0]) == len(lines)
        if not same_shape or width <= 0 or any(cell_len(line) > width for line in lines):
            self.update(text)  # lines added, colours changed, or wrapping: the full path
            return
        assert before is not None
        changed = [(row, old, new) for row, (old, new) in enumerate(zip(before[0], lines, strict=True)) if old != new]
        if not changed:
            return
        self.update(text, layout=False)  # the new content; then narrow the repaint to the changed cells
        self._repaint_regions.clear()
        self._dirty_regions.clear()
        for row, old, new in changed:
            start = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
            column = cell_len(new[:start])
            self.refresh(Region(column, row, max(cell_len(old[start:]), cell_len(new[start:]), 1), 1))
