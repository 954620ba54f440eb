"""Parse big JSON bodies piece by piece so a thread doing it lets the event loop run.

`json.loads` on 20 MB holds the GIL for ~170 ms (on 100 MB, about a second): in a worker
thread that still freezes a TUI. Parsing the top-level array (QRS lists) or the top-level
object's values (Cloud's {"data": [...]}) one element at a time with `raw_decode` gives the
same result while letting other threads in between elements.

`json.loads` recurses once per nesting level and gives up (RecursionError) near 1,000
levels; `loads` then parses again with an explicit stack, up to MAX_DEPTH levels, and past
that raises JsonTooDeep (a typed error that is also a ValueError, "not JSON").
"""

from __future__ import annotations

import json
import math
import re
import sys
from typing import Any

from ..errors import JsonOddNumber, JsonTooDeep, JsonUnreadable

MAX_DEPTH = 10_000  # levels of nesting followed; the tree, search and pretty text cope with all
PIECEWISE_BYTES = 1024 * 1024  # above this, parse element by element
_WS = re.compile(r"[ \t\n\r]*")


def _no_constant(name: str) -> float:
    # Python's json reads NaN and Infinity; no other JSON reader does (jq, Qlik), so a body
    # holding them is not shown as if it were JSON.
    raise JsonOddNumber(f"{name}, which is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):  # 1e999999 is valid JSON, but as a float it is Infinity: not what was sent
        raise JsonOddNumber(f"the number {text[:40]}, larger than any float")
    return value


_decoder = json.JSONDecoder(parse_float=_finite, parse_constant=_no_constant)


def _skip(text: str, index: int) -> int:
    match = _WS.match(text, index)
    return match.end() if match else index


def _error(message: str, text: str, index: int) -> json.JSONDecodeError:
    return json.JSONDecodeError(message, text, min(index, len(text)))


def _value(text: str, index: int, depth: int) -> tuple[Any, int]:
    if depth < 2 and index < len(text) and text[index] == "[":
        return _array(text, index, depth)
    if depth < 1 and index < len(text) and text[index] == "{":
        return _object(text, index, depth)
    return _decoder.raw_decode(text, index)


def _array(text: str, index: int, depth: int) -> tuple[list[Any], int]:
    out: list[Any] = []
    index = _skip(text, index + 1)
    if index < len(text) and text[index] == "]":
        return out, index + 1
    while True:
        value, index = _value(text, index, depth + 1)
        out.append(value)
        index = _skip(text, index)
        if index >= len(text):
            raise _error("unterminated array", text, index)
        if text[index] == "]":
            return out, index + 1
        if text[index] != ",":
            raise _error("expected ',' or ']'", text, index)
        index = _skip(text, index + 1)


def _object(text: str, index: int, depth: int) -> tuple[dict[str, Any], int]:
    out: dict[str, Any] = {}
    index = _skip(text, index + 1)
    if index < len(text) and text[index] == "}":
        return out, index + 1
    while True:
        if index >= len(text) or text[index] != '"':
            raise _error("expected a key in double quotes", text, index)
        key, index = _decoder.raw_decode(text, index)
        index = _skip(text, index)
        if index >= len(text) or text[index] != ":":
            raise _error("expected ':'", text, index)
        value, index = _value(text, _skip(text, index + 1), depth + 1)
        out[key] = value
        index = _skip(text, index)
        if index >= len(text):
            raise _error("unterminated object", text, index)
        if text[index] == "}":
            return out, index + 1
        if text[index] != ",":
            raise _error("expected ',' or '}'", text, index)
        index = _skip(text, index + 1)


def loads_in_pieces(data: bytes | str) -> Any:
    """`loads(data)`, parsed element by element (ValueError when not JSON)."""
    text = data.decode("utf-8-sig") if isinstance(data, (bytes, bytearray)) else data
    index = _skip(text, 0)
    if index >= len(text):
        raise _error("empty document", text, index)
    value, index = _value(text, index, 0)
    if _skip(text, index) != len(text):
        raise _error("extra data after the document", text, index)
    return value


def pretty_in_pieces(doc: Any, indent: int = 2) -> str:
    """json.dumps(doc, indent=2) without recursion (kept under its old name)."""
    from .pretty import pretty

    return pretty(doc, indent)


def loads(data: bytes | str) -> Any:
    """`json.loads(data)` at any depth up to MAX_DEPTH, strict about numbers; big bodies element by element.

    ValueError when not JSON; JsonTooDeep (a ValueError) when nested deeper than MAX_DEPTH;
    JsonOddNumber (a ValueError) for NaN, Infinity and numbers Python cannot hold.
    """
    try:
        try:
            if len(data) > PIECEWISE_BYTES:
                return loads_in_pieces(data)
            return _decoder.decode(data if isinstance(data, str) else _decode(data))
        except RecursionError:
            pass
        text = data if isinstance(data, str) else _decode(data)
        return loads_deep(text)
    except (json.JSONDecodeError, UnicodeDecodeError, JsonUnreadable):
        raise
    except ValueError:
        # The only other ValueError of the scanner: an integer past Python's digit limit.
        raise JsonOddNumber(f"an integer of more than {sys.get_int_max_str_digits():,} digits") from None


def _decode(data: bytes | bytearray) -> str:
    # what json.loads does with bytes: UTF-8/16/32 detection, BOM tolerated for UTF-8
    encoding = json.detect_encoding(data)
    return data.decode("utf-8-sig" if encoding == "utf-8" else encoding, "surrogatepass")


def loads_deep(text: str) -> Any:
    """`json.loads(text)` with an explicit stack instead of recursion (JsonTooDeep past MAX_DEPTH)."""
    index = _skip(text, 0)
    if index >= len(text):
        raise _error("Expecting value", text, index)
    # The stack holds the open containers and, for objects, the key being filled.
    stack: list[tuple[Any, str | None]] = []
    while True:
        char = text[index] if index < len(text) else ""
        if char in ("[", "{"):
            if len(stack) >= MAX_DEPTH:
                raise JsonTooDeep(MAX_DEPTH)
            index = _skip(text, index + 1)
            close = "]" if char == "[" else "}"
            if index < len(text) and text[index] == close:
                value: Any = [] if char == "[" else {}
                index += 1
            elif char == "[":
                stack.append(([], None))
                continue
            else:
                first_key, index = _key(text, index)
                stack.append(({}, first_key))
                continue
        else:
            value, index = _decoder.raw_decode(text, index)
        # A complete value: put it in its container, then close every container that ends here.
        while True:
            if not stack:
                if _skip(text, index) != len(text):
                    raise _error("Extra data", text, index)
                return value
            container, key = stack[-1]
            if key is None:
                container.append(value)
            else:
                container[key] = value
            index = _skip(text, index)
            char = text[index] if index < len(text) else ""
            if char == ",":
                index = _skip(text, index + 1)
                if key is not None:
                    key, index = _key(text, index)
                    stack[-1] = (container, key)
                break
            if char == ("]" if key is None else "}"):
                stack.pop()
                value, index = container, index + 1
                continue
            raise _error("Expecting ',' delimiter", text, index)


def _key(text: str, index: int) -> tuple[str, int]:
    """`"key" :` at `index`: the key and the index of the value after the colon."""
    if index >= len(text) or text[index] != '"':
        raise _error("Expecting property name enclosed in double quotes", text, index)
    key, index = json.decoder.scanstring(text, index + 1)  # type: ignore[attr-defined]
    index = _skip(text, index)
    if index >= len(text) or text[index] != ":":
        raise _error("Expecting ':' delimiter", text, index)
    return key, _skip(text, index + 1)
