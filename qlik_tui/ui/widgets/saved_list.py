"""The Saved tab: the collection's requests, grouped by folder; type to filter, Enter loads, r runs."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from ...core.saved.model import SavedRequest
from ...core.terminal_text import visible
from .endpoint_browser import METHOD_STYLE


def saved_label(saved: SavedRequest) -> Text:
    """'GET    finance/apps  /qrs/app/full': the file's text may be anything, so shown literally."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{saved.method:<6} ", style=METHOD_STYLE.get(saved.method, "bold"))
    text.append(visible(saved.name), style="bold")
    text.append(f"  {visible(saved.path)}", style="dim")
    return text


def matches(saved: SavedRequest, words: list[str]) -> bool:
    """Every word in the name, path, method or description (case-insensitive)."""
    hay = f"{saved.name} {saved.method} {saved.path} {saved.description}".lower()
    return all(word in hay for word in words)


class SavedRequestList(OptionList):
    """The filtered list; `r` runs the highlighted request."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "run", "Run saved", id="saved.run"),
        Binding("m", "manage('rename')", "Rename / move", id="saved.rename"),
        Binding("delete", "manage('delete')", "Delete saved", id="saved.delete"),
    ]

    class Chosen(Message):
        """Load (run=False) or run this saved request."""

        def __init__(self, saved: SavedRequest, run: bool) -> None:
            super().__init__()
            self.saved = saved
            self.run = run

    class Manage(Message):
        """Rename (or move to another group) or delete this saved request: the app asks first."""

        def __init__(self, saved: SavedRequest, what: str) -> None:
            super().__init__()
            self.saved = saved
            self.what = what

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.shown: list[SavedRequest] = []

    def show(self, requests: list[SavedRequest]) -> None:
        """List `requests` in order."""
        self.shown = list(requests)
        self.clear_options()
        self.add_options([Option(saved_label(s), id=str(i)) for i, s in enumerate(self.shown)])
        if self.shown:
            self.highlighted = 0

    def _chosen(self, run: bool) -> None:
        if self.highlighted is not None and self.highlighted < len(self.shown):
            self.post_message(self.Chosen(self.shown[self.highlighted], run))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._chosen(run=False)

    def action_run(self) -> None:
        """Send the highlighted saved request (its variables filled in)."""
        self._chosen(run=True)

    def action_manage(self, what: str) -> None:
        """m: rename or move the highlighted saved request; Delete: delete it (both asked first)."""
        if self.highlighted is not None and self.highlighted < len(self.shown):
            self.post_message(self.Manage(self.shown[self.highlighted], what))


class SavedBrowser(Vertical):
    """Filter box over the list of saved requests."""

    def __init__(self, requests: list[SavedRequest] | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._all: list[SavedRequest] = list(requests or [])
        self.problems: list[str] = []  # files that could not be read, named in a note

    def on_mount(self) -> None:
        if self._all:
            self._refilter()  # the tab is filled when first opened, with what was read by then

    def compose(self) -> ComposeResult:
        yield Input(placeholder="filter saved requests…", id="saved-filter", compact=True)
        yield SavedRequestList(id="saved-list")

    @property
    def requests(self) -> list[SavedRequest]:
        """Every saved request, unfiltered."""
        return list(self._all)

    def show(self, requests: list[SavedRequest]) -> None:
        """Every saved request of the collection (filtered by what is typed)."""
        self._all = list(requests)
        self._refilter()

    def _refilter(self) -> None:
        words = self.query_one("#saved-filter", Input).value.lower().split()
        self.query_one(SavedRequestList).show([s for s in self._all if matches(s, words)])

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "saved-filter":
            event.stop()
            self._refilter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the filter: into the list, on the first match."""
        if event.input.id == "saved-filter":
            event.stop()
            self.query_one(SavedRequestList).focus()
