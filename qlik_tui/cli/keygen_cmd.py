"""`qlik-tui keygen`: an RSA key and a SHA-256 self-signed certificate, and where they go."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: Any, shared: argparse.ArgumentParser) -> None:
    """Add the `keygen` sub-command."""
    p = sub.add_parser(
        "keygen",
        parents=[shared],
        help="generate an RSA private key and a self-signed certificate",
        description="Write private.pem (0600), cert.pem and public.pem into DIR; never overwrites without --force.",
    )
    p.add_argument("--dir", required=True, metavar="DIR", help="folder to write the files into (created if missing)")
    p.add_argument("--bits", type=int, default=4096, help="RSA key size (default 4096)")
    p.add_argument("--days", type=int, default=1825, help="certificate validity in days (default 1825)")
    p.add_argument("--cn", default="qlik-tui", metavar="NAME", help="certificate common name (default qlik-tui)")
    p.add_argument("--force", action="store_true", help="replace existing files")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Generate, then tell the user what to paste where."""
    from ..core.auth.keys import generate_keypair

    paths = generate_keypair(
        Path(args.dir).expanduser().resolve(), bits=args.bits, days=args.days, common_name=args.cn, force=args.force
    )
    print(f"private key  {paths.key_path}  (mode 0600: keep it secret, never paste it anywhere)")
    print(f"certificate  {paths.cert_path}  (RSA {args.bits}, SHA-256, {args.days} days)")
    print(f"public key   {paths.public_key_path}")
    print()
    print('QSEoW: paste the whole of cert.pem into the JWT virtual proxy\'s "JWT certificate" field (QMC > Virtual proxies).')
    print("Qlik Cloud: paste cert.pem (or public.pem) as the JWT identity provider's public key, and note its key id.")
    print()
    print("Profile lines to add (profiles.toml):")
    print(f'key = "{paths.key_path}"')
    print(f'cert = "{paths.cert_path}"')
    return 0
