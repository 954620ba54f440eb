"""`qlik-tui token --decode`: the decoded token and Qlik's verdict on it, for people or scripts.

Exit 0 when the product would accept the token, 1 when it breaks a rule, 2 when it is no JWT.
Every header and claim value passes through `visible()`: a token is input that may carry
terminal escapes.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..core.auth.token_lint import ERROR, TokenVerdict, lint
from ..core.errors import NotAJwtError, UsageError
from ..core.terminal_text import visible
from .common import read_stdin

MAX_TOKEN_INPUT = 16 * 1024 * 1024  # a JWT is a few kB, yet an oversize one is judged (rule `size`); `< /dev/zero` ends

SHOWN = 200  # characters of one header or claim value in the text report (--json has them whole)


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= SHOWN else f"{text[:SHOWN]}… ({len(text)} characters)"


def decode_and_report(args: argparse.Namespace) -> int:
    """Read the token (an argument or stdin), judge it, print the verdict; return the exit code."""
    text = args.decode
    if text == "-":
        text = read_stdin(MAX_TOKEN_INPUT, "--decode -").decode("utf-8", "replace")
    if not text.strip():
        raise UsageError("no token to decode", "pass the token, or - and pipe it in: qlik-tui token | qlik-tui token --decode -")
    try:
        verdict = lint(
            text,
            product=args.product,
            audience=args.audience,
            issuer=args.issuer,
            cert=Path(args.cert).expanduser() if args.cert else None,
            jwks=Path(args.jwks).expanduser() if args.jwks else None,
        )
    except NotAJwtError as exc:
        if not args.json:
            raise
        print(json.dumps({"jwt": False, "accepted": False, "error": exc.message, "hint": exc.hint}, indent=2))
        return exc.exit_code
    if args.json:
        # ensure_ascii: claim values may hold escapes; \\uXXXX keeps them inert and the JSON exact.
        print(json.dumps(verdict.as_dict(), indent=2))
    else:
        for line in verdict_lines(verdict):
            print(visible(line))
    return 0 if verdict.accepted else 1


def verdict_lines(verdict: TokenVerdict) -> list[str]:
    """The text report, one line each (callers make them visible)."""
    decoded = verdict.decoded
    lines = ["header: " + _short(decoded.header), "claims:"]
    lines += [f"  {key[:SHOWN] + ('…' if len(key) > SHOWN else '')}: {_short(value)}" for key, value in decoded.claims.items()]
    lines += [f"{key}: {value}" for key, value in decoded.times().items()]
    lines += [
        f"state: {decoded.state}",
        f"signature: {decoded.signature}",
        f"audience: {decoded.audience}",
        f"product: {verdict.product_name} ({verdict.product_reason})",
    ]
    errors = sum(1 for f in verdict.findings if f.level == ERROR)
    warnings = len(verdict.findings) - errors
    if verdict.accepted:
        note = f" ({warnings} warning{'s' if warnings != 1 else ''})" if warnings else ""
        lines.append(f"verdict: {verdict.product_name} would accept this token{note}")
    else:
        lines.append(
            f"verdict: {verdict.product_name} would refuse or misread this token ({errors} problem{'s' if errors != 1 else ''})"
        )
    lines += [f"  {'✗' if f.level == ERROR else '!'} {f.message}" for f in verdict.findings]
    return lines
