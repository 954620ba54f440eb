"""Open the TUI (the only command that imports Textual)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_tui_options(parser: argparse.ArgumentParser, with_profile: bool = False) -> None:
    """--request and --no-mouse (and -p for `demo`, whose parser has no shared options)."""
    if with_profile:
        parser.add_argument("-p", "--profile", metavar="NAME", help="profile to open (default: the file's default)")
    parser.add_argument("--request", metavar="'METHOD PATH'", help="preload the request editor, e.g. 'GET /qrs/app/full'")
    parser.add_argument("--no-mouse", action="store_true", help="do not capture the mouse (keeps the terminal's own selection)")
    parser.add_argument(
        "--max-body",
        type=float,
        default=200,
        metavar="MB",
        help="ask before downloading a response bigger than MB (default 200; 0: never ask)",
    )


def run(args: argparse.Namespace) -> int:
    """`qlik-tui` with no command."""
    from .common import profiles_path

    return launch(profiles_path(args), args)


def launch(path: Path, args: argparse.Namespace, home: Path | None = None) -> int:
    """Run the Textual app on the profiles file at `path` (`home`: where new profiles go, in the demo)."""
    from ..core.errors import UsageError
    from ..ui.launch import run_app

    max_body = getattr(args, "max_body", 200)
    if max_body < 0:
        raise UsageError("--max-body must be 0 (no cap) or a positive number of MB", "e.g. --max-body 500")
    return run_app(
        path,
        profile=getattr(args, "profile", None),
        request=getattr(args, "request", None),
        mouse=not getattr(args, "no_mouse", False),
        max_body=int(max_body * 1024 * 1024) or None,
        home=home,
    )
