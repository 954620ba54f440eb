"""Checks of the claims table of a JWT profile: what each product requires and what JSON can carry."""

from __future__ import annotations

import math
from datetime import date, datetime, time
from typing import Any

from .shown import shown as _shown
from .shown import unknown as _unknown

CLOUD_REQUIRED_CLAIMS = ("sub", "name", "email", "email_verified")
CLOUD_CLAIMS = (*CLOUD_REQUIRED_CLAIMS, "subType", "groups")
# Claims the app sets itself; a value in the claims table would fight with it.
RESERVED_CLAIMS = {
    "exp": "set by `lifetime`",
    "iat": "set when the token is minted",
    "nbf": "set when the token is minted",
    "jti": "a fresh random value is set for every token",
    "aud": "set by `audience` (QSEoW) or fixed by Qlik Cloud",
    "iss": "set by `issuer`",
}
MAX_CLAIM_DEPTH = 16


def _check_json_value(claim: str, value: Any, problems: list[str]) -> None:
    """Dates, NaN/inf (TOML has them, JSON does not) and absurd nesting, walked without recursion."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    found: set[str] = set()
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (datetime, date, time)):
            found.add("TOML dates and times cannot go into a JWT; quote it as a string")
        elif isinstance(item, float) and not math.isfinite(item):
            found.add(f"{_shown(item)} is not a number JSON can carry; write a finite number or a string")
        elif isinstance(item, (list, dict)):
            if depth >= MAX_CLAIM_DEPTH:
                found.add(f"nested more than {MAX_CLAIM_DEPTH} levels deep; no Qlik claim looks like that")
                continue
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    problems.extend(f"claim `{claim}`: {text}" for text in sorted(found))


def _check_reserved(claims: dict[str, Any], problems: list[str]) -> None:
    for claim, why in RESERVED_CLAIMS.items():
        if claim in claims:
            problems.append(f"claim `{claim}` cannot be set in the claims table: it is {why}")


def check_qseow_claims(claims: dict[str, Any], problems: list[str]) -> None:
    if not claims:
        problems.append(
            "`claims` is empty: a QSEoW token needs at least the user id and user directory "
            "claims, named as in the virtual proxy (e.g. userId and userDirectory)"
        )
    _check_reserved(claims, problems)
    for claim, value in claims.items():
        _check_json_value(claim, value, problems)
        # The proxy reads the user id and directory as text; a number or list is refused there.
        if claim.lower() in ("userid", "userdirectory") and (not isinstance(value, str) or not value.strip()):
            problems.append(f"claim `{claim}`: must be a non-empty string in double quotes, not {_shown(value)}")


def check_cloud_claims(claims: dict[str, Any], problems: list[str]) -> dict[str, Any]:
    _check_reserved(claims, problems)
    for claim, value in claims.items():
        _check_json_value(claim, value, problems)
    for claim in claims:
        if claim not in CLOUD_CLAIMS and claim not in RESERVED_CLAIMS:
            problems.append(_unknown(claim, CLOUD_CLAIMS, "Qlik Cloud claims").replace("key", "claim", 1))
    for claim in CLOUD_REQUIRED_CLAIMS:
        if claim not in claims:
            problems.append(f"claim `{claim}` is missing: Qlik Cloud requires sub, name, email and email_verified")
    for claim in ("sub", "name", "email"):
        value = claims.get(claim)
        if claim in claims and (not isinstance(value, str) or not value.strip()):
            problems.append(f"claim `{claim}`: must be a non-empty string")
    email = claims.get("email")
    if isinstance(email, str) and email.strip() and "@" not in email:
        problems.append(f"claim `email`: {_shown(email)} is not an email address")
    verified = claims.get("email_verified")
    if "email_verified" in claims and not isinstance(verified, bool):
        problems.append(
            f"claim `email_verified`: must be the boolean true or false (no quotes), not {_shown(verified)}; "
            "Qlik Cloud refuses a string"
        )
    groups = claims.get("groups")
    if "groups" in claims and (not isinstance(groups, list) or not all(isinstance(g, str) for g in groups)):
        problems.append('claim `groups`: must be a list of strings, e.g. ["Sales", "Admins"]')
    sub_type = claims.get("subType", "user")
    if sub_type != "user":
        problems.append(f'claim `subType`: Qlik Cloud accepts only "user", not {_shown(sub_type)}')
    return {**claims, "subType": "user"} if "subType" not in claims else dict(claims)
