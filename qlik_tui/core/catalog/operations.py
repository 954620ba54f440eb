"""Which operation a method and a path are, so the request editor knows when the user has
moved to another one (and the previous request's query rows and body must not follow)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from .builtin import Endpoint, builtin

Operation = tuple[str, str]  # (METHOD, lower-case path template or literal path)


def path_only(path: str) -> str:
    """The path without a `?query` and surrounding spaces."""
    return path.partition("?")[0].strip()


@cache
def _template(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}/]+\})", template.rstrip("/"))
    pattern = "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)
    return re.compile(pattern + "/?", re.IGNORECASE)  # QRS paths are case-insensitive


def fits(template: str, path: str) -> bool:
    """`path`, filled in or not, is an instance of `template` (/qrs/app/{id} ~ /qrs/app/3f2a...)."""
    return _template(template).fullmatch(path_only(path)) is not None


def catalog_for_path(path: str) -> tuple[Endpoint, ...]:
    """The built-in catalog a path belongs to (QRS or Qlik Cloud); none for other paths."""
    lowered = path_only(path).lower()
    if lowered.startswith("/qrs/"):
        return builtin("qseow")
    if lowered.startswith("/api/"):
        return builtin("cloud")
    return ()


def find_operation(method: str, path: str, extra: Iterable[Endpoint] = ()) -> Endpoint | None:
    """The catalog entry for `method` + `path` (the built-in one, or one of `extra`); a
    literal match wins over a template (/qrs/app/full is not /qrs/app/{id})."""
    best: Endpoint | None = None
    for endpoint in (*extra, *catalog_for_path(path)):
        if endpoint.method == method and fits(endpoint.path, path):
            if best is None or len(endpoint.placeholders) < len(best.placeholders):
                best = endpoint
    return best


def operation_of(method: str, path: str, extra: Iterable[Endpoint] = ()) -> Operation:
    """The identity of the operation on screen: its catalog template, else the literal path."""
    endpoint = find_operation(method, path, extra)
    if endpoint is not None:
        return method, endpoint.path.lower().rstrip("/")
    return method, path_only(path).lower().rstrip("/")
