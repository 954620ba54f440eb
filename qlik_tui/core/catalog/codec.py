"""The compact JSON form of catalog entries (short keys, defaults left out), shared by the
built-in data files (core/catalog/data, written by tools/gen_catalog.py) and the cache of
discovered catalogs, so that ~2,300 entries load in a few milliseconds."""

from __future__ import annotations

import json
from typing import Any

from .deprecation import Deprecation
from .endpoint import BUILTIN, Endpoint


def encode(endpoint: Endpoint, group: int | str) -> dict[str, Any]:
    """One entry as a dict with short keys: m p g s q r o b e d n t."""
    out: dict[str, Any] = {"m": endpoint.method, "p": endpoint.path, "g": group}
    if endpoint.summary:
        out["s"] = endpoint.summary
    for key, names in (("q", endpoint.params), ("r", endpoint.required), ("o", endpoint.optional)):
        if names:
            out[key] = list(names)
    if endpoint.takes_body:
        out["b"] = 1
    if endpoint.body is not None:
        out["e"] = json.loads(endpoint.body)
    if endpoint.deprecation is not None:
        dep = endpoint.deprecation
        out["d"] = {k: v for k, v in (("since", dep.since), ("sunset", dep.sunset), ("use", dep.use)) if v}
    if endpoint.newer:
        out["n"] = endpoint.newer
    if endpoint.rate_limit:
        out["t"] = endpoint.rate_limit
    return out


def decode(entry: dict[str, Any], group_names: list[str] | None = None, source: str = BUILTIN) -> Endpoint:
    """An entry written by `encode` (group an index into `group_names`, or a name)."""
    group = entry["g"]
    body = entry.get("e")
    dep = entry.get("d")
    return Endpoint(
        method=entry["m"],
        path=entry["p"],
        summary=entry.get("s", ""),
        group=group_names[group] if group_names is not None else str(group),
        params=tuple(entry.get("q", ())),
        body=json.dumps(body, indent=2, ensure_ascii=False) if body is not None else None,
        source=source,
        required=tuple(entry.get("r", ())),
        optional=tuple(entry.get("o", ())),
        takes_body=bool(entry.get("b")),
        deprecation=Deprecation(dep.get("since", ""), dep.get("sunset", ""), dep.get("use", "")) if dep is not None else None,
        newer=str(entry.get("n", "")),
        rate_limit=str(entry.get("t", "")),
    )
