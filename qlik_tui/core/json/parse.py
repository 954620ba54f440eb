"""Parse big JSON bodies piece by piece so a thread doing it lets the event loop run.

`json.loads` on 20 MB holds the GIL for ~170 ms (on 100 MB, about a second): in a worker
thread that still freezes a TUI. Parsing the top-level array (QRS lists) or the top-level
object's values (Cloud's {"data": [...]}) one element at a time with `raw_decode` gives the
same result while letting other threads in between elements.
"""

from __future__ import annotations

import json
import re
from typing import Any

_WS = re.compile(r"[ \t\n\r]*")
_decoder = json.JSONDecoder()


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
    """Exactly `json.loads(data)`, parsed element by element (ValueError when not JSON)."""
    text = data.decode("utf-8-sig") if isinstance(data, (bytes, bytearray)) else data
    index = _skip(text, 0)
    if index >= len(text):
        raise _error("empty document", text, index)
    value, index = _value(text, index, 0)
    if _skip(text, index) != len(text):
        raise _error("extra data after the document", text, index)
    return value


def pretty_in_pieces(doc: Any, indent: int = 2) -> str:
    """json.dumps(doc, indent=2), built element by element for the same reason."""
    if isinstance(doc, list) and doc:
        pad = " " * indent
        parts = [pad + json.dumps(item, indent=indent, ensure_ascii=False).replace("\n", "\n" + pad) for item in doc]
        return "[\n" + ",\n".join(parts) + "\n]"
    if isinstance(doc, dict) and any(isinstance(v, list) and len(v) > 100 for v in doc.values()):
        pad = " " * indent
        parts = []
        for key, value in doc.items():
            if isinstance(value, list):
                inner = pretty_in_pieces(value, indent)
            else:
                inner = json.dumps(value, indent=indent, ensure_ascii=False)
            parts.append(f"{pad}{json.dumps(key, ensure_ascii=False)}: " + inner.replace("\n", "\n" + pad))
        return "{\n" + ",\n".join(parts) + "\n}"
    return json.dumps(doc, indent=indent, ensure_ascii=False)
