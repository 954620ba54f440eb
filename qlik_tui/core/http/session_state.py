"""Cookies to and from the session cache: exactly as the server set them, checked on the way back.

A cache file is read back from disk, so everything in it is checked as hostile: names and
values are bounded printable ASCII (they go back into a Cookie header), and an expired
cookie is dropped rather than sent.
"""

from __future__ import annotations

import time
from http.cookiejar import Cookie, CookieJar
from typing import Any

MAX_COOKIES = 20
MAX_VALUE = 4096  # characters: browsers cap a cookie at about that
_FORBIDDEN = set(';,\\" \t\r\n')


def _clean(value: Any, limit: int = MAX_VALUE, allow_empty: bool = False) -> str:
    """`value` if it is a bounded printable ASCII string safe in a Cookie header, else ValueError."""
    if not isinstance(value, str) or len(value) > limit or (not value and not allow_empty):
        raise ValueError("not a usable cookie field")
    if not (value.isascii() and value.isprintable()) or _FORBIDDEN & set(value):
        raise ValueError("not a usable cookie field")
    return value


def cookies_state(jar: CookieJar) -> list[dict[str, Any]]:
    """The jar's live cookies by name, value, domain and path (what a later run sends back)."""
    now = time.time()
    out = []
    for cookie in jar:
        if not cookie.value or (cookie.expires is not None and cookie.expires <= now):
            continue
        out.append(
            {
                "name": cookie.name,
                "value": cookie.value,
                "domain": cookie.domain,
                "path": cookie.path,
                "secure": cookie.secure,
                "expires": cookie.expires,
                "host_only": not cookie.domain_specified,
            }
        )
    return out[:MAX_COOKIES]


def restore_cookies(jar: CookieJar, items: Any) -> int:
    """Put cached cookies back in `jar`; ValueError when the list is not what `cookies_state` writes."""
    if not isinstance(items, list) or len(items) > MAX_COOKIES:
        raise ValueError("cookies: not a list")
    now = time.time()
    cookies = []  # every cookie checked before any is used: a bad file restores nothing
    for item in items:
        if not isinstance(item, dict):
            raise ValueError("cookie: not an object")
        name, value = _clean(item.get("name"), 256), _clean(item.get("value"))
        domain, path = _clean(item.get("domain"), 256), _clean(item.get("path", "/"), 1024)
        expires = item.get("expires")
        if expires is not None and (not isinstance(expires, (int, float)) or isinstance(expires, bool)):
            raise ValueError("cookie: expires is not a number")
        if expires is not None and expires <= now:
            continue
        host_only = item.get("host_only", True) is not False
        cookies.append(
            Cookie(
                version=0,
                name=name,
                value=value,
                port=None,
                port_specified=False,
                domain=domain,
                domain_specified=not host_only,
                domain_initial_dot=domain.startswith("."),
                path=path,
                path_specified=True,
                secure=item.get("secure") is True,
                expires=int(expires) if expires is not None else None,
                discard=expires is None,
                comment=None,
                comment_url=None,
                rest={"HttpOnly": ""},
            )
        )
    for cookie in cookies:
        jar.set_cookie(cookie)
    return len(cookies)


def clean_token(value: Any, limit: int = 4096) -> str | None:
    """A cached CSRF (or access) token if it is a bounded printable ASCII string, else None."""
    if value is None:
        return None
    try:
        return _clean(value, limit)
    except ValueError:
        return None
