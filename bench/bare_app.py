"""The floor for start-up: a bare Textual app with a Header and a Footer (F1 Help in it).

`bench/terminal.py` launches it in tmux beside qlik-tui, in the same run, so the two launch
figures are comparable on a machine whose load changes from minute to minute.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header


class Bare(App[None]):
    """Nothing but a Header and a Footer."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("f1", "help", "Help"), Binding("ctrl+q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Footer()

    def action_help(self) -> None:
        """F1: nothing to show (the key is there so the footer reads like qlik-tui's)."""


if __name__ == "__main__":
    Bare().run()
