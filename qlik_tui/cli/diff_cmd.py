"""`qlik-tui diff A B METHOD PATH`: the same read on two profiles, as a structural diff.

The two profiles are positional: `-p` is a global option defined once (two different `-p`
values are refused everywhere), so `diff` takes neither `-p` nor a second kind of it.
Exit 0 when the two answers are the same, 1 when they differ, 2+ on errors (like diff(1)).
"""

from __future__ import annotations

import argparse
from typing import Any

READ_METHODS = ("GET",)


def register(sub: Any, shared: argparse.ArgumentParser) -> None:
    """Add the `diff` sub-command."""
    p = sub.add_parser(
        "diff",
        parents=[shared],
        help="send the same GET with two profiles and show what differs",
        description="Send METHOD PATH with profiles LEFT and RIGHT and print a structural diff: keys added, removed, "
        "changed; lists of Qlik objects matched by id (shared ids), else name, else position. Volatile fields "
        "(modifiedDate, createdDate, modifiedByUserName, privileges, createdAt, updatedAt, tenantId, links) are hidden "
        "unless --show-volatile. Exit 0: same, 1: different, 2 or more: an error.",
    )
    p.add_argument("left", metavar="LEFT", help="first profile (shown as ---)")
    p.add_argument("right", metavar="RIGHT", help="second profile (shown as +++)")
    p.add_argument("method", metavar="METHOD", help="GET (diff only reads)")
    p.add_argument("path", metavar="PATH", help="API path, e.g. /qrs/app/full")
    p.add_argument("-q", "--query", action="append", default=[], metavar="KEY=VALUE", help="query parameter (repeatable)")
    p.add_argument("-H", "--header", action="append", default=[], metavar="'Name: value'", help="extra header (repeatable)")
    p.add_argument("--all-pages", action="store_true", help="Qlik Cloud: compare every page (links.next), at most 100")
    p.add_argument("--json", action="store_true", help="print the differences as JSON")
    p.add_argument("--show-volatile", action="store_true", help="also compare the volatile fields (dates, privileges...)")
    p.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS", help="longest silence (default 60)")
    p.add_argument("--max-time", type=float, default=600.0, metavar="SECONDS", help="time limit per side (default 600)")
    from . import global_options

    global_options.add_options(p, 1, (global_options.NO_SESSION_CACHE,))
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Check the input, send both requests at once, print the diff."""
    import asyncio

    from ..core.errors import UsageError
    from ..core.http.request_parts import check_path
    from ..core.http.types import Request
    from .call_cmd import check_number, parse_headers, parse_query
    from .common import load_set, pick_profile

    method = args.method.upper()
    if method not in READ_METHODS:
        raise UsageError(f"diff only reads: {args.method!r} would change two servers", "use GET: diff test prod GET /qrs/app")
    if args.left == args.right:
        raise UsageError(f"LEFT and RIGHT are both {args.left!r}", "name two profiles: qlik-tui diff test prod GET PATH")
    check_number(args.timeout, "--timeout", 0.001, 86400, "seconds", "30")
    check_number(args.max_time, "--max-time", 0.001, 7 * 86400, "seconds", "120")
    check_path(args.path, "PATH")
    request = Request.build(method, args.path, parse_query(args.query), None, parse_headers(args.header))
    profile_set = load_set(args)
    profiles = (pick_profile(profile_set, args.left), pick_profile(profile_set, args.right))
    from .diff_runner import run_diff

    return asyncio.run(run_diff(profiles, request, args))
