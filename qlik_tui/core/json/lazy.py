"""Big JSON lists kept as bytes: an index of where each element starts and ends, and an
element made into Python objects only when something reads it.

A 20 MB QRS list parsed in full is about 3x its size in Python objects (6-10x with the
piecewise parse's unshared keys), and parsing it costs ~0.3 s of GIL. Most of it is never
looked at: the tree shows a bucket of 500, search reads the bytes first. `msgspec` checks
the whole body is JSON and hands back each top-level element's bytes (`msgspec.Raw`)
without building anything, in C (~1 ms per MB), in slices so the event loop runs between.

Whenever this path could answer differently from `parse.loads` (a BOM, UTF-16, invalid
UTF-8, nesting msgspec will not follow, or msgspec missing on a platform without a wheel),
`lazy_loads` falls back to `parse.loads`: same document, same errors, only slower. One
difference is kept on purpose: a number Python cannot hold (1e999, 5,000 digits) is found
when its element is read (a JsonOddNumber from that element, not from the whole body):
finding it up front costs a scan of every byte (~0.1 s at 20 MB), more than the index.
"""

from __future__ import annotations

import codecs
import re
import time
from array import array
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from itertools import accumulate
from operator import add
from typing import Any, overload

from .parse import loads

PIECEWISE_BYTES = 256 * 1024  # smaller bodies are parsed in full (it costs less than a frame)
CHUNK_BYTES = 4 * 1024 * 1024  # one slice checked while holding the GIL (~5 ms)
MAX_MISSES = 32  # candidate boundaries tried per slice before decoding the rest in one go
LAZY_LIST_BYTES = 256 * 1024  # lists inside a top-level object this big stay as bytes
CHECK_BYTES = 256 * 1024  # of the pretty text, checked as UTF-8 at once (a str this big, freed at once)
HEAD_BYTES = 128 * 1024  # of a big list, formatted at once for the Raw tab's first screen (~2 ms)
_GAP = re.compile(rb"[ \t\r\n]*,?[ \t\r\n]*")
_SPACES = re.compile(rb"[ \t\r\n]*")


class LazyArray(Sequence[Any]):
    """A JSON list held as the body's bytes and where each element starts and ends."""

    __slots__ = ("_data", "_ends", "_starts")

    def __init__(self, data: bytes, starts: array[int], ends: array[int]) -> None:
        self._data, self._starts, self._ends = data, starts, ends

    def __len__(self) -> int:
        return len(self._starts)

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self._element(i) for i in range(*index.indices(len(self._starts)))]
        return self._element(range(len(self._starts))[index])  # IndexError as a list raises it

    def __iter__(self) -> Iterator[Any]:
        for i in range(len(self._starts)):
            yield self._element(i)

    def __repr__(self) -> str:
        return f"LazyArray({len(self._starts):,} elements)"

    def spans(self) -> tuple[bytes, array[int], array[int]]:
        """The bytes, and where each element starts and ends in them."""
        return self._data, self._starts, self._ends

    def raw(self, index: int) -> bytes:
        """Element `index` as the bytes the server sent."""
        return self._data[self._starts[index] : self._ends[index]]

    def opens(self, index: int) -> bool:
        """Whether element `index` is a non-empty object or list, read from its bytes alone."""
        start, end = self._starts[index], self._ends[index]
        if self._data[start : start + 1] not in (b"{", b"["):
            return False
        return bool(self._data[start + 1 : min(end - 1, start + 64)].strip())  # `{ }` is empty

    def _element(self, index: int) -> Any:
        return loads(self.raw(index).decode("utf-8", "surrogatepass"))


ARRAY_TYPES = (list, LazyArray)  # what counts as a JSON array everywhere a document is read


def lazy_loads(data: bytes) -> Any:
    """`parse.loads(data)`, with big top-level lists (and big lists in a top-level object) as LazyArray."""
    if len(data) <= PIECEWISE_BYTES:
        return loads(data)
    try:  # imported here: a wheel on every common platform, and never needed at start-up
        import msgspec
    except ImportError:  # pragma: no cover - only where msgspec has no wheel: parse in full
        return loads(data)
    try:
        doc = _index(msgspec, data)
    except (msgspec.DecodeError, RecursionError, UnicodeDecodeError, _Unsure):
        doc = None
    # Not JSON, or JSON this path might read otherwise: the full parse decides (and says why).
    return loads(data) if doc is None else doc


