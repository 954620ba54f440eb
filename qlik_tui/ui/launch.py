"""Start the TUI: load the profiles (a missing or broken file gets a friendly screen)."""

from __future__ import annotations

import sys
from pathlib import Path

from ..core.errors import ProfileError
from ..core.profiles.loader import broken_profile_error, load_profiles, plural
from ..core.profiles.model import ProfileSet
from ..core.profiles.store import clean_up
from ..core.terminal_text import visible_block


def load_for_app(path: Path) -> tuple[ProfileSet | None, ProfileError | None]:
    """The profiles, or None (no file yet), and the problem if the file (or every profile) is broken."""
    clean_up(path)  # temp files left by a save that was killed
    if not path.exists():
        return None, None
    try:
        profile_set = load_profiles(path)
    except ProfileError as exc:
        return None, exc
    if profile_set.broken and not profile_set.profiles:
        problems = [f"profile '{name}', {p}" for name, found in profile_set.broken.items() for p in found]
        hint = "fix these in an editor; profiles.example.toml documents every key"
        return None, ProfileError(f"{path}: no profile can be used ({plural(len(problems), 'problem')})", hint, problems)
    return profile_set, None


def run_app(
    path: Path,
    *,
    profile: str | None,
    request: str | None,
    mouse: bool,
    max_body: int | None = None,
    home: Path | None = None,
    keep_sessions: bool = True,
    collection: str | None = None,
) -> int:
    """Run the app until it quits; return its exit code. `home`: where the demo saves new profiles."""
    from .app import QlikTuiApp

    profile_set, problem = load_for_app(path)
    if profile_set is not None and profile in profile_set.broken:
        error = broken_profile_error(profile_set, profile)
        for line in error.lines():
            print(visible_block(f"qlik-tui: {line}" if line is error.message else line), file=sys.stderr)
        return error.exit_code
    if profile_set is not None and profile and profile not in profile_set.profiles:
        names = ", ".join(profile_set.names())
        print(f"qlik-tui: no profile named '{profile}' in {path} (profiles: {names})", file=sys.stderr)
        print("hint: pass -p with one of those names", file=sys.stderr)
        return 2
    from ..core.auth.session_cache import SessionCache

    sessions = SessionCache() if keep_sessions else None  # the same cache `qlik-tui call` uses
    app = QlikTuiApp(path, profile_set, active=profile, request=request, problem=problem, max_body=max_body, sessions=sessions)
    app.home_profiles = home
    app.collection_option = collection  # --collection DIR
    code = app.run(mouse=mouse)
    return int(code or 0)
