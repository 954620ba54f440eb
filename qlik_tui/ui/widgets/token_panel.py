"""The live token: who it speaks for, a countdown to `exp`, and the last connection event.

The raw token is never shown here; a key opens the decoded claims, another copies it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from ...core.auth.key_permissions import loose_key_mode
from ...core.events import PREFIX_IN_PATH, ConnectionEvent
from ...core.profiles.model import Profile
from ...core.terminal_text import visible
from ...core.timefmt import iso

if TYPE_CHECKING:
    from ...core.auth.tokens import MintedToken

WARN_SECONDS = 60


def countdown(seconds: float) -> str:
    """'4:59', '1:02:03', or 'expired 0:07 ago'."""
    whole = int(abs(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    return text if seconds > 0 else f"expired {text} ago"


class TokenPanel(Static):
    """Shows the active profile's token; updated every second."""

    token: reactive[MintedToken | None] = reactive(None, always_update=True)
    profile: reactive[Profile | None] = reactive(None, always_update=True)
    last_event: reactive[ConnectionEvent | None] = reactive(None, always_update=True)
    failure: reactive[str] = reactive("")
    engine: reactive[str] = reactive("")  # the Engine view's session state, one line (set by the view)

    def __init__(self, clock: Callable[[], float] = time.time, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clock = clock

    def on_mount(self) -> None:
        self.border_title = "Token"
        self.set_interval(1.0, self.refresh_text, name="token countdown")

    def watch_token(self, _: Any) -> None:
        self.refresh_text()

    def watch_profile(self, _: Any) -> None:
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
        mode = loose_key_mode(profile.key_path) if profile is not None else None
        if profile is not None and mode is not None:
            text.append(f"⚠ key mode {mode:04o}: chmod 600 {visible(str(profile.key_path))}\n", style="bold")
        if self.engine:
            text.append(self.engine + "\n")
        if self.last_event is not None:
            at = iso(self.last_event.at)[11:19]
            text.append(f"{at} {self.last_event.describe()}", style="italic")
        self.update(text)
