"""The one way the app reads a file a profile names: a regular file, and not too big.

A profile can name any path. `/dev/zero` or `/dev/urandom` as a key would be read until
memory runs out, a FIFO would block the app forever on open, and a 2 GB file named as a
certificate is a mistake, not a certificate. So: open without blocking, check with fstat
(on the open file, so a path swapped between check and read cannot fool it) that it is a
regular file, and read at most the cap plus one byte.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import QlikTuiError

KiB = 1024
MiB = 1024 * KiB
# A 16384-bit RSA key in PEM is about 12 KiB; a certificate chain a few KiB more.
KEY_FILE_LIMIT = 1 * MiB
# Hand-written profiles are a few KiB; a few MiB means the wrong file.
PROFILES_FILE_LIMIT = 4 * MiB
# Qlik's consolidated Cloud spec is about 3 MiB and the QRS Swagger document about 6 MiB.
CATALOG_FILE_LIMIT = 64 * MiB


def _size(count: int) -> str:
    return f"{count / MiB:,.1f} MiB" if count >= MiB else f"{count / KiB:,.0f} KiB"


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a folder"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def read_regular_file(
    path: Path,
    *,
    what: str,
    limit: int,
    error: type[QlikTuiError] = QlikTuiError,
    missing: str = "",
    missing_hint: str = "check the path",
) -> bytes:
    """The bytes of the regular file `path` (at most `limit`); anything else raises `error`.

    `what` names the file in messages ("private key", "profiles file"); `missing` replaces
    the message for a file that does not exist.
    """
    try:
        # O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting forever.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise error(missing or f"{path}: {what} not found", missing_hint) from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder, not a {what}", f"name the {what} itself") from None
    except PermissionError:
        raise error(
            f"{path}: cannot read the {what} (permission denied)", "run as the file's owner, or fix its permissions"
        ) from None
    except OSError as exc:
        raise error(f"{path}: cannot read the {what} ({exc.strerror})", "check the path") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = _kind(info.st_mode)
            raise error(
                f"{path}: is {kind}, not a {what}" if kind != "not a regular file" else f"{path}: not a regular file",
                f"name the {what} itself: devices, pipes and sockets are never read",
            )
        if info.st_size > limit:
            raise error(
                f"{path}: {_size(info.st_size)} is too big for a {what} (the limit is {_size(limit)})",
                f"is this the right file? a {what} is much smaller",
            )
        chunks: list[bytes] = []
        total = 0
        while total <= limit:  # the file may grow after fstat: never read past the cap
            chunk = os.read(fd, min(limit + 1 - total, MiB))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise error(
                f"{path}: more than {_size(limit)}, too big for a {what}", f"is this the right file? a {what} is much smaller"
            )
        return b"".join(chunks)
    except OSError as exc:
        raise error(f"{path}: cannot read the {what} ({exc.strerror})", "check the file") from None
    finally:
        os.close(fd)
