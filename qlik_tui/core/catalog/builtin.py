"""The endpoint catalog: built-in QRS and Qlik Cloud operations (data files in core/data),
plus whatever discovery learns from a server or an OpenAPI file.

Every built-in entry exists in Qlik's published specs (a test checks them against
shared/qlik-specs); the specs themselves are not shipped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any

_PLACEHOLDER = re.compile(r"\{([^}/]+)\}")
BUILTIN = "built-in"
SERVER = "server"


@dataclass(frozen=True)
class Endpoint:
    """One operation: method, path with {placeholders}, a summary, its group and source."""

    method: str
    path: str
    summary: str
    group: str
    params: tuple[str, ...] = ()
    body: str | None = None
    source: str = BUILTIN  # "built-in", "server", or the OpenAPI file it came from

    @property
    def placeholders(self) -> list[str]:
        """Names of the {placeholders} in the path."""
        return _PLACEHOLDER.findall(self.path)

    def label(self) -> str:
        """'GET /qrs/app/full'."""
        return f"{self.method} {self.path}"

    def key(self) -> tuple[str, str]:
        """Identity for merging: method and path, case-insensitive (QRS paths are)."""
        return self.method.upper(), self.path.lower().rstrip("/")

    def line(self, width: int = 52) -> str:
        """'METHOD PATH  summary' for `qlik-tui endpoints`."""
        return f"{self.method:<7}{self.path:<{width}}  {self.summary}".rstrip()


def placeholders_in(path: str) -> list[str]:
    """The {placeholders} still unfilled in a path."""
    return _PLACEHOLDER.findall(path)


def fill_placeholders(path: str, values: dict[str, str]) -> str:
    """Replace {name} with values[name] (URL-safe as typed); unknown names stay."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), path)


def _from_data(entry: dict[str, Any]) -> Endpoint:
    body = entry.get("body")
    return Endpoint(
        method=entry["method"],
        path=entry["path"],
        summary=entry["summary"],
        group=entry["group"],
        params=tuple(entry.get("params", ())),
        body=json.dumps(body, indent=2, ensure_ascii=False) if body is not None else None,
    )


@cache
def builtin(kind: str) -> tuple[Endpoint, ...]:
    """The built-in endpoints for a profile type ('qseow' or 'cloud')."""
    name = "qrs.json" if kind == "qseow" else "cloud.json"
    raw = json.loads(resources.files("qlik_tui.core.catalog").joinpath("data", name).read_text(encoding="utf-8"))
    return tuple(_from_data(e) for e in raw)


def merge(base: tuple[Endpoint, ...] | list[Endpoint], extra: list[Endpoint]) -> list[Endpoint]:
    """`base` first; entries of `extra` that `base` lacks are added (same method+path: base wins,
    but a base entry without a summary or params takes them from `extra`)."""
    out = list(base)
    index = {e.key(): i for i, e in enumerate(out)}
    for endpoint in extra:
        at = index.get(endpoint.key())
        if at is None:
            index[endpoint.key()] = len(out)
            out.append(endpoint)
        else:
            known = out[at]
            if not known.params and endpoint.params:
                out[at] = replace(known, params=endpoint.params)
    return out


def groups(endpoints: tuple[Endpoint, ...] | list[Endpoint]) -> dict[str, list[Endpoint]]:
    """Endpoints by group, groups and entries in catalog order."""
    out: dict[str, list[Endpoint]] = {}
    for endpoint in endpoints:
        out.setdefault(endpoint.group, []).append(endpoint)
    return out


def fuzzy_score(query: str, endpoint: Endpoint) -> int:
    """0 when some word of `query` is not found; higher is better. Each word must appear in
    method, path, summary or group, exactly or as an in-order subsequence of the path."""
    if not query.strip():
        return 1
    hay = f"{endpoint.method} {endpoint.path} {endpoint.summary} {endpoint.group}".lower()
    path = endpoint.path.lower()
    score = 0
    for word in query.lower().split():
        if word in hay:
            score += 10 + (5 if word in path else 0)
        elif _subsequence(word, path):
            score += 1
        else:
            return 0
    return score


def _subsequence(needle: str, hay: str) -> bool:
    position = 0
    for char in needle:
        position = hay.find(char, position) + 1
        if position == 0:
            return False
    return True


def search(endpoints: list[Endpoint] | tuple[Endpoint, ...], query: str) -> list[Endpoint]:
    """Endpoints matching `query`, best first (catalog order among equals)."""
    scored = [(fuzzy_score(query, e), i, e) for i, e in enumerate(endpoints)]
    return [e for s, _, e in sorted((t for t in scored if t[0] > 0), key=lambda t: (-t[0], t[1]))]


_QRS_LIST = re.compile(r"/qrs/([a-z]+(?:/object)?)(?:/full)?")


def qrs_count_path(path: str) -> str | None:
    """The cheap /count of a QRS list (`/qrs/app/full` -> `/qrs/app/count`), or None."""
    match = _QRS_LIST.fullmatch(path.lower())
    if match is None or match.group(1) in ("about", "license", "task"):
        return None
    return f"/qrs/{match.group(1)}/count"
