"""Ask a QSEoW server which endpoints it offers, with a per-profile cache keyed by build.

Order: the Swagger document at /qrs/about/openapi/main; failing that, api/description in
its extended JSON form, then its plain form. The cache (state dir) makes the next start
instant; a new server build invalidates it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import QlikTuiError, RequestFailed
from ..http.connection import Connection
from ..http.types import Request
from .cache import Discovered, read_cache, write_cache
from .discovery import from_description, from_openapi


async def _json(connection: Connection, path: str, query: list[tuple[str, str]] | None = None) -> Any:
    response = await connection.send(Request.build("GET", path, query))
    if response.error is not None:
        raise response.error
    try:
        return response.json()
    except ValueError:  # a 200 that is not declared JSON and is not JSON (a proxy's page, plain text)
        kind = response.content_type or "no content type"
        raise RequestFailed(
            f"{path}: the answer is not JSON ({response.status}, {kind}, {len(response.body):,} bytes)",
            "check `url` and `virtual_proxy`: something other than the QRS answered",
            response.status,
        ) from None


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
