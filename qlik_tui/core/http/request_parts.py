"""Query parameters and headers typed by a person (CLI flags or editor lines), checked once.

Both faces of the app use these, so `-H` on the command line and a header line in the TUI
accept and refuse exactly the same things with the same messages.
"""

from __future__ import annotations

from ..errors import UsageError

# qlik-tui sets these itself; a person's value would fight with authentication.
MANAGED_HEADERS = {"authorization", "cookie", "x-qlik-xrfkey", "qlik-csrf-token"}


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
    return name.strip(), value.strip()


def _lines(text: str) -> list[tuple[int, str]]:
    return [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip() and not line.lstrip().startswith("#")]


def parse_query_lines(text: str) -> list[tuple[str, str]]:
    """`key=value` per line; blank lines and `#` comments skipped."""
    return [parse_query_item(line, f"query line {n}") for n, line in _lines(text)]


def parse_header_lines(text: str) -> list[tuple[str, str]]:
    """`Name: value` per line; blank lines and `#` comments skipped."""
    return [parse_header_item(line, f"header line {n}") for n, line in _lines(text)]
