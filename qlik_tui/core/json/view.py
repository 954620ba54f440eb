"""Pure helpers for showing JSON: one-line previews, JSON paths, and buckets for big lists."""

from __future__ import annotations

import json
import re
from typing import Any

BUCKET_SIZE = 500
PREVIEW_FIELDS = ("name", "title", "userId", "subject", "id", "code", "status")
_IDENT = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


def path_append(path: str, key: str | int) -> str:
    """`$.data[3].owner` style paths; keys that are not identifiers use ['...']."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if _IDENT.fullmatch(key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def scalar_text(value: Any, limit: int = 80) -> str:
    """A scalar as JSON text, shortened to `limit` characters."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def preview(value: Any) -> str:
    """`{12 keys} name="Sales"`, `[3,412 items]`, or the scalar itself."""
    if isinstance(value, dict):
        size = f"{{{len(value):,} key{'s' if len(value) != 1 else ''}}}"
        for field in PREVIEW_FIELDS:
            if isinstance(value.get(field), (str, int)) and not isinstance(value.get(field), bool):
                return f"{size} {field}={scalar_text(value[field], 40)}"
        return size
    if isinstance(value, list):
        return f"[{len(value):,} item{'s' if len(value) != 1 else ''}]"
    return scalar_text(value)


def buckets(count: int, size: int = BUCKET_SIZE) -> list[tuple[int, int]]:
    """[start, end) ranges covering `count` entries in steps of `size` (for lists over `size`)."""
    return [(start, min(start + size, count)) for start in range(0, count, size)]


def is_container(value: Any) -> bool:
    """Objects and arrays expand; scalars do not."""
    return isinstance(value, (dict, list)) and len(value) > 0
