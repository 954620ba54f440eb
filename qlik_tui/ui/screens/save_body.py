"""Save the response body to a file: never over an existing file, mode 0600 (bodies can hold
anything a user may see). The dialog always shows the full path it will write to."""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ...core.errors import QlikTuiError
from ..plural import count


def write_new_file(path: Path, data: bytes) -> None:
    """Write `data` to a new file (0600); an existing file is an error, never overwritten."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise QlikTuiError(f"{path}: already exists", "choose another name: nothing is overwritten") from None
    except OSError as exc:
        raise QlikTuiError(f"{path}: cannot create ({exc.strerror})", "check the folder") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def suggested_name(path: str) -> str:
    """'/qrs/app/full' -> 'qrs-app-full.json'."""
    stem = "-".join(p for p in path.strip("/").split("/") if p and not p.startswith("{")) or "response"
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in stem)[:80] + ".json"


def default_folder() -> Path:
    """~/Downloads when there is one (where people look for saved files), else the folder
    qlik-tui was started in; either way shown in full before anything is written."""
    downloads = Path.home() / "Downloads"
    if downloads.is_dir():
        return downloads
    try:
        return Path.cwd()
    except OSError:  # the folder qlik-tui was started in has been deleted meanwhile
        return Path.home()


def target_path(typed: str, folder: Path) -> Path:
    """What a typed name means: `~` expanded, a relative name inside `folder`, made absolute."""
    path = Path(typed.strip()).expanduser()
    return Path(os.path.abspath(path if path.is_absolute() else folder / path))


class SaveBodyScreen(ModalScreen[Path | None]):
    """Ask for a file name (the full path is shown); Enter saves, Esc cancels."""

    DEFAULT_CSS = """
    SaveBodyScreen {
        align: center middle;
    }
    SaveBodyScreen #save-target {
        color: $text-muted;
    }
    SaveBodyScreen #save-problem {
        color: $error;
        text-style: bold;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="save.cancel")]

    def __init__(self, default: str, data: bytes, folder: Path | None = None) -> None:
        super().__init__()
        self.folder = folder or default_folder()
        self.default = str(target_path(default, self.folder))
        self.data = data

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box confirm-box") as box:
            box.border_title = "Save the response body"
            box.border_subtitle = "Enter save · Esc cancel"
            yield Label(f"{count(len(self.data), 'byte')} to the file:")
            yield Input(self.default, id="save-path")
            yield Static("", id="save-target")
            yield Static("", id="save-problem")

    def on_mount(self) -> None:
        self._describe(self.default)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._describe(event.value)

    def _describe(self, typed: str) -> None:
        """Say, before Enter, exactly where the file goes and whether that name is taken."""
        target = self.query_one("#save-target", Static)
        problem = self.query_one("#save-problem", Static)
        if not typed.strip():
            target.update("")
            problem.update("type a file name")
            return
        path = target_path(typed, self.folder)
        target.update(Text(f"saves to {path}"))
        problem.update(Text(f"{path.name} already exists there: nothing is overwritten") if path.exists() else "")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            return
        path = target_path(event.value, self.folder)
        try:
            write_new_file(path, self.data)
        except QlikTuiError as exc:
            self.query_one("#save-problem", Static).update(Text(f"{exc.message}\nhint: {exc.hint}"))
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)
