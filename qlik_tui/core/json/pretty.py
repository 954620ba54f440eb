"""JSON as indented text, with an explicit stack instead of recursion.

`json.dumps(indent=2)` recurses once per nesting level: a body nested ~1,000 deep (which
the parser accepts, see parse.loads) raises RecursionError there. This writes the same text
as `json.dumps(doc, indent=2, ensure_ascii=False)` for any depth, except that indentation
stops growing past MAX_INDENT levels: 10,000 levels indented in full would be 100 MB of
spaces (the text grows with the square of the depth); capped, it stays valid JSON.
"""

from __future__ import annotations

from collections.abc import Iterator
from json.encoder import encode_basestring
from typing import Any

from .lazy import ARRAY_TYPES

MAX_INDENT = 100  # nesting levels that still indent further
_END = object()


def scalar(value: Any) -> str:
    """One scalar as json.dumps writes it (NaN and Infinity as Python's json does)."""
    if isinstance(value, str):
        return str(encode_basestring(value))
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        return float.__repr__(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _key(key: Any) -> str:
    return str(encode_basestring(key if isinstance(key, str) else scalar(key)))


def pretty(doc: Any, indent: int | None = 2) -> str:
    """`json.dumps(doc, indent=indent, ensure_ascii=False)` at any depth (indentation capped).

    `indent=None` writes one line, as `json.dumps(doc, ensure_ascii=False)` does."""
    out: list[str] = []
    append = out.append
    encode = encode_basestring
    if indent is None:
        pads, comma = [""] * (MAX_INDENT + 1), ", "
    else:
        pads, comma = ["\n" + " " * (indent * level) for level in range(MAX_INDENT + 1)], ","
    # One entry per open container: its items (or key/value pairs) still to write.
    stack: list[tuple[Iterator[Any], bool]] = []
    value = doc
    while True:
        first = False
        kind = type(value)
        if kind is str:  # the common case first
            append(encode(value))
        elif (kind is dict or isinstance(value, dict)) and value:
            stack.append((iter(value.items()), True))
            append("{")
            first = True
        elif (kind is list or isinstance(value, ARRAY_TYPES)) and value:
            stack.append((iter(value), False))
            append("[")
            first = True
        elif isinstance(value, dict):
            append("{}")
        elif isinstance(value, ARRAY_TYPES):
            append("[]")
        else:
            append(scalar(value))
        while stack:
            items, is_object = stack[-1]
            item: Any = next(items, _END)
            depth = len(stack)
            if item is _END:
                stack.pop()
                append(pads[min(depth - 1, MAX_INDENT)] + ("}" if is_object else "]"))
                continue
            pad = pads[min(depth, MAX_INDENT)]
            append(pad if first else comma + pad)
            first = False
            if is_object:
                append(_key(item[0]) + ": ")
                value = item[1]
            else:
                value = item
            break
        else:
            return "".join(out)
