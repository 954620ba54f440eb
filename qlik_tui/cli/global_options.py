"""Options that may come before or after the command: defined once, merged after parsing.

argparse gives every sub-parser its own namespace and copies it over the top-level one, so a
sub-parser's default (`None`) silently replaced a `-p NAME` typed before the command. Here
each option is added at every level under a level-private destination, with no default and
an `append` action; `resolve()` then gathers what was typed at every level, refuses two
different values, and sets the one public attribute the commands read (`args.profile`...).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import UsageError


@dataclass(frozen=True)
class GlobalOption:
    """One option accepted before or after the command."""

    flags: tuple[str, ...]
    dest: str
    help: str
    default: Any = None
    metavar: str | None = None
    type: Any = None
    flag: bool = False  # store_true: no value
    extra: dict[str, Any] = field(default_factory=dict)


PROFILE_OPTIONS = (
    GlobalOption(
        ("--profiles",),
        "profiles",
        "profiles file (default: $QLIK_TUI_PROFILES or ~/.config/qlik-tui/profiles.toml)",
        metavar="FILE",
    ),
    GlobalOption(
        ("-p", "--profile"),
        "profile",
        "profile to use (default: $QLIK_TUI_PROFILE, else the file's `default`)",
        metavar="NAME",
    ),
    GlobalOption(
        ("--collection",),
        "collection",
        "saved requests folder (default: the profiles file's `collection`, else ~/.local/share/qlik-tui/requests)",
        metavar="DIR",
    ),
    GlobalOption(
        ("--debug",),
        "debug",
        "write a redacted debug log (requests, events, errors; also QLIK_TUI_DEBUG=1); its path is printed at exit",
        False,
        flag=True,
    ),
)
MAX_BODY = GlobalOption(
    ("--max-body",),
    "max_body",
    "TUI: ask before downloading a response bigger than MB (default 200; 0: never ask); "
    "call: refuse a response bigger than MB once decompressed (default 1024); engine: refuse an Engine message "
    "bigger than MB (default 256)",
    None,  # each command has its own default: a prompt in the TUI, a refusal in `call`
    metavar="MB",
    type=float,
)
NO_SESSION_CACHE = GlobalOption(
    ("--no-session-cache",),
    "no_session_cache",
    "neither use nor keep server sessions between runs (this run signs in afresh)",
    False,
    flag=True,
)
# Only the TUI (no command) and `demo` open a screen; elsewhere these are refused, not ignored.
TUI_OPTIONS = (
    GlobalOption(("--request",), "request", "preload the request editor, e.g. 'GET /qrs/app/full'", metavar="'METHOD PATH'"),
    GlobalOption(("--no-mouse",), "no_mouse", "do not capture the mouse (keeps the terminal's own selection)", False, flag=True),
    MAX_BODY,
    NO_SESSION_CACHE,
)
TUI_COMMANDS = (None, "demo")
# TUI options that a command shares, typed before or after it (`call` caps bodies too).
ALSO_FOR = {"max_body": ("call", "engine"), "no_session_cache": ("call", "engine", "token", "diff", "endpoints")}
# Commands that take the global options but cannot use one: refused with the reason.
NOT_FOR = {
    ("keygen", "profiles"): "keygen writes a new key and certificate; it reads no profiles file",
    ("keygen", "profile"): "keygen writes a new key and certificate; it uses no profile",
    ("keygen", "collection"): "keygen writes a new key and certificate; it uses no saved requests",
    ("demo", "profiles"): "demo writes its own profiles file (choose its folder with --dir)",
    ("diff", "profile"): "diff names its two profiles itself: qlik-tui diff LEFT RIGHT GET PATH",
}
_PREFIX = "_global"


def _private(level: int, dest: str) -> str:
    return f"{_PREFIX}{level}_{dest}"


def add_options(parser: argparse.ArgumentParser, level: int, options: tuple[GlobalOption, ...]) -> None:
    """Add `options` to `parser` (at nesting `level`: 0 top, 1 command, 2 action)."""
    for option in options:
        kwargs: dict[str, Any] = {"dest": _private(level, option.dest), "default": argparse.SUPPRESS, "help": option.help}
        if option.flag:
            kwargs.update(action="append_const", const=True)
        else:
            kwargs.update(action="append", metavar=option.metavar)
            if option.type is not None:
                kwargs["type"] = option.type
        parser.add_argument(*option.flags, **kwargs)


def parent(level: int, options: tuple[GlobalOption, ...] = PROFILE_OPTIONS) -> argparse.ArgumentParser:
    """A parent parser holding `options` at `level`, for `add_parser(parents=[...])`."""
    holder = argparse.ArgumentParser(add_help=False)
    add_options(holder, level, options)
    return holder


def resolve(args: argparse.Namespace) -> None:
    """Merge every level's values into `args.<dest>`; two different values are a usage error."""
    command = getattr(args, "command", None)
    for option in (*PROFILE_OPTIONS, *TUI_OPTIONS):
        values: list[Any] = []
        for level in range(3):
            values.extend(vars(args).pop(_private(level, option.dest), []))
        distinct = list(dict.fromkeys(values))
        shown = "/".join(option.flags)
        if option in PROFILE_OPTIONS and any(not str(v).strip() for v in distinct):
            # `-p "$PROFILE"` with the variable unset used to mean "the default": the wrong tenant.
            names = {"profile": "the profile's name", "collection": "the saved requests folder"}
            what = names.get(option.dest, "the profiles file")
            raise UsageError(f"{shown} is empty (an unset shell variable?)", f"give {what}, or leave {option.flags[0]} out")
        if len(distinct) > 1:
            raise UsageError(
                f"{shown} given twice with different values ({', '.join(repr(v) for v in distinct)})",
                f"give {option.flags[-1]} once, before or after the command",
            )
        if distinct and option in TUI_OPTIONS and command not in (*TUI_COMMANDS, *ALSO_FOR.get(option.dest, ())):
            raise UsageError(
                f"{option.flags[0]} is for the TUI, not `{command}`", "use it with `qlik-tui` alone or `qlik-tui demo`"
            )
        if distinct and (command, option.dest) in NOT_FOR:
            raise UsageError(f"{option.flags[-1]} does not apply to `{command}`", NOT_FOR[(command, option.dest)])
        setattr(args, option.dest, distinct[0] if distinct else option.default)
