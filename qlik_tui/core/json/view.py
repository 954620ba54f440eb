"""Pure helpers for showing JSON: one-line previews, JSON paths, and buckets for big lists.

Paths have one syntax, jq's, for copying (`p`), filtering (`f`) and searching (`/`):
`.[0].owner.name`, `.data[3]["key with spaces"]`, `.` for the whole document. The filter
also takes a leading `$` (`$[0].owner.name`), as JSONPath users type it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .lazy import ARRAY_TYPES

BUCKET_SIZE = 500
PREVIEW_FIELDS = ("name", "title", "userId", "subject", "id", "code", "status")
ROOT = "."
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # what jq takes after a dot


def _step(key: str | int) -> str:
    if isinstance(key, int):
        return f"[{key}]"
    if _IDENT.fullmatch(key):
        return f".{key}"
    return f"[{json.dumps(key, ensure_ascii=False)}]"


def path_append(path: str, key: str | int) -> str:
    """`.data[3].owner` style (jq) paths; keys that are not identifiers use `["..."]`."""
    text = ("" if path == ROOT else path) + _step(key)
    return "." + text if text.startswith("[") else text


def path_text(parts: tuple[str | int, ...] | list[str | int]) -> str:
    """The jq path of a tuple of keys and indices (`.` for the empty path)."""
    text = "".join(_step(part) for part in parts)  # one join: deep paths stay linear
    return ROOT if not text else "." + text if text.startswith("[") else text


def plural(count: int, word: str, words: str = "") -> str:
    """'1 item', '2 items', '1,200 results'."""
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


def scalar_text(value: Any, limit: int = 80) -> str:
    """A scalar as JSON text, shortened to `limit` characters."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def preview(value: Any) -> str:
    """`{12 keys} name="Sales"`, `[3,412 items]`, or the scalar itself."""
    if isinstance(value, dict):
        size = "{" + plural(len(value), "key") + "}"
        for field in PREVIEW_FIELDS:
            if isinstance(value.get(field), (str, int)) and not isinstance(value.get(field), bool):
                return f"{size} {field}={scalar_text(value[field], 40)}"
        return size
    if isinstance(value, ARRAY_TYPES):
        return f"[{plural(len(value), 'item')}]"
    return scalar_text(value)


def buckets(count: int, size: int = BUCKET_SIZE) -> list[tuple[int, int]]:
    """[start, end) ranges covering `count` entries in steps of `size` (for lists over `size`)."""
    return [(start, min(start + size, count)) for start in range(0, count, size)]


def is_container(value: Any) -> bool:
    """Objects and arrays expand; scalars do not."""
    return isinstance(value, (dict, *ARRAY_TYPES)) and len(value) > 0


def main_list_key(value: dict[str, Any]) -> str | None:
    """The key of an object's main list: `data` (Qlik Cloud's pages), else its only non-empty list."""
    if isinstance(value.get("data"), ARRAY_TYPES):
        return "data"
    lists = [key for key, item in value.items() if isinstance(item, ARRAY_TYPES) and len(item) > 0]
    return lists[0] if len(lists) == 1 else None
