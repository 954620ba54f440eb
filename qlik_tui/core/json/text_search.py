"""Search a body's text (the Raw tab): every occurrence, case-insensitive, as (line, column).

The text is UTF-8 bytes (the Raw tab keeps no decoded copy of a body). Runs in a worker
thread over bodies of tens of MB: the text is decoded and scanned a window of `WINDOW` bytes
at a time (so a query matches as it would in the decoded text: `é` finds `É`), and the regex
engine, which holds the GIL for a whole call, lets the event loop in between windows.
Columns are in characters, as the view draws them, whatever the bytes before a hit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .line_index import decode, line_of

MAX_HITS = 10_000
WINDOW = 1 << 18  # about 5 ms of scanning per window

Hit = tuple[int, int]  # line index, column (in characters)


def find_in_text(text: bytes, offsets: Sequence[int], query: str, limit: int = MAX_HITS) -> list[Hit]:
    """(line, column) of every occurrence of `query` (at most `limit`) in the UTF-8 `text`.

    `offsets` holds the (byte) start of every line (a LineIndex, as RawView keeps them); an
    occurrence never spans a newline unless the query holds one, and then it counts on its first line."""
    if not query:
        return []
    pattern = re.compile(re.escape(query), re.IGNORECASE)
    overlap = 4 * len(query)  # bytes: an occurrence straddling two windows is found in the first
    hits: list[Hit] = []
    last_line, last_byte, last_column = -1, 0, 0
    taken = 0  # where the last hit ends: the next window is scanned from there
    start = 0
    while start < len(text):
        start = max(start, taken)  # after a hit that ran into this window: no overlapping hits
        stop = _boundary(text, start + WINDOW)
        if stop <= start:  # a window smaller than one character: take the character whole
            stop = _boundary(text, start + 4) if start + 4 < len(text) else len(text)
        window = text[start:stop]
        ascii_window = window.isascii()
        own = decode(window)  # the characters this window owns; the overlap only completes a hit
        scanned = own + decode(text[stop : _boundary(text, stop + overlap)])
        chars, byte = 0, start  # a cursor: the byte where character `chars` of `scanned` starts
        for match in pattern.finditer(scanned):
            position = match.start()
            if position >= len(own):
                break  # the next window finds it
            if ascii_window:
                byte = start + position
            else:
                byte += len(scanned[chars:position].encode("utf-8", "surrogatepass"))
            chars = position
            taken = byte + len(match.group().encode("utf-8", "surrogatepass"))
            line = line_of(offsets, byte)
            if line == last_line:  # counted on from the previous hit: a long line is decoded once
                column = last_column + _characters(text, last_byte, byte)
            else:
                column = _characters(text, offsets[line], byte)
            hits.append((line, column))
            last_line, last_byte, last_column = line, byte, column
            if len(hits) >= limit:
                return hits
        start = stop
    return hits


def _boundary(text: bytes, position: int) -> int:
    """`position`, moved back to where a UTF-8 character starts (never past the end)."""
    if position >= len(text):
        return len(text)
    for back in range(4):  # a character is at most 4 bytes: 3 continuation bytes
        if text[position - back] & 0xC0 != 0x80:
            return position - back
    return position  # not UTF-8 here: any cut will do


def _characters(text: bytes, start: int, end: int) -> int:
    """How many characters text[start:end] holds."""
    piece = text[start:end]
    return len(piece) if piece.isascii() else len(decode(piece))
