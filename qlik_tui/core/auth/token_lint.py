"""Judge a token the way the Qlik product it is meant for would, one finding per broken rule.

The rules are QLIK.md's: QSEoW takes RS256/RS384/RS512 with a checked `exp` (and `nbf`);
Qlik Cloud wants RS256, a `kid`, the full claim set, a boolean `email_verified`, `groups`
(plural) and `exp - nbf <= 3600`. The mistakes looked for first are the ones qs-jwt makes:
`group` for `groups`, `email_verified` as a string, no `jti`/`kid`, and lifetimes in
milliseconds where seconds were meant (a 3.6 s token, or an `exp` in the year 50,000).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt

from ..errors import KeyFileError
from ..file_read import KEY_FILE_LIMIT, read_regular_file
from ..profiles.durations import format_duration
from ..profiles.model import CLOUD_ALGORITHMS, CLOUD_AUDIENCE, CLOUD_MAX_LIFETIME, QSEOW_ALGORITHMS
from .tokens import DecodedToken, decode, is_number

ERROR = "error"  # Qlik refuses the token, or misreads it (a user without their groups)
WARNING = "warning"  # Qlik takes it, but it is probably not what was meant
CLOUD_TOLERANCE = 5  # seconds: a Qlik Cloud IdP's default clock tolerance
MILLISECONDS_FROM = 10**11  # a Unix time past this (year 5138) is milliseconds, not seconds
SHORT_LIFETIME = 60
CLOUD_REQUIRED = ("iss", "aud", "sub", "subType", "name", "email", "email_verified", "jti", "iat", "nbf", "exp")
PRODUCT_NAMES = {
    "cloud": "Qlik Cloud",
    "qseow": "QSEoW",
    "api_key": "Qlik Cloud (API key)",
    "oauth": "Qlik Cloud (OAuth access token)",
}
_NO_CLAIM_CHECKS: Any = {"verify_exp": False, "verify_nbf": False, "verify_iat": False, "verify_aud": False, "verify_iss": False}
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
# Servers cap request headers: 8 KiB is a common default (nginx, Node), 64 KiB beyond any default.
HEADER_WARN = 8 * 1024
HEADER_MAX = 64 * 1024
# qs-jwt's create-qscloud sets `sub` to 42 random bytes in base64url, new on every run.
_QS_JWT_SUB = re.compile(r"(?=.*[A-Z])(?=.*[a-z])(?=.*[0-9])[A-Za-z0-9_-]{56}")
_VERIFIABLE = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")


@dataclass(frozen=True)
class Finding:
    """One rule the token breaks, as Qlik would see it."""

    level: str  # ERROR or WARNING
    rule: str  # a short stable name, for scripts
    message: str


@dataclass(frozen=True)
class TokenVerdict:
    """What the token says and what the product would make of it."""

    decoded: DecodedToken
    product: str  # "cloud" or "qseow"
    product_reason: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        """True when no finding would make Qlik refuse or misread the token."""
        return not any(f.level == ERROR for f in self.findings)

    @property
    def product_name(self) -> str:
        """Qlik Cloud or QSEoW."""
        return PRODUCT_NAMES[self.product]

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready verdict (the decoded token plus the findings)."""
        return {
            "jwt": True,  # as in the not-a-JWT answer, so a script can test one key first
            **self.decoded.as_dict(),
            "product": self.product,
            "product_reason": self.product_reason,
            "accepted": self.accepted,
            "problems": [{"level": f.level, "rule": f.rule, "message": f.message} for f in self.findings],
        }


def _ago(seconds: float) -> str:
    """A span for people: seconds under an hour, minutes under a day, hours beyond."""
    step = 1 if seconds < 3600 else 60 if seconds < 86400 else 3600
    return format_duration(max(step, round(seconds / step) * step))


