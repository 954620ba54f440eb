"""Values from the profiles file quoted in messages: short, never deeply recursed; and "did you mean"."""

from __future__ import annotations

import reprlib
from difflib import get_close_matches

# Values quoted in messages come from the file: keep them short and never recurse deeply.
_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 80
_REPR.maxlevel = 3


def shown(value: object) -> str:
    """`value` as Python would write it, shortened for a one-line message."""
    return _REPR.repr(value)


def unknown(key: str, allowed: tuple[str, ...], where: str) -> str:
    close = get_close_matches(key, allowed, n=1)
    suggestion = f" (did you mean `{close[0]}`?)" if close else ""
    return f"key `{key}` is not known at {where}{suggestion}"
