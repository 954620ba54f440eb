"""A whole request's time limit: connect, send, every read, 429 waits, re-logins and pages.

httpx's timeout limits each read, so a server that drips one byte a second never trips it.
`Connection.send(request, deadline=Deadline.after(600))` bounds the whole exchange; a UI can
read `elapsed()` and `remaining()` to show progress against it.
"""

from __future__ import annotations

import contextvars
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Deadline:
    """The moment (time.monotonic) by which a request must be complete."""

    seconds: float
    started: float = field(default_factory=time.monotonic)

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        """A deadline `seconds` from now."""
        return cls(seconds)

    @property
    def at(self) -> float:
        """The deadline as a time.monotonic() value."""
        return self.started + self.seconds

    def elapsed(self) -> float:
        """Seconds since the request started."""
        return time.monotonic() - self.started

    def remaining(self) -> float:
        """Seconds left (0 when passed)."""
        return max(0.0, self.at - time.monotonic())


# The deadline of the send() running in this task, so waits deep inside (429, re-login
# back-off) can refuse a wait that cannot end in time instead of being cut off mid-sleep.
current_deadline: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar("qlik_tui_deadline", default=None)