def _lifetime_findings(claims: dict[str, Any], product: str, now: float) -> list[Finding]:
    out: list[Finding] = []
    tolerance = CLOUD_TOLERANCE if product == "cloud" else 0
    for name in ("exp", "nbf", "iat"):
        value: Any = claims.get(name)
        if name in claims and not is_number(value):
            out.append(Finding(ERROR, f"{name}-type", f"`{name}` is {json.dumps(value)}: it must be a number of seconds"))
        elif is_number(value) and abs(value) >= MILLISECONDS_FROM:
            out.append(
                Finding(
                    ERROR,
                    f"{name}-milliseconds",
                    f"`{name}` is {value:.0f}: that is milliseconds (a date after the year 50,000); JWT times are seconds",
                )
            )
    exp, nbf, iat = (claims.get(k) if is_number(claims.get(k)) else None for k in ("exp", "nbf", "iat"))
    if "exp" not in claims:
        out.append(Finding(ERROR, "exp-missing", f"no `exp`: {PRODUCT_NAMES[product]} refuses a token without an expiry"))
    if exp is not None and exp < MILLISECONDS_FROM and now >= exp + tolerance:
        out.append(Finding(ERROR, "expired", f"expired {_ago(now - exp)} ago"))
    if nbf is not None and nbf < MILLISECONDS_FROM and nbf > now + tolerance:
        out.append(Finding(ERROR, "not-yet-valid", f"not valid yet: `nbf` is {_ago(nbf - now)} from now"))
    if product == "cloud" and iat is not None and iat < MILLISECONDS_FROM and iat > now + tolerance:
        out.append(Finding(ERROR, "iat-future", f"`iat` is {_ago(iat - now)} in the future: Qlik Cloud refuses it"))
    start = nbf if nbf is not None else iat
    if exp is not None and start is not None and max(abs(exp), abs(start)) < MILLISECONDS_FROM:
        life = exp - start
        if life <= 0:
            out.append(Finding(ERROR, "lifetime", "`exp` is not after `nbf`/`iat`: the token is never valid"))
        elif life < SHORT_LIFETIME:
            out.append(
                Finding(
                    WARNING,
                    "lifetime-short",
                    f"the token lives only {life:g} s: was a lifetime in seconds read as milliseconds? "
                    "(qs-jwt's `--expires 3600` gives 3.6 s)",
                )
            )
        if product == "cloud" and nbf is not None and exp - nbf > CLOUD_MAX_LIFETIME:
            out.append(
                Finding(
                    ERROR,
                    "lifetime-over-1h",
                    f"`exp - nbf` is {exp - nbf:.0f} s ({format_duration(int(exp - nbf))}): Qlik Cloud allows at most 3600 s",
                )
            )
    return out


def _groups_findings(claims: dict[str, Any], product: str) -> list[Finding]:
    if "group" in claims and "groups" not in claims:
        if product == "cloud":
            return [
                Finding(ERROR, "group-claim", "groups sent as `group`: Qlik Cloud reads only `groups`, so the user gets none")
            ]
        return [
            Finding(
                WARNING,
                "group-claim",
                "groups sent as `group`: the proxy reads it only if its JWT attribute mapping names `group`",
            )
        ]
    groups = claims.get("groups")
    if product == "cloud" and "groups" in claims and not (isinstance(groups, list) and all(isinstance(g, str) for g in groups)):
        return [Finding(ERROR, "groups-type", f"`groups` is {json.dumps(groups)}: Qlik Cloud needs a list of strings")]
    return []


def _cloud_findings(header: dict[str, Any], claims: dict[str, Any]) -> list[Finding]:
    out: list[Finding] = []
    if not header.get("kid"):
        out.append(Finding(ERROR, "kid-missing", "no `kid` in the header: Qlik Cloud finds the IdP's key by it"))
    for name in CLOUD_REQUIRED:
        if name not in claims and name != "exp":  # a missing exp is reported with the times
            out.append(Finding(ERROR, f"{name}-missing", f"no `{name}`: Qlik Cloud requires it"))
    aud = claims.get("aud")
    if "aud" in claims and aud != CLOUD_AUDIENCE:
        out.append(Finding(ERROR, "aud", f"`aud` is {json.dumps(aud)}: Qlik Cloud needs {json.dumps(CLOUD_AUDIENCE)}"))
    if "subType" in claims and claims["subType"] != "user":
        out.append(Finding(ERROR, "subType", f'`subType` is {json.dumps(claims["subType"])}: Qlik Cloud needs "user"'))
    for name in ("sub", "name", "email"):
        if name in claims and not (isinstance(claims[name], str) and claims[name]):
            out.append(Finding(ERROR, f"{name}-type", f"`{name}` is {json.dumps(claims[name])}: it must be a non-empty string"))
    verified = claims.get("email_verified")
    if "email_verified" in claims and not isinstance(verified, bool):
        out.append(
            Finding(
                ERROR,
                "email_verified-type",
                f"`email_verified` is {json.dumps(verified)} ({type(verified).__name__}): Qlik Cloud needs a JSON boolean",
            )
        )
    return out


def _shape_findings(token: str) -> list[Finding]:
    """What the token's text itself breaks: size, alphabet, a missing signature."""
    out: list[Finding] = []
    size = len(token)
    if size > HEADER_WARN:
        level = ERROR if size > HEADER_MAX else WARNING
        shown = f"{size / 1024 / 1024:.1f} MiB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KiB"
        out.append(
            Finding(level, "size", f"the token is {shown}: servers refuse request headers over 8-64 KiB; it cannot reach Qlik")
        )
    parts = token.split(".")
    if not all(_BASE64URL.fullmatch(part) for part in parts):
        # Python forgives padding, + / and line breaks; JWT parsers (RFC 7515) do not.
        out.append(
            Finding(
                ERROR,
                "encoding",
                "the token holds characters outside base64url (=, +, /, spaces or line breaks): "
                "Qlik's JWT parser refuses it; copy it again in one piece",
            )
        )
    if not parts[2]:
        out.append(Finding(ERROR, "signature-missing", "the token has no signature: Qlik refuses unsigned tokens"))
    return out


