"""Load and validate the profiles file (TOML), and turn profiles back into TOML tables.

Validation collects every problem in one pass so a person fixes the file once, and each
problem names the profile and the key. Unknown keys are errors: a typo such as `group`
for `groups` must not silently mint a token Qlik will refuse.
"""

from __future__ import annotations

import math
import os
import re
import reprlib
import sys
from datetime import date, datetime, time
from difflib import get_close_matches
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import ProfileError
from ..file_read import PROFILES_FILE_LIMIT, read_regular_file
from .durations import HINT as DURATION_HINT
from .durations import parse_duration
from .model import (
    CLOUD_ALGORITHMS,
    CLOUD_MAX_LIFETIME,
    DEFAULT_CLOCK_SKEW,
    QSEOW_ALGORITHMS,
    QSEOW_MAX_LIFETIME,
    CloudProfile,
    Profile,
    ProfileSet,
    QseowProfile,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

ENV_VAR = "QLIK_TUI_PROFILES"
TOP_KEYS = ("default", "profiles", "collection")
COMMON_KEYS = (
    "type", "url", "key", "key_passphrase_env", "cert", "algorithm", "lifetime",
    "verify_tls", "ca_bundle", "clock_skew", "catalog_files", "claims", "vars",
)  # fmt: skip
QSEOW_KEYS = (*COMMON_KEYS, "virtual_proxy", "audience")
CLOUD_KEYS = (*COMMON_KEYS, "key_id", "issuer")
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
_PREFIX = re.compile(r"[a-z0-9._~-]*")
# Values quoted in messages come from the file: keep them short and never recurse deeply.
_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 80
_REPR.maxlevel = 3


def _shown(value: object) -> str:
    """`value` as Python would write it, shortened for a one-line message."""
    return _REPR.repr(value)


def default_profiles_path() -> Path:
    """$QLIK_TUI_PROFILES, else $XDG_CONFIG_HOME/qlik-tui/profiles.toml (~/.config default)."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(os.path.expanduser(env))
    config = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(config) / "qlik-tui" / "profiles.toml"


def read_toml(path: Path) -> dict[str, Any]:
    """Parse the file at `path`; a missing file or a syntax error is a ProfileError."""
    raw = read_regular_file(
        path,
        what="profiles file",
        limit=PROFILES_FILE_LIMIT,
        error=ProfileError,
        missing=f"{path}: no profiles file here",
        missing_hint="create one from profiles.example.toml, or run `qlik-tui demo` to try the app "
        "with a simulated Qlik server; --profiles FILE or $QLIK_TUI_PROFILES pick another file",
    )
    try:
        # utf-8-sig: Windows editors start UTF-8 files with a BOM, which tomllib refuses
        return parse_toml_text(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ProfileError(f"{path}: not UTF-8 text", "save the file as UTF-8") from None
    except TomlTooDeep as exc:
        raise ProfileError(f"{path}: {exc}", "profiles are a few flat tables: is this the right file?") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(
            f"{path}: TOML syntax error: {exc}",
            'strings need double quotes, tables are [profiles.NAME], lists look like ["a", "b"]',
        ) from None


class TomlTooDeep(ValueError):
    """TOML nested deeper than the parser can follow (tomllib recurses, and runs out of stack)."""


def parse_toml_text(text: str) -> dict[str, Any]:
    """tomllib.loads with a precise return type (TOMLDecodeError and TomlTooDeep are ValueErrors)."""
    try:
        doc: dict[str, Any] = tomllib.loads(text)
    except RecursionError:
        raise TomlTooDeep("arrays or inline tables nested too deeply to read") from None
    return doc


def load_profiles(path: Path | None = None) -> ProfileSet:
    """Read, parse and validate a profiles file.

    A file that cannot be read or parsed, or whose top level is wrong, raises ProfileError.
    A profile with problems does not: it lands in `ProfileSet.broken` with its problems, so
    one bad profile never blocks the others.
    """
    path = path or default_profiles_path()
    return parse_profiles(read_toml(path), path, strict=False)


def parse_profiles(data: dict[str, Any], path: Path, *, strict: bool = True) -> ProfileSet:
    """Validate parsed TOML; raise one ProfileError that lists every problem found.

    With `strict=False` only file-level problems raise; broken profiles are returned in
    `broken` (name -> problems) and left out of `profiles`.
    """
    problems: list[str] = []
    broken: dict[str, list[str]] = {}
    for key in data:
        if key not in TOP_KEYS:
            problems.append(_unknown(key, TOP_KEYS, "top level"))
    table = data.get("profiles", {})
    profiles: dict[str, Profile] = {}
    if not isinstance(table, dict):
        problems.append("`profiles` must be a table: write [profiles.NAME] sections")
        table = {}
    base_dir = path.resolve().parent
    for name, raw in table.items():
        found: list[str] = []
        profile = _build_profile(name, raw, base_dir, found) if isinstance(raw, dict) else None
        if not isinstance(raw, dict):
            found.append(f"must be a table ([profiles.{name}])")
        if profile is not None and not found:
            profiles[name] = profile
        elif found:
            broken[name] = found
    default = data.get("default")
    if default is not None:
        if not isinstance(default, str):
            problems.append("`default` must be a profile name in quotes")
            default = None
        elif default not in table:
            names = ", ".join(table) or "none"
            problems.append(f"`default` names profile '{default}', which is not in the file (profiles: {names})")
    collection = data.get("collection")
    if collection is not None and (not isinstance(collection, str) or not collection.strip()):
        problems.append('`collection` must be a folder name in quotes, e.g. collection = "requests"')
        collection = None
    if strict:
        problems.extend(f"profile '{name}', {p}" for name, found in broken.items() for p in found)
    if problems:
        raise ProfileError(
            f"{path}: {plural(len(problems), 'problem')}",
            "fix these and run `qlik-tui profiles check`; profiles.example.toml documents every key",
            problems,
        )
    return ProfileSet(path=path, profiles=profiles, default=default, broken=broken, collection=collection)


def broken_profile_error(profile_set: ProfileSet, name: str, why: str = "") -> ProfileError:
    """The error for using profile `name`, which failed validation: its problems, one per line.

    `why` qualifies the name in the message ("the default ", "the only ").
    """
    problems = profile_set.broken[name]
    others = ", ".join(profile_set.names())
    hint = "fix these in the file; profiles.example.toml documents every key"
    if others:
        hint += f"; or pass -p with a profile that works ({others})"
    return ProfileError(f"{profile_set.path}: {why}profile '{name}' has {plural(len(problems), 'problem')}", hint, problems)


def plural(count: int, word: str) -> str:
    """'1 problem', '2 problems'."""
    return f"{count} {word}{'s' if count != 1 else ''}"


def validate_profile(name: str, raw: dict[str, Any], base_dir: Path) -> tuple[Profile | None, list[str]]:
    """Validate one profile table; return the profile (None if invalid) and its problems."""
    problems: list[str] = []
    profile = _build_profile(name, raw, base_dir, problems)
    return (profile if not problems else None), problems


def _unknown(key: str, allowed: tuple[str, ...], where: str) -> str:
    close = get_close_matches(key, allowed, n=1)
    suggestion = f" (did you mean `{close[0]}`?)" if close else ""
    return f"key `{key}` is not known at {where}{suggestion}"


def _build_profile(name: str, raw: dict[str, Any], base_dir: Path, problems: list[str]) -> Profile | None:
    kind = raw.get("type")
    if kind not in ("qseow", "cloud"):
        problems.append(f'key `type`: must be "qseow" or "cloud", not {_shown(kind)}')
        return None
    allowed = QSEOW_KEYS if kind == "qseow" else CLOUD_KEYS
    for key in raw:
        if key not in allowed:
            other = CLOUD_KEYS if kind == "qseow" else QSEOW_KEYS
            if key in other:
                problems.append(f"key `{key}` is for {'cloud' if kind == 'qseow' else 'qseow'} profiles, not {kind}")
            else:
                problems.append(_unknown(key, allowed, f"a {kind} profile"))
    common = _common_fields(name, raw, kind, base_dir, problems)
    claims = raw.get("claims", {})
    if not isinstance(claims, dict):
        problems.append("key `claims`: must be a table ([profiles.NAME.claims])")
        claims = {}
    if kind == "qseow":
        _check_qseow_claims(claims, problems)
        proxy = (_string(raw, "virtual_proxy", problems, default="") or "").strip("/")
        if not _PREFIX.fullmatch(proxy):
            problems.append(
                f"key `virtual_proxy`: {_shown(proxy)} is not a virtual proxy prefix "
                "(lower case letters, digits, '-', '_', '.'; \"\" for the root proxy)"
            )
        audience = _string(raw, "audience", problems)
        return QseowProfile(**common, claims=claims, virtual_proxy=proxy, audience=audience or None)
    claims = _check_cloud_claims(claims, problems)
    key_id = _string(raw, "key_id", problems, required="the key id of the IdP's key in the Qlik Cloud console")
    issuer = _string(raw, "issuer", problems, required="the issuer set on the JWT identity provider")
    return CloudProfile(**common, claims=claims, key_id=key_id or "", issuer=issuer or "")


def _common_fields(name: str, raw: dict[str, Any], kind: str, base_dir: Path, problems: list[str]) -> dict[str, Any]:
    url = _string(raw, "url", problems, required="scheme://host[:port] of the server")
    if url is not None:
        url = _check_url(url, kind, problems)
    key = _string(raw, "key", problems, required="the path of the PEM private key that signs tokens")
    algorithm = _string(raw, "algorithm", problems, default="RS256") or "RS256"
    allowed_algs = QSEOW_ALGORITHMS if kind == "qseow" else CLOUD_ALGORITHMS
    if algorithm not in allowed_algs:
        problems.append(
            f"key `algorithm`: {_shown(algorithm)} is not accepted by "
            f"{'QSEoW' if kind == 'qseow' else 'Qlik Cloud'} (use {' or '.join(allowed_algs)})"
        )
    lifetime_raw = raw.get("lifetime", "1h")
    seconds = 3600
    try:
        seconds = parse_duration(lifetime_raw)
    except ValueError as exc:
        problems.append(f"key `lifetime`: {exc}; {DURATION_HINT}")
    if kind == "cloud" and seconds > CLOUD_MAX_LIFETIME:
        problems.append(
            f"key `lifetime`: {_shown(lifetime_raw)} is over Qlik Cloud's 1-hour limit "
            "(exp - nbf must be at most 3600 seconds); use 1h or less"
        )
    elif kind == "qseow" and seconds > QSEOW_MAX_LIFETIME:
        problems.append(
            f"key `lifetime`: {_shown(lifetime_raw)} is over qlik-tui's 30-day limit for QSEoW tokens "
            "(a token cannot be revoked before it expires); the app re-mints on its own, so 1h is plenty"
        )
    verify = raw.get("verify_tls")
    if verify is not None and not isinstance(verify, bool):
        problems.append(f"key `verify_tls`: must be true or false (no quotes), not {_shown(verify)}")
        verify = None
    skew = raw.get("clock_skew", DEFAULT_CLOCK_SKEW)
    if isinstance(skew, bool) or not isinstance(skew, int) or not 0 <= skew <= 300:
        problems.append(f"key `clock_skew`: must be a whole number of seconds from 0 to 300, not {_shown(skew)}")
        skew = DEFAULT_CLOCK_SKEW
    files = raw.get("catalog_files", [])
    if not isinstance(files, list) or not all(isinstance(f, str) and f.strip() for f in files):
        problems.append('key `catalog_files`: must be a list of file names, e.g. ["specs/spaces.json"]')
        files = []
    variables = raw.get("vars", {})
    # {{name}} values for saved requests: text only, so a saved request reads the same everywhere.
    if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
        problems.append('key `vars`: must be a table of strings ([profiles.NAME.vars] stream = "Finance")')
        variables = {}
    return {
        "name": name,
        "url": url or "",
        "catalog_files": tuple(files),
        "key": key or "",
        "base_dir": base_dir,
        "key_passphrase_env": _string(raw, "key_passphrase_env", problems),
        "cert": _string(raw, "cert", problems),
        "algorithm": algorithm,
        "lifetime": lifetime_raw,
        "lifetime_seconds": seconds,
        "verify_tls": verify,
        "ca_bundle": _string(raw, "ca_bundle", problems),
        "clock_skew": skew,
        "vars": dict(variables),
    }


def _check_url(url: str, kind: str, problems: list[str]) -> str:
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # "https://[::1" or a stray "[": urlsplit takes it for a broken IPv6 address
        problems.append(f"key `url`: {_shown(url)} is not a URL (a '[' opens an IPv6 address that never closes)")
        return url
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problems.append(f"key `url`: {_shown(url)} is not scheme://host[:port] (e.g. https://qlik.example.com)")
        return url
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        problems.append(f"key `url`: {_shown(url)} has a port that is not a number from 1 to 65535")
        return url
    if parts.path.strip("/") or parts.query or parts.fragment:
        hint = "put the prefix in `virtual_proxy`" if kind == "qseow" else "the tenant URL has no path"
        problems.append(f"key `url`: {_shown(url)} must be scheme://host[:port] with no path ({hint})")
    return f"{parts.scheme}://{parts.netloc}"


def _string(raw: dict[str, Any], key: str, problems: list[str], *, required: str = "", default: str | None = None) -> str | None:
    if key not in raw:
        if required:
            problems.append(f"key `{key}` is missing: {required}")
        return default
    value = raw[key]
    if not isinstance(value, str):
        problems.append(f"key `{key}`: must be a string in double quotes, not {_shown(value)}")
        return default
    if required and not value.strip():
        problems.append(f"key `{key}` is empty: {required}")
    return value


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


def _check_qseow_claims(claims: dict[str, Any], problems: list[str]) -> None:
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


def _check_cloud_claims(claims: dict[str, Any], problems: list[str]) -> dict[str, Any]:
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


def profile_to_toml(profile: Profile) -> dict[str, Any]:
    """The TOML table for `profile`, with only the keys that are set, in documented order."""
    out: dict[str, Any] = {"type": profile.type, "url": profile.url}
    if isinstance(profile, QseowProfile):
        out["virtual_proxy"] = profile.virtual_proxy
    out["key"] = profile.key
    optional: dict[str, Any] = {
        "key_passphrase_env": profile.key_passphrase_env,
        "cert": profile.cert,
    }
    if isinstance(profile, CloudProfile):
        optional.update(key_id=profile.key_id, issuer=profile.issuer)
    optional["algorithm"] = profile.algorithm
    if isinstance(profile, QseowProfile):
        optional["audience"] = profile.audience
    optional.update(
        lifetime=profile.lifetime,
        verify_tls=profile.verify_tls,
        ca_bundle=profile.ca_bundle,
        clock_skew=profile.clock_skew if profile.clock_skew != DEFAULT_CLOCK_SKEW else None,
        catalog_files=list(profile.catalog_files) or None,
    )
    out.update({k: v for k, v in optional.items() if v is not None})
    claims = dict(profile.claims)
    if isinstance(profile, CloudProfile) and claims.get("subType") == "user":
        claims.pop("subType")  # the default; keep files as short as people write them
    out["claims"] = claims
    if profile.vars:
        out["vars"] = dict(profile.vars)
    return out


def profiles_to_toml(profile_set: ProfileSet) -> dict[str, Any]:
    """The whole file as a TOML document (for `save_profiles`)."""
    doc: dict[str, Any] = {}
    if profile_set.default:
        doc["default"] = profile_set.default
    if profile_set.collection:
        doc["collection"] = profile_set.collection
    doc["profiles"] = {name: profile_to_toml(p) for name, p in profile_set.profiles.items()}
    return doc
