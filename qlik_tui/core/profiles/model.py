"""The profile model: one named QSEoW virtual proxy or Qlik Cloud tenant.

Paths are kept as the user wrote them (so saving writes them back unchanged) and resolved
against the profiles file's folder on demand.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Union
from urllib.parse import urlsplit

from .durations import format_duration

CLOUD_AUDIENCE = "qlik.api/login/jwt-session"
CLOUD_MAX_LIFETIME = 3600
# QSEoW documents no maximum, and it cannot revoke a token short of replacing the virtual
# proxy's certificate: a leaked token is valid until `exp`. The app re-mints on its own, so
# long lifetimes only matter for `qlik-tui token` in scripts; 30 days covers a monthly job.
QSEOW_MAX_LIFETIME = 30 * 86400
QSEOW_ALGORITHMS = ("RS256", "RS384", "RS512")
CLOUD_ALGORITHMS = ("RS256",)
DEFAULT_CLOCK_SKEW = 5
# How a profile signs in (`auth`). JWT is the default for both products.
QSEOW_AUTH_METHODS = ("jwt", "header", "certificate")
CLOUD_AUTH_METHODS = ("jwt", "api_key", "oauth")
# Secrets that may come from `<name>_env`, `<name>_file` or `<name>_command`, never inline.
SECRET_NAMES = ("api_key", "client_secret", "key_passphrase")
SECRET_SOURCES = ("env", "file", "command")


def resolve_path(raw: str, base_dir: Path) -> Path:
    """Expand `~` and `$VARS`, then resolve a relative path against `base_dir`."""
    expanded = Path(os.path.expanduser(os.path.expandvars(raw)))
    return expanded if expanded.is_absolute() else base_dir / expanded


@dataclass(frozen=True)
class SecretSource:
    """Where a secret is read from when it is needed: never the secret itself.

    `kind` is "env" (a variable name), "file" (a path, resolved against the profiles folder,
    that must not be readable by others) or "command" (argv, run without a shell; the first
    line of its stdout).
    """

    kind: Literal["env", "file", "command"]
    value: str | tuple[str, ...]

    def describe(self, name: str) -> str:
        """Where the secret is looked for, for messages: `$QLIK_EU_KEY`, `file ~/.s/eu`, `command pass show x`."""
        if self.kind == "env":
            return f"${self.value} ({name}_env)"
        if self.kind == "file":
            return f"file {self.value} ({name}_file)"
        argv = self.value if isinstance(self.value, tuple) else (self.value,)
        return f"command `{' '.join(argv)}` ({name}_command)"


@dataclass(frozen=True, kw_only=True)
class BaseProfile:
    """What every profile has: where the server is and how it signs in."""

    name: str
    url: str
    base_dir: Path
    auth: str = "jwt"
    # JWT signing key (auth = "jwt" only; "" otherwise)
    key: str = ""
    claims: dict[str, Any] = field(default_factory=dict)
    key_passphrase_env: str | None = None
    cert: str | None = None
    algorithm: str = "RS256"
    lifetime: int | str = "1h"
    lifetime_seconds: int = 3600
    verify_tls: bool | None = None
    ca_bundle: str | None = None
    clock_skew: int = DEFAULT_CLOCK_SKEW
    catalog_files: tuple[str, ...] = ()
    # secret name ("api_key", "client_secret", "key_passphrase") -> where to read it
    secrets: dict[str, SecretSource] = field(default_factory=dict)
    # keep the server session between runs (the per-user session cache)
    session_cache: bool = True
    # `{{name}}` variables for saved requests ([profiles.NAME.vars])
    vars: dict[str, str] = field(default_factory=dict)

    @property
    def signs_jwts(self) -> bool:
        """True when qlik-tui mints JWTs for this profile (auth = "jwt")."""
        return self.auth == "jwt"

    @property
    def key_path(self) -> Path:
        """The private key file, resolved."""
        return resolve_path(self.key, self.base_dir)

    @property
    def cert_path(self) -> Path | None:
        """The certificate or public key file, resolved, if the profile names one."""
        return resolve_path(self.cert, self.base_dir) if self.cert else None

    @property
    def ca_bundle_path(self) -> Path | None:
        """The CA bundle to trust, resolved, if the profile names one."""
        return resolve_path(self.ca_bundle, self.base_dir) if self.ca_bundle else None

    @property
    def catalog_paths(self) -> list[Path]:
        """OpenAPI files to merge into the endpoint catalog, resolved."""
        return [resolve_path(f, self.base_dir) for f in self.catalog_files]

    @property
    def tls_verification_off(self) -> bool:
        """True only when the profile explicitly says `verify_tls = false`."""
        return self.verify_tls is False

    @property
    def host(self) -> str:
        """host[:port] of the server, for headers and messages."""
        return urlsplit(self.url).netloc

    @property
    def lifetime_text(self) -> str:
        """The lifetime as a short duration string."""
        return format_duration(self.lifetime_seconds)

    @property
    def type(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class QseowProfile(BaseProfile):
    """A QSEoW site: a JWT or header-authentication virtual proxy, or the QRS port with a client certificate."""

    virtual_proxy: str = ""
    audience: str | None = None
    # auth = "header": the header the virtual proxy trusts; `user` is its value
    header_name: str = ""
    # auth = "header" or "certificate": "userid", or "DIRECTORY\\userid"
    user: str = ""
    # auth = "certificate": QMC's client.pem / client_key.pem (ca_bundle: root.pem)
    client_cert: str | None = None
    client_key: str | None = None
    # the proxy's session cookie name, when pinned; None: whatever cookie the proxy sets
    session_cookie: str | None = None
    # auth = "certificate": the Engine's own port (QIX over WebSocket), 4747 on a standard site
    engine_port: int = 4747

    @property
    def client_cert_path(self) -> Path | None:
        """The client certificate (PEM), resolved, for auth = "certificate"."""
        return resolve_path(self.client_cert, self.base_dir) if self.client_cert else None

    @property
    def client_key_path(self) -> Path | None:
        """The client certificate's private key (PEM), resolved, for auth = "certificate"."""
        return resolve_path(self.client_key, self.base_dir) if self.client_key else None

    @property
    def user_directory_and_id(self) -> tuple[str, str]:
        """("DIRECTORY", "userid") from `user` (directory "" when `user` has no backslash)."""
        directory, sep, user_id = self.user.partition("\\")
        return (directory, user_id) if sep else ("", self.user)

    @property
    def type(self) -> Literal["qseow"]:
        return "qseow"

    @property
    def product(self) -> str:
        """The product's name for people."""
        return "QSEoW"

    @property
    def identity(self) -> str:
        """DIRECTORY\\user when the usual claim names are there, else the first claims."""
        if self.auth in ("header", "certificate"):
            return self.user
        lowered = {k.lower(): v for k, v in self.claims.items()}
        directory = lowered.get("userdirectory")
        user = lowered.get("userid") or lowered.get("user")
        if directory is not None and user is not None:
            return f"{directory}\\{user}"
        return ", ".join(f"{k}={v}" for k, v in list(self.claims.items())[:2])


