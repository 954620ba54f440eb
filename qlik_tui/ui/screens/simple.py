"""Small modal screens: help, decoded token, confirm."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class InfoScreen(ModalScreen[None]):
    """A scrollable text in a box; Esc or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "dismiss", "Close", id="modal.close")]

    def __init__(self, title: str, body: Text) -> None:
        super().__init__()
        self.title_text = title
        self.body = body

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="modal-box") as box:
            box.border_title = self.title_text
            box.border_subtitle = "Esc closes"
            yield Static(self.body)

    def action_dismiss(self, result: Any = None) -> None:  # type: ignore[override]
        self.dismiss(None)


def help_text(bindings: list[tuple[str, str]]) -> Text:
    """Every binding, one per line, plus where the rest lives."""
    text = Text()
    width = max((len(k) for k, _ in bindings), default=8)
    for key, description in bindings:
        text.append(f"{key:<{width}}  ", style="bold")
        text.append(description + "\n")
    text.append("\nEvery action is also in the command palette (ctrl+p), with every profile and endpoint.\n")
    text.append("In the response tree: c copies the value, p its JSON path. In lists: Enter selects.\n")
    text.append("Query rows are key=value lines; headers are Name: value lines; the body is JSON.\n")
    return text


def token_text(header: dict[str, Any], claims: dict[str, Any], times: dict[str, str]) -> Text:
    """Decoded header and claims (never the signed token itself)."""
    text = Text()
    text.append("header\n", style="bold")
    text.append(json.dumps(header, indent=2, ensure_ascii=False) + "\n\n")
    text.append("claims\n", style="bold")
    text.append(json.dumps(claims, indent=2, ensure_ascii=False) + "\n\n")
    for key, value in times.items():
        text.append(f"{key}: {value}\n")
    text.append("\nctrl+o copies the raw token to the clipboard (OSC 52).", style="italic")
    return text


class ConfirmScreen(ModalScreen[bool]):
    """Yes or no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "answer(False)", "No", id="confirm.no"),
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box confirm-box"):
            yield Static(Text(self.question))
            with Horizontal(classes="buttons"):
                yield Button("Yes (y)", id="yes", variant="error")
                yield Button("No (n)", id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        """Close with the answer."""
        self.dismiss(value)
