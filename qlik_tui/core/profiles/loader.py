"""Load and validate the profiles file (TOML).

Validation collects every problem in one pass so a person fixes the file once, and each
problem names the profile and the key. Unknown keys are errors: a typo such as `group`
for `groups` must not silently mint a token Qlik will refuse.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import ProfileError
from ..file_read import PROFILES_FILE_LIMIT, read_regular_file
from .auth_fields import allowed_keys, methods_for, owner_of, read_secrets
from .claims_check import check_cloud_claims, check_qseow_claims
from .durations import HINT as DURATION_HINT
from .durations import parse_duration
from .method_check import (
    check_certificate_url,
    check_client_id,
    check_header_name,
    check_session_cookie,
    check_user,
    inline_secret_problems,
    require_secret,
)
from .model import (
    CLOUD_ALGORITHMS,
    CLOUD_AUTH_METHODS,
    CLOUD_MAX_LIFETIME,
    DEFAULT_CLOCK_SKEW,
    QSEOW_ALGORITHMS,
    QSEOW_AUTH_METHODS,
    QSEOW_MAX_LIFETIME,
    CloudProfile,
    Profile,
    ProfileSet,
    QseowProfile,
)
from .shown import shown as _shown
from .shown import unknown as _unknown
from .to_toml import profile_to_toml as profile_to_toml  # importable from here, as before
from .to_toml import profiles_to_toml as profiles_to_toml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

ENV_VAR = "QLIK_TUI_PROFILES"
TOP_KEYS = ("default", "profiles", "collection")
QSEOW_KEYS = tuple(dict.fromkeys(k for m in QSEOW_AUTH_METHODS for k in allowed_keys("qseow", m)))
CLOUD_KEYS = tuple(dict.fromkeys(k for m in CLOUD_AUTH_METHODS for k in allowed_keys("cloud", m)))
_PREFIX = re.compile(r"[a-z0-9._~-]*")


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


def _build_profile(name: str, raw: dict[str, Any], base_dir: Path, problems: list[str]) -> Profile | None:
    kind = raw.get("type")
    if kind not in ("qseow", "cloud"):
        problems.append(f'key `type`: must be "qseow" or "cloud", not {_shown(kind)}')
        return None
    auth = raw.get("auth", "jwt")
    methods = methods_for(kind)
    if auth not in methods:
        shown = " or ".join(f'"{m}"' for m in methods)
        problems.append(
            f"key `auth`: {'QSEoW' if kind == 'qseow' else 'Qlik Cloud'} profiles sign in with {shown}, not {_shown(auth)}"
        )
        return None
    inline, skip = inline_secret_problems(raw)
    problems.extend(inline)
    _check_keys(raw, kind, auth, problems, skip)
    common = _common_fields(name, raw, kind, auth, base_dir, problems)
    if kind == "qseow" and auth == "certificate" and common["url"]:
        check_certificate_url(common["url"], problems)
    if auth == "jwt":
        claims = raw.get("claims", {})
        if not isinstance(claims, dict):
            problems.append("key `claims`: must be a table ([profiles.NAME.claims])")
            claims = {}
    else:
        claims = {}
    if kind == "qseow":
        return _qseow_profile(raw, auth, common, claims, problems)
    if auth == "jwt":
        claims = check_cloud_claims(claims, problems)
        key_id = _string(raw, "key_id", problems, required="the key id of the IdP's key in the Qlik Cloud console")
        issuer = _string(raw, "issuer", problems, required="the issuer set on the JWT identity provider")
        return CloudProfile(**common, claims=claims, key_id=key_id or "", issuer=issuer or "")
    client_id = ""
    scopes: tuple[str, ...] = ()
    if auth == "api_key":
        require_secret(common["secrets"], "api_key", "where the API key is read from", problems)
    if auth == "oauth":
        client_id = _string(raw, "client_id", problems, required="the OAuth client's id from the tenant's OAuth settings") or ""
        check_client_id(client_id, problems)
        require_secret(common["secrets"], "client_secret", "where the OAuth client's secret is read from", problems)
        scopes = _scopes(raw.get("scopes", ()), problems)
    return CloudProfile(**common, client_id=client_id, scopes=scopes)


def _check_keys(raw: dict[str, Any], kind: str, auth: str, problems: list[str], skip: set[str]) -> None:
    """Unknown keys, and keys of another sign-in method or product, each named (`skip`: reported already)."""
    allowed = allowed_keys(kind, auth)
    for key in raw:
        if key in allowed or key in skip:
            continue
        owners = owner_of(key, kind)
        if owners and " (" not in owners[0]:
            methods = " or ".join(f'auth = "{m}"' for m in owners if " (" not in m)
            problems.append(f'key `{key}` belongs to {methods} profiles; this profile has auth = "{auth}"')
        elif key in (CLOUD_KEYS if kind == "qseow" else QSEOW_KEYS):
            problems.append(f"key `{key}` is for {'cloud' if kind == 'qseow' else 'qseow'} profiles, not {kind}")
        else:
            problems.append(_unknown(key, allowed, f"a {kind} profile"))


def _qseow_profile(
    raw: dict[str, Any], auth: str, common: dict[str, Any], claims: dict[str, Any], problems: list[str]
) -> QseowProfile:
    if auth == "jwt":
        check_qseow_claims(claims, problems)
    proxy = ""
    if auth != "certificate":
        proxy = (_string(raw, "virtual_proxy", problems, default="") or "").strip("/")
        if not _PREFIX.fullmatch(proxy):
            problems.append(
                f"key `virtual_proxy`: {_shown(proxy)} is not a virtual proxy prefix "
                "(lower case letters, digits, '-', '_', '.'; \"\" for the root proxy)"
            )
    fields: dict[str, Any] = {"virtual_proxy": proxy, "claims": claims}
    if auth == "jwt":
        fields["audience"] = _string(raw, "audience", problems) or None
    if auth == "header":
        fields["header_name"] = _string(raw, "header_name", problems, required="the header the virtual proxy trusts") or ""
        check_header_name(fields["header_name"], problems)
    if auth in ("header", "certificate"):
        fields["user"] = _string(raw, "user", problems, required='the user, "userid" or "DIRECTORY\\\\userid"') or ""
        check_user(fields["user"], auth, problems)
    if auth == "certificate":
        fields["client_cert"] = _string(raw, "client_cert", problems, required="QMC's exported client.pem")
        fields["client_key"] = _string(raw, "client_key", problems, required="QMC's exported client_key.pem")
    if auth == "certificate" and "engine_port" in raw:
        port = raw["engine_port"]
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
            problems.append(
                f"key `engine_port`: must be a port number from 1 to 65535 (4747 on a standard site), not {_shown(port)}"
            )
        else:
            fields["engine_port"] = port
    if "session_cookie" in raw:
        fields["session_cookie"] = _string(raw, "session_cookie", problems) or None
        check_session_cookie(fields["session_cookie"], problems)
    return QseowProfile(**common, **fields)


def _scopes(value: Any, problems: list[str]) -> tuple[str, ...]:
    """`scopes` as a list of strings, or one space-separated string as OAuth writes it."""
    if isinstance(value, str):
        return tuple(value.split())
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) and v.strip() and len(v.split()) == 1 for v in value):
        return tuple(value)
    problems.append(f'key `scopes`: must be a list of scope names (one word each), e.g. ["user_default"], not {_shown(value)}')
    return ()


def _common_fields(name: str, raw: dict[str, Any], kind: str, auth: str, base_dir: Path, problems: list[str]) -> dict[str, Any]:
    url = _string(raw, "url", problems, required="scheme://host[:port] of the server")
    if url is not None:
        url = _check_url(url, kind, problems)
    key = _string(raw, "key", problems, required="the path of the PEM private key that signs tokens" if auth == "jwt" else "")
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
    secrets = read_secrets(raw, problems)
    passphrase = secrets.get("key_passphrase")
    session_cache = raw.get("session_cache", True)
    if not isinstance(session_cache, bool):
        problems.append(f"key `session_cache`: must be true or false (no quotes), not {_shown(session_cache)}")
        session_cache = True
    variables = raw.get("vars", {})
    if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
        # {{name}} values for saved requests: text only, so a saved request reads the same everywhere
        problems.append('key `vars`: must be a table of strings ([profiles.NAME.vars] stream = "Finance")')
        variables = {}
    return {
        "name": name,
        "url": url or "",
        "auth": auth,
        "secrets": secrets,
        "session_cache": session_cache,
        "vars": dict(variables),
        "catalog_files": tuple(files),
        "key": key or "",
        "base_dir": base_dir,
        "key_passphrase_env": str(passphrase.value) if passphrase is not None and passphrase.kind == "env" else None,
        "cert": _string(raw, "cert", problems),
        "algorithm": algorithm,
        "lifetime": lifetime_raw,
        "lifetime_seconds": seconds,
        "verify_tls": verify,
        "ca_bundle": _string(raw, "ca_bundle", problems),
        "clock_skew": skew,
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
