"""A read-only text view that renders only the lines on screen (Textual's line API).

A 100 MB body pretty-printed is millions of lines: a TextArea would lay them all out; this
keeps one string and an array of line offsets, and slices the visible lines on demand.
Each line shown passes through `visible_block()`: a body is server text, and its ESC or OSC 52
must be shown, never written to the terminal.
"""

from __future__ import annotations

from array import array
from itertools import accumulate

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...core.terminal_text import visible_block

OFFSETS_SLICE = 1 << 20  # characters split at once when finding line starts
MAX_WIDTH = 4000  # columns one can scroll to; longer lines are cut there


def line_offsets(text: str) -> array[int]:
    """Start offset of every line, plus len(text)+1 as a sentinel.

    A slice at a time: split and accumulate the line lengths in C (a find() per line in
    Python took ~0.4 s for a million lines), and a worker thread doing it lets the event
    loop run between slices."""
    offsets = array("q")
    start = 0
    while True:
        end = text.find("\n", start + OFFSETS_SLICE)
        final = end == -1
        end = len(text) if final else end + 1  # a slice ends just after a newline
        pieces = text[start:end].split("\n")
        # where each piece (line) starts: the slice's start plus the lengths before it
        starts = list(accumulate((len(piece) + 1 for piece in pieces[:-1]), initial=start))
        offsets.extend(starts if final else starts[:-1])  # the last is the next slice's first
        if final:
            break
        start = end
    offsets.append(len(text) + 1)
    return offsets


class RawView(ScrollView, can_focus=True):
    """Shows `text`; only the visible lines are ever turned into segments."""

    DEFAULT_CSS = """
    RawView {
        background: $surface;
    }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._text = ""
        self._offsets: array[int] = array("q", [0, 1])

    @property
    def line_count(self) -> int:
        """How many lines the text has."""
        return len(self._offsets) - 1

    def set_text(self, text: str, offsets: array[int] | None = None) -> None:
        """Replace the text (offsets may be computed beforehand in a thread)."""
        self._text = text
        self._offsets = offsets if offsets is not None else line_offsets(text)
        sample = max((self._offsets[i + 1] - self._offsets[i] for i in range(min(self.line_count, 5000))), default=0)
        self.virtual_size = Size(min(MAX_WIDTH, max(sample, 1)), self.line_count)
        self.scroll_to(0, 0, animate=False)
        self.refresh()

    def line(self, index: int) -> str:
        """Line `index` without its newline."""
        start, end = self._offsets[index], self._offsets[index + 1] - 1
        return self._text[start:end]

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        if index >= self.line_count:
            return Strip.blank(width)
        # a CRLF line end is a line end; tabs become spaces once control characters are shown
        shown = visible_block(self.line(index).removesuffix("\r")).expandtabs(4)[scroll_x : scroll_x + width]
        return Strip([Segment(shown, Style())]).adjust_cell_length(width)
