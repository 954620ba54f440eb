"""What a JSON tree line stands for, and its label.

A line for an element of a LazyArray (a big list kept as bytes) is an ElementNode: the
element is made into Python objects only when something reads its value, which the tree does
when the line is drawn or opened. A bucket of 500 opened shows ~30 lines: ~30 are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text

from ...core.json.lazy import ARRAY_TYPES
from ...core.json.view import preview
from ...core.terminal_text import visible

_UNREAD = object()


@dataclass
class JsonNode:
    """What a tree node stands for: a value and (for buckets) a slice of a list."""

    value: Any
    start: int = 0
    end: int | None = None
    loaded: bool = False
    key: str | int | None = None  # under which key (or index) the value sits
    parent: Any = None  # the object or list holding it
    parent_key: str | int | None = None  # the key of that holder in its own parent
    level: int = 0  # levels below the tree's top
    move: str = ""  # "deeper" / "up": a line that moves the tree's top rather than a value


def node_label(key: str | None, value: Any) -> Text:
    """'key: preview' as plain Text (no markup is ever parsed)."""
    text = Text()
    if key is not None:
        text.append(visible(key), style="bold")
        text.append(": ")
    body = visible(preview(value))
    style = "italic" if isinstance(value, (dict, *ARRAY_TYPES)) else ("green" if isinstance(value, str) else "cyan")
    text.append(body, style=style)
    return text


class ElementNode(JsonNode):
    """Element `key` of the LazyArray `parent`, read on first use of `value`."""

    @property
    def value(self) -> Any:
        found = self.__dict__.get("_value", _UNREAD)
        if found is _UNREAD:
            found = self.__dict__["_value"] = self.parent[self.key]
        return found

    @value.setter
    def value(self, value: Any) -> None:
        self.__dict__["_value"] = value

    @classmethod
    def unread_at(cls, array: Any, index: int, holder_key: str | int | None, level: int) -> ElementNode:
        """The line for element `index` of `array`, not read yet."""
        node = cls(_UNREAD, key=index, parent=array, parent_key=holder_key, level=level)
        return node

    @property
    def unread(self) -> bool:
        """The element is still only bytes."""
        return self.__dict__.get("_value", _UNREAD) is _UNREAD
