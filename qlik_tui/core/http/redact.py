"""Keep secrets out of everything a person or a file sees: headers, URLs, history."""

from __future__ import annotations

import re
from collections.abc import Iterable

SECRET_HEADERS = {"authorization", "cookie", "set-cookie", "qlik-csrf-token", "x-qlik-xrfkey", "proxy-authorization"}
MASK = "••••••"
_XRFKEY = re.compile(r"([?&]xrfkey=)[^&]*", re.IGNORECASE)


def redact_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Headers with secret values masked; a Set-Cookie keeps its cookie name and attributes."""
    out = []
    for name, value in headers:
        lower = name.lower()
        if lower == "set-cookie":
            cookie, _, attrs = value.partition(";")
            cookie_name = cookie.split("=", 1)[0]
            out.append((name, f"{cookie_name}={MASK}" + (f";{attrs}" if attrs else "")))
        elif lower == "authorization":
            scheme = value.split(" ", 1)[0] if " " in value else ""
            out.append((name, f"{scheme} {MASK}".strip()))
        elif lower in SECRET_HEADERS:
            out.append((name, MASK))
        else:
            out.append((name, value))
    return out


def redact_url(url: str) -> str:
    """The URL without its xrfkey value."""
    return _XRFKEY.sub(lambda m: m.group(1) + MASK, url)
