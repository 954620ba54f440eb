"""`qlik-tui endpoints`: the catalog as text, one operation per line, for scripts and grep."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from ..core.terminal_text import visible

if TYPE_CHECKING:
    from ..core.catalog.endpoint import Endpoint


def register(sub: Any, shared: argparse.ArgumentParser) -> None:
    """Add the `endpoints` sub-command."""
    p = sub.add_parser(
        "endpoints",
        parents=[shared],
        help="list the known API operations (METHOD PATH  summary)",
        description="List the built-in catalog for the profile's product (or --type), plus the profile's catalog_files; "
        "--discover adds what a QSEoW server publishes.",
    )
    p.add_argument("--type", choices=("qseow", "cloud"), help="list this product's catalog (no profile needed)")
    p.add_argument(
        "--discover", action="store_true", help="also ask the server (QSEoW: /qrs/about/openapi/main, then api/description)"
    )
    p.add_argument("--refresh", action="store_true", help="with --discover: ignore the cached server catalog")
    p.add_argument("--grep", metavar="TEXT", help="only lines containing every word of TEXT (case-insensitive)")
    p.add_argument("--deprecated", action="store_true", help="only operations Qlik marks deprecated or past their sunset")
    p.add_argument("--json", action="store_true", help="one JSON object per operation (parameters, body, deprecation)")
    from . import global_options

    global_options.add_options(p, 1, (global_options.NO_SESSION_CACHE,))
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the catalog."""
    from ..core.catalog.builtin import builtin, merge
    from ..core.catalog.discovery import load_openapi_file
    from ..core.errors import ProfileError, UsageError
    from .common import selected_profile

    profile = None
    if args.type is None or args.profile or args.discover:
        try:
            profile = selected_profile(args)
        except ProfileError:
            if args.type is None or args.discover:
                raise
    if profile is not None and args.type is not None and args.type != profile.type:
        raise UsageError(
            f"--type {args.type} does not match profile '{profile.name}' ({profile.type})",
            "leave out --type, or pick another profile",
        )
    kind = args.type or (profile.type if profile else "qseow")
    endpoints = list(builtin(kind))
    if profile is not None:
        for path in profile.catalog_paths:
            endpoints = merge(endpoints, load_openapi_file(path))
    if args.discover:
        assert profile is not None
        if profile.type != "qseow":
            if not profile.catalog_files:
                raise UsageError(
                    "Qlik Cloud does not publish its catalog",
                    "download specs from Qlik's developer portal and list them in the profile's catalog_files",
                )
        else:
            import asyncio
            import sys

            from ..core.json.view import plural

            found = asyncio.run(_discover(profile, args.refresh, args))
            count = plural(len(found.endpoints), "operation")
            print(f"qlik-tui: {count} from the server ({found.origin}, build {visible(found.build)})", file=sys.stderr)
            endpoints = merge(endpoints, found.endpoints)
    words = (args.grep or "").lower().split()
    width = max((len(e.path) for e in endpoints), default=40)
    for endpoint in endpoints:
        if args.deprecated and endpoint.deprecation is None:
            continue
        line = visible(endpoint.line(min(width, 70)))  # discovered entries carry the server's text
        if all(w in line.lower() for w in words):
            print(visible(json.dumps(as_json(endpoint), ensure_ascii=False)) if args.json else line)
    return 0


def as_json(endpoint: Endpoint) -> dict[str, Any]:
    """An entry for `--json`: every fact the catalog holds about the operation."""
    dep = endpoint.deprecation
    return {
        "method": endpoint.method,
        "path": endpoint.path,
        "summary": endpoint.summary,
        "group": endpoint.group,
        "source": endpoint.source,
        "path_params": endpoint.placeholders,
        "query_params": [
            {"name": n, "required": n in endpoint.required} for n in dict.fromkeys((*endpoint.params, *endpoint.optional))
        ],
        "body": endpoint.takes_body or endpoint.body is not None,
        "example_body": json.loads(endpoint.body) if endpoint.body else None,
        "deprecated": None
        if dep is None
        else {
            "since": dep.since or None,
            "sunset": dep.sunset or None,
            "sunset_passed": dep.sunset_passed(),
            "use": dep.use or None,
        },
        "newer": endpoint.newer or None,  # the successor Qlik names (x-qlik-replaced-by), deprecated or not
        "rate_limit": endpoint.rate_limit or None,  # Qlik Cloud: "tier 2, 100/min" (per user, per tier)
    }


async def _discover(profile: Any, refresh: bool, args: argparse.Namespace) -> Any:
    from ..core.catalog.discover_server import discover_qseow
    from ..core.http.connections import open_connection
    from .common import session_cache

    async with open_connection(profile, sessions=session_cache(args)) as connection:
        return await discover_qseow(connection, use_cache=not refresh)
