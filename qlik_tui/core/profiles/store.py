"""Write the profiles file safely: atomic, 0600, previous version kept as `.bak`.

A crash or a full disk mid-write must never leave a half-written profiles file, and a
file the user broke by hand must never be replaced by our idea of it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import tomli_w

from ..errors import ProfileError
from .loader import parse_profiles, parse_toml_text, profiles_to_toml, read_toml
from .model import ProfileSet

SECRET_FILE_MODE = 0o600


def atomic_write(path: Path, data: bytes, mode: int = SECRET_FILE_MODE) -> None:
    """Write `data` to `path` via a temp file in the same folder, fsync and rename."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - some filesystems refuse to open folders
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def save_profiles(profile_set: ProfileSet, path: Path | None = None) -> Path:
    """Validate and write `profile_set`; keep the old file as `<name>.bak`. Return the path."""
    path = path or profile_set.path
    doc = profiles_to_toml(profile_set)
    data = tomli_w.dumps(doc).encode("utf-8")
    # What we write must load back exactly: validate the bytes, not the objects.
    parse_profiles(_loads(data), path)
    if path.exists():
        try:
            read_toml(path)
        except ProfileError as exc:
            raise ProfileError(
                f"{path}: not saved, because the file on disk does not parse ({exc.message})",
                "fix the file by hand first; nothing was changed",
            ) from None
        backup = path.with_name(path.name + ".bak")
        try:
            shutil.copy2(path, backup)
            os.chmod(backup, SECRET_FILE_MODE)
        except OSError as exc:
            raise ProfileError(f"{backup}: cannot keep a backup ({exc.strerror})", "check the folder's permissions") from None
    try:
        atomic_write(path, data)
    except OSError as exc:
        raise ProfileError(f"{path}: cannot write ({exc.strerror})", "check the folder's permissions and free space") from None
    return path


def _loads(data: bytes) -> dict[str, Any]:
    return parse_toml_text(data.decode("utf-8"))
