"""`qlik-tui logout`: forget kept server sessions (one profile's, or all of them)."""

from __future__ import annotations

import argparse
from typing import Any

# Neither product offers a call that ends a session with what a script holds: QSEoW's
# `DELETE /qps/<prefix>/user/...` needs the proxy's admin certificate, and Qlik Cloud's API
# has no logout endpoint. So sessions are forgotten here and end on the server when idle.
SERVER_NOTE = "forgotten here only: the server ends the session when it has been idle long enough"


def register(sub: Any, shared: argparse.ArgumentParser) -> None:
    """Add the `logout` sub-command."""
    p = sub.add_parser(
        "logout",
        parents=[shared],
        help="forget the server sessions kept between runs (-p NAME, or --all)",
        description="Forget the session qlik-tui keeps for a profile between runs (the default profile, or -p NAME), "
        "or every kept session with --all. The next request signs in afresh.",
    )
    p.add_argument("--all", action="store_true", help="forget every kept session, of every profiles file")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Forget, and say which sessions were forgotten."""
    from ..core.auth.session_cache import SessionCache
    from ..core.errors import UsageError
    from ..core.terminal_text import visible
    from .common import load_set, pick_profile

    cache = SessionCache()
    if args.all:
        if args.profile:
            raise UsageError("give -p NAME or --all, not both", "qlik-tui logout --all forgets every kept session")
        names = cache.forget_all()
        if not names:
            print("no kept sessions")
        else:
            shown = ", ".join(f"'{visible(n)}'" for n in names)
            print(f"forgot {len(names)} kept session{'s' if len(names) != 1 else ''}: {shown} ({SERVER_NOTE})")
        return 0
    profile_set = load_set(args)
    name = args.profile
    if name is None or name not in profile_set.broken:  # a broken profile's session can still be forgotten
        name = pick_profile(profile_set, args.profile).name
    if cache.forget_named(profile_set.path.resolve().parent, name):
        print(f"forgot the kept session of '{visible(name)}' ({SERVER_NOTE})")
    else:
        print(f"no kept session for '{visible(name)}'")
    return 0
