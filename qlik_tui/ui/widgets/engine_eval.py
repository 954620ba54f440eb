"""The Engine view's expression bar: type an expression, Enter evaluates it; ↑ / ↓ walk the
expressions evaluated before; each result is listed under the bar with its expression.

The bar only asks (an `Evaluate` message); the screen runs the call in a worker and hands the
answer back to `add_result`, so a slow Engine never blocks typing.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList

from ...core.terminal_text import visible

MAX_HISTORY = 200
MAX_RESULTS = 500
MAX_SHOWN = 400  # characters of one expression or result on its line


class ExpressionInput(Input):
    """An Input whose ↑ / ↓ walk the history (Input itself does nothing with them)."""

    class Walk(Message):
        """↑ (-1) or ↓ (+1) in the bar."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    async def _on_key(self, event: events.Key) -> None:
        steps = {"up": -1, "down": 1}
        if event.key in steps:
            event.stop()
            event.prevent_default()
            self.post_message(self.Walk(steps[event.key]))
            return
        await super()._on_key(event)


def result_line(expression: str, text: str, number: float | None, error: bool) -> Text:
    """'Sum(Amount) = 12,345.5' (the number as well when the text rounds it), or the error."""
    line = Text()
    line.append(visible(expression[:MAX_SHOWN]), style="bold")
    line.append("  ✗ " if error else " = ", style="bold red" if error else "")
    line.append(visible(text[:MAX_SHOWN]), style="red" if error else "green")
    if number is not None and text != str(number) and text.replace(",", "") != repr(number):
        line.append(f"  ({number!r})", style="dim")
    return line


class EngineEval(Vertical):
    """The bar and the results, newest first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+x", "clear_results", "Clear results", id="engine_eval.clear", show=False),
    ]

    class Evaluate(Message):
        """Evaluate `expression` in the open app."""

        def __init__(self, expression: str) -> None:
            super().__init__()
            self.expression = expression

    # Per profile and app, for as long as qlik-tui runs (never written to disk).
    _histories: ClassVar[dict[str, list[str]]] = {}

    def __init__(self, history_key: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.history = self._histories.setdefault(history_key, [])
        self._walk = len(self.history)
        self.results: list[tuple[str, str, float | None, bool]] = []

    def compose(self) -> ComposeResult:
        yield ExpressionInput(placeholder="expression, e.g. Sum(Amount) · Enter evaluates · ↑↓ history", id="engine-expression")
        yield OptionList(id="engine-results")

    def on_mount(self) -> None:
        self.border_title = "Evaluate"

    def focus_bar(self) -> None:
        """Put the cursor in the bar."""
        self.query_one(ExpressionInput).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        expression = event.value.strip()
        if not expression:
            return
        if not self.history or self.history[-1] != expression:
            self.history.append(expression)
            del self.history[:-MAX_HISTORY]
        self._walk = len(self.history)
        event.input.value = ""
        self.post_message(self.Evaluate(expression))

    def on_expression_input_walk(self, event: ExpressionInput.Walk) -> None:
        event.stop()
        if not self.history:
            return
        self._walk = max(0, min(len(self.history), self._walk + event.step))
        bar = self.query_one(ExpressionInput)
        bar.value = self.history[self._walk] if self._walk < len(self.history) else ""
        bar.cursor_position = len(bar.value)

    def add_result(self, expression: str, text: str, number: float | None, error: bool) -> None:
        """List one answer, newest first."""
        self.results.insert(0, (expression, text, number, error))
        del self.results[MAX_RESULTS:]
        options = self.query_one(OptionList)
        options.clear_options()  # OptionList only appends: rebuilt so the newest stays on top
        options.add_options([result_line(*r) for r in self.results])
        options.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a result: its expression back in the bar, to change and run again."""
        event.stop()
        if 0 <= event.option_index < len(self.results):
            bar = self.query_one(ExpressionInput)
            bar.value = self.results[event.option_index][0]
            bar.cursor_position = len(bar.value)
            bar.focus()

    def action_clear_results(self) -> None:
        """Forget the listed results (the history stays)."""
        self.results.clear()
        self.query_one(OptionList).clear_options()
