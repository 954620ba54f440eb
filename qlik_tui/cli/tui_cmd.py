"""Open the TUI (the only command that imports Textual)."""

from __future__ import annotations

import argparse
from pathlib import Path


def run(args: argparse.Namespace) -> int:
    """`qlik-tui` with no command."""
    from .common import profiles_path

    return launch(profiles_path(args), args)


def launch(path: Path, args: argparse.Namespace, home: Path | None = None) -> int:
    """Run the Textual app on the profiles file at `path` (`home`: where new profiles go, in the demo)."""
    from ..core.errors import UsageError
    from ..ui.launch import run_app

    max_body = 200.0 if args.max_body is None else args.max_body  # MB: above it, ask before downloading
    if max_body < 0:
        raise UsageError("--max-body must be 0 (no cap) or a positive number of MB", "e.g. --max-body 500")
    return run_app(
        path,
        profile=args.profile,
        request=args.request,
        mouse=not args.no_mouse,
        max_body=int(max_body * 1024 * 1024) or None,
        home=home,
        keep_sessions=not args.no_session_cache,
        collection=getattr(args, "collection", None),
    )
