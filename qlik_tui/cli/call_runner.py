"""The async side of `qlik-tui call`: one connection, reused across a watch loop.

Everything the server controls (body, headers, reason, error details) reaches the terminal
through core/terminal_text; only `--raw` into a pipe or file gets the exact bytes.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from ..core.auth.tokens import iso
from ..core.errors import BodyTooLarge, RequestFailed, TimeLimitExceeded
from ..core.events import PREFIX_IN_PATH, RATE_LIMITED, RELOGIN_BACKOFF, ConnectionEvent
from ..core.history import History
from ..core.http.connections import open_connection
from ..core.http.deadline import Deadline
from ..core.http.diagnose import pretty_json_or_text
from ..core.http.redact import redact_headers
from ..core.http.types import Request, Response
from ..core.profiles.model import Profile
from ..core.terminal_text import visible, visible_block
from . import shown

# Waits the connection decides on its own are always said, -v or not: a silent minute
# looks like a hang.
ALWAYS_SAID = (RATE_LIMITED, RELOGIN_BACKOFF)
MAX_REFUSED_IN_WATCH = 3


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def write_text(text: str) -> None:
    """Body text on stdout: control characters made visible on a terminal; lone surrogates
    (from JSON escapes such as \\ud800) written back as escapes instead of failing."""
    if sys.stdout.isatty():
        text = visible_block(text)
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8", "backslashreplace"))
    sys.stdout.buffer.flush()


def print_response(response: Response, args: argparse.Namespace) -> None:
    """Headers (with -i) on stderr, body on stdout, error and hint on stderr."""
    if args.include:
        _stderr(
            f"HTTP {response.status} {visible(response.reason)}  ({response.elapsed * 1000:.0f} ms, {len(response.body):,} bytes)"
        )
        for name, value in redact_headers(response.headers):
            _stderr(f"{visible(name)}: {visible(value)}")
        _stderr("")
    if response.body:
        if args.raw and not sys.stdout.isatty():
            sys.stdout.flush()
            sys.stdout.buffer.write(response.body)  # exact bytes for a pipe or a file
            sys.stdout.buffer.flush()
        elif args.raw:
            write_text(response.text())
        else:
            text = pretty_json_or_text(response) if response.looks_like_json else response.text()
            write_text(text.rstrip("\n") + "\n")
    if response.error is not None:
        for i, line in enumerate(response.error.lines()):
            _stderr(f"qlik-tui: {shown(line)}" if i == 0 else shown(line))
    if response.pages > 1:
        more = "; more pages remain (raise --max-pages)" if _has_next(response) else ""
        _stderr(f"qlik-tui: {response.pages} pages{more}")


def _has_next(response: Response) -> bool:
    try:
        doc = response.json()
    except ValueError:
        return False
    return isinstance(doc, dict) and "links" in doc


def _for_the_cli(exc: RequestFailed) -> RequestFailed:
    """Core's errors with hints that name call's own options."""
    if isinstance(exc, BodyTooLarge):
        announced = f" (announced: {exc.size / 1048576:,.0f} MB)" if exc.size else ""
        return RequestFailed(
            f"the response is bigger than --max-body {exc.cap / 1048576:g} MB{announced}",
            "raise --max-body (MB), or ask for less (a filter, a smaller page)",
        )
    if isinstance(exc, TimeLimitExceeded):
        return RequestFailed(exc.message.replace("the time limit", "--max-time"), "raise --max-time, or ask for less")
    return exc


def _say_without_verbose(event: ConnectionEvent) -> None:
    """Without -v, only what the user must know: waits (429, re-login back-off) and warnings."""
    if event.kind == PREFIX_IN_PATH:
        _stderr(f"qlik-tui: warning: {visible(event.detail)}")
    elif event.kind in ALWAYS_SAID:
        _stderr(f"qlik-tui: {visible(event.describe())}")


def _remember(history: History, request: Request, response: Response | None) -> None:
    """Into the profile's history, as the TUI does (secrets masked there); a full disk only warns."""
    try:
        history.add(request, response.status if response else None, response.elapsed if response else None)
    except OSError as exc:
        _stderr(f"qlik-tui: warning: not saved in the history ({exc.strerror}): {history.path}")


async def run_calls(profile: Profile, request: Request, args: argparse.Namespace) -> int:
    """Send once, or every --watch seconds; exit 0 only if the last response was usable."""
    connection = open_connection(profile, timeout=args.timeout)
    connection.max_body = int(args.max_body * 1024 * 1024)
    if args.verbose:
        connection.events.subscribe(lambda e: _stderr(f"qlik-tui: {visible(_event_line(e))}"))
        _stderr(f"qlik-tui: {visible(profile.name)}: {visible(request.label())}")
    else:  # waits and warnings are said without -v too
        connection.events.subscribe(_say_without_verbose)
    code = 0
    history = History(profile.name)
    try:
        sent = refused = 0
        while True:
            started = time.monotonic()
            try:
                response = await connection.send(
                    request, all_pages=args.all_pages, max_pages=args.max_pages, deadline=Deadline.after(args.max_time)
                )
            except RequestFailed as exc:
                _remember(history, request, None)
                raise _for_the_cli(exc) from None
            _remember(history, request, response)
            sent += 1
            if args.watch is not None:
                count = f"/{args.count}" if args.count else ""
                _stderr(
                    f"--- {iso(time.time())}  #{sent}{count}  "
                    f"{response.status} {visible(response.reason)}  {response.elapsed * 1000:.0f} ms"
                )
            print_response(response, args)
            if args.verbose and response.timing is not None:
                _stderr(f"qlik-tui: timing: {response.timing.describe()}")
            code = 0 if response.ok else response.error.exit_code if response.error else 4
            if args.watch is None or (args.count is not None and sent >= args.count):
                return code
            refused = refused + 1 if response.status == 401 else 0
            if refused >= MAX_REFUSED_IN_WATCH:
                # Each refused round sends fresh tokens; a proxy or tenant that says no three
                # times will say no again, and bursts of logins can lock the user out.
                _stderr(f"qlik-tui: stopped watching: authentication was refused {refused} times in a row")
                return code
            await asyncio.sleep(max(0.0, args.watch - (time.monotonic() - started)))
    except asyncio.CancelledError:  # pragma: no cover - Ctrl-C in a watch loop
        return 130
    finally:
        await connection.aclose()


def _event_line(event: ConnectionEvent) -> str:
    return f"[{time.strftime('%H:%M:%S', time.localtime(event.at))}] {event.describe()}"
