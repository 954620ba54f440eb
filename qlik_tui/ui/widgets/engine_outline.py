"""The Engine view's tree: the app, its load script, sheets → objects, master measures and
dimensions, other objects, variables and fields, built from `core.engine.actions.outline`.

Every label is server text: it passes through `visible()` into `rich.text.Text`, never markup.
Lists are bounded (an app with 50,000 fields shows the first MAX_ITEMS and says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ...core.terminal_text import visible

MAX_ITEMS = 2_000  # per group: a tree line each; more would make the tree slow to build


@dataclass(frozen=True)
class OutlineItem:
    """What a line stands for: kind is 'layout', 'script', 'object', 'variable', 'field' or ''
    (a group heading); `entry` is the outline's own dict for it."""

    kind: str
    id: str = ""
    entry: Any = None


def _label(title: str, detail: str) -> Text:
    text = Text(visible(title or "(untitled)"))
    if detail:
        text.append(f"  {visible(detail)}", style="dim")
    return text


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


class EngineOutline(Tree[OutlineItem]):
    """Enter (or selecting a line) asks for what the line stands for."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right", "expand_line", "Expand", id="engine_outline.expand", show=False),
        Binding("left", "collapse_line", "Collapse", id="engine_outline.collapse", show=False),
    ]

    class Chosen(Message):
        """A line was selected: show what it stands for."""

        def __init__(self, item: OutlineItem) -> None:
            super().__init__()
            self.item = item

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(Text("App"), OutlineItem(""), **kwargs)
        self.show_root = False
        self.guide_depth = 2

    def show_outline(self, title: str, outline: dict[str, Any]) -> None:
        """Fill the tree from `actions.outline()`'s answer."""
        self.clear()
        self.root.add_leaf(_label(f"App: {title}", "layout"), OutlineItem("layout"))
        self.root.add_leaf(Text("Load script"), OutlineItem("script"))
        sheets = self._group("Sheets", outline.get("sheets"))
        for sheet in self._items(outline.get("sheets")):
            node = sheets.add(
                _label(_str(sheet.get("title")), _str(sheet.get("id"))), OutlineItem("object", _str(sheet.get("id")), sheet)
            )
            for child in self._items(sheet.get("children")):
                title = _str(child.get("title")) or _str(child.get("type"))
                node.add_leaf(_label(title, _str(child.get("type"))), OutlineItem("object", _str(child.get("id")), child))
        sheets.expand()
        for key, heading in (("measures", "Master measures"), ("dimensions", "Master dimensions"), ("other", "Other objects")):
            group = self._group(heading, outline.get(key))
            for obj in self._items(outline.get(key)):
                group.add_leaf(
                    _label(_str(obj.get("title")), _str(obj.get("type"))), OutlineItem("object", _str(obj.get("id")), obj)
                )
        group = self._group("Variables", outline.get("variables"))
        for var in self._items(outline.get("variables")):
            group.add_leaf(
                _label(_str(var.get("name")), _str(var.get("definition"))), OutlineItem("variable", _str(var.get("name")), var)
            )
        group = self._group("Fields", outline.get("fields"))
        for field in self._items(outline.get("fields")):
            cardinality = field.get("cardinality")
            detail = f"{cardinality:,} values" if isinstance(cardinality, int) and not isinstance(cardinality, bool) else ""
            group.add_leaf(_label(_str(field.get("name")), detail), OutlineItem("field", _str(field.get("name")), field))
        self.root.expand()
        self.move_cursor(self.root.children[0] if self.root.children else None)

    def _group(self, heading: str, values: Any) -> TreeNode[OutlineItem]:
        count = len(values) if isinstance(values, list) else 0
        shown = f"{count:,}" if count <= MAX_ITEMS else f"first {MAX_ITEMS:,} of {count:,}"
        return self.root.add(Text(f"{heading} ({shown})", style="bold"), OutlineItem(""))

    @staticmethod
    def _items(values: Any) -> list[dict[str, Any]]:
        return [v for v in (values if isinstance(values, list) else [])[:MAX_ITEMS] if isinstance(v, dict)]

    def _on_tree_node_selected(self, event: Tree.NodeSelected[OutlineItem]) -> None:
        item = event.node.data
        if item is not None and item.kind:
            self.post_message(self.Chosen(item))

    def action_expand_line(self) -> None:
        """→ opens a group or sheet; on an open one, goes to its first line."""
        node = self.cursor_node
        if node is None or not node.children:
            return
        if not node.is_expanded:
            node.expand()
        else:
            self.move_cursor(node.children[0])

    def action_collapse_line(self) -> None:
        """← closes an open line, else goes to its parent."""
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded and node.children:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)
