"""Search a parsed JSON document: keys and scalar values, case-insensitive, in document order.

Hits are paths (tuples of keys and indices) so the tree can reveal a hit inside collapsed
branches by expanding only the path to it.

A LazyArray's elements are read from their bytes only when those bytes could hold a match
(see `could_match`): searching 100 MB parses the few elements that matter, not all of them.
"""

from __future__ import annotations

import json
import re
import time
from bisect import bisect_right
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from .filter import locate
from .lazy import LazyArray

Path = tuple[str | int, ...]
MAX_HITS = 10_000
SEARCH_SLICE = 4 * 1024 * 1024  # bytes lowered and searched at once
MAX_PATH_PARTS = 2_000_000  # keys held by all hits' paths together (deep documents)


def _matches(needle: str, value: Any) -> bool:
    if isinstance(value, str):
        return needle in value.lower()
    if isinstance(value, bool) or value is None:
        return needle == json.dumps(value)
    if isinstance(value, (int, float)):
        return needle in str(value)
    return False


def find(doc: Any, query: str, limit: int = MAX_HITS) -> list[Path]:
    """A path as `p` copies it and `f` takes it (`.[0].owner.name`) goes straight to its node;
    anything else is a text search of keys and values (find_all)."""
    text = query.strip()
    if text[:1] in (".", "[", "$"):
        path = locate(doc, text)
        if path is not None:
            return [path]
    return find_all(doc, query, limit)


def find_all(doc: Any, query: str, limit: int = MAX_HITS) -> list[Path]:
    """Paths of every key or scalar value containing `query` (at most `limit`)."""
    needle = query.lower().strip()
    if not needle:
        return []
    hits: list[Path] = []
    budget = MAX_PATH_PARTS
    # An explicit stack (not recursion): documents can be deeper than Python's recursion
    # limit. Paths are linked (parent, key) pairs, made into tuples only for hits, so a
    # 10,000-level document costs no 10,000 x 10,000 copies.
    stack: list[tuple[_Link, Any]] = [(None, doc)]
    while stack and len(hits) < limit and budget > 0:
        link, node = stack.pop()
        if isinstance(node, dict):
            children: list[tuple[_Link, Any]] = []
            for key, value in node.items():
                child = (link, key)
                if needle in str(key).lower():
                    children.append((child, _KEY_HIT))
                children.append((child, value))
            stack.extend(reversed(children))
        elif isinstance(node, list):
            stack.extend(((link, i), v) for i, v in reversed(list(enumerate(node))))
        elif isinstance(node, LazyArray):
            indexes = candidates(node, needle)
            stack.extend(((link, i), _Unread(node, i)) for i in reversed(indexes))
        elif isinstance(node, _Unread):
            if could_match(node.array.raw(node.index), needle):
                stack.append((link, node.array[node.index]))
        elif node is _KEY_HIT or _matches(needle, node):
            path = _unlink(link)
            if not hits or hits[-1] != path:
                hits.append(path)
                budget -= len(path)
    return hits


_Link = Any  # None (the root) or (parent link, key)
_FLOAT_CHARS = frozenset("0123456789.e+-")  # all str(float) can be made of
_ESCAPED = frozenset('"\\/\b\f\n\r\t')  # what escapes other than \\uXXXX stand for
_LOWER_TO_ASCII = ("\u0130".encode(), "\u212a".encode())  # İ -> i̇, K (Kelvin) -> k: the only ones
# Numbers whose str() shows other characters than the server sent: an exponent, 16 or more
# digits (rounded; 1e16 and up in exponent form), below 0.0001 (exponent form).
_RESHAPED_NUMBER = re.compile(rb"[0-9][eE]|[0-9]{16}|0\.0000")


class _Unread:
    """An element of a LazyArray, not parsed yet."""

    __slots__ = ("array", "index")

    def __init__(self, array: LazyArray, index: int) -> None:
        self.array, self.index = array, index


def candidates(array: LazyArray, needle: str) -> Sequence[int]:
    """The elements whose bytes could hold `needle` (could_match), found with a few C
    searches over the whole body (4 MB at a time) instead of a Python step per element."""
    if not needle.isascii():
        return [i for i in range(len(array)) if could_match(array.raw(i), needle)]
    data, starts, ends = array.spans()
    found: set[int] = set()
    escapes = [b"\\"] if not _ESCAPED.isdisjoint(needle) else [b"\\u"]  # b"\\" finds b"\\u" too
    for start in range(0, len(data), SEARCH_SLICE):
        end = min(len(data), start + SEARCH_SLICE + len(needle) + 64)  # overlap: matches across slices
        piece = data[start:end]
        anywhere = escapes if piece.isascii() else escapes + list(_LOWER_TO_ASCII)
        finders = [partial(_find_shifted, piece.lower(), needle.encode(), start)]
        finders += [partial(_find, data, token) for token in anywhere]
        if _FLOAT_CHARS.issuperset(needle):
            finders.append(partial(_number_at, data))
        for find in finders:
            _mark(find, start, end, starts, ends, found)
        time.sleep(0)  # let the event loop in
    return sorted(found)


def _find_shifted(haystack: bytes, token: bytes, shift: int, at: int, stop: int) -> int:
    position = haystack.find(token, at - shift, stop - shift)
    return -1 if position < 0 else position + shift


def _find(haystack: bytes, token: bytes, at: int, stop: int) -> int:
    return haystack.find(token, at, stop)


def _number_at(data: bytes, at: int, stop: int) -> int:
    match = _RESHAPED_NUMBER.search(data, at, stop)
    return -1 if match is None else match.start()


def _mark(find: Callable[[int, int], int], at: int, stop: int, starts: Any, ends: Any, found: set[int]) -> None:
    """Add the element of every position `find` reports in [at, stop); after a hit, go on
    from the end of its element (one find per element at most)."""
    while at < stop:
        position = find(at, stop)
        if position < 0:
            return
        index = bisect_right(starts, position) - 1
        if index >= 0 and position < ends[index]:
            found.add(index)
            at = max(position + 1, ends[index])
        else:
            at = position + 1


def could_match(raw: bytes, needle: str) -> bool:
    """False only when no key or value parsed from `raw` can contain `needle` (lower case).

    Every key and string is in the bytes as sent, but for escapes; bytes.lower() lowers ASCII
    as str.lower() does, and only two other characters lower to ASCII; ints and true, false,
    null print as sent. So: a \\u escape (any character), another escape when the needle
    holds what it stands for, those two characters, and floats printed otherwise than sent
    make an element a candidate; then it is parsed and searched for real."""
    if b"\\u" in raw or (b"\\" in raw and not _ESCAPED.isdisjoint(needle)):
        return True
    if not needle.isascii():
        return needle in raw.decode("utf-8", "surrogatepass").lower()
    if needle.encode() in raw.lower():
        return True
    if not raw.isascii() and any(special in raw for special in _LOWER_TO_ASCII):
        return True
    return _FLOAT_CHARS.issuperset(needle) and _RESHAPED_NUMBER.search(raw) is not None


def _unlink(link: _Link) -> Path:
    parts: list[str | int] = []
    while link is not None:
        link, key = link
        parts.append(key)
    return tuple(reversed(parts))


class _KeyHit:
    """Marks 'this key matched' in the traversal stack."""


_KEY_HIT = _KeyHit()


def value_at(doc: Any, path: Path) -> Any:
    """The value at `path` (KeyError/IndexError if it is not there)."""
    node = doc
    for part in path:
        node = node[part]
    return node
