"""Search a body's text (the Raw tab): every occurrence, case-insensitive, as (line, column).

Runs in a worker thread over bodies of tens of MB. The regex engine holds the GIL for the
whole of one call, so the text is scanned in windows of `WINDOW` characters: between two
windows the event loop gets the GIL back and the screen keeps drawing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .line_index import line_of

MAX_HITS = 10_000
WINDOW = 1 << 18  # about 5 ms of scanning per window

Hit = tuple[int, int]  # line index, column (in characters)


def find_in_text(text: str, offsets: Sequence[int], query: str, limit: int = MAX_HITS) -> list[Hit]:
    """(line, column) of every occurrence of `query` (at most `limit`).

    `offsets` holds the start of every line (a LineIndex, as RawView keeps them); an occurrence never
    spans a newline unless the query holds one, and then it counts on its first line."""
    if not query:
        return []
    pattern = re.compile(re.escape(query), re.IGNORECASE)
    overlap = len(query) - 1  # an occurrence straddling two windows is found in the first
    hits: list[Hit] = []
    for start in range(0, len(text), WINDOW):
        stop = min(len(text), start + WINDOW + overlap)
        for match in pattern.finditer(text, start, stop):
            position = match.start()
            if position >= start + WINDOW:
                break  # the next window finds it
            line = line_of(offsets, position)
            hits.append((line, position - offsets[line]))
            if len(hits) >= limit:
                return hits
    return hits
