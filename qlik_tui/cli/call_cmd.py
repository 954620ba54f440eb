"""`qlik-tui call`: one authenticated request (or a watch loop), body on stdout."""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any

from . import global_options, saved_request

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
DEFAULT_MAX_TIME = 600.0
DEFAULT_MAX_BODY_MB = 1024.0
MIN_WATCH = 0.1
DAY = 86400.0


def register(sub: Any, shared: argparse.ArgumentParser) -> None:
    """Add the `call` sub-command."""
    p = sub.add_parser(
        "call",
        parents=[shared],
        help="send an authenticated request and print the response",
        description="Send METHOD PATH with the profile's authentication. PATH is the API path as Qlik documents it "
        "(/qrs/app/full, /api/v1/spaces); the virtual proxy prefix comes from the profile.",
    )
    p.add_argument("method", metavar="METHOD", nargs="?", help="GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS")
    p.add_argument("path", metavar="PATH", nargs="?", help="API path, e.g. /qrs/app/full or /api/v1/users/me")
    saved_request.add_arguments(p)
    p.add_argument(
        "-q",
        "--query",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="query parameter (repeatable; URL-encoded for you)",
    )
    p.add_argument(
        "-d",
        "--data",
        metavar="JSON|@FILE|-",
        help="request body: JSON text; @FILE sent exactly as it is, streamed from disk (Content-Type from -H, else JSON "
        "when it is JSON, else application/octet-stream); - (or @-) for standard input",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="stream a successful response body to FILE as it is (an app export, a data file); never overwrites without --force",
    )
    p.add_argument("--force", action="store_true", help="with -o: replace FILE if it exists")
    p.add_argument(
        "-H", "--header", action="append", default=[], metavar="'Name: value'", help="extra request header (repeatable)"
    )
    p.add_argument("-i", "--include", action="store_true", help="print the status line and headers (secrets redacted) on stderr")
    p.add_argument(
        "--raw",
        action="store_true",
        help="print the body as received (exact bytes to a pipe; control characters shown on a terminal)",
    )
    p.add_argument(
        "--all-pages", action="store_true", help="Qlik Cloud: follow links.next and print one document with every page's data"
    )
    p.add_argument("--max-pages", type=int, default=100, metavar="N", help="with --all-pages: stop after N pages (default 100)")
    p.add_argument(
        "--watch", type=float, metavar="SECONDS", help="repeat the request every SECONDS (fractions allowed) until Ctrl-C"
    )
    p.add_argument("--count", type=int, metavar="N", help="with --watch: stop after N requests")
    p.add_argument(
        "--timeout", type=float, default=60.0, metavar="SECONDS", help="longest silence while connecting or reading (default 60)"
    )
    p.add_argument(
        "--max-time",
        type=float,
        default=DEFAULT_MAX_TIME,
        metavar="SECONDS",
        help=f"time limit for the whole request: connect, reads, 429 waits, re-logins, pages (default {DEFAULT_MAX_TIME:g})",
    )
    # --max-body is a global option (shared with the TUI), so it works before or after `call`
    global_options.add_options(p, 1, (global_options.MAX_BODY, global_options.NO_SESSION_CACHE))
    p.add_argument("-v", "--verbose", action="store_true", help="print the request and token/session events on stderr")
    export = p.add_mutually_exclusive_group()
    export.add_argument(
        "--curl", action="store_true", help="print the request as a curl command (no secrets in it) instead of sending it"
    )
    export.add_argument(
        "--powershell", action="store_true", help="print the request as PowerShell Invoke-RestMethod instead of sending it"
    )
    p.add_argument("--jq", metavar="EXPR", help="print what the jq expression EXPR makes of the JSON body")
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


def check_utf8(args: argparse.Namespace) -> None:
    """Arguments the shell could not decode (bytes that are not UTF-8 arrive as surrogates,
    which nothing can encode later): refuse them here, by name."""
    from ..core.errors import UsageError

    named = [("PATH", args.path or ""), ("-d", args.data or "")]
    named += [("-q", q) for q in args.query] + [("-H", h) for h in args.header]
    for flag, text in named:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise UsageError(
                f"{flag}: contains bytes that are not UTF-8", "check the terminal's encoding (LANG, LC_ALL), or use -d @FILE"
            ) from None


def check_number(value: float, flag: str, low: float, high: float, unit: str, example: str) -> None:
    """A finite number in [low, high] (`nan`, `inf` and negatives parse as floats: refuse them)."""
    from ..core.errors import UsageError

    if not math.isfinite(value) or value < low or value > high or value <= 0:
        raise UsageError(f"{flag} must be a number of {unit} from {low:g} to {high:g}, not {value!r}", f"e.g. {flag} {example}")