class _Unsure(Exception):
    """This body has something the fast path does not promise to read as parse.loads does."""


def _index(msgspec: Any, data: bytes) -> Any:
    head = data[:64].lstrip()
    if head[:1] == b"[":
        return _lazy_list(msgspec, data)
    if head[:1] != b"{":
        raise _Unsure
    _check(data)  # objects are indexed in one go: Qlik Cloud pages are small
    top: dict[str, Any] = msgspec.json.Decoder(dict[str, msgspec.Raw]).decode(data)
    out: dict[str, Any] = {}
    for key, raw in top.items():
        text = bytes(raw)
        if text[:1] == b"[" and len(text) > LAZY_LIST_BYTES:
            out[key] = _lazy_list(msgspec, text)
        else:
            out[key] = loads(text.decode("utf-8", "surrogatepass"))
    return out


def _lazy_list(msgspec: Any, data: bytes) -> LazyArray:
    """Index every top-level element of the list in `data`, CHUNK_BYTES at a time (the GIL
    is let go between slices)."""
    decoder = msgspec.json.Decoder(list[msgspec.Raw])
    starts, ends = array("q"), array("q")
    start = data.index(b"[") + 1  # just after the bracket: the first element (or spaces)
    sig = _signature(data, start)
    first = True
    while True:
        found = _next_slice(msgspec, decoder, data, start, sig)
        if found is None:  # the rest in one go (all of it, when the body is small)
            rest = data if first else b"".join((b"[", memoryview(data)[start:]))  # one copy
            _check(rest)
            tail = data[-64:]
            bracket = len(data) - (len(tail) - len(tail.rstrip())) - 1  # the closing `]`
            _place(data, start, decoder.decode(rest), starts, ends, bracket)
            return LazyArray(data, starts, ends)
        end, elements = found
        _place(data, start, elements, starts, ends, end)
        start, first = end + 1, False
        time.sleep(0)  # let the event loop in


def _place(data: bytes, start: int, elements: list[Any], starts: array[int], ends: array[int], stop: int) -> None:
    """Where each decoded element of data[start:stop] sits: elements are in order, apart by
    a comma and optional spaces (msgspec's Raw is the element's exact bytes)."""
    lengths = [len(element) for element in elements]
    start = _SPACES.match(data, start).end()  # type: ignore[union-attr]  # a slice may begin after `, `
    sep = _GAP.match(data, start + lengths[0]).group() if lengths else b""  # type: ignore[union-attr]
    step = len(sep)
    same_length = lengths and sum(lengths) + step * (len(lengths) - 1) == stop - start
    # A bare comma needs no check: every separator holds one, so when they add up to one byte
    # each, each is exactly `,` (Qlik's compact JSON; joining to compare cost ~50 ms at 100 MB).
    if same_length and (sep == b"," or data.startswith(sep.join(elements), start)):
        # One separator throughout (`,` from most servers, `, ` from Python's json), checked
        # by comparing the bytes in C: positions are added up, not matched one by one (the
        # loop below took ~40 ms per 13,000 elements).
        firsts = list(accumulate((length + step for length in lengths[:-1]), initial=start))
        starts.extend(firsts)
        ends.extend(map(add, firsts, lengths))
        return
    position = start
    gap = _GAP.match
    for element in elements:
        position = gap(data, position).end()  # type: ignore[union-attr]
        starts.append(position)
        position += len(element)
        ends.append(position)


def _signature(data: bytes, start: int) -> bytes:
    """How the first element begins: `{"id":` for a list of objects, else a comma (any element)."""
    head = data[start : start + 200].lstrip()
    if head.startswith(b'{"'):
        colon = head.find(b":")
        quote = head.find(b'"', 2)
        if 0 < quote < colon and b"\\" not in head[:colon]:
            return head[: colon + 1]
    return b","


