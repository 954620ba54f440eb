"""Files that must survive a crash, a kill -9 or a full disk: atomic writes, backups, locks.

Every write goes to a temp file in the destination's folder, is fsynced and renamed over
the destination, so a reader only ever sees the old bytes or the new ones. The temp files
have one naming pattern (`.NAME.XXXXXXXX.tmp`) so the leftovers of a killed writer can be
found and removed, and nothing else is ever touched.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

SECRET_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700

try:  # POSIX; elsewhere saves are not serialised between processes (still atomic)
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]


def atomic_write(path: Path, data: bytes, mode: int = SECRET_FILE_MODE) -> None:
    """Write `data` to `path` via a temp file in the same folder, fsync and rename."""
    import tempfile  # not needed to start the app, only to save

    path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
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


def real_path(path: Path) -> Path:
    """The file a (possibly symlinked) path stands for: saves write through the link."""
    return Path(os.path.realpath(path.expanduser()))


def temp_pattern(name: str) -> re.Pattern[str]:
    """The names `atomic_write` gives its temp files for a destination called `name`."""
    return re.compile(rf"\.{re.escape(name)}\.[a-z0-9_]{{8}}\.tmp")


def clean_stale_temp_files(*targets: Path) -> list[Path]:
    """Remove temp files a killed writer left beside `targets` (only our own pattern)."""
    removed = []
    for target in targets:
        pattern = temp_pattern(target.name)
        try:
            names = os.listdir(target.parent)
        except OSError:
            continue
        for name in names:
            if pattern.fullmatch(name):
                with contextlib.suppress(OSError):
                    (target.parent / name).unlink()
                    removed.append(target.parent / name)
    return removed


@contextlib.contextmanager
def folder_lock(folder: Path, wait: bool = True) -> Iterator[bool]:
    """Hold an exclusive lock on `folder` (flock): one save at a time across processes.

    Yields False when `wait` is off and another process holds it (or the folder is missing).
    Locking the folder rather than the file: the file is replaced on every save.
    """
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        yield False
        return
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
        yield True
    finally:
        os.close(fd)  # closing releases the lock


def ensure_private_dir(folder: Path) -> Path:
    """Make `folder` (0700), and tighten it if it exists with looser permissions."""
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    with contextlib.suppress(OSError):  # not ours to change (another owner): leave it
        if folder.stat().st_mode & 0o077:
            folder.chmod(PRIVATE_DIR_MODE)
    return folder
