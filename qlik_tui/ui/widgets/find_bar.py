"""The search / filter box under the response: `/` searches keys and values, `f` filters by
a path expression; Enter runs (again: next match), up/down walk matches, Esc closes."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Static

Mode = Literal["search", "filter"]


class FindInput(Input):
    """An Input that reports Esc and the arrow keys to its bar."""

    class Step(Message):
        """Up/down: previous/next match; 0: close."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    async def _on_key(self, event: events.Key) -> None:
        steps = {"escape": 0, "up": -1, "down": 1}
        if event.key in steps:
            event.stop()
            event.prevent_default()
            self.post_message(self.Step(steps[event.key]))
            return
        await super()._on_key(event)


class FindBar(Horizontal):
    """Hidden until asked for."""

    class Run(Message):
        """Search or filter for `text` (`step` 1/-1: next/previous match of the same search)."""

        def __init__(self, mode: Mode, text: str, step: int) -> None:
            super().__init__()
            self.mode = mode
            self.text = text
            self.step = step

    class Closed(Message):
        """The bar was closed (a filter is cleared)."""

    mode: Mode = "search"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._typed: dict[str, str] = {}  # what was typed in each mode, kept apart

    def compose(self) -> ComposeResult:
        yield Static("/", id="find-mode")
        yield FindInput(id="find-input", compact=True)
        yield Static("", id="find-status")

    def open(self, mode: Mode) -> None:
        """Show the bar in `mode` and focus it (a search's text and counter never carry over to a filter)."""
        box = self.query_one("#find-input", FindInput)
        if mode != self.mode:
            self._typed[self.mode] = box.value
            box.value = self._typed.get(mode, "")
            self.status("")
        self.mode = mode
        self.query_one("#find-mode", Static).update("search /" if mode == "search" else "filter ƒ")
        search_hint, filter_hint = "keys and values, or a path: .[0].owner.name", ".[*].owner.name  .data[].id  jq: map(.name)"
        box.placeholder = search_hint if mode == "search" else filter_hint
        self.display = True
        box.focus()

    def status(self, text: str) -> None:
        """What the last search or filter found (plain text: never read as markup)."""
        self.query_one("#find-status", Static).update(Text(text))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Run(self.mode, event.value, 1))

    def on_find_input_step(self, event: FindInput.Step) -> None:
        event.stop()
        if event.step == 0:
            self.display = False
            self.post_message(self.Closed())
        elif self.mode == "search":
            self.post_message(self.Run(self.mode, self.query_one("#find-input", FindInput).value, event.step))