def _next_slice(msgspec: Any, decoder: Any, data: bytes, start: int, sig: bytes) -> tuple[int, list[Any]] | None:
    """A top-level comma CHUNK_BYTES or more past `start`, and the elements before it
    (None: decode to the end).

    A candidate is a comma (before `sig`, for objects). One inside a string or a nested value
    leaves `[` + slice + `]` unbalanced, so that does not decode and the next is tried;
    after MAX_MISSES the rest is decoded at once."""
    if len(data) - start <= CHUNK_BYTES:
        return None
    position = start + CHUNK_BYTES
    for _ in range(MAX_MISSES):
        found = data.find(sig, position)
        if found == -1:
            return None
        comma = found if sig == b"," else _comma_before(data, found)
        position = found + 1
        if comma is None or comma <= start:
            continue
        # One copy of the slice, brackets included (slicing, then adding `[` and `]`, made three:
        # ~0.1 s of memory traffic at 100 MB). The elements msgspec returns point into it.
        piece = b"".join((b"[", memoryview(data)[start:comma], b"]"))
        _check(piece)
        try:
            return comma, decoder.decode(piece)
        except msgspec.DecodeError:
            continue
    return None


def _comma_before(data: bytes, index: int) -> int | None:
    stripped = data[max(0, index - 64) : index].rstrip()
    if not stripped.endswith(b","):
        return None
    return index - (index - max(0, index - 64) - len(stripped)) - 1


def _check(piece: bytes) -> None:
    """UnicodeDecodeError when `piece` is not UTF-8 (msgspec does not check skipped strings)."""
    if not piece.isascii():
        piece.decode("utf-8", "surrogatepass")  # UnicodeDecodeError, as parse.loads raises


def reindent(data: bytes) -> bytes | None:
    """The body indented by 2 as the server sent it (escapes and numbers kept), in C, as UTF-8
    bytes (a decoded copy would double the memory); None when it is not JSON (or not UTF-8) or
    msgspec is missing. ~0.1 s for 20 MB where pretty() takes ~2 s."""
    try:
        import msgspec
    except ImportError:  # pragma: no cover - only where msgspec has no wheel
        return None
    try:
        text = bytes(msgspec.json.format(data, indent=2))
    except (msgspec.DecodeError, RecursionError):
        return None
    return text if _is_utf8(text) else None


def _is_utf8(text: bytes) -> bool:
    """Whether `text` decodes as the body does (surrogates passed), CHECK_BYTES at a time from
    a memoryview: never a whole decoded copy (msgspec copies a string's bytes unchecked)."""
    if text.isascii():
        return True
    view, position = memoryview(text), 0
    try:
        while position < len(text):
            end = position + max(CHECK_BYTES, 4)  # 4: a whole character at least
            # a character cut at the slice's end is left for the next slice (final only at the end)
            _, used = codecs.utf_8_decode(view[position:end], "surrogatepass", end >= len(text))
            position += used
    except UnicodeDecodeError:
        return False
    return True


def reindent_head(doc: Any, limit: int = HEAD_BYTES) -> bytes | None:
    """The first lines of `reindent(body)` when the body is the list `doc` (a LazyArray):
    its first elements, about `limit` bytes of them, ending as that line ends in the whole
    text. None when there is nothing to gain or msgspec is missing."""
    if not isinstance(doc, LazyArray) or len(doc) < 2:
        return None
    try:
        import msgspec
    except ImportError:  # pragma: no cover - only where msgspec has no wheel
        return None
    data, starts, ends = doc.spans()
    count = max(1, min(bisect_right(starts, starts[0] + limit), len(doc) - 1))  # never the whole list
    try:
        text = bytes(msgspec.json.format(b"[" + data[starts[0] : ends[count - 1]] + b"]", indent=2))
    except (msgspec.DecodeError, RecursionError):
        return None
    # "[ ... last element\n]": without the bracket, and with the comma the next element brings
    return text[:-2] + b"," if _is_utf8(text) else None


def element_bytes(array: Sequence[Any], index: int) -> bytes | None:
    """The bytes of element `index` when `array` keeps them (a LazyArray), else None."""
    return array.raw(index) if isinstance(array, LazyArray) else None
