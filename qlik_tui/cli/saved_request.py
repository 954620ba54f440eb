"""`qlik-tui call --saved NAME [--var k=v]`: a request from the collection, its variables filled in."""

from __future__ import annotations

import argparse
import os
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--saved and --var on `call`."""
    parser.add_argument("--saved", metavar="NAME", help="send a saved request (from the collection) instead of METHOD PATH")
    parser.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="with --saved: a {{NAME}} value (before the profile's vars and the environment; repeatable)",
    )


def check_target(args: argparse.Namespace) -> None:
    """METHOD PATH, or --saved NAME: exactly one of them."""
    from ..core.errors import UsageError

    if args.saved is not None and (args.method or args.path):
        raise UsageError("give METHOD PATH or --saved NAME, not both", "qlik-tui call --saved 'finance/apps' -p prod")
    if args.saved is None and args.var:
        raise UsageError("--var goes with --saved", "qlik-tui call --saved NAME --var stream=Finance")
    if args.saved is None and not (args.method and args.path):
        raise UsageError(
            "call needs METHOD and PATH (or --saved NAME)", "e.g. qlik-tui call GET /qrs/about, or qlik-tui call --saved NAME"
        )


def build(args: argparse.Namespace) -> tuple[Any, Any]:
    """The profile and the filled-in request: --var, then the profile's vars, then the environment.

    -q and -H add rows to the saved ones and -d replaces its body, so a script can vary one thing.
    """
    from dataclasses import replace

    from ..core.saved.store import collection_dir, load
    from ..core.saved.variables import fill, parse_var_items, to_request
    from .call_cmd import parse_headers, parse_query
    from .common import load_set, selected_profile

    given = parse_var_items(args.var)
    profile = selected_profile(args)
    saved = load(collection_dir(load_set(args), args.collection), args.saved)
    extra_query, extra_headers = parse_query(args.query), parse_headers(args.header)
    body = _text_body(args.data)
    saved = replace(
        saved,
        query=(*saved.query, *extra_query),
        headers=(*saved.headers, *extra_headers),
        body=body.decode("utf-8") if body is not None else saved.body,
    )
    filled = fill(saved, [given, profile.vars, dict(os.environ)], f"saved request '{saved.name}': ")
    return profile, to_request(filled)


MAX_SAVED_BODY = 64 * 1024 * 1024  # a saved request's body is JSON text, filled in as text


def _text_body(data: str | None) -> bytes | None:
    """-d for a saved request: JSON text (as typed, from @FILE or from stdin), checked to parse."""
    import json

    from ..core.errors import UsageError
    from .call_body import request_body

    with request_body(data, []) as (body, _):
        if body is None or isinstance(body, bytes):
            return body
        if body.size > MAX_SAVED_BODY:
            raise UsageError(f"{body.label}: {body.size:,} bytes; a saved request's body is JSON text", "at most 64 MB")
        raw = body.path.read_bytes()
    try:
        json.loads(raw.decode("utf-8"))
    except ValueError:
        raise UsageError(f"-d {data}: not JSON text", "a saved request's body is JSON, filled in with {{vars}}") from None
    return raw
