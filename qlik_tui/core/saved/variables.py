"""`{{name}}` variables in saved requests: found, filled in, and refused when left open.

Values come from `--var` (the command line), then the profile's `[profiles.NAME.vars]`,
then the environment, so one saved request runs against test and prod. Braces, not `$`:
Qlik expressions are full of `$(...)`, and `{id}` is already the catalog's placeholder.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from ..errors import UsageError
from ..http.request_parts import check_path, parse_header_item, parse_query_item
from ..http.types import Request
from .model import SavedRequest

VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}")
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class UnresolvedVariables(UsageError):
    """Variables with no value anywhere: the request is not sent."""

    def __init__(self, names: list[str], where: str = "") -> None:
        shown = ", ".join("{{" + n + "}}" for n in names)
        super().__init__(
            f"{where}no value for {shown}",
            f"set it in [profiles.NAME.vars], in the environment, or with --var {names[0]}=VALUE",
        )
        self.names = names


def _texts(saved: SavedRequest) -> Iterable[str]:
    yield saved.path
    for key, value in (*saved.query, *saved.headers):
        yield key
        yield value
    if saved.body:
        yield saved.body


def names_in(saved: SavedRequest) -> list[str]:
    """Every variable name used, in order of first appearance."""
    return list(dict.fromkeys(m.group(1) for text in _texts(saved) for m in VARIABLE.finditer(text)))


def parse_var_items(items: Sequence[str]) -> dict[str, str]:
    """`--var k=v` flags as a mapping; a name must be one `{{name}}` could hold."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or VARIABLE.fullmatch("{{" + name.strip() + "}}") is None:
            raise UsageError(f"--var {item!r} is not name=value", "e.g. --var stream=Finance (letters, digits, _ . -)")
        out[name.strip()] = value
    return out


def fill(saved: SavedRequest, sources: Sequence[Mapping[str, str]], where: str = "") -> SavedRequest:
    """`saved` with every variable replaced by the first source that has it; UnresolvedVariables otherwise."""
    missing = [n for n in names_in(saved) if not any(n in source for source in sources)]
    if missing:
        raise UnresolvedVariables(missing, where)

    def sub(text: str) -> str:
        return VARIABLE.sub(lambda m: next(s[m.group(1)] for s in sources if m.group(1) in s), text)

    return replace(
        saved,
        path=sub(saved.path),
        query=tuple((sub(k), sub(v)) for k, v in saved.query),
        headers=tuple((sub(k), sub(v)) for k, v in saved.headers),
        body=sub(saved.body) if saved.body else saved.body,
    )


def to_request(saved: SavedRequest) -> Request:
    """A filled-in saved request as a core Request, checked as the editor and `call` check theirs."""
    where = f"saved request '{saved.name}'"
    left = names_in(saved)
    if left:
        raise UnresolvedVariables(left, f"{where}: ")
    check_path(saved.path, where)
    query = [parse_query_item(f"{k}={v}", f"{where}, query {k!r}") for k, v in saved.query]
    headers = [parse_header_item(f"{k}: {v}", f"{where}, header {k!r}") for k, v in saved.headers]
    body = None
    if saved.body and saved.body.strip() and saved.method in BODY_METHODS:
        try:
            json.loads(saved.body)
        except ValueError as exc:
            raise UsageError(
                f"{where}: the body is not valid JSON once filled in ({exc})", "check the body and its variables"
            ) from None
        body = saved.body.strip().encode("utf-8")
    return Request.build(saved.method, saved.path, query, body, headers)


def fill_texts(texts: Mapping[str, str], sources: Sequence[Mapping[str, str]]) -> dict[str, str]:
    """The editor's texts (path, query, headers, body) filled in; UnresolvedVariables names every gap at once."""
    found = dict.fromkeys(m.group(1) for text in texts.values() for m in VARIABLE.finditer(text))
    missing = [n for n in found if not any(n in source for source in sources)]
    if missing:
        raise UnresolvedVariables(missing)
    return {
        key: VARIABLE.sub(lambda m: next(s[m.group(1)] for s in sources if m.group(1) in s), text) for key, text in texts.items()
    }


def describe(names: Iterable[str], sources: Sequence[tuple[str, Mapping[str, str]]]) -> str:
    """'{{stream}} from the profile · {{app}}: no value', for the line under the path."""
    parts = []
    for name in names:
        where = next((label for label, source in sources if name in source), None)
        parts.append("{{" + name + "}}" + (f" from {where}" if where else ": no value"))
    return " · ".join(parts)
