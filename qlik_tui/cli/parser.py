"""The argument parser: one sub-command per module, each registering itself.

Command modules import their heavy dependencies inside `run`, so building the parser stays
cheap and `qlik-tui token` does not pay for httpx or Textual.
"""

from __future__ import annotations

import argparse

from .. import __version__
from . import call_cmd, demo_cmd, endpoints_cmd, keygen_cmd, profiles_cmd, token_cmd, tui_cmd


def profile_options() -> argparse.ArgumentParser:
    """--profiles and -p, shared by every command that uses a profile."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--profiles", metavar="FILE", help="profiles file (default: $QLIK_TUI_PROFILES or ~/.config/qlik-tui/profiles.toml)"
    )
    parent.add_argument(
        "-p", "--profile", metavar="NAME", help="profile to use (default: $QLIK_TUI_PROFILE, else the file's `default`)"
    )
    return parent


def build_parser() -> argparse.ArgumentParser:
    """The full `qlik-tui` parser."""
    shared = profile_options()
    parser = argparse.ArgumentParser(
        prog="qlik-tui",
        description="Terminal app and CLI for the Qlik Sense QRS API (QSEoW) and the Qlik Cloud REST API.",
        epilog="With no command, opens the TUI. `qlik-tui demo` tries everything against a built-in Qlik simulator.",
        parents=[shared],
    )
    parser.add_argument("--version", action="version", version=f"qlik-tui {__version__}")
    tui_cmd.add_tui_options(parser)
    parser.set_defaults(run=tui_cmd.run)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for module in (token_cmd, call_cmd, endpoints_cmd, keygen_cmd, profiles_cmd, demo_cmd):
        module.register(sub, shared)
    return parser
