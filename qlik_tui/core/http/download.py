"""Answers streamed to a file (`call -o FILE`): never held in memory, never half a file under the name.

The body goes to a temp file in the target's folder and is renamed over the name only when
the whole answer arrived and was a success: a cut connection or an error page leaves the
target as it was. While a download is current (a context variable, so every sign-in class's
`transmit` honours it without knowing), a 2xx answer that is not an HTML page (a login page
in disguise) is written to the file; anything else is read into memory as usual, so errors
are still diagnosed, and logins or CSRF fetches made on the way are harmless.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import AsyncIterator, Callable
from contextvars import ContextVar
from pathlib import Path

from ..errors import RequestFailed

Progress = Callable[[int, "int | None"], None]


class Download:
    """One download's target, its temp file, and how many bytes went into it."""

    def __init__(self, target: Path, *, force: bool = False, progress: Progress | None = None) -> None:
        self.target = target
        self.force = force
        self.progress = progress
        self.temp: Path | None = None
        self.size = 0

    @staticmethod
    def wants(status: int, content_type: str) -> bool:
        """Stream this answer to the file: a success that is not an HTML page."""
        return 200 <= status < 300 and "html" not in content_type.lower()

    def check_target(self) -> None:
        """Refuse a target that exists (without force), is a folder, or sits in no folder."""
        if self.target.is_dir():
            raise RequestFailed(f"-o {self.target}: is a folder", "give a file name, e.g. -o app.qvf")
        if not self.target.parent.is_dir():
            raise RequestFailed(f"-o {self.target}: the folder {self.target.parent} does not exist", "create it first")
        if self.target.exists() and not self.force:
            raise RequestFailed(f"-o {self.target}: the file exists", "pass --force to replace it, or choose another name")

    async def receive(self, chunks: AsyncIterator[bytes], total: int | None, on_wire: Callable[[], int]) -> int:
        """Write `chunks` to a fresh temp file (an earlier attempt's is dropped); the byte count."""
        self.discard()
        # Created with the usual 0666 & ~umask (a downloaded app is not a secret), exclusively,
        # under a name no one else guesses.
        temp = self.target.parent / f".{self.target.name}.{secrets.token_hex(4)}.part"
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except OSError as exc:
            raise RequestFailed(f"-o {self.target}: cannot write in its folder ({exc.strerror})", "check the folder") from None
        self.temp, self.size = temp, 0
        with os.fdopen(fd, "wb") as handle:
            async for chunk in chunks:
                try:
                    handle.write(chunk)
                except OSError as exc:
                    raise RequestFailed(
                        f"-o {self.target}: could not write ({exc.strerror}) after {self.size:,} bytes",
                        "free some space, or download elsewhere",
                    ) from None
                self.size += len(chunk)
                if self.progress is not None:
                    self.progress(on_wire(), total)
        return self.size

    def commit(self) -> None:
        """Give the finished file its name (never over an existing file without force)."""
        if self.temp is None:
            raise RequestFailed(f"-o {self.target}: nothing was downloaded", "the answer had no body to save")
        try:
            if self.force:
                os.replace(self.temp, self.target)
            else:
                self._link_or_rename(self.temp)
        except FileExistsError:
            self.discard()
            raise RequestFailed(f"-o {self.target}: the file exists", "pass --force to replace it") from None
        except OSError as exc:
            self.discard()
            raise RequestFailed(f"-o {self.target}: cannot save ({exc.strerror})", "check the folder") from None
        self.temp = None

    def _link_or_rename(self, temp: Path) -> None:
        try:
            os.link(temp, self.target)  # fails if the name appeared meanwhile: nothing overwritten
        except FileExistsError:
            raise
        except OSError:  # a filesystem without hard links: check, then rename (a small window)
            if self.target.exists():
                raise FileExistsError(str(self.target)) from None
            os.rename(temp, self.target)
            return
        os.unlink(temp)

    def discard(self) -> None:
        """Remove the temp file of an attempt that is not kept."""
        if self.temp is not None:
            with contextlib.suppress(OSError):
                self.temp.unlink()
            self.temp = None


current_download: ContextVar[Download | None] = ContextVar("current_download", default=None)