def _sub_findings(claims: dict[str, Any]) -> list[Finding]:
    sub = claims.get("sub")
    if isinstance(sub, str) and _QS_JWT_SUB.fullmatch(sub):
        return [
            Finding(
                WARNING,
                "sub-random",
                "`sub` looks random (56 base64url characters, as qs-jwt makes on every run): Qlik Cloud creates "
                "a new user for every new `sub`; send the same stable id for the same person",
            )
        ]
    return []


def _signature_with_jwks(token: str, header: dict[str, Any], path: Path) -> str:
    raw = read_regular_file(path, what="JWKS file", limit=KEY_FILE_LIMIT, error=KeyFileError)
    try:
        doc = json.loads(raw)
        key_set = jwt.PyJWKSet.from_dict(doc)
    except (ValueError, RecursionError, jwt.PyJWTError) as exc:
        raise KeyFileError(
            f"{path}: not a usable JWKS ({exc})",
            'expected JSON like {"keys": [{"kty": "RSA", "kid": "...", "n": "...", "e": "AQAB"}]}',
        ) from None
    kid = header.get("kid")
    matching = [k for k in key_set.keys if k.key_id == kid] if kid else list(key_set.keys)
    if not matching:
        kids = ", ".join(str(k.key_id) for k in key_set.keys)
        return f"INVALID (no key with kid {json.dumps(kid)} in the JWKS; it has: {kids})"
    if len(matching) > 1:
        return "not checked (the token has no kid and the JWKS holds several keys)"
    alg = header.get("alg")
    if alg not in _VERIFIABLE:
        return f"INVALID (algorithm {json.dumps(alg)} cannot be checked with a public key)"
    try:
        jwt.decode(token, matching[0].key, algorithms=[str(alg)], options=_NO_CLAIM_CHECKS)
    except jwt.InvalidSignatureError:
        return "INVALID (not signed by the JWKS key)"
    except jwt.PyJWTError as exc:
        return f"INVALID ({exc})"
    return "verified"


def lint(
    token: str,
    *,
    product: str | None = None,
    audience: str | None = None,
    issuer: str | None = None,
    cert: Path | None = None,
    jwks: Path | None = None,
    now: float | None = None,
) -> TokenVerdict:
    """Decode `token` and list every rule of the product that it breaks (NotAJwtError if it is no JWT)."""
    decoded = decode(token, cert=cert, audience=audience)
    header, claims = decoded.header, decoded.claims
    bare = token.strip()
    bare = bare[7:].strip() if bare.lower().startswith("bearer ") else bare
    if jwks is not None:
        decoded = DecodedToken(header, claims, decoded.state, _signature_with_jwks(bare, header, jwks), decoded.audience)
    from .bearer_lint import access_token_findings, api_key_findings, bearer_kind  # it imports Finding from here

    aud = claims.get("aud")
    is_cloud_aud = aud == CLOUD_AUDIENCE or (isinstance(aud, list) and CLOUD_AUDIENCE in aud)
    issued_by_qlik = bearer_kind(claims)
    if product is None and issued_by_qlik is not None:
        product = issued_by_qlik
        reason = f"`iss` is {claims.get('iss')} (a Bearer Qlik issued, not a token you mint)"
    elif product is None:
        product = "cloud" if is_cloud_aud else "qseow"
        reason = f"`aud` is {CLOUD_AUDIENCE}" if is_cloud_aud else "`aud` is not Qlik Cloud's (--product cloud: judge as Cloud)"
    else:
        reason = f"--product {product}"
    now = time.time() if now is None else now
    findings = _shape_findings(bare)
    if product in ("api_key", "oauth"):
        # Qlik signed it: only the tenant can check the signature, and the JWT-login rules do not apply.
        findings += api_key_findings(header, claims) if product == "api_key" else access_token_findings(claims)
        findings += _lifetime_findings(claims, product, now)
        findings.sort(key=lambda f: f.level != ERROR)
        return TokenVerdict(decoded, product, reason, findings)
    alg = header.get("alg")
    allowed = CLOUD_ALGORITHMS if product == "cloud" else QSEOW_ALGORITHMS
    if alg not in allowed:
        findings.append(
            Finding(ERROR, "alg", f"algorithm {json.dumps(alg)}: {PRODUCT_NAMES[product]} accepts {', '.join(allowed)} only")
        )
    if product == "cloud":
        findings += _cloud_findings(header, claims) + _sub_findings(claims)
    findings += _lifetime_findings(claims, product, now)
    findings += _groups_findings(claims, product)
    if decoded.signature.startswith("INVALID"):
        findings.append(Finding(ERROR, "signature", f"signature {decoded.signature}"))
    if decoded.audience.startswith("MISMATCH"):
        findings.append(Finding(ERROR, "audience", f"audience {decoded.audience}"))
    if issuer is not None and claims.get("iss") != issuer:
        findings.append(Finding(ERROR, "issuer", f"`iss` is {json.dumps(claims.get('iss'))}, expected {json.dumps(issuer)}"))
    findings.sort(key=lambda f: f.level != ERROR)  # refusals first, then warnings; stable within each
    return TokenVerdict(decoded, product, reason, findings)
