"""The async side of `qlik-tui call`: one connection, reused across a watch loop.

Everything the server controls (body, headers, reason, error details) reaches the terminal
through core/terminal_text; only `--raw` into a pipe or file gets the exact bytes.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable

from ..core.auth.tokens import iso
from ..core.errors import BodyTooLarge, RequestFailed, TimeLimitExceeded, UsageError
from ..core.events import PREFIX_IN_PATH, RATE_LIMITED, RELOGIN_BACKOFF, SESSION_COOKIE_MISSING, ConnectionEvent
from ..core.history import History
from ..core.http.body_sniff import is_binary
from ..core.http.connections import open_connection
from ..core.http.deadline import Deadline
from ..core.http.diagnose import pretty_json_or_text
from ..core.http.download import Download, current_download
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


def _write_bytes(body: bytes) -> None:
    sys.stdout.flush()
    sys.stdout.buffer.write(body)
    sys.stdout.buffer.flush()


def print_response(response: Response, args: argparse.Namespace) -> None:
    """Headers (with -i) on stderr, body on stdout, error and hint on stderr."""
    if args.include:
        _stderr(
            f"HTTP {response.status} {visible(response.reason)}  ({response.elapsed * 1000:.0f} ms, "
            f"{len(response.body) if response.saved is None else response.saved:,} bytes)"
        )
        for name, value in redact_headers(response.headers):
            _stderr(f"{visible(name)}: {visible(value)}")
        _stderr("")
    if response.saved is not None:
        pass  # the body went to the -o file
    elif response.body and is_binary(response.content_type, response.body):
        if sys.stdout.isatty():
            raise UsageError(
                f"the response is binary ({len(response.body):,} bytes, {visible(response.content_type or 'no type')}): "
                "not printed on the terminal",
                "save it with -o FILE (or redirect stdout to a file)",
            )
        _write_bytes(response.body)  # a pipe or a file gets the exact bytes
    elif response.body and getattr(args, "jq", None) and response.ok:
        from .call_jq import write_jq

        write_jq(response, args.jq, args.raw, write_text)
    elif response.body:
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
    if event.kind in (PREFIX_IN_PATH, SESSION_COOKIE_MISSING):
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
    from .common import session_cache

    connection = open_connection(profile, timeout=args.timeout, sessions=session_cache(args))
    connection.max_body = int(args.max_body * 1024 * 1024)
    if args.verbose:
        _stderr(f"qlik-tui: {visible(profile.name)}: {visible(request.label())}")
        for event in connection.events.history:  # what happened on opening (a session restored)
            _stderr(f"qlik-tui: {visible(_event_line(event))}")
        connection.events.subscribe(lambda e: _stderr(f"qlik-tui: {visible(_event_line(e))}"))
    else:  # waits and warnings are said without -v too
        connection.events.subscribe(_say_without_verbose)
    download = _download(args)
    code = 0
    history = History(profile.name)
    try:
        sent = refused = 0
        while True:
            started = time.monotonic()
            token = current_download.set(download)
            try:
                response = await connection.send(
                    request, all_pages=args.all_pages, max_pages=args.max_pages, deadline=Deadline.after(args.max_time)
                )
            except RequestFailed as exc:
                _remember(history, request, None)
                raise _for_the_cli(exc) from None
            finally:
                current_download.reset(token)
            if download is not None:
                _finish_download(download, response)
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
        if download is not None:
            download.discard()  # whatever was not saved under the name (an error, Ctrl-C)
        await connection.aclose()


def _download(args: argparse.Namespace) -> Download | None:
    """The -o target, checked before anything is sent; a progress line when stderr is a terminal."""
    if not args.output:
        return None
    from pathlib import Path

    download = Download(
        Path(args.output).expanduser(), force=args.force, progress=_progress_line() if sys.stderr.isatty() else None
    )
    try:
        download.check_target()
    except RequestFailed as exc:
        raise UsageError(exc.message, exc.hint) from None
    return download


def _progress_line() -> Callable[[int, int | None], None]:
    """Bytes received (of the total when known), redrawn at most ten times a second."""
    last = 0.0

    def show(done: int, total: int | None) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last < 0.1 and done != total:
            return
        last = now
        of = f" of {total / 1048576:,.1f} MB ({done * 100 // total}%)" if total else " MB"
        print(f"\rqlik-tui: {done / 1048576:,.1f}{of}   ", end="", file=sys.stderr, flush=True)

    return show


def _finish_download(download: Download, response: Response) -> None:
    """A usable answer gets the file its name; anything else leaves the name untouched."""
    if download.progress is not None:
        print(file=sys.stderr)  # end the progress line
    if response.ok and response.saved is not None:
        download.commit()
        _stderr(f"qlik-tui: saved {response.saved:,} bytes to {visible(str(download.target))}")
    else:
        download.discard()


def _event_line(event: ConnectionEvent) -> str:
    return f"[{time.strftime('%H:%M:%S', time.localtime(event.at))}] {event.describe()}"
