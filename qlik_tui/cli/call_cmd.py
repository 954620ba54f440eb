"""`qlik-tui call`: one authenticated request (or a watch loop), body on stdout."""

from __future__ import annotations

import argparse
import json
import math
import os
import stat
import sys
from pathlib import Path
from typing import Any

from . import global_options, saved_request

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
MAX_REQUEST_BODY = 64 * 1024 * 1024  # a JSON body to send; more is a mistake (or /dev/zero)
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
    p.add_argument("-d", "--data", metavar="JSON|@FILE", help="request body: JSON text, @FILE, or @- for stdin")
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
    global_options.add_options(p, 1, (global_options.MAX_BODY,))
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


def _read_capped(source: str, data: str) -> bytes:
    """A regular file (or stdin for '-'), at most MAX_REQUEST_BODY bytes: never a FIFO that
    blocks forever or a device like /dev/zero that never ends."""
    from ..core.errors import UsageError

    too_big = UsageError(
        f"-d {data}: more than {MAX_REQUEST_BODY // 1048576} MB", "a request body is JSON of a sensible size; check the file"
    )
    if source == "-":
        from .common import read_stdin

        return read_stdin(MAX_REQUEST_BODY, f"-d {data}")
    path = Path(source).expanduser()
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise UsageError(
                f"-d {data}: not a regular file (a folder, pipe or device)", "give a JSON file, or pipe it in with -d @-"
            )
        with open(path, "rb") as handle:
            raw = handle.read(MAX_REQUEST_BODY + 1)
    except OSError as exc:
        raise UsageError(f"-d {data}: cannot read ({exc.strerror})", "check the file name") from None
    if len(raw) > MAX_REQUEST_BODY:
        raise too_big
    return raw


def read_body(data: str | None) -> bytes | None:
    """-d JSON, -d @FILE or -d @-: checked to be JSON so a typo never reaches the server."""
    from ..core.errors import UsageError

    if data is None:
        return None
    if data.startswith("@"):
        try:
            text = _read_capped(data[1:], data).decode("utf-8")
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
    if args.saved is not None:
        profile, request = saved_request.build(args)
        return send(profile, request, args)
    check_path(args.path, "PATH")
    request = Request.build(method, args.path, parse_query(args.query), read_body(args.data), parse_headers(args.header))
    return send(selected_profile(args), request, args)


def send(profile: Any, request: Any, args: argparse.Namespace) -> int:
    """Warn about the profile where needed, then send `request` once or in a watch loop."""
    import asyncio

    if profile.tls_verification_off:
        print(
            f"qlik-tui: warning: verify_tls = false in profile '{profile.name}': the server's identity is not checked",
            file=sys.stderr,
        )
    if args.all_pages and profile.type == "qseow":
        print("qlik-tui: note: QRS lists are not paged; --all-pages is ignored", file=sys.stderr)
    from .call_runner import run_calls

    return asyncio.run(run_calls(profile, request, args))
