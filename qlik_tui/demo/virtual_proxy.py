"""More virtual proxies on the simulated site: header authentication, and any session cookie name.

A QSEoW proxy serves several virtual proxies, each under its own prefix with its own
authentication method and session cookie name. The JWT proxy of `QseowConfig` is the
main one; these sit beside it on the same listener.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .http_server import SimRequest


@dataclass(frozen=True)
class VirtualProxy:
    """One more virtual proxy as the QMC would show it."""

    prefix: str
    # "jwt" (the main proxy's key and claim names) or "header"
    auth: str = "jwt"
    # the session cookie header name: any string an admin typed
    cookie_header: str = ""
    # auth = "header": the header the proxy trusts ("Header authentication header name")
    header_name: str = "hdr-usr"
    # auth = "header": a static user directory, or None for the dynamic `$ud\\$id` form
    header_directory: str | None = None

    def cookie_name(self, scheme: str) -> str:
        """The session cookie's name: `-HTTP` is appended over plain http, as Qlik does."""
        return (self.cookie_header or f"X-Qlik-Session-{self.prefix}") + ("-HTTP" if scheme == "http" else "")


def header_identity(req: SimRequest, proxy: VirtualProxy) -> tuple[tuple[str, str] | None, str]:
    """(directory, user id) from the trusted header, or None and why the proxy refuses."""
    value = (req.header(proxy.header_name) or "").strip()
    if not value:
        return None, f"Unauthorized: no session and no {proxy.header_name} header"
    if proxy.header_directory is not None:
        # Static directory: the whole value is the user id (a backslash in it is part of the id).
        return (proxy.header_directory, value), ""
    directory, sep, user_id = value.partition("\\")
    if not sep or not directory or not user_id or "\\" in user_id:
        return None, f"Unauthorized: the {proxy.header_name} header must be DIRECTORY\\userid on this proxy"
    return (directory, user_id), ""


def known_user(users: list[dict[str, Any]], directory: str, user_id: str) -> dict[str, Any] | None:
    """The site's user record, matched case-insensitively as QRS does."""
    for user in users:
        if user["userId"].lower() == user_id.lower() and user["userDirectory"].lower() == directory.lower():
            return user
    return None


def proxy_for(path: str, proxies: tuple[VirtualProxy, ...]) -> VirtualProxy | None:
    """The extra virtual proxy whose prefix `path` starts with, if any."""
    for proxy in proxies:
        prefix = f"/{proxy.prefix}"
        if path == prefix or path.startswith(prefix + "/"):
            return proxy
    return None
