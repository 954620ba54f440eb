"""The profile's request history, newest first; Enter re-runs a request."""

from __future__ import annotations

import time
from urllib.parse import unquote

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...core.history import HistoryEntry
from ...core.terminal_text import visible


def readable_target(entry: HistoryEntry) -> str:
    """'/qrs/app?filter=name eq 'Sales'' as a person typed it, not percent-encoded; the path
    may come from a server (a next-page link), so control characters are made visible."""
    query = "&".join(f"{k}={v}" for k, v in entry.query)
    return visible(unquote(entry.path) + (f"?{query}" if query else ""))


class HistoryList(OptionList):
    """Past requests of the active profile."""

    # The highlight is colour only: nothing in 16 colours or under NO_COLOR. An underline
    # shows everywhere (OptionList turns `reverse` into swapped colours, which NO_COLOR drops).
    DEFAULT_CSS = """
    HistoryList:focus > .option-list--option-highlighted {
        text-style: bold underline;
    }
    """

    class Rerun(Message):
        """Send this request again."""

        def __init__(self, entry: HistoryEntry) -> None:
            super().__init__()
            self.entry = entry

    def __init__(self, entries: list[HistoryEntry] | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._entries: list[HistoryEntry] = []
        self._first = entries  # shown on mount (the tab is filled when first opened)

    def on_mount(self) -> None:
        if self._first:
            self.show(self._first)
        self._first = None

    def show(self, entries: list[HistoryEntry]) -> None:
        """List `entries`, newest first."""
        self._entries = list(reversed(entries))
        self.clear_options()
        for index, entry in enumerate(self._entries):
            label = Text()
            label.append(time.strftime("%H:%M ", time.localtime(entry.at)), style="dim")
            ok = entry.status is not None and 200 <= entry.status < 300
            label.append(f"{entry.status or 'ERR'} ", style="bold" if ok else "bold reverse")
            label.append(f"{visible(entry.method)} {readable_target(entry)}")
            self.add_option(Option(label, id=str(index)))
        if self._entries:
            self.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Rerun(self._entries[int(event.option.id)]))
