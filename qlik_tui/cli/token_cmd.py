"""`qlik-tui token`: mint a token for a profile, or decode any token."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def register(sub: Any, shared: argparse.ArgumentParser) -> None:
    """Add the `token` sub-command."""
    p = sub.add_parser(
        "token",
        parents=[shared],
        help="mint a JWT for a profile (or --decode one)",
        description="Print a freshly minted JWT for the profile on stdout, or decode a token.",
    )
    p.add_argument("--json", action="store_true", help="print header, claims and expiry as JSON (with the token)")
    p.add_argument("--decode", metavar="TOKEN", help="decode TOKEN instead of minting ('-' reads it from stdin)")
    p.add_argument("--cert", metavar="FILE", help="with --decode: check the signature with this certificate or public key")
    p.add_argument("--audience", metavar="AUD", help="with --decode: check that `aud` equals AUD")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Mint or decode, and print."""
    from ..core.errors import UsageError

    if args.decode is None:
        if args.cert or args.audience:
            raise UsageError("--cert and --audience go with --decode", "qlik-tui token --decode TOKEN --cert cert.pem")
        return _mint(args)
    return _decode(args)


def _mint(args: argparse.Namespace) -> int:
    from ..core.auth.tokens import iso, mint
    from .common import selected_profile

    profile = selected_profile(args)
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


def _decode(args: argparse.Namespace) -> int:
    from ..core.auth.tokens import decode
    from ..core.errors import UsageError
    from ..core.terminal_text import visible

    text = args.decode
    if text == "-":
        text = sys.stdin.read()
    if not text.strip():
        raise UsageError("no token to decode", "pass the token, or - and pipe it in: qlik-tui token | qlik-tui token --decode -")
    result = decode(text, cert=Path(args.cert).expanduser() if args.cert else None, audience=args.audience)
    if args.json:
        print(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    else:
        # A pasted token is anyone's text: its claims reach the terminal through the one door.
        print("header: " + visible(json.dumps(result.header, ensure_ascii=False)))
        print("claims:")
        for key, value in result.claims.items():
            print(f"  {visible(key)}: {visible(json.dumps(value, ensure_ascii=False))}")
        for key, value in result.times().items():
            print(f"{key}: {value}")
        print(f"state: {result.state}")
        print(f"signature: {result.signature}")
        print(f"audience: {result.audience}")
    bad = result.signature.startswith("INVALID") or result.audience.startswith("MISMATCH")
    return 5 if bad else 0
