"""The argument parser: one sub-command per module, each registering itself.

Command modules import their heavy dependencies inside `run`, so building the parser stays
cheap and `qlik-tui token` does not pay for httpx or Textual. Options that may come before
or after the command live in `global_options` (defined once, merged after parsing).
"""

from __future__ import annotations

import argparse
import importlib

from .. import __version__
from . import global_options, tui_cmd

# The commands in the order `--help` lists them, each with its module.
COMMANDS = {
    "token": "token_cmd",
    "call": "call_cmd",
    "engine": "engine_cmd",
    "diff": "diff_cmd",
    "endpoints": "endpoints_cmd",
    "keygen": "keygen_cmd",
    "profiles": "profiles_cmd",
    "demo": "demo_cmd",
    "logout": "logout_cmd",
    "completion": "completion_cmd",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full `qlik-tui` parser; with `only`, just that command's sub-parser is added."""
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
    for name, module in COMMANDS.items():
        if only is None or name == only:
            importlib.import_module(f".{module}", __package__).register(sub, shared)
    for name, command in sub.choices.items():
        command.set_defaults(command=name)
    return parser


def parse(argv: list[str] | None) -> argparse.Namespace:
    """Parse `argv` and merge the global options (raises UsageError on conflicting values)."""
    # `qlik-tui engine eval ...` (the command first, as scripts write it) builds only that
    # command's parser: the other nine modules and their options cost a scripted run
    # (`engine eval` in a loop) tens of milliseconds each time. Anything else (an option
    # first, --help, no command) builds the whole parser, so its messages list every command.
    first = argv[0] if argv else None
    args = build_parser(first if first in COMMANDS else None).parse_args(argv)
    global_options.resolve(args)
    return args
