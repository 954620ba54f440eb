"""Save the response body to a file: never over an existing file, mode 0600 (bodies can hold
anything a user may see)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ...core.errors import QlikTuiError


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


class SaveBodyScreen(ModalScreen[Path | None]):
    """Ask for a file name; Enter saves."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="save.cancel")]

    def __init__(self, default: str, data: bytes) -> None:
        super().__init__()
        self.default = default
        self.data = data

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box confirm-box") as box:
            box.border_title = "Save the response body"
            yield Label(f"{len(self.data):,} bytes to:")
            yield Input(self.default, id="save-path")
            yield Static("", id="save-problem")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path = Path(event.value.strip()).expanduser()
        try:
            write_new_file(path, self.data)
        except QlikTuiError as exc:
            self.query_one("#save-problem", Static).update(f"{exc.message}\nhint: {exc.hint}")
            return
        self.dismiss(path.resolve())

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)
