"""A read-only text view that renders only the lines on screen (Textual's line API).

A 100 MB body pretty-printed is millions of lines: a TextArea would lay them all out; this
keeps the text as UTF-8 bytes (msgspec's output as it comes: a decoded str beside it was a
second copy, up to 4 bytes a character) and a LineIndex (line starts, found a block at a time
when read), and decodes only the visible lines, on demand.
Each line shown passes through `visible_block()`: a body is server text, and its ESC or OSC 52
must be shown, never written to the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...core.json.line_index import LineIndex, decode
from ...core.terminal_text import visible_block

MAX_WIDTH = 4000  # columns one can scroll to; longer lines are cut there


class RawView(ScrollView, can_focus=True):
    """Shows `text`; only the visible lines are ever decoded and turned into segments."""

    DEFAULT_CSS = """
    RawView {
        background: $surface;
    }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._text = b""
        self._offsets: Sequence[int] = LineIndex(b"")

    @property
    def line_count(self) -> int:
        """How many lines the text has."""
        return len(self._offsets) - 1

    def set_text(self, text: str | bytes, offsets: Sequence[int] | None = None, keep_place: bool = False) -> None:
        """Replace the text (UTF-8 bytes, or a str encoded here; its LineIndex may be made
        beforehand in a thread); `keep_place` when the new text begins as the old did (the
        whole text after its first lines)."""
        if isinstance(text, str):  # small texts (a script, a short body): one representation
            text = text.encode("utf-8", "surrogatepass")
        self._text = text
        self._offsets = offsets if offsets is not None else LineIndex(text)
        # the widest of the first lines sets the scroll width: one split, not 10,000 index reads
        head = decode(text[: self._offsets[min(self.line_count, 5000)]])
        sample = max((len(line) for line in head.split("\n")), default=0)
        self.virtual_size = Size(min(MAX_WIDTH, max(sample, 1)), self.line_count)
        if not keep_place:
            self.scroll_to(0, 0, animate=False)
        self.refresh()

    def line(self, index: int) -> str:
        """Line `index` without its newline, decoded."""
        start, end = self._offsets[index], self._offsets[index + 1] - 1
        return decode(self._text[start:end])

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        if index >= self.line_count:
            return Strip.blank(width)
        # a CRLF line end is a line end; tabs become spaces once control characters are shown
        shown = visible_block(self.line(index).removesuffix("\r")).expandtabs(4)[scroll_x : scroll_x + width]
        return Strip([Segment(shown, Style())]).adjust_cell_length(width)
