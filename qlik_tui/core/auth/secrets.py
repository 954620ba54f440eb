"""Reading a profile's secrets (API key, OAuth client secret, key passphrase) when they are needed.

Secrets are never in the profiles file: it names where each one lives, an environment
variable, a file only its owner can read, or a command (a password manager, a vault CLI)
run without a shell. Every failure names that place and never echoes the secret.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from ..errors import SecretError
from ..file_read import read_regular_file
from ..profiles.model import BaseProfile, SecretSource, resolve_path

COMMAND_TIMEOUT = 10.0  # seconds: a password manager waiting for a PIN must not hang a script
MAX_SECRET_BYTES = 64 * 1024  # API keys are ~1 kB; anything bigger is not a secret but a mistake
_HOW = {
    "api_key": "the API key (tenant: profile menu > Settings > API keys)",
    "client_secret": "the OAuth client's secret (shown once when the client was created)",
    "key_passphrase": "the passphrase of the private key",
}


def secret_source(profile: BaseProfile, name: str) -> SecretSource | None:
    """Where the profile says secret `name` lives, or None when it names no place."""
    return profile.secrets.get(name)


def resolve_secret(profile: BaseProfile, name: str) -> str:
    """The secret `name` of `profile`, read now from its source; SecretError if missing or empty."""
    source = secret_source(profile, name)
    what = _HOW.get(name, name)
    if source is None:
        raise SecretError(
            f"profile '{profile.name}' names no place for {what}",
            f'add {name}_env = "VAR", {name}_file = "PATH" or {name}_command = ["prog", "arg"] to the profile',
        )
    if source.kind == "env":
        value = os.environ.get(str(source.value))
        if value is None:
            raise SecretError(f"{what}: ${source.value} is not set", f"export {source.value}=... (named by {name}_env)")
    elif source.kind == "file":
        value = _read_secret_file(resolve_path(str(source.value), profile.base_dir), name, what)
    else:
        value = _run_secret_command(source, name, what)
    value = value.strip()
    if not value:
        raise SecretError(f"{what} is empty (looked in {source.describe(name)})", "put the secret there, on one line")
    if not value.isprintable() or not value.isascii():
        raise SecretError(
            f"{what} from {source.describe(name)} holds control or non-ASCII characters",
            "a secret is one line of printable text: check what the source gives",
        )
    return value


def loose_secret_file_mode(path: Path) -> int | None:
    """The mode of a secret file that others can read or write, else None (also None if unreadable)."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None
    return mode if mode & 0o077 else None


def _read_secret_file(path: Path, name: str, what: str) -> str:
    mode = loose_secret_file_mode(path)
    if mode is not None and os.name == "posix":
        raise SecretError(
            f"{path}: {what} is in a file others can read (mode {mode:04o}); not used",
            f"chmod 600 {path}",
        )
    data = read_regular_file(
        path,
        what=f"{name.replace('_', ' ')} file",
        limit=MAX_SECRET_BYTES,
        error=SecretError,
        missing_hint=f"check {name}_file in the profile (relative paths are relative to the profiles file)",
    )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SecretError(f"{path}: {what} is not UTF-8 text", "save the secret as plain text") from None
    return text.splitlines()[0] if text.strip() else ""


def _run_secret_command(source: SecretSource, name: str, what: str) -> str:
    argv = list(source.value) if isinstance(source.value, tuple) else [str(source.value)]
    shown = source.describe(name)
    try:
        done = subprocess.run(argv, capture_output=True, timeout=COMMAND_TIMEOUT, stdin=subprocess.DEVNULL, check=False)
    except FileNotFoundError:
        raise SecretError(f"{what}: {shown}: program not found", f"install {argv[0]} or fix {name}_command") from None
    except PermissionError:
        raise SecretError(f"{what}: {shown}: not executable", f"chmod +x {argv[0]}, or fix {name}_command") from None
    except subprocess.TimeoutExpired:
        raise SecretError(
            f"{what}: {shown} gave no answer within {COMMAND_TIMEOUT:g} s",
            "does it wait for input (a PIN, a login)? unlock it first",
        ) from None
    except OSError as exc:
        raise SecretError(f"{what}: {shown} could not run ({exc.strerror})", f"fix {name}_command") from None
    if done.returncode != 0:
        # stderr may say why ("not logged in"); its first line only, never stdout (the secret)
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
        detail = f": {why[0][:200]}" if why else ""
        raise SecretError(
            f"{what}: {shown} failed with exit code {done.returncode}{detail}", f"run {argv[0]} yourself to see why"
        )
    if len(done.stdout) > MAX_SECRET_BYTES:
        raise SecretError(f"{what}: {shown} printed {len(done.stdout):,} bytes", "the command must print the secret only")
    text = done.stdout.decode("utf-8", "replace")
    return text.splitlines()[0] if text.strip() else ""
