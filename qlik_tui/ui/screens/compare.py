"""'Compare with profile…': the request in the editor, sent with two profiles, as a
structural diff (core/diff). `v` shows or hides the volatile fields; Esc closes."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static

from ...core.diff.render import summary, to_text
from ...core.diff.structural import diff
from ...core.errors import QlikTuiError, RequestFailed
from ...core.http.types import Request, Response
from ...core.terminal_text import visible, visible_block
from ..footer import modal_footer

if TYPE_CHECKING:  # the HTTP stack loads after the first frame, not with this screen
    from ...core.http.connection import Connection


def _document(name: str, response: Response) -> Any:
    if not response.ok:
        error = response.error or RequestFailed(f"HTTP {response.status}", "check the path and the profile")
        raise QlikTuiError(f"{name}: {error.message}", error.hint)
    try:
        return response.json()
    except ValueError:
        return response.text()


class CompareScreen(ModalScreen[None]):
    """Both answers, diffed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "toggle_volatile", "Volatile fields", id="compare.volatile"),
        Binding("escape,q", "dismiss", "Close", id="compare.close"),
    ]

    class Compared(Message):
        """Both documents, or the error that stopped one side."""

        def __init__(self, docs: tuple[Any, Any] | None, error: QlikTuiError | None = None) -> None:
            super().__init__()
            self.docs = docs
            self.error = error

    def __init__(self, request: Request, sides: tuple[tuple[str, Connection], tuple[str, Connection]]) -> None:
        super().__init__()
        self.request = request
        self.sides = sides
        self.docs: tuple[Any, Any] | None = None
        self.show_volatile = False

    def compose(self) -> ComposeResult:
        (left, _), (right, _) = self.sides
        with VerticalScroll(classes="modal-box compare-box") as box:
            box.border_title = visible(f"{left} → {right}: {self.request.label()}")[:200]
            box.border_subtitle = "v volatile fields · Esc closes"
            yield Static(Text(f"Sending to {left} and {right}…"), id="compare-body")
        yield modal_footer()

    def on_mount(self) -> None:
        self.compare()

    @work(group="compare", exclusive=True, exit_on_error=False, description="send one request with two profiles")
    async def compare(self) -> None:
        """Send with both profiles at once; post the documents (workers never touch widgets)."""
        try:
            (left, a), (right, b) = self.sides
            ra, rb = await asyncio.gather(a.send(self.request), b.send(self.request))
            docs = (_document(left, ra), _document(right, rb))
            self.post_message(self.Compared(docs))
        except QlikTuiError as exc:
            self.post_message(self.Compared(None, exc))

    def on_compare_screen_compared(self, message: Compared) -> None:
        if message.docs is None:
            error = message.error or QlikTuiError("the comparison failed")
            self.query_one("#compare-body", Static).update(Text("\n".join(visible(line) for line in error.lines())))
            return
        self.docs = message.docs
        self._show_diff()

    def _show_diff(self) -> None:
        if self.docs is None:
            return
        found = diff(*self.docs, show_volatile=self.show_volatile)
        (left, _), (right, _) = self.sides
        text = to_text(found, left, right)
        # Server text: control characters made visible; Text, never markup.
        self.query_one("#compare-body", Static).update(Text(visible_block(text)))
        self.query_one(VerticalScroll).border_subtitle = visible(summary(found))[:120] + " · v volatile · Esc"

    def action_toggle_volatile(self) -> None:
        """v: show or hide the volatile fields (dates, privileges...)."""
        self.show_volatile = not self.show_volatile
        self._show_diff()

    def action_dismiss(self, result: Any = None) -> None:  # type: ignore[override]
        self.dismiss(None)


class PickProfileScreen(ModalScreen[str | None]):
    """Which profile to compare with (Enter picks, Esc cancels)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="pick.cancel")]

    def __init__(self, names: list[str]) -> None:
        super().__init__()
        self.names = names

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box pick-box") as box:
            box.border_title = "Compare with profile…"
            box.border_subtitle = "Enter picks · Esc cancels"
            yield OptionList(*[visible(n) for n in self.names], id="pick-profile")
        yield modal_footer()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.names[event.option_index])

    def action_cancel(self) -> None:
        """Esc: compare with nothing."""
        self.dismiss(None)
