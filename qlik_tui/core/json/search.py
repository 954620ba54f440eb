"""Search a parsed JSON document: keys and scalar values, case-insensitive, in document order.

Hits are paths (tuples of keys and indices) so the tree can reveal a hit inside collapsed
branches by expanding only the path to it.
"""

from __future__ import annotations

import json
from typing import Any

Path = tuple[str | int, ...]
MAX_HITS = 10_000


def _matches(needle: str, value: Any) -> bool:
    if isinstance(value, str):
        return needle in value.lower()
    if isinstance(value, bool) or value is None:
        return needle == json.dumps(value)
    if isinstance(value, (int, float)):
        return needle in str(value)
    return False


def find_all(doc: Any, query: str, limit: int = MAX_HITS) -> list[Path]:
    """Paths of every key or scalar value containing `query` (at most `limit`)."""
    needle = query.lower().strip()
    if not needle:
        return []
    hits: list[Path] = []
    # An explicit stack (not recursion): documents can be deeper than Python's recursion limit.
    stack: list[tuple[Path, Any]] = [((), doc)]
    while stack and len(hits) < limit:
        path, node = stack.pop()
        if isinstance(node, dict):
            children: list[tuple[Path, Any]] = []
            for key, value in node.items():
                child = (*path, key)
                if needle in str(key).lower():
                    children.append((child, _KEY_HIT))
                children.append((child, value))
            stack.extend(reversed(children))
        elif isinstance(node, list):
            stack.extend(((*path, i), v) for i, v in reversed(list(enumerate(node))))
        elif node is _KEY_HIT or _matches(needle, node):
            if not hits or hits[-1] != path:
                hits.append(path)
    return hits


class _KeyHit:
    """Marks 'this key matched' in the traversal stack."""


_KEY_HIT = _KeyHit()


def value_at(doc: Any, path: Path) -> Any:
    """The value at `path` (KeyError/IndexError if it is not there)."""
    node = doc
    for part in path:
        node = node[part]
    return node
