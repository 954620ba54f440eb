"""`qlik-tui call`: one authenticated request (or a watch loop), body on stdout."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


def register(sub: Any, shared: argparse.ArgumentParser) -> None:
    """Add the `call` sub-command."""
    p = sub.add_parser(
        "call",
        parents=[shared],
        help="send an authenticated request and print the response",
        description="Send METHOD PATH with the profile's authentication. PATH is the API path as Qlik documents it "
        "(/qrs/app/full, /api/v1/spaces); the virtual proxy prefix comes from the profile.",
    )
    p.add_argument("method", metavar="METHOD", help="GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS")
    p.add_argument("path", metavar="PATH", help="API path, e.g. /qrs/app/full or /api/v1/users/me")
    p.add_argument(
        "-q",
        "--query",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="query parameter (repeatable; URL-encoded for you)",
    )
    p.add_argument("-d", "--data", metavar="JSON|@FILE", help="request body: JSON text, @FILE, or @- for stdin")
    p.add_argument(
        "-H", "--header", action="append", default=[], metavar="'Name: value'", help="extra request header (repeatable)"
    )
    p.add_argument("-i", "--include", action="store_true", help="print the status line and headers (secrets redacted) on stderr")
    p.add_argument("--raw", action="store_true", help="print the body exactly as received")
    p.add_argument(
        "--all-pages", action="store_true", help="Qlik Cloud: follow links.next and print one document with every page's data"
    )
    p.add_argument("--max-pages", type=int, default=100, metavar="N", help="with --all-pages: stop after N pages (default 100)")
    p.add_argument(
        "--watch", type=float, metavar="SECONDS", help="repeat the request every SECONDS (fractions allowed) until Ctrl-C"
    )
    p.add_argument("--count", type=int, metavar="N", help="with --watch: stop after N requests")
    p.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS", help="network timeout (default 60)")
    p.add_argument("-v", "--verbose", action="store_true", help="print the request and token/session events on stderr")
    p.set_defaults(run=run)


def parse_query(items: list[str]) -> list[tuple[str, str]]:
    """-q KEY=VALUE flags as pairs (values keep their spaces: QRS filters need them)."""
    from ..core.http.request_parts import parse_query_item

    pairs = []
    for item in items:
        key, _, value = item.partition("=")
        parse_query_item(item, f"-q {item!r}")  # the same checks and message as the TUI
        pairs.append((key, value))
    return pairs


def parse_headers(items: list[str]) -> list[tuple[str, str]]:
    """-H 'Name: value' flags as pairs; headers qlik-tui manages are refused."""
    from ..core.http.request_parts import parse_header_item

    return [parse_header_item(item, f"-H {item!r}") for item in items]


def read_body(data: str | None) -> bytes | None:
    """-d JSON, -d @FILE or -d @-: checked to be JSON so a typo never reaches the server."""
    from ..core.errors import UsageError

    if data is None:
        return None
    if data.startswith("@"):
        source = data[1:]
        try:
            text = sys.stdin.read() if source == "-" else Path(source).expanduser().read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"-d {data}: cannot read ({exc.strerror})", "check the file name") from None
        except UnicodeDecodeError:
            raise UsageError(f"-d {data}: not UTF-8 text", "the body must be JSON text") from None
    else:
        text = data
    try:
        json.loads(text)
    except ValueError as exc:
        raise UsageError(
            f"-d: the body is not valid JSON ({exc})", 'quote it for the shell: -d \'{"name": "x"}\', or use -d @file.json'
        ) from None
    return text.encode("utf-8")


def run(args: argparse.Namespace) -> int:
    """Build the request, then send it once or in a watch loop."""
    import asyncio

    from ..core.errors import UsageError
    from ..core.http.types import Request
    from .common import selected_profile

    method = args.method.upper()
    if method not in METHODS:
        raise UsageError(f"{args.method!r} is not an HTTP method", f"use one of {', '.join(METHODS)}")
    if args.path.lower().startswith(("http://", "https://")):
        raise UsageError("PATH is the API path, not a URL", "e.g. qlik-tui call GET /qrs/about; the host comes from the profile")
    if args.count is not None and args.watch is None:
        raise UsageError("--count goes with --watch", "qlik-tui call GET /api/v1/reloads/ID --watch 2 --count 10")
    if args.watch is not None and args.watch <= 0:
        raise UsageError("--watch needs a positive number of seconds", "e.g. --watch 2 or --watch 0.5")
    if args.max_pages < 1 or (args.count is not None and args.count < 1):
        raise UsageError("--max-pages and --count must be at least 1", "e.g. --max-pages 20")
    request = Request.build(method, args.path, parse_query(args.query), read_body(args.data), parse_headers(args.header))
    profile = selected_profile(args)
    if profile.tls_verification_off:
        print(
            f"qlik-tui: warning: verify_tls = false in profile '{profile.name}': the server's identity is not checked",
            file=sys.stderr,
        )
    if args.all_pages and profile.type == "qseow":
        print("qlik-tui: note: QRS lists are not paged; --all-pages is ignored", file=sys.stderr)
    from .call_runner import run_calls

    return asyncio.run(run_calls(profile, request, args))
