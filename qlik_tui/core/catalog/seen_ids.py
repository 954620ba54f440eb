"""Ids seen in responses, offered when a path asks for a {placeholder}."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

MAX_SEEN = 300
MAX_NODES = 20_000  # never walk a whole 100 MB body for suggestions


@dataclass(frozen=True)
class SeenId:
    """An id value, the key it was under, and a label (a sibling `name`) when there is one."""

    value: str
    key: str
    label: str


def _id_key(key: str) -> bool:
    lowered = key.lower()
    return lowered == "id" or (lowered.endswith("id") and len(key) > 2 and key[-2:] in ("Id", "ID"))


class SeenIds:
    """Newest first, unique by value, bounded."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, SeenId] = OrderedDict()

    def collect(self, doc: Any) -> None:
        """Remember the ids in a response (breadth-first, bounded)."""
        queue: list[Any] = [doc]
        visited = 0
        found: list[SeenId] = []
        while queue and visited < MAX_NODES:
            node = queue.pop(0)
            visited += 1
            if isinstance(node, dict):
                label = next((str(node[k]) for k in ("name", "userId", "title", "subject") if isinstance(node.get(k), str)), "")
                for key, value in node.items():
                    if isinstance(value, str) and value and _id_key(str(key)) and len(value) <= 64:
                        found.append(SeenId(value, str(key), label if key == "id" else ""))
                    elif isinstance(value, (dict, list)):
                        queue.append(value)
            elif isinstance(node, list):
                queue.extend(node[:1000])
        for item in reversed(found):
            self._items.pop(item.value, None)
            self._items[item.value] = item
            self._items.move_to_end(item.value, last=False)
        while len(self._items) > MAX_SEEN:
            self._items.popitem(last=True)

    def absorb(self, newer: SeenIds) -> None:
        """Take in ids gathered elsewhere (they count as the newest)."""
        for item in reversed(list(newer._items.values())):
            self._items.pop(item.value, None)
            self._items[item.value] = item
            self._items.move_to_end(item.value, last=False)
        while len(self._items) > MAX_SEEN:
            self._items.popitem(last=True)

    def for_placeholder(self, name: str) -> list[SeenId]:
        """Seen ids for `{name}`: exact key matches first (appId for {appId}), then `id`s."""
        lowered = name.lower()
        exact = [s for s in self._items.values() if s.key.lower() == lowered]
        plain = [s for s in self._items.values() if s.key.lower() == "id" and s not in exact]
        rest = [s for s in self._items.values() if s not in exact and s not in plain]
        return exact + plain + rest
