"""Checks of the fields each sign-in method needs: secrets never inline, users, header and cookie names, URLs.

Every rule here is about what Qlik (or HTTP) will accept, so a mistake is reported when the
file is read rather than as a puzzling 401 later. Values that may be secrets are never quoted.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from .model import SecretSource
from .shown import shown as _shown

# Keys that hold a secret's value when written inline; qlik-tui never reads one from the file.
INLINE_SECRET_KEYS = ("api_key", "client_secret", "key_passphrase", "password", "passphrase", "secret", "token")
# RFC 7230 token: the characters a header name may have.
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# Headers the client sets itself: a header-auth proxy trusting one of them is a mistake.
_RESERVED_HEADERS = {"authorization", "cookie", "host", "content-type", "content-length", "x-qlik-xrfkey"}
QRS_PORT = 4242
_CLIENT_ID = re.compile(r"[\x21-\x7e]+")


def inline_secret_problems(raw: dict[str, Any]) -> tuple[list[str], set[str]]:
    """Problems for secrets written inline (value never echoed), and the keys they cover."""
    problems: list[str] = []
    found = {k for k in raw if k.lower() in INLINE_SECRET_KEYS}
    for key in sorted(found):
        name = key.lower() if key.lower() in ("api_key", "client_secret", "key_passphrase") else "<secret>"
        problems.append(
            f"key `{key}`: secrets are never written in the profiles file (its value is not shown here); "
            f'name where it lives instead: {name}_env = "VAR", {name}_file = "PATH" (chmod 600) '
            f'or {name}_command = ["pass", "show", "qlik/eu"]'
        )
    return problems, found


def require_secret(secrets: dict[str, SecretSource], name: str, why: str, problems: list[str]) -> None:
    """A method's secret must have a source (whether it resolves is `profiles check`'s job)."""
    if name not in secrets:
        problems.append(
            f'key `{name}_env` (or `{name}_file`, `{name}_command`) is missing: {why}; e.g. {name}_env = "QLIK_{name.upper()}"'
        )


def check_user(user: str, auth: str, problems: list[str]) -> None:
    """`user`: "userid" or "DIRECTORY\\userid" (one backslash, neither part empty); certificates need both."""
    if not user.strip():
        return  # reported as missing or empty by the loader
    example = '"DIRECTORY\\\\userid" (in TOML a backslash is written twice, or use single quotes)'
    if user != user.strip() or not user.isprintable():
        problems.append(f"key `user`: {_shown(user)} has spaces at an end or control characters; write {example}")
        return
    directory, sep, user_id = user.partition("\\")
    if user.count("\\") > 1 or (sep and (not directory or not user_id)):
        problems.append(f'key `user`: {_shown(user)} must be "userid" or {example}, with one backslash and both parts')
        return
    if auth == "certificate" and not sep:
        problems.append(
            f"key `user`: {_shown(user)} has no user directory; the QRS port needs both "
            f"(X-Qlik-User: UserDirectory=...; UserId=...): write {example}"
        )
        return
    if auth == "certificate" and any(c in user for c in ";="):
        problems.append(f"key `user`: {_shown(user)} holds ';' or '=', which would break the X-Qlik-User header")
    if not user.isascii():
        problems.append(f"key `user`: {_shown(user)} is not ASCII; HTTP headers carry ASCII only")


def check_header_name(name: str, problems: list[str]) -> None:
    """`header_name` must be an HTTP header name (RFC 7230 token), and not one the client sets itself."""
    if not name.strip():
        return
    if not _TOKEN.fullmatch(name):
        problems.append(
            f"key `header_name`: {_shown(name)} is not an HTTP header name "
            "(letters, digits and !#$%&'*+-.^_`|~ only, no spaces or ':'), e.g. \"X-Qlik-User-Header\""
        )
    elif name.lower() in _RESERVED_HEADERS:
        problems.append(f"key `header_name`: {_shown(name)} is a header qlik-tui sets itself; use the proxy's own header")


def check_session_cookie(name: str | None, problems: list[str]) -> None:
    """`session_cookie`, when pinned, must be a cookie name (RFC 6265: an RFC 7230 token)."""
    if name is not None and not _TOKEN.fullmatch(name):
        problems.append(
            f"key `session_cookie`: {_shown(name)} is not a cookie name (no spaces, '=', ';' or quotes), "
            'e.g. "X-Qlik-Session-hdr"; leave it out to take whatever cookie the proxy sets'
        )


def check_certificate_url(url: str, problems: list[str]) -> None:
    """The QRS port takes client certificates over https, on an explicit port (4242 unless an admin mapped it)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return  # the URL check reports it
    if not parts.hostname:
        return
    if parts.scheme != "https":
        problems.append(f"key `url`: {_shown(url)}: client certificates need https (e.g. https://{parts.hostname}:{QRS_PORT})")
    elif port is None:
        problems.append(
            f"key `url`: {_shown(url)} has no port; certificates are taken by the QRS port, not the proxy: "
            f"write https://{parts.hostname}:{QRS_PORT} (or the port your admin mapped it to)"
        )


def check_client_id(client_id: str, problems: list[str]) -> None:
    """An OAuth client id is one word of printable ASCII (it goes in a form body)."""
    if client_id.strip() and not _CLIENT_ID.fullmatch(client_id):
        problems.append(f"key `client_id`: {_shown(client_id)} has spaces or non-ASCII characters; copy the id again")
