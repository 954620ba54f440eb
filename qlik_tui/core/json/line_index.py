"""Where each line of a big UTF-8 text starts, found only for the part of the text being read.

The Raw tab of a 100 MB body is millions of lines. The text is bytes (msgspec's output as it
comes): a decoded copy would be a second body-sized block, 1-4 bytes a character. Finding every line start up front (a
split and an accumulate per slice) took ~0.4 s at 20 MB and a transient string per line;
the view only needs the lines on screen. Here the text is cut into blocks of about BLOCK
bytes ending just after a newline, and only each block's newline count is taken
(`bytes.count`, in C: ~15 ms for 25 MB); a block's line starts are found the first time a line
in it is read, and kept.

`LineIndex` reads as the old `array` of offsets did: `index[i]` is where line i starts (a byte
offset) and `index[len(index) - 1]` is len(text) + 1 (a sentinel), so code slicing lines keeps
working. A newline byte never occurs inside a multi-byte UTF-8 character, so a line is whole.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate
from typing import overload

BLOCK = 64 * 1024  # bytes per block: a block's line starts take ~1 ms to find


class LineIndex(Sequence[int]):
    """Line starts of the UTF-8 `text` (plus a sentinel), each block's found on first use."""

    __slots__ = ("_block_lines", "_block_starts", "_found", "_lines", "_text")

    def __init__(self, text: bytes, block: int = BLOCK) -> None:
        self._text = text
        # block k covers text[_block_starts[k]:_block_starts[k + 1]] and its first line is _block_lines[k]
        self._block_starts = array("q", [0])
        self._block_lines = array("q", [0])
        lines, start = 0, 0
        while start < len(text):
            end = text.find(b"\n", start + block - 1)
            end = len(text) if end == -1 else end + 1  # a block ends just after a newline
            lines += text.count(b"\n", start, end)
            if end < len(text):
                self._block_starts.append(end)
                self._block_lines.append(lines)
            start = end
        self._lines = lines + 1  # the text after the last newline is a line too (maybe empty)
        self._found: dict[int, array[int]] = {}

    def __len__(self) -> int:
        return self._lines + 1  # the sentinel included, as the offsets array had it

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[int]: ...

    def __getitem__(self, index: int | slice) -> int | Sequence[int]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        index = range(len(self))[index]  # IndexError (and negative indices) as a list does
        if index == self._lines:
            return len(self._text) + 1
        block = bisect_right(self._block_lines, index) - 1
        return self._starts(block)[index - self._block_lines[block]]

    def line_of(self, position: int) -> int:
        """The line holding byte `position`."""
        block = bisect_right(self._block_starts, position) - 1
        return self._block_lines[block] + bisect_right(self._starts(block), position) - 1

    def _starts(self, block: int) -> array[int]:
        found = self._found.get(block)
        if found is None:
            start = self._block_starts[block]
            last = block + 1 == len(self._block_starts)
            end = len(self._text) if last else self._block_starts[block + 1]
            pieces = self._text[start:end].split(b"\n")
            # where each line starts: the block's start plus the lengths before it; a block
            # that is not the last ends with a newline, so its last piece is the next block's
            found = array("q", accumulate((len(piece) + 1 for piece in pieces[:-1]), initial=start))
            if not last:
                found.pop()
            self._found[block] = found
        return found


def line_of(offsets: Sequence[int], position: int) -> int:
    """The line holding byte `position`, given its line starts (a LineIndex or a list)."""
    if isinstance(offsets, LineIndex):
        return offsets.line_of(position)
    return bisect_right(offsets, position) - 1


def decode(data: bytes) -> str:
    """UTF-8 `data` as text: lone surrogates (JSON's \\ud800 written raw) kept, as the body's
    decode keeps them; anything not UTF-8 shown as U+FFFD rather than failing a whole screen."""
    try:
        return data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return data.decode("utf-8", "replace")