@dataclass(frozen=True, kw_only=True)
class CloudProfile(BaseProfile):
    """A Qlik Cloud tenant with a JWT identity provider."""

    key_id: str = ""
    issuer: str = ""
    # auth = "oauth": a machine-to-machine OAuth client (the secret is in `secrets`)
    client_id: str = ""
    scopes: tuple[str, ...] = ()

    @property
    def type(self) -> Literal["cloud"]:
        return "cloud"

    @property
    def product(self) -> str:
        """The product's name for people."""
        return "Qlik Cloud"

    @property
    def identity(self) -> str:
        """sub (name) of the user the tokens speak for."""
        if self.auth == "api_key":
            return "API key"
        if self.auth == "oauth":
            return f"OAuth client {self.client_id}"
        sub = self.claims.get("sub", "")
        name = self.claims.get("name")
        return f"{sub} ({name})" if name else str(sub)


Profile = Union[QseowProfile, CloudProfile]  # noqa: UP007 - a runtime alias must work on 3.10


@dataclass(frozen=True)
class ProfileSet:
    """Every profile of one file, and which one is the default."""

    path: Path
    profiles: dict[str, Profile]
    default: str | None = None
    # Profiles that failed validation, with their problems: unusable, but the others work.
    broken: dict[str, list[str]] = field(default_factory=dict)
    collection: str | None = None  # the saved-requests folder, as written (relative to the file)

    def names(self) -> list[str]:
        """Usable profile names in file order."""
        return list(self.profiles)

    def default_name(self) -> str | None:
        """The `default` key if that profile is usable, else the first usable profile, else None."""
        if self.default in self.profiles:
            return self.default
        return next(iter(self.profiles), None)
