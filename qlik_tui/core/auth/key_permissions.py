"""Warn, as ssh does, when a private key file can be read by someone other than its owner.

A warning, not a refusal: keys on shared lab machines are often group-readable on purpose,
and refusing would block people who know what they are doing. Kept apart from `keys.py` so
the TUI can ask without loading the crypto stack.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..profiles.model import Profile

GROUP_OR_OTHERS = 0o077
PEM_SCAN = 64 * 1024  # a PEM key is a few kB; what follows is not read


def loose_key_mode(path: Path) -> int | None:
    """The permission bits of the key file when group or others may read it, else None."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None  # a missing or unreadable key is reported, as an error, when it is loaded
    if not stat.S_ISREG(mode) or not mode & GROUP_OR_OTHERS or not _holds_private_key(path):
        return None
    return stat.S_IMODE(mode)


def _holds_private_key(path: Path) -> bool:
    """Whether the file's PEM holds a private key: a certificate or public key named as `key`
    by mistake is reported as such when loaded, and is no secret to warn about."""
    try:
        with path.open("rb") as handle:
            head = handle.read(PEM_SCAN)
    except OSError:
        return False
    return b"PRIVATE KEY-----" in head


def key_file_warning(path: Path) -> str | None:
    """One line naming who can read the key and the chmod that fixes it; None when it is private."""
    mode = loose_key_mode(path)
    if mode is None:
        return None
    who = " and ".join(w for w, bits in (("group", 0o070), ("others", 0o007)) if mode & bits)
    return f"private key {path} is open to {who} (mode {mode:04o}): run chmod 600 {path}"


def private_key_path(profile: Profile) -> Path | None:
    """The private key file a profile reads: the JWT signing key, or a client certificate's key; None otherwise."""
    if profile.signs_jwts:
        return profile.key_path
    return getattr(profile, "client_key_path", None)
