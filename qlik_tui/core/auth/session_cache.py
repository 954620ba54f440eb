"""Server sessions kept between runs, one file per profile, so ten `call` runs cost one login.

Where: `$XDG_RUNTIME_DIR/qlik-tui/` when that folder exists (a per-user tmpfs, gone at
logout), else `$XDG_STATE_HOME/qlik-tui/sessions/`. Folder 0700, files 0600, written
atomically (last writer wins; a reader sees the old file or the new one, never half).

What: only what the server handed out (session cookies, a CSRF token, an OAuth access
token); never a JWT qlik-tui can mint again, a key, an API key or a client secret. Each file
is bound to a fingerprint of the profile's name, URL and identity: edit any of them and
the cached session is discarded. A file that is not ours, not private, too big or not the
expected JSON is ignored and removed: the cache is a convenience, never a reason to fail.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..profiles.model import CloudProfile, Profile, QseowProfile
from ..profiles.safe_files import atomic_write, ensure_private_dir

VERSION = 1
MAX_FILE = 256 * 1024  # bytes; a session is a few cookies
PREFIX, SUFFIX = "session-", ".json"


def default_folder() -> Path:
    """$XDG_RUNTIME_DIR/qlik-tui when XDG_RUNTIME_DIR exists, else $XDG_STATE_HOME/qlik-tui/sessions."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isabs(runtime) and os.path.isdir(runtime):
        return Path(runtime) / "qlik-tui"
    state = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(state) / "qlik-tui" / "sessions"


def _file_digest(path: Path | None) -> str:
    """A digest of a key file's bytes (a changed key discards the session); '' when unreadable."""
    if path is None:
        return ""
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read(MAX_FILE)).hexdigest()
    except OSError:
        return ""


def fingerprint(profile: Profile) -> str:
    """A digest of what decides whose session it is: name, URL, method and identity."""
    parts: dict[str, Any] = {
        "name": profile.name,
        "url": profile.url,
        "type": profile.type,
        "auth": profile.auth,
        "claims": profile.claims,
        "key": _file_digest(profile.key_path) if profile.signs_jwts and profile.key else "",
        "algorithm": profile.algorithm,
    }
    if isinstance(profile, QseowProfile):
        parts.update(
            virtual_proxy=profile.virtual_proxy,
            audience=profile.audience,
            header_name=profile.header_name,
            user=profile.user,
            session_cookie=profile.session_cookie,
            client_cert=_file_digest(profile.client_cert_path),
        )
    elif isinstance(profile, CloudProfile):
        parts.update(key_id=profile.key_id, issuer=profile.issuer, client_id=profile.client_id, scopes=list(profile.scopes))
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def file_name(base_dir: Path, name: str) -> str:
    """The cache file name of profile `name` of the profiles file in `base_dir` (two files'
    profiles of the same name do not collide)."""
    key = f"{base_dir}\0{name}".encode("utf-8", "backslashreplace")
    return f"{PREFIX}{hashlib.sha256(key).hexdigest()[:32]}{SUFFIX}"


@dataclass(frozen=True)
class Loaded:
    """What `load` found: the state (None when nothing usable) and why not, for an event."""

    state: dict[str, Any] | None
    note: str = ""


class SessionCache:
    """The per-user folder of kept sessions."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder if folder is not None else default_folder()

    def path(self, profile: Profile) -> Path:
        """The file that holds `profile`'s session."""
        return self.folder / file_name(profile.base_dir, profile.name)

    def _usable_folder(self) -> bool:
        """The folder is a real directory owned by this user (tightened to 0700 if looser)."""
        try:
            info = os.lstat(self.folder)
        except OSError:
            return False
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            return False
        ensure_private_dir(self.folder)
        return True

    def _read(self, path: Path) -> dict[str, Any] | None:
        """The file's JSON object if it is ours, private, small and parses; else None."""
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077 or info.st_size > MAX_FILE:
                return None
            raw = os.read(fd, MAX_FILE + 1)
        finally:
            os.close(fd)
        try:
            doc = json.loads(raw.decode("utf-8"))
        except (ValueError, RecursionError):
            return None
        return doc if isinstance(doc, dict) else None

    def load(self, profile: Profile) -> Loaded:
        """The kept session of `profile`; a file that is stale, foreign or broken is removed."""
        if not self._usable_folder():
            return Loaded(None)
        path = self.path(profile)
        if not path.exists():
            return Loaded(None)
        doc = self._read(path)
        if doc is None or doc.get("version") != VERSION or not isinstance(doc.get("state"), dict):
            self._remove(path)
            return Loaded(None, "unreadable cached session ignored")
        if doc.get("fingerprint") != fingerprint(profile):
            self._remove(path)
            return Loaded(None, "cached session discarded: the profile's URL or identity changed")
        return Loaded(doc["state"])

    def save(self, profile: Profile, state: dict[str, Any] | None) -> None:
        """Keep `state` (None or empty: forget); failures to write are ignored (a cache)."""
        if not state:
            self.forget(profile)
            return
        doc = {
            "version": VERSION,
            "profile": profile.name,
            "url": profile.url,
            "fingerprint": fingerprint(profile),
            "saved_at": time.time(),
            "state": state,
        }
        with contextlib.suppress(OSError, ValueError, TypeError):
            ensure_private_dir(self.folder)
            if self._usable_folder():
                atomic_write(self.path(profile), json.dumps(doc, ensure_ascii=True).encode())

    def forget(self, profile: Profile) -> bool:
        """Remove `profile`'s kept session; True when there was one."""
        return self._remove(self.path(profile))

    def forget_named(self, base_dir: Path, name: str) -> bool:
        """Remove the kept session of profile `name` (even one that no longer validates)."""
        return self._remove(self.folder / file_name(base_dir, name))

    def forget_all(self) -> list[str]:
        """Remove every kept session; the names of the profiles they belonged to."""
        names: list[str] = []
        for path in self.files():
            doc = self._read(path)
            name = doc.get("profile") if doc else None
            if self._remove(path):
                names.append(name if isinstance(name, str) else path.name)
        return names

    def files(self) -> list[Path]:
        """The session files in the folder (only our own naming pattern)."""
        try:
            names = sorted(os.listdir(self.folder))
        except OSError:
            return []
        return [self.folder / n for n in names if n.startswith(PREFIX) and n.endswith(SUFFIX)]

    @staticmethod
    def _remove(path: Path) -> bool:
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        except OSError:
            return False
        return True
