"""Ask a QSEoW server which endpoints it offers, with a per-profile cache keyed by build.

Order: the Swagger document at /qrs/about/openapi/main; failing that, api/description in
its extended JSON form, then its plain form. The cache (state dir) makes the next start
instant; a new server build invalidates it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .catalog import SERVER, Endpoint
from .connection import Connection
from .discovery import from_description, from_openapi
from .errors import QlikTuiError, RequestFailed
from .history import default_state_dir
from .http_types import Request
from .profile_store import atomic_write


@dataclass(frozen=True)
class Discovered:
    """What a server published, where it came from, and its build."""

    endpoints: list[Endpoint]
    build: str
    origin: str  # "openapi", "api/description (extended)", "api/description", "cache"


def cache_path(profile_name: str, folder: Path | None = None) -> Path:
    """Where a profile's discovered catalog is cached."""
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in profile_name)
    return (folder or default_state_dir() / "catalog-cache") / f"{safe}.json"


def read_cache(profile_name: str, folder: Path | None = None, build: str | None = None) -> Discovered | None:
    """The cached catalog (for `build`, if given), or None."""
    try:
        doc = json.loads(cache_path(profile_name, folder).read_text(encoding="utf-8"))
        if build is not None and doc["build"] != build:
            return None
        endpoints = [
            Endpoint(e["method"], e["path"], e["summary"], e["group"], tuple(e["params"]), None, SERVER) for e in doc["endpoints"]
        ]
        return Discovered(endpoints, str(doc["build"]), "cache")
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_cache(profile_name: str, found: Discovered, folder: Path | None = None) -> None:
    """Save a discovered catalog (no secrets in it)."""
    doc = {
        "build": found.build,
        "endpoints": [
            {"method": e.method, "path": e.path, "summary": e.summary, "group": e.group, "params": list(e.params)}
            for e in found.endpoints
        ],
    }
    atomic_write(cache_path(profile_name, folder), json.dumps(doc).encode("utf-8"))


async def _json(connection: Connection, path: str, query: list[tuple[str, str]] | None = None) -> Any:
    response = await connection.send(Request.build("GET", path, query))
    if response.error is not None:
        raise response.error
    return response.json()


async def discover_qseow(connection: Connection, cache_dir: Path | None = None, use_cache: bool = True) -> Discovered:
    """The server's operations (cached per build); RequestFailed when nothing answers."""
    about = await _json(connection, "/qrs/about")
    build = str(about.get("buildVersion", "?")) if isinstance(about, dict) else "?"
    name = connection.profile.name
    if use_cache:
        cached = read_cache(name, cache_dir, build)
        if cached is not None:
            return cached
    problems: list[str] = []
    found: Discovered | None = None
    try:
        found = Discovered(from_openapi(await _json(connection, "/qrs/about/openapi/main")), build, "openapi")
    except QlikTuiError as exc:
        problems.append(f"openapi/main: {exc.message}")
    if found is None:
        for query, origin in (
            ([("extended", "true"), ("format", "JSON")], "api/description (extended)"),
            ([], "api/description"),
        ):
            try:
                endpoints = from_description(await _json(connection, "/qrs/about/api/description", query))
            except QlikTuiError as exc:
                problems.append(f"{origin}: {exc.message}")
                continue
            if endpoints:
                found = Discovered(endpoints, build, origin)
                break
    if found is None:
        raise RequestFailed(
            "the server published no endpoint list (" + "; ".join(problems) + ")",
            "the built-in catalog still works; check the user's access to /qrs/about",
        )
    try:
        write_cache(name, found, cache_dir)
    except OSError:
        pass  # a read-only state dir only costs the next start some time
    return found
