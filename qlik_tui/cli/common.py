"""What several commands share: finding the profiles file, picking a profile, warning once."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import ProfileError
from ..core.profiles.loader import broken_profile_error, default_profiles_path, load_profiles
from ..core.profiles.model import Profile, ProfileSet
from ..core.terminal_text import visible

if TYPE_CHECKING:
    from ..core.auth.session_cache import SessionCache

PROFILE_ENV = "QLIK_TUI_PROFILE"


def read_stdin(limit: int, what: str) -> bytes:
    """At most `limit` bytes of standard input (UsageError when it is closed or holds more):
    `< /dev/zero` must end in a message, not fill memory."""
    from ..core.errors import UsageError

    if sys.stdin is None:  # started with stdin closed (`<&-`)
        raise UsageError(f"{what}: standard input is closed", "pipe the input in, or pass it as an argument")
    raw = sys.stdin.buffer.read(limit + 1)
    if len(raw) > limit:
        raise UsageError(f"{what}: more than {limit // 1048576 or 1} MB on standard input: too big", "check what is piped in")
    return raw


def profiles_path(args: argparse.Namespace) -> Path:
    """--profiles FILE, else $QLIK_TUI_PROFILES, else the XDG default."""
    given = getattr(args, "profiles", None)
    return Path(given).expanduser() if given else default_profiles_path()


def load_set(args: argparse.Namespace) -> ProfileSet:
    """Load and validate the profiles file the command line points at."""
    return load_profiles(profiles_path(args))


def warn(line: str) -> None:
    """One warning line on stderr (the text may come from the user's file: made visible)."""
    print(f"qlik-tui: warning: {visible(line)}", file=sys.stderr, flush=True)


def broken_warning(profile_set: ProfileSet, skip: str | None = None) -> str | None:
    """One line naming the broken profiles (other than `skip`), or None when there are none."""
    names = [n for n in profile_set.broken if n != skip]
    if not names:
        return None
    quoted = ", ".join(f"'{n}'" for n in names)
    check = f"qlik-tui profiles check {names[0]}" if len(names) == 1 else "qlik-tui profiles check"
    verb = "has problems and is" if len(names) == 1 else "have problems and are"
    return f"{'profile' if len(names) == 1 else 'profiles'} {quoted} in {profile_set.path} {verb} skipped (see `{check}`)"


def pick_profile(profile_set: ProfileSet, name: str | None) -> Profile:
    """The named profile, else $QLIK_TUI_PROFILE, else `default`, else the only profile."""
    why = "" if name or os.environ.get(PROFILE_ENV) else "the default "
    name = name or os.environ.get(PROFILE_ENV) or profile_set.default
    every = [*profile_set.profiles, *profile_set.broken]
    names = ", ".join(every) or "none"
    if name is None:
        if len(every) == 1 and profile_set.profiles:
            return next(iter(profile_set.profiles.values()))
        if len(every) == 1:
            raise broken_profile_error(profile_set, every[0], "the only ")
        if not every:
            raise ProfileError(f"{profile_set.path}: has no profiles", "add a [profiles.NAME] table (see profiles.example.toml)")
        raise ProfileError(
            f"{profile_set.path}: several profiles and no default (profiles: {names})",
            'pass -p NAME, or set default = "NAME" at the top of the file',
        )
    if name in profile_set.broken:
        raise broken_profile_error(profile_set, name, why)
    if name not in profile_set.profiles:
        raise ProfileError(
            f"no profile named '{name}' in {profile_set.path} (profiles: {names})", "pass -p with one of those names"
        )
    return profile_set.profiles[name]


def session_cache(args: argparse.Namespace) -> SessionCache | None:
    """The kept-session folder (one sign-in serves many runs), None with --no-session-cache."""
    from ..core.auth.session_cache import SessionCache

    return None if getattr(args, "no_session_cache", False) else SessionCache()


def selected_profile(args: argparse.Namespace) -> Profile:
    """Load the file and pick the profile named by -p (or the default); warn about the rest.

    Warnings go to stderr, one line each: other profiles that are broken (so a typo in one
    never goes unnoticed while the others keep working), and a private key others can read.
    """
    from ..core.auth.key_permissions import key_file_warning, private_key_path

    profile_set = load_set(args)
    profile = pick_profile(profile_set, getattr(args, "profile", None))
    key_path = private_key_path(profile)
    for line in (broken_warning(profile_set, profile.name), key_file_warning(key_path) if key_path else None):
        if line:
            warn(line)
    return profile
