"""Small modal screens: help, decoded token, last copied value, confirm."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static, TextArea

from ..footer import modal_footer


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
        yield modal_footer()

    def action_dismiss(self, result: Any = None) -> None:  # type: ignore[override]
        self.dismiss(None)


def help_text(sections: list[tuple[str, list[tuple[str, str]]]]) -> Text:
    """Key bindings by where they work, one per line, plus where the rest lives."""
    text = Text()
    width = max((len(k) for _, rows in sections for k, _ in rows), default=8)
    for title, rows in sections:
        text.append(f"{title}\n", style="bold underline")
        for key, description in rows:
            text.append(f"  {key:<{width}}  ", style="bold")
            text.append(description + "\n")
        text.append("\n")
    text.append("Every action is also in the command palette (ctrl+p), with every profile and endpoint.\n")
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
    text.append("\nctrl+o sends the raw token to the terminal's clipboard (OSC 52).", style="italic")
    return text


class TokenScreen(InfoScreen):
    """The decoded token; ctrl+o works here too (app keys do not reach a modal screen).

    F8 too: the copy notice, read here, says "F8 shows it".
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+o", "app.copy_token", "Copy token", id="token.copy_in_view"),
        Binding("f8", "app.show_copied", "Show copied", id="token.show_copied_in_view"),
    ]


class CopiedScreen(ModalScreen[None]):
    """The last copied value in a read-only box, for the terminal's own selection."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close", id="copied.close")]

    def __init__(self, what: str, value: str) -> None:
        super().__init__()
        self.what = what
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box copied-box") as box:
            box.border_title = f"Last copied: {self.what}"
            box.border_subtitle = "select it: shift+drag in most terminals · Esc closes"
            yield TextArea(self.value, read_only=True, soft_wrap=True, id="copied-text")
        yield modal_footer()

    def on_mount(self) -> None:
        self.query_one("#copied-text", TextArea).focus()

    def action_close(self) -> None:
        """Close the view."""
        self.dismiss(None)


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
        yield modal_footer()

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        """Close with the answer."""
        self.dismiss(value)
