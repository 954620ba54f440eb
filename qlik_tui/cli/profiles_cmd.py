"""`qlik-tui profiles list|check`: see the profiles, and prove one can mint a good token."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(sub: Any, shared: argparse.ArgumentParser) -> None:
    """Add the `profiles` sub-command and its actions."""
    from .global_options import parent

    p = sub.add_parser(
        "profiles",
        parents=[shared],
        help="list profiles, or check them",
        description="List the profiles, or check one (or all) end to end offline.",
    )
    shared = parent(2)  # `profiles -p X list` and `profiles list -p X` both count
    actions = p.add_subparsers(title="actions", metavar="ACTION", required=True)
    ls = actions.add_parser("list", parents=[shared], help="name, type, url; * marks the default")
    ls.add_argument("--json", action="store_true", help="print a JSON list")
    ls.set_defaults(run=run_list)
    check = actions.add_parser(
        "check",
        parents=[shared],
        help="check a profile offline per sign-in method (every profile when none is named)",
        description="Check what can be checked without a network: JWT profiles load the key, mint a token and "
        "verify it against `cert`; certificate profiles check the certificate matches its key, its dates and the "
        "CA bundle; API key and OAuth profiles check the secret resolves (never shown) and the API key's expiry. "
        "With no NAME and no -p, check every profile and exit non-zero if any fails.",
    )
    check.add_argument("name", nargs="?", help="profile to check (default: -p; with neither, every profile)")
    check.add_argument(
        "--online", action="store_true", help="also compare the profile with the server's JWT settings, clock and TLS certificate"
    )
    check.set_defaults(run=run_check)


def run_list(args: argparse.Namespace) -> int:
    """Print one line per profile; broken ones are listed too, with the command that explains them."""
    from ..core.profiles.loader import plural
    from ..core.terminal_text import visible
    from .common import load_set

    profile_set = load_set(args)
    default = profile_set.default
    if args.json:
        rows: list[dict[str, Any]] = [
            {"name": n, "type": p.type, "auth": p.auth, "url": p.url, "default": n == default, "problems": []}
            for n, p in profile_set.profiles.items()
        ]
        rows += [
            {"name": n, "type": None, "auth": None, "url": None, "default": n == default, "problems": problems}
            for n, problems in profile_set.broken.items()
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not profile_set.profiles and not profile_set.broken:
        print(f"{profile_set.path}: no profiles yet")
        return 0
    width = max(len(n) for n in [*profile_set.profiles, *profile_set.broken])
    for name, profile in profile_set.profiles.items():
        mark = "*" if name == default else " "
        where = profile.url + (f"/{profile.virtual_proxy}" if profile.type == "qseow" and profile.virtual_proxy else "")
        warn = "  (TLS verification off)" if profile.tls_verification_off else ""
        method = f"  [{profile.auth}]" if profile.auth != "jwt" else ""  # JWT, the default, goes unsaid
        print(visible(f"{mark} {name:<{width}}  {profile.type:<5}  {where}{method}{warn}"))
    for name, problems in profile_set.broken.items():
        mark = "*" if name == default else " "
        count = plural(len(problems), "problem")
        print(visible(f"{mark} {name:<{width}}  ?      BROKEN: {count} (qlik-tui profiles check {name})"))
    return 0


def run_check(args: argparse.Namespace) -> int:
    """Check the named profile (NAME or -p); with neither, check every profile in the file."""
    import sys

    from ..core.errors import QlikTuiError
    from ..core.profiles.loader import broken_profile_error
    from ..core.terminal_text import visible
    from .common import load_set, pick_profile

    profile_set = load_set(args)
    online = bool(getattr(args, "online", False))
    if args.name or args.profile:
        return _check_one(pick_profile(profile_set, args.name or args.profile), online)
    every = [*profile_set.profiles, *profile_set.broken]
    if not every:
        print(f"{profile_set.path}: no profiles yet")
        return 0
    failed: dict[str, int] = {}
    differs: list[str] = []
    for index, name in enumerate(every):
        if index:
            print()
        try:
            if name in profile_set.broken:
                raise broken_profile_error(profile_set, name)
            if _check_one(profile_set.profiles[name], online):
                differs.append(name)
        except QlikTuiError as exc:
            failed[name] = exc.exit_code
            if name in profile_set.broken:
                print(visible(f"profile    {name}"))
            sys.stdout.flush()  # keep the two streams in order on a terminal
            prefix = "qlik-tui: " if name in profile_set.broken else f"qlik-tui: profile '{name}': "
            for line in exc.lines():
                print(visible(prefix + line if line is exc.message else line), file=sys.stderr, flush=True)
            print("FAILED", flush=True)
    if failed:
        names = ", ".join(failed)
        print(f"qlik-tui: {len(failed)} of {len(every)} profiles failed the check: {names}", file=sys.stderr)
        return next(iter(failed.values()))
    if differs:
        print(f"qlik-tui: the server's settings differ for {', '.join(differs)}", file=sys.stderr)
        return 1
    return 0


def _check_one(profile: Any, online: bool) -> int:
    """Check what the profile's sign-in method allows offline (and, online, the server's JWT view)."""
    from ..core.auth.offline_check import check_offline
    from ..core.terminal_text import visible

    if profile.auth == "jwt":
        _check_jwt(profile)
    else:
        print(visible(f"profile    {profile.name} ({profile.product}, {profile.url}, auth = {profile.auth})"))
    for finding in check_offline(profile):
        print(visible(f"{finding.label:<10} {finding.text}"))
    if profile.tls_verification_off:
        print("warning    verify_tls = false: the server's identity is not checked")
    if online:
        # every method: the sign-in is tried and the clocks compared; JWT profiles also compare settings
        from .profile_online import run_online

        return run_online(profile)
    print("ok")
    return 0


def _check_jwt(profile: Any) -> None:
    """Key loads, token mints, signature verifies against the certificate: say each."""
    from ..core.auth.key_permissions import key_file_warning
    from ..core.auth.tokens import check_key_against_cert, decode, iso, mint
    from ..core.errors import KeyFileError
    from ..core.terminal_text import visible

    print(visible(f"profile    {profile.name} ({profile.product}, {profile.url})"))
    minted = mint(profile)
    print(f"key        {profile.key_path}: loaded")
    permissions = key_file_warning(profile.key_path)
    if permissions:
        print(f"warning    {permissions}")
    print(
        visible(
            f"token      minted {minted.header['alg']} for {profile.identity}, "
            f"expires {iso(minted.expires_at)} ({profile.lifetime_text})"
        )
    )
    matches = check_key_against_cert(profile)
    if matches is None:
        print("cert       not set: add `cert` to check the key against the certificate Qlik holds")
    elif not matches:
        raise KeyFileError(
            f"{profile.cert_path}: this certificate is not the public half of {profile.key_path}",
            "Qlik will refuse every token: paste the certificate that belongs to this key, or point `key` at the right key",
        )
    else:
        result = decode(minted.token, cert=profile.cert_path)
        print(f"cert       {profile.cert_path}: matches the key; signature {result.signature}")
