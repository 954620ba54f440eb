"""Ask for a saved request's name (sub-folders with `/`) and a description; Enter saves, Esc cancels."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ...core.saved.store import SavedRequestError, check_name


class SaveRequestScreen(ModalScreen[tuple[str, str] | None]):
    """Returns (name, description), or None when cancelled."""

    DEFAULT_CSS = """
    SaveRequestScreen {
        align: center middle;
    }
    SaveRequestScreen #save-request-folder {
        color: $text-muted;
    }
    SaveRequestScreen #save-request-problem {
        color: $error;
        text-style: bold;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="save_request.cancel")]

    def __init__(self, folder: Path, name: str = "", description: str = "", title: str = "Save the request") -> None:
        super().__init__()
        self.title_text = title
        self.folder = folder
        self.name_value = name
        self.description = description

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box confirm-box") as box:
            box.border_title = self.title_text
            box.border_subtitle = "Enter save · Esc cancel"
            yield Label("Name (a / makes a group: finance/apps in stream)")
            yield Input(self.name_value, id="save-request-name", compact=True)
            yield Label("Description")
            yield Input(self.description, id="save-request-description", compact=True)
            yield Static(Text(f"in {self.folder}"), id="save-request-folder")
            yield Static("", id="save-request-problem")

    def on_mount(self) -> None:
        self.query_one("#save-request-name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "save-request-name":
            self.query_one("#save-request-description", Input).focus()
            return
        name = self.query_one("#save-request-name", Input).value
        try:
            check_name(name)
        except SavedRequestError as exc:
            self.query_one("#save-request-problem", Static).update(Text(f"{exc.message}: {exc.hint}"))
            self.query_one("#save-request-name", Input).focus()
            return
        self.dismiss((name.strip().removesuffix(".toml"), self.query_one("#save-request-description", Input).value.strip()))

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)
