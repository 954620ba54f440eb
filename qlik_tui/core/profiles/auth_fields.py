"""Which profile keys belong to which sign-in method (`auth`), and reading the method's fields.

A key that belongs to another method is an error that names that method: `api_key_env` on a
JWT profile is almost always a profile half switched to API keys, and silently ignoring it
would sign in some other way than the user believes.
"""

from __future__ import annotations

import shlex
from typing import Any

from .model import CLOUD_AUTH_METHODS, QSEOW_AUTH_METHODS, SECRET_NAMES, SECRET_SOURCES, SecretSource

# Keys every profile may have, whatever its method.
SHARED_KEYS = ("type", "url", "auth", "verify_tls", "ca_bundle", "catalog_files", "session_cache", "vars")
_PASSPHRASE = tuple(f"key_passphrase_{s}" for s in SECRET_SOURCES)
_JWT_COMMON = ("key", "cert", "algorithm", "lifetime", "clock_skew", "claims", *_PASSPHRASE)
# (product, method) -> the keys that method adds to SHARED_KEYS
METHOD_KEYS: dict[tuple[str, str], tuple[str, ...]] = {
    ("qseow", "jwt"): (*_JWT_COMMON, "virtual_proxy", "audience", "session_cookie"),
    ("qseow", "header"): ("virtual_proxy", "header_name", "user", "session_cookie"),
    ("qseow", "certificate"): ("client_cert", "client_key", "user", "engine_port", *_PASSPHRASE),
    ("cloud", "jwt"): (*_JWT_COMMON, "key_id", "issuer"),
    ("cloud", "api_key"): tuple(f"api_key_{s}" for s in SECRET_SOURCES),
    ("cloud", "oauth"): ("client_id", "scopes", *(f"client_secret_{s}" for s in SECRET_SOURCES)),
}


def methods_for(kind: str) -> tuple[str, ...]:
    """The sign-in methods a product accepts."""
    return QSEOW_AUTH_METHODS if kind == "qseow" else CLOUD_AUTH_METHODS


def allowed_keys(kind: str, auth: str) -> tuple[str, ...]:
    """Every key a profile of this product and method may hold."""
    return (*SHARED_KEYS, *METHOD_KEYS.get((kind, auth), ()))


def owner_of(key: str, kind: str) -> list[str]:
    """`auth` methods (of any product) whose keys include `key`, this product's first."""
    ours = [m for (k, m), keys in METHOD_KEYS.items() if k == kind and key in keys]
    theirs = [f"{m} ({k})" for (k, m), keys in METHOD_KEYS.items() if k != kind and key in keys]
    return ours + [t for t in theirs if t.split(" ")[0] not in ours]


def read_secrets(raw: dict[str, Any], problems: list[str]) -> dict[str, SecretSource]:
    """`<secret>_env` / `_file` / `_command` keys as SecretSources (one source per secret)."""
    found: dict[str, SecretSource] = {}
    for name in SECRET_NAMES:
        given = [s for s in SECRET_SOURCES if f"{name}_{s}" in raw]
        if len(given) > 1:
            keys = ", ".join(f"`{name}_{s}`" for s in given)
            problems.append(f"keys {keys}: give the {name.replace('_', ' ')} one way only")
        if not given:
            continue
        source = given[0]
        key = f"{name}_{source}"
        value = raw[key]
        if source == "command":
            argv = _argv(value)
            if argv is None:
                problems.append(
                    f'key `{key}`: must be a command as a list of strings, e.g. ["pass", "show", "qlik/eu"] '
                    "(it runs without a shell)"
                )
                continue
            found[name] = SecretSource("command", argv)
            continue
        # The value is never quoted in these messages: people paste the secret itself here by mistake.
        if not isinstance(value, str) or not value.strip():
            what = "the name of an environment variable" if source == "env" else "a file path"
            problems.append(f"key `{key}`: must be {what} in double quotes (its value is not shown)")
            continue
        if _looks_like_jwt(value):
            problems.append(
                f"key `{key}`: holds what looks like the secret itself (a JWT; its value is not shown): "
                f"put it in a variable or an owner-only file and name that here"
            )
            continue
        if source == "env" and not (value.replace("_", "a").isalnum() and value.isascii() and not value[0].isdigit()):
            problems.append(
                f"key `{key}`: not an environment variable name (letters, digits, _; its value is not shown): "
                f'it names the variable that holds the secret, e.g. {name}_env = "QLIK_{name.upper()}", never the secret'
            )
            continue
        found[name] = SecretSource("env" if source == "env" else "file", value)
    return found


def _looks_like_jwt(value: str) -> bool:
    """An API key pasted where a variable name or a path goes (Qlik's API keys are JWTs)."""
    return value.startswith("eyJ") and value.count(".") == 2 and "/" not in value and len(value) > 40


def _argv(value: Any) -> tuple[str, ...] | None:
    """A command as argv: a list of strings, or one string split as a POSIX shell would (no shell runs it)."""
    if isinstance(value, str):
        try:
            parts = shlex.split(value)
        except ValueError:
            return None
        return tuple(parts) or None
    if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
        return tuple(value)
    return None
