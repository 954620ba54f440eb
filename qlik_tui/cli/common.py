"""What several commands share: finding the profiles file and picking a profile."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..core.errors import ProfileError
from ..core.profiles.loader import default_profiles_path, load_profiles
from ..core.profiles.model import Profile, ProfileSet

PROFILE_ENV = "QLIK_TUI_PROFILE"


def profiles_path(args: argparse.Namespace) -> Path:
    """--profiles FILE, else $QLIK_TUI_PROFILES, else the XDG default."""
    given = getattr(args, "profiles", None)
    return Path(given).expanduser() if given else default_profiles_path()


def load_set(args: argparse.Namespace) -> ProfileSet:
    """Load and validate the profiles file the command line points at."""
    return load_profiles(profiles_path(args))


def pick_profile(profile_set: ProfileSet, name: str | None) -> Profile:
    """The named profile, else $QLIK_TUI_PROFILE, else `default`, else the only profile."""
    name = name or os.environ.get(PROFILE_ENV) or profile_set.default
    names = ", ".join(profile_set.names()) or "none"
    if name is None:
        if len(profile_set.profiles) == 1:
            return next(iter(profile_set.profiles.values()))
        if not profile_set.profiles:
            raise ProfileError(f"{profile_set.path}: has no profiles", "add a [profiles.NAME] table (see profiles.example.toml)")
        raise ProfileError(
            f"{profile_set.path}: several profiles and no default (profiles: {names})",
            'pass -p NAME, or set default = "NAME" at the top of the file',
        )
    if name not in profile_set.profiles:
        raise ProfileError(
            f"no profile named '{name}' in {profile_set.path} (profiles: {names})", "pass -p with one of those names"
        )
    return profile_set.profiles[name]


def selected_profile(args: argparse.Namespace) -> Profile:
    """Load the file and pick the profile named by -p (or the default)."""
    return pick_profile(load_set(args), getattr(args, "profile", None))
