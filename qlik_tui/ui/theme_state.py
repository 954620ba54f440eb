"""The theme a person picked, remembered between runs in the state folder (0600)."""

from __future__ import annotations

import os
from pathlib import Path

from ..core.history import default_state_dir

FILE_NAME = "theme"


def theme_file(folder: Path | None = None) -> Path:
    """$XDG_STATE_HOME/qlik-tui/theme unless a folder is given."""
    return (folder or default_state_dir()) / FILE_NAME


def load_theme(available: set[str], folder: Path | None = None) -> str | None:
    """The remembered theme, or None if there is none, it is unreadable, or no longer exists."""
    try:
        name = theme_file(folder).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return name if name in available else None


def save_theme(name: str, folder: Path | None = None) -> None:
    """Write the theme name atomically (temp file, fsync, rename), readable by the owner only."""
    path = theme_file(folder)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temp = path.with_name(f".{FILE_NAME}.{os.getpid()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(name + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError:
        temp.unlink(missing_ok=True)
        raise
