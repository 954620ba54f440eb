"""The argument parser: one sub-command per module, each registering itself.

Command modules import their heavy dependencies inside `run`, so building the parser stays
cheap and `qlik-tui token` does not pay for httpx or Textual. Options that may come before
or after the command live in `global_options` (defined once, merged after parsing).
"""

from __future__ import annotations

import argparse

from .. import __version__
from . import (
    call_cmd,
    completion_cmd,
    demo_cmd,
    diff_cmd,
    endpoints_cmd,
    engine_cmd,
    global_options,
    keygen_cmd,
    logout_cmd,
    profiles_cmd,
    token_cmd,
    tui_cmd,
)


def build_parser() -> argparse.ArgumentParser:
    """The full `qlik-tui` parser."""
    parser = argparse.ArgumentParser(
        prog="qlik-tui",
        description="Terminal app and CLI for the Qlik Sense QRS API (QSEoW) and the Qlik Cloud REST API.",
        epilog="With no command, opens the TUI. `qlik-tui demo` tries everything against a built-in Qlik simulator. "
        "--profiles and -p go before or after the command.",
    )
    global_options.add_options(parser, 0, global_options.PROFILE_OPTIONS)
    parser.add_argument("--version", action="version", version=f"qlik-tui {__version__}")
    global_options.add_options(parser, 0, global_options.TUI_OPTIONS)
    parser.set_defaults(run=tui_cmd.run, command=None)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    shared = global_options.parent(1)
    for module in (
        token_cmd,
        call_cmd,
        engine_cmd,
        diff_cmd,
        endpoints_cmd,
        keygen_cmd,
        profiles_cmd,
        demo_cmd,
        logout_cmd,
        completion_cmd,
    ):
        module.register(sub, shared)
    for name, command in sub.choices.items():
        command.set_defaults(command=name)
    return parser


def parse(argv: list[str] | None) -> argparse.Namespace:
    """Parse `argv` and merge the global options (raises UsageError on conflicting values)."""
    args = build_parser().parse_args(argv)
    global_options.resolve(args)
    return args
