"""The Raw tab with `/` search: every hit on screen highlighted, the current one marked, the
view scrolled to it; n / N (or Enter / ↓ / ↑ in the find bar) walk the hits. Esc in the
bar goes back to the text with the hits kept (n / N go on); Esc there clears the search.

A subclass, so that RawView stays the plain line renderer. The search runs in a thread
(core.json.text_search scans in windows), so a 20 MB body never stalls the screen.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.strip import Strip

from ...core.json.text_search import MAX_HITS, Hit, find_in_text
from .raw_view import RawView


class RawSearchView(RawView):
    """Raw text plus search hits."""

    DEFAULT_CSS = """
    RawSearchView > .raw--hit {
        background: $warning 40%;
    }
    RawSearchView > .raw--current-hit {
        text-style: reverse bold;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"raw--hit", "raw--current-hit"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "find", "Search", id="raw.search"),
        Binding("n", "step(1)", "Next hit", id="raw.next_hit", show=False),
        Binding("N", "step(-1)", "Previous hit", id="raw.previous_hit", show=False),
        Binding("escape", "clear_search", "Clear search", id="raw.clear_search", show=False),
    ]

    class Find(Message):
        """Open the search box for the raw text."""

    class Status(Message):
        """What the search found, for the find bar ('3 of 120', 'no match'...)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Cleared(Message):
        """Esc cleared the search: the find bar can go."""

    class _Found(Message):
        def __init__(self, text: bytes, query: str, hits: list[Hit]) -> None:
            super().__init__()
            self.text = text
            self.needle = query
            self.hits = hits

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.needle = ""
        self.hits: list[Hit] = []
        self.current = -1
        self._pattern: re.Pattern[str] | None = None

    def set_text(self, text: str | bytes, offsets: Sequence[int] | None = None, keep_place: bool = False) -> None:
        """New text: old hits point nowhere."""
        self.clear_hits()
        super().set_text(text, offsets, keep_place)

    def clear_hits(self) -> None:
        """No search: no highlights."""
        self.needle, self.hits, self.current, self._pattern = "", [], -1, None
        self.refresh()

    def search(self, query: str, step: int = 1) -> None:
        """Search for `query`; the same query again walks its hits by `step`."""
        if query and query == self.needle and self.hits:
            self.action_step(step)
            return
        self.clear_hits()
        if not query:
            self.post_message(self.Status(""))
            return
        text, offsets = self._text, self._offsets
        self.post_message(self.Status("searching…"))

        def work() -> None:
            self.post_message(self._Found(text, query, find_in_text(text, offsets, query)))

        self.run_worker(
            work, thread=True, group="raw-search", exclusive=True, exit_on_error=False, description="search the raw text"
        )

    def _on_raw_search_view__found(self, message: RawSearchView._Found) -> None:
        message.stop()
        if message.text is not self._text:
            self.post_message(self.Status("the text changed: Enter searches again"))
            return
        self.needle, self.hits = message.needle, message.hits
        self._pattern = re.compile(re.escape(message.needle), re.IGNORECASE)
        if not self.hits:
            self.post_message(self.Status("no match"))
            self.refresh()
            return
        self.current = 0
        self._jump()

    def action_find(self) -> None:
        """/: ask for the search box."""
        self.post_message(self.Find())

    def action_step(self, step: int) -> None:
        """n / N: the next / previous hit (wraps)."""
        if self.hits:
            self.current = (self.current + step) % len(self.hits)
            self._jump()

    def action_clear_search(self) -> None:
        """Esc: clear the search; with none, Esc goes on to the app (cancel a request)."""
        if not self.needle:
            raise SkipAction
        self.clear_hits()
        self.post_message(self.Cleared())

    def _jump(self) -> None:
        line, column = self.hits[self.current]
        width, height = self.scrollable_content_region.size
        x = self.scroll_x
        if not x <= column <= x + width - len(self.needle):
            x = max(0, column - width // 3)
        self.scroll_to(x, max(0, line - height // 2), animate=False, immediate=True)
        self.refresh()
        more = "+" if len(self.hits) >= MAX_HITS else ""
        self.post_message(self.Status(f"{self.current + 1:,} of {len(self.hits):,}{more}  (n N, Enter ↑↓)"))

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        if self._pattern is None:
            return strip
        # Highlight what is on screen (so it holds whatever the base view draws for a line).
        scroll_x, scroll_y = self.scroll_offset
        shown = strip.text
        spans = [(m.start(), m.end()) for m in self._pattern.finditer(shown)]
        if not spans:
            return strip
        current = self.hits[self.current] if self.current >= 0 else None
        hit_style = self.get_component_rich_style("raw--hit")
        current_style = self.get_component_rich_style("raw--current-hit")
        cuts: list[int] = []
        for start, end in spans:
            cuts += [cell_len(shown[:start]), cell_len(shown[:end])]
        pieces = strip.divide([*cuts, strip.cell_length])
        styled: list[Strip] = []
        for index, piece in enumerate(pieces):
            if index % 2 == 0:
                styled.append(piece)  # between hits
                continue
            start = spans[index // 2][0]
            is_current = current == (scroll_y + y, scroll_x + start)
            styled.append(piece.apply_style(current_style if is_current else hit_style))
        return Strip.join(styled)