def check_numbers(args: argparse.Namespace) -> None:
    """--timeout, --max-time, --max-body and --watch: finite, positive, within sane bounds."""
    check_number(args.timeout, "--timeout", 0.001, DAY, "seconds", "30")
    check_number(args.max_time, "--max-time", 0.001, 7 * DAY, "seconds", "120")
    if args.max_body is None:
        args.max_body = DEFAULT_MAX_BODY_MB
    check_number(args.max_body, "--max-body", 0.001, 1024 * 1024, "MB", "2048")
    if args.watch is not None:
        check_number(args.watch, "--watch", MIN_WATCH, DAY, "seconds", "2 (or 0.5)")


def run(args: argparse.Namespace) -> int:
    """Build the request (typed, or saved with --saved), then send it once or in a watch loop."""
    from ..core.errors import UsageError
    from ..core.http.request_parts import check_path
    from ..core.http.types import Request
    from .common import selected_profile

    saved_request.check_target(args)
    if args.saved is None:
        method = args.method.upper()
        if method not in METHODS:
            raise UsageError(f"{args.method!r} is not an HTTP method", f"use one of {', '.join(METHODS)}")
        if args.path.lower().startswith(("http://", "https://")):
            raise UsageError(
                "PATH is the API path, not a URL", "e.g. qlik-tui call GET /qrs/about; the host comes from the profile"
            )
    if args.count is not None and args.watch is None:
        raise UsageError("--count goes with --watch", "qlik-tui call GET /api/v1/reloads/ID --watch 2 --count 10")
    check_numbers(args)
    check_utf8(args)
    if args.max_pages < 1 or (args.count is not None and args.count < 1):
        raise UsageError("--max-pages and --count must be at least 1", "e.g. --max-pages 20")
    check_output(args)
    if args.jq is not None:
        if args.curl or args.powershell:
            raise UsageError("--jq filters a response, and --curl/--powershell send nothing", "pipe the command's output to jq")
        if args.output:
            raise UsageError("--jq filters what is printed, and -o FILE saves the body as it is", "leave one of them out")
        from ..core.json.jq_filter import check

        args.jq = check(args.jq)  # a bad expression fails here, in jq's words, before anything is sent
    if args.saved is not None:
        profile, request = saved_request.build(args)
        if args.curl or args.powershell:
            from .call_export import print_export

            return print_export(profile, request, args)
        return send(profile, request, args)
    check_path(args.path, "PATH")
    query, headers = parse_query(args.query), parse_headers(args.header)
    profile = selected_profile(args)
    if args.curl or args.powershell:
        from .call_export import print_export

        # the body as typed: a JSON text, or the file (-d @FILE) the printed command reads
        return print_export(profile, Request.build(method, args.path, query, export_body(args.data), headers), args)
    from .call_body import request_body

    with request_body(args.data, headers) as (body, content_type):
        if content_type is not None:
            headers.append(("Content-Type", content_type))
        return send(profile, Request.build(method, args.path, query, body, headers), args)


def send(profile: Any, request: Any, args: argparse.Namespace) -> int:
    """Warn about the profile where needed, then send `request` once or in a watch loop."""
    import asyncio

    from .call_runner import run_calls

    if profile.tls_verification_off:
        print(
            f"qlik-tui: warning: verify_tls = false in profile '{profile.name}': the server's identity is not checked",
            file=sys.stderr,
        )
    if args.all_pages and profile.type == "qseow":
        print("qlik-tui: note: QRS lists are not paged; --all-pages is ignored", file=sys.stderr)
    return asyncio.run(run_calls(profile, request, args))


def export_body(data: str | None) -> Any:
    """What --curl/--powershell print for -d: the JSON text, or the file (stdin: `-`) the printed command reads.

    Nothing is read: the printed command reads the file (or its own stdin) when it runs.
    """
    from pathlib import Path

    from ..core.errors import UsageError
    from ..core.http.types import FileBody

    if data is None:
        return None
    if data in ("-", "@-"):
        # the printed command hands the token to curl on its standard input: the body cannot come that way too
        raise UsageError(
            "--curl/--powershell cannot print a command whose body comes from standard input (-d -)",
            "save the body to a file and export with -d @FILE",
        )
    if data.startswith("@"):
        return FileBody(Path(data[1:]).expanduser(), 0, f"-d {data}")
    return data.encode("utf-8")


def check_output(args: argparse.Namespace) -> None:
    """-o goes with one plain request: not --watch, not --all-pages (pages are joined as JSON)."""
    from ..core.errors import UsageError

    if args.force and not args.output:
        raise UsageError("--force goes with -o FILE", "qlik-tui call GET /path -o out.bin --force")
    if args.output and (args.watch is not None or args.all_pages):
        raise UsageError("-o FILE takes one response: not with --watch or --all-pages", "leave one of them out")
