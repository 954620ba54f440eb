"""Lifetimes such as `90`, `90s`, `30m`, `1h30m`, `2d`: always seconds, never milliseconds.

qs-jwt reads a bare `3600` as milliseconds; we read it as seconds because that is what
every person who types it means.
"""

from __future__ import annotations

import re
import reprlib

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_PART = re.compile(r"(\d+)([smhd])")
_WHOLE = re.compile(r"(?:\d+[smhd])+")
HINT = "write a whole number of seconds (90) or a duration such as 90s, 30m, 1h, 1h30m or 2d"
# Far above any limit a caller sets (profiles cap lifetimes at 30 days), far below what
# breaks date arithmetic: `99999999999d` is refused here, not as an OverflowError later.
MAX_SECONDS = 10 * 366 * 86400
_MAX_TEXT = 32


def parse_duration(value: object) -> int:
    """Return the number of seconds in `value` (int or duration string); raise ValueError."""
    if isinstance(value, bool):
        raise ValueError(f"{reprlib.repr(value)} is not a duration")
    if isinstance(value, int):
        seconds = value
    elif isinstance(value, str):
        text = value.strip().lower().replace(" ", "")
        if len(text) > _MAX_TEXT:
            raise ValueError(f"{value[:_MAX_TEXT]!r}... is not a duration")
        if text.isdigit():
            seconds = int(text)
        elif _WHOLE.fullmatch(text):
            seconds = sum(int(n) * _UNITS[u] for n, u in _PART.findall(text))
        else:
            raise ValueError(f"{reprlib.repr(value)} is not a duration")
    else:
        raise ValueError(f"{reprlib.repr(value)} is not a duration")
    if seconds <= 0:
        raise ValueError(f"{reprlib.repr(value)} is not a positive duration")
    if seconds > MAX_SECONDS:
        raise ValueError(f"{reprlib.repr(value)} is longer than ten years")
    return seconds


def format_duration(seconds: int) -> str:
    """The shortest exact duration string for `seconds` (3600 -> '1h', 90 -> '1m30s')."""
    if seconds <= 0:
        return "0s"
    parts = []
    for unit in ("d", "h", "m", "s"):
        size = _UNITS[unit]
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)
