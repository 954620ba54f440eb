"""How long a 429 asks us to wait, and whether we are willing to.

Retry-After is seconds or an HTTP date. A hostile or confused server may send 100000, a
date in 2099, `nan` or `inf`: we never sleep silently, never sleep longer than
MAX_RETRY_AFTER, and a wait above that ends the request at once with the server's number.
"""

from __future__ import annotations

import email.utils
import math
import time

MAX_RATE_LIMIT_WAITS = 3
MAX_RETRY_AFTER = 60.0
NO_HEADER_WAIT = 1.0
UNREADABLE_WAIT = 5.0


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds from now (>= 0), or None when absent or not understood."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text).timestamp()
        except (TypeError, ValueError, OverflowError, IndexError):
            return None
        seconds = when - (time.time() if now is None else now)
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


def human_seconds(seconds: float) -> str:
    """'45 s', '12 min', '27 h 47 min', '3 days' for a wait."""
    if seconds < 90:
        return f"{seconds:.3g} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        hours, rest = divmod(int(seconds), 3600)
        return f"{hours} h {rest // 60} min"
    return f"{seconds / 86400:,.0f} days"


def retry_after_seconds(value: str | None, now: float | None = None) -> float:
    """The wait we would accept: absent 1 s, unreadable 5 s, else the value capped at 60 s."""
    seconds = parse_retry_after(value, now)
    if seconds is None:
        return NO_HEADER_WAIT if not (value or "").strip() else UNREADABLE_WAIT
    return min(MAX_RETRY_AFTER, seconds)
