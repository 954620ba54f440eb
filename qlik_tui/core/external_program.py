"""$EDITOR for a request's body or headers, $PAGER for a response: the commands and the temp files.

The text goes through a private temp file (a 0700 folder, a 0600 file: a body may hold
anything) that is removed afterwards; what comes back is read with a size cap. Commands are
split like a shell would (`EDITOR="code --wait"`), never run through a shell.
"""

from __future__ import annotations

import os
import shlex
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from .errors import UsageError
from .file_read import read_regular_file

MAX_EDITED = 64 * 1024 * 1024  # what an editor may hand back: a request body, not a disk image


def command_from(env: Mapping[str, str], names: tuple[str, ...], fallbacks: tuple[str, ...]) -> list[str]:
    """The first of `names` set in `env`, split into arguments; else the first fallback installed."""
    for name in names:
        value = env.get(name, "").strip()
        if value:
            try:
                argv = shlex.split(value)
            except ValueError as exc:
                raise UsageError(
                    f"${name} cannot be read as a command ({exc})", f'e.g. {name}="vim" or {name}="code --wait"'
                ) from None
            if argv:
                return argv
    for fallback in fallbacks:
        if shutil.which(fallback.split()[0]):
            return fallback.split()
    shown = " or ".join(f"${n}" for n in names)
    raise UsageError(f"no program to run: {shown} is not set", f'set it, e.g. export {names[-1]}="{fallbacks[0].split()[0]}"')


def editor_command(env: Mapping[str, str]) -> list[str]:
    """$VISUAL, else $EDITOR, else vi/nano."""
    return command_from(env, ("VISUAL", "EDITOR"), ("vi", "nano"))


def pager_command(env: Mapping[str, str]) -> list[str]:
    """$PAGER, else less, else more."""
    return command_from(env, ("PAGER",), ("less -R", "more"))


@contextmanager
def temp_text(text: str, name: str) -> Iterator[Path]:
    """`text` in a private temp file named `name` (the suffix tells an editor the type); removed after."""
    folder = Path(tempfile.mkdtemp(prefix="qlik-tui-"))  # 0700
    path = folder / name
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape") as handle:
            handle.write(text)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def read_back(path: Path) -> str:
    """What the editor saved (a regular file, at most MAX_EDITED bytes, UTF-8)."""
    raw = read_regular_file(path, what="edited file", limit=MAX_EDITED, error=UsageError)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError("the edited text is not UTF-8", "save it as UTF-8 in the editor") from None
