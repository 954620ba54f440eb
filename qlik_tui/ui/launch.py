"""Start the TUI: load the profiles (a missing or broken file gets a friendly screen)."""

from __future__ import annotations

import sys
from pathlib import Path

from ..core.errors import ProfileError
from ..core.profiles.loader import load_profiles
from ..core.profiles.model import ProfileSet
from ..core.profiles.store import clean_up


def load_for_app(path: Path) -> tuple[ProfileSet | None, ProfileError | None]:
    """The profiles, or None (no file yet), and the problem if the file is broken."""
    clean_up(path)  # temp files left by a save that was killed
    if not path.exists():
        return None, None
    try:
        return load_profiles(path), None
    except ProfileError as exc:
        return None, exc


def run_app(
    path: Path, *, profile: str | None, request: str | None, mouse: bool, max_body: int | None = None, home: Path | None = None
) -> int:
    """Run the app until it quits; return its exit code. `home`: where the demo saves new profiles."""
    from .app import QlikTuiApp

    profile_set, problem = load_for_app(path)
    if profile_set is not None and profile and profile not in profile_set.profiles:
        names = ", ".join(profile_set.names())
        print(f"qlik-tui: no profile named '{profile}' in {path} (profiles: {names})", file=sys.stderr)
        print("hint: pass -p with one of those names", file=sys.stderr)
        return 2
    app = QlikTuiApp(path, profile_set, active=profile, request=request, problem=problem, max_body=max_body)
    app.home_profiles = home
    code = app.run(mouse=mouse)
    return int(code or 0)
