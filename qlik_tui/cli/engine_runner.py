"""The async side of `qlik-tui engine`: one connection, one Engine session, one action.

JSON (and the script's text) goes to stdout through the same writer as `call` (control
characters made visible on a terminal); messages go to stderr; errors exit as `call`'s do.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

from ..core.errors import UsageError
from ..core.events import ConnectionEvent
from ..core.profiles.model import Profile
from ..core.terminal_text import visible
from .engine_cmd import MAX_ROWS

DEFAULT_MAX_MESSAGE_MB = 256.0  # one Engine message; a 10,000-cell page is a few MB
MAX_APP_ID = 512  # characters; Qlik's ids are GUIDs (36)
MAX_PARAMS = 16 * 1024 * 1024  # characters of PARAMS_JSON


def _check(args: argparse.Namespace) -> Any:
    """Refuse what cannot work before signing in; returns the parsed rpc params (or None)."""
    from .call_cmd import check_number

    check_number(args.timeout, "--timeout", 0.001, 86400, "seconds", "30")
    if args.max_body is None:
        args.max_body = DEFAULT_MAX_MESSAGE_MB
    check_number(args.max_body, "--max-body", 0.001, 1024 * 1024, "MB", "512")
    app = getattr(args, "app", None)
    texts = [("APP", app or ""), *(("EXPRESSION", e) for e in getattr(args, "expressions", None) or [])]
    texts += [("ID", getattr(args, "id", "") or ""), ("PARAMS_JSON", getattr(args, "params", "") or "")]
    for flag, text in texts:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise UsageError(
                f"{flag}: contains bytes that are not UTF-8", "check the terminal's encoding (LANG, LC_ALL)"
            ) from None
    if app is not None and (not app.strip() or len(app) > MAX_APP_ID or not app.isprintable()):
        raise UsageError(
            f"APP {visible(app[:80])!r} is not an app id",
            "e.g. qlik-tui engine layout 0b3f...; `qlik-tui engine apps` lists them",
        )
    rows = getattr(args, "rows", 0)
    if not 0 <= rows <= MAX_ROWS:
        raise UsageError(f"--rows must be from 0 to {MAX_ROWS:,}, not {rows}", "e.g. --rows 500")
    if getattr(args, "expressions", None) and any(not e.strip() for e in args.expressions):
        raise UsageError("an EXPRESSION is empty", "e.g. qlik-tui engine eval APP 'Sum(Sales)'")
    raw = getattr(args, "params", None)
    if raw is None:
        return None
    if len(raw) > MAX_PARAMS:
        raise UsageError("PARAMS_JSON is too big", "send params of a sensible size")
    try:
        params = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise UsageError(
            f"PARAMS_JSON is not valid JSON ({str(exc)[:120]})", 'quote it for the shell: \'{"qId": "abc"}\' or \'["abc"]\''
        ) from None
    if not isinstance(params, (list, dict)):
        raise UsageError("PARAMS_JSON must be a JSON list (by position) or object (by name)", "e.g. '[\"Sum(Sales)\"]'")
    return params


def run_engine(args: argparse.Namespace) -> int:
    """Check the arguments, pick the profile, run the action."""
    from .common import selected_profile

    params = _check(args)
    profile = selected_profile(args)
    if profile.tls_verification_off:
        print(
            f"qlik-tui: warning: verify_tls = false in profile '{profile.name}': the server's identity is not checked",
            file=sys.stderr,
        )
    return asyncio.run(_run(profile, args, params))


def _event_line(event: ConnectionEvent) -> str:
    return f"[{time.strftime('%H:%M:%S', time.localtime(event.at))}] {visible(event.describe())}"


def _write_json(doc: Any) -> None:
    from .call_runner import write_text

    write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


async def _run(profile: Profile, args: argparse.Namespace, params: Any) -> int:
    from ..core.auth.session_cache import SessionCache
    from ..core.engine import actions
    from ..core.engine.session import GLOBAL, EngineSession
    from ..core.http.connections import open_connection

    # The kept session, as `call` keeps it: the next run needs no JWT, no login, one round trip less.
    sessions = None if getattr(args, "no_session_cache", False) else SessionCache()
    async with open_connection(profile, timeout=args.timeout, sessions=sessions) as connection:
        connection.max_body = int(args.max_body * 1048576)  # caps HTTP answers and each Engine message
        if args.verbose:
            for event in connection.events.history:  # what happened on opening (a session restored)
                print(_event_line(event), file=sys.stderr, flush=True)
            connection.events.subscribe(lambda e: print(_event_line(e), file=sys.stderr, flush=True))
        if args.action == "apps":
            _write_json(await actions.app_list(connection))
            return 0
        no_data = bool(getattr(args, "no_data", False))
        async with await EngineSession.open(connection, args.app) as engine:
            handle = getattr(args, "handle", None)
            doc = GLOBAL if args.action == "rpc" and handle == GLOBAL else await engine.open_doc(no_data=no_data)
            if args.action == "layout":
                _write_json(await actions.app_layout(engine, doc))
            elif args.action == "objects":
                _write_json(await actions.objects(engine, doc, args.type))
            elif args.action == "object":
                _write_json(await actions.object_layout(engine, doc, args.id, args.rows))
            elif args.action == "fields":
                _write_json(await actions.fields(engine, doc))
            elif args.action == "variables":
                _write_json(await actions.variables(engine, doc))
            elif args.action == "script":
                from .call_runner import write_text

                text = await actions.script(engine, doc)
                write_text(text if text.endswith("\n") or not text else text + "\n")
            elif args.action == "eval":
                return _print_values(await actions.evaluate(engine, doc, args.expressions), args.json)
            elif args.action == "rpc":
                _write_json(await engine.call(doc if handle is None else handle, args.method, params))
    return 0


def _print_values(values: list[dict[str, Any]], as_json: bool) -> int:
    """One line per expression (or one JSON list); expressions the Engine could not compute
    are named on stderr and make the exit code 4."""
    from . import shown

    if as_json:
        _write_json(values)
    else:
        for value in values:
            print(visible(value["text"]), flush=True)  # one line each, whatever the server sent
    failed = [v for v in values if v["error"]]
    for value in failed:
        print(f"qlik-tui: {shown(value['expression'])}: {shown(value['text'])}", file=sys.stderr)
    if failed:
        print("hint: check the function and field names (case-sensitive for fields)", file=sys.stderr)
    return 4 if failed else 0
