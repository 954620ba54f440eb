"""Query parameters and headers typed by a person (CLI flags or editor lines), checked once.

Both faces of the app use these, so `-H` on the command line and a header line in the TUI
accept and refuse exactly the same things with the same messages.
"""

from __future__ import annotations

import re

from ..errors import UsageError
from ..terminal_text import visible

# qlik-tui sets these itself; a person's value would fight with authentication.
MANAGED_HEADERS = {"authorization", "cookie", "x-qlik-xrfkey", "qlik-csrf-token"}
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # RFC 9110 header name characters
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def check_path(path: str, where: str) -> str:
    """The API path, refused when it holds a line break or another control character
    (it would end up in the request line); spaces and non-ASCII are percent-encoded later."""
    if _CONTROL.search(path):
        raise UsageError(
            f"{where}: the path contains a line break or control character ({visible(path)[:120]})",
            "type the path on one line; percent-encode characters that must be sent (%0A)",
        )
    return path


def parse_query_item(text: str, where: str) -> tuple[str, str]:
    """'key=value' (the value may contain '='); `where` names the flag or line for messages."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise UsageError(f"{where}: {text.strip()!r} is not key=value", "e.g. filter=name eq 'Sales'")
    return key.strip(), value.strip()


def parse_header_item(text: str, where: str) -> tuple[str, str]:
    """'Name: value'; headers qlik-tui manages are refused."""
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise UsageError(f"{where}: {text.strip()!r} is not 'Name: value'", "e.g. Accept-Language: en")
    if name.strip().lower() in MANAGED_HEADERS:
        raise UsageError(
            f"{where}: qlik-tui sets {name.strip()} itself", "authentication, cookies, Xrfkey and CSRF come from the profile"
        )
    if not _TOKEN.fullmatch(name.strip()):
        raise UsageError(
            f"{where}: {visible(name.strip())!r} is not a header name", "letters, digits and -_.!#$%&'*+^`|~ only, e.g. X-Name"
        )
    if _CONTROL.search(value.strip()):
        raise UsageError(f"{where}: the value contains a line break or control character", "give the value on one line")
    if not value.isascii():
        raise UsageError(
            f"{where}: header values must be ASCII ({visible(value.strip())!r})",
            "percent-encode the value (G%C3%B6ran) or send it in the body",
        )
    return name.strip(), value.strip()


def _lines(text: str) -> list[tuple[int, str]]:
    return [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip() and not line.lstrip().startswith("#")]


def parse_query_lines(text: str) -> list[tuple[str, str]]:
    """`key=value` per line; blank lines and `#` comments skipped."""
    return [parse_query_item(line, f"query line {n}") for n, line in _lines(text)]


def parse_header_lines(text: str) -> list[tuple[str, str]]:
    """`Name: value` per line; blank lines and `#` comments skipped."""
    return [parse_header_item(line, f"header line {n}") for n, line in _lines(text)]
