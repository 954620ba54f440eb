"""The async side of `qlik-tui diff`: both profiles at once, then the diff on stdout."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from ..core.diff.render import to_json, to_text
from ..core.diff.structural import diff
from ..core.errors import QlikTuiError, RequestFailed
from ..core.http.connections import open_connection
from ..core.http.deadline import Deadline
from ..core.http.types import Request, Response
from ..core.profiles.model import Profile
from ..core.terminal_text import visible
from . import shown
from .call_runner import write_text
from .common import session_cache

DEFAULT_MAX_BODY = 1024 * 1024 * 1024
MAX_PAGES = 100


async def _fetch(profile: Profile, request: Request, args: argparse.Namespace) -> Response:
    connection = open_connection(profile, timeout=args.timeout, sessions=session_cache(args))
    connection.max_body = DEFAULT_MAX_BODY
    try:
        # QRS lists are not paged: --all-pages only changes what a Cloud profile fetches
        all_pages = args.all_pages and profile.type == "cloud"
        return await connection.send(request, all_pages=all_pages, max_pages=MAX_PAGES, deadline=Deadline.after(args.max_time))
    finally:
        await connection.aclose()


def _failure(profile: Profile, error: QlikTuiError) -> int:
    for i, line in enumerate(error.lines()):
        print(f"qlik-tui: {visible(profile.name)}: {shown(line)}" if i == 0 else shown(line), file=sys.stderr)
    return max(2, error.exit_code)  # 0 and 1 mean same / different


def _document(profile: Profile, response: Response) -> object:
    if not response.ok:
        raise response.error or RequestFailed(f"HTTP {response.status} {response.reason}", "check the path and the profile")
    try:
        return response.json()
    except ValueError:
        return response.text()  # not JSON: compared as text


async def run_diff(profiles: tuple[Profile, Profile], request: Request, args: argparse.Namespace) -> int:
    """0 when the answers are the same, 1 when they differ, 2+ when either side failed."""
    results = await asyncio.gather(*(_fetch(p, request, args) for p in profiles), return_exceptions=True)
    docs = []
    for profile, result in zip(profiles, results, strict=True):
        if isinstance(result, QlikTuiError):
            return _failure(profile, result)
        if isinstance(result, BaseException):
            raise result
        try:
            docs.append(_document(profile, result))
        except QlikTuiError as exc:
            return _failure(profile, exc)
    found = diff(docs[0], docs[1], show_volatile=args.show_volatile)
    left, right = profiles[0].name, profiles[1].name
    if args.json:
        write_text(json.dumps(to_json(found, left, right), indent=2, ensure_ascii=False) + "\n")
    else:
        label = request.label()
        write_text(to_text(found, f"{left}\t{label}", f"{right}\t{label}"))
    return 0 if found.same else 1
