"""The async side of `qlik-tui call`: one connection, reused across a watch loop."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from ..core.auth.tokens import iso
from ..core.events import PREFIX_IN_PATH, ConnectionEvent
from ..core.http.connections import open_connection
from ..core.http.diagnose import pretty_json_or_text
from ..core.http.redact import redact_headers
from ..core.http.types import Request, Response
from ..core.profiles.model import Profile


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def print_response(response: Response, args: argparse.Namespace) -> None:
    """Headers (with -i) on stderr, body on stdout, error and hint on stderr."""
    if args.include:
        _stderr(f"HTTP {response.status} {response.reason}  ({response.elapsed * 1000:.0f} ms, {len(response.body):,} bytes)")
        for name, value in redact_headers(response.headers):
            _stderr(f"{name}: {value}")
        _stderr("")
    if response.body:
        if args.raw:
            sys.stdout.buffer.write(response.body)
            sys.stdout.flush()
        else:
            text = pretty_json_or_text(response) if response.looks_like_json else response.text()
            print(text.rstrip("\n"), flush=True)
    if response.error is not None:
        for i, line in enumerate(response.error.lines()):
            _stderr(f"qlik-tui: {line}" if i == 0 else line)
    if response.pages > 1:
        more = "; more pages remain (raise --max-pages)" if _has_next(response) else ""
        _stderr(f"qlik-tui: {response.pages} pages{more}")


def _has_next(response: Response) -> bool:
    try:
        doc = response.json()
    except ValueError:
        return False
    return isinstance(doc, dict) and "links" in doc


async def run_calls(profile: Profile, request: Request, args: argparse.Namespace) -> int:
    """Send once, or every --watch seconds; exit 0 only if the last response was usable."""
    connection = open_connection(profile, timeout=args.timeout)
    if args.verbose:
        connection.events.subscribe(lambda e: _stderr(f"qlik-tui: {_event_line(e)}"))
        _stderr(f"qlik-tui: {profile.name}: {request.label()}")
    else:  # warnings are printed without -v too
        connection.events.subscribe(lambda e: _stderr(f"qlik-tui: warning: {e.detail}") if e.kind == PREFIX_IN_PATH else None)
    code = 0
    try:
        sent = 0
        while True:
            started = time.monotonic()
            response = await connection.send(request, all_pages=args.all_pages, max_pages=args.max_pages)
            sent += 1
            if args.watch is not None:
                count = f"/{args.count}" if args.count else ""
                _stderr(
                    f"--- {iso(time.time())}  #{sent}{count}  "
                    f"{response.status} {response.reason}  {response.elapsed * 1000:.0f} ms"
                )
            print_response(response, args)
            code = 0 if response.ok else response.error.exit_code if response.error else 4
            if args.watch is None or (args.count is not None and sent >= args.count):
                return code
            await asyncio.sleep(max(0.0, args.watch - (time.monotonic() - started)))
    except asyncio.CancelledError:  # pragma: no cover - Ctrl-C in a watch loop
        return 130
    finally:
        await connection.aclose()


def _event_line(event: ConnectionEvent) -> str:
    return f"[{time.strftime('%H:%M:%S', time.localtime(event.at))}] {event.describe()}"
