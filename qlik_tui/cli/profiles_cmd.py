"""`qlik-tui profiles list|check`: see the profiles, and prove one can mint a good token."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(sub: Any, shared: argparse.ArgumentParser) -> None:
    """Add the `profiles` sub-command and its actions."""
    p = sub.add_parser(
        "profiles", help="list profiles, or check one", description="List the profiles, or check one end to end offline."
    )
    actions = p.add_subparsers(title="actions", metavar="ACTION", required=True)
    ls = actions.add_parser("list", parents=[shared], help="name, type, url; * marks the default")
    ls.add_argument("--json", action="store_true", help="print a JSON list")
    ls.set_defaults(run=run_list)
    check = actions.add_parser(
        "check",
        parents=[shared],
        help="load the key, mint a token, check it against `cert`",
        description="Load the profile's key, mint a token and verify it against the profile's certificate.",
    )
    check.add_argument("name", nargs="?", help="profile to check (default: -p, else the default profile)")
    check.add_argument(
        "--online", action="store_true", help="also compare the profile with the server's JWT settings, clock and TLS certificate"
    )
    check.set_defaults(run=run_check)


def run_list(args: argparse.Namespace) -> int:
    """Print one line per profile."""
    from .common import load_set

    profile_set = load_set(args)
    default = profile_set.default
    if args.json:
        rows = [{"name": n, "type": p.type, "url": p.url, "default": n == default} for n, p in profile_set.profiles.items()]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not profile_set.profiles:
        print(f"{profile_set.path}: no profiles yet")
        return 0
    width = max(len(n) for n in profile_set.profiles)
    for name, profile in profile_set.profiles.items():
        mark = "*" if name == default else " "
        where = profile.url + (f"/{profile.virtual_proxy}" if profile.type == "qseow" and profile.virtual_proxy else "")
        warn = "  (TLS verification off)" if profile.tls_verification_off else ""
        print(f"{mark} {name:<{width}}  {profile.type:<5}  {where}{warn}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    """Key loads, token mints, signature verifies against the certificate: say each."""
    from ..core.auth.tokens import check_key_against_cert, decode, iso, mint
    from ..core.errors import KeyFileError
    from .common import load_set, pick_profile

    profile = pick_profile(load_set(args), args.name or args.profile)
    minted = mint(profile)
    print(f"profile    {profile.name} ({profile.product}, {profile.url})")
    print(f"key        {profile.key_path}: loaded")
    print(
        f"token      minted {minted.header['alg']} for {profile.identity}, "
        f"expires {iso(minted.expires_at)} ({profile.lifetime_text})"
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
    if profile.tls_verification_off:
        print("warning    verify_tls = false: the server's identity is not checked")
    if getattr(args, "online", False):
        from .profile_online import run_online

        return run_online(profile)
    print("ok")
    return 0
