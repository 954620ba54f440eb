"""`qlik-tui token`: mint a token for a profile (or print the Bearer an API-key or OAuth profile sends), or decode any token."""

from __future__ import annotations

import argparse
import json
from typing import Any

PROFILE_CREDENTIAL = ""  # `--decode` with no TOKEN: decode what the profile sends


def register(sub: Any, shared: argparse.ArgumentParser) -> None:
    """Add the `token` sub-command."""
    p = sub.add_parser(
        "token",
        parents=[shared],
        help="mint a JWT for a profile, print its API key or OAuth access token (or --decode one)",
        description="Print a freshly minted JWT for the profile on stdout (an API-key profile: its key; an OAuth "
        "profile: its access token, kept between runs while fresh unless --new or --no-session-cache), "
        "or decode a token and judge it by the rules of the Qlik product it is for "
        "(exit 0: Qlik would accept it, 1: it breaks a rule, 2: not a JWT). --decode without TOKEN decodes the profile's.",
    )
    p.add_argument("--json", action="store_true", help="print header, claims and expiry as JSON (with the token)")
    p.add_argument(
        "--new",
        action="store_true",
        help="OAuth: fetch a new access token even when the kept one is still fresh (JWTs are always new)",
    )
    p.add_argument(
        "--decode",
        metavar="TOKEN",
        nargs="?",
        const=PROFILE_CREDENTIAL,
        help="decode TOKEN instead of minting ('-' reads it from stdin; no TOKEN: the profile's own)",
    )
    p.add_argument("--cert", metavar="FILE", help="with --decode: check the signature with this certificate or public key")
    p.add_argument("--jwks", metavar="FILE", help="with --decode: check the signature with the JWKS key matching `kid`")
    p.add_argument("--audience", metavar="AUD", help="with --decode: check that `aud` equals AUD")
    p.add_argument("--issuer", metavar="ISS", help="with --decode: check that `iss` equals ISS")
    p.add_argument(
        "--product",
        choices=("qseow", "cloud", "api_key", "oauth"),
        help="with --decode: judge the token by these rules (default: an API key or access token by its `iss`; "
        "Cloud when `aud` is Qlik Cloud's; else QSEoW)",
    )
    from . import global_options

    global_options.add_options(p, 1, (global_options.NO_SESSION_CACHE,))  # `token -p x --no-session-cache`
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Mint or decode, and print."""
    from ..core.errors import UsageError

    if args.decode is None:
        if args.cert or args.audience or args.jwks or args.issuer or args.product:
            raise UsageError(
                "--cert, --jwks, --audience, --issuer and --product go with --decode",
                "qlik-tui token --decode TOKEN --cert cert.pem",
            )
        return _mint(args)
    if args.cert and args.jwks:
        raise UsageError("--cert and --jwks both name a key: pass one", "--cert for a PEM certificate, --jwks for a JWKS file")
    from .token_report import decode_and_report

    if args.decode == PROFILE_CREDENTIAL:
        from .common import selected_profile
        from .token_bearer import profile_credential

        profile = selected_profile(args)
        args.decode = profile_credential(profile, keep_sessions=not args.no_session_cache, new=args.new)
        if args.product is None:
            args.product = profile.auth if profile.auth in ("api_key", "oauth") else profile.type
    return decode_and_report(args)


def _mint(args: argparse.Namespace) -> int:
    from ..core.auth.tokens import iso, mint
    from .common import selected_profile

    profile = selected_profile(args)
    if not profile.signs_jwts:
        from .token_bearer import print_bearer

        return print_bearer(profile, args.json, keep_sessions=not args.no_session_cache, new=args.new)
    minted = mint(profile)
    if args.json:
        doc = {
            "profile": profile.name,
            "token": minted.token,
            "header": minted.header,
            "claims": minted.claims,
            "issued": iso(minted.issued_at),
            "expires": iso(minted.expires_at),
        }
        print(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        print(minted.token)
    return 0
