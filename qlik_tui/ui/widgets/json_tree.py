"""A JSON tree that builds children only when a node is expanded.

`Tree.add_json` builds every node up front (seconds for 100k nodes); here expanding costs
only the children shown, and lists over 500 entries are split into buckets that expand in
turn. Labels are `rich.text.Text`, never markup, so `[Sales]` and `=Sum([x])` show as they are,
and every key and value passes through `visible()` (an ESC in a key is shown, never obeyed).

Depth: Textual's Tree recurses once per expanded level and keeps every line's full path, so
the tree shows at most MAX_LEVELS levels below its top; deeper, a "deeper levels" line makes
that value the top (and an "up" line goes back), and a search hit down there moves the top.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ...core.json.lazy import ARRAY_TYPES, LazyArray
from ...core.json.pretty import pretty
from ...core.json.search import Path, value_at
from ...core.json.view import BUCKET_SIZE, buckets, is_container, main_list_key, path_text
from ...core.terminal_text import visible
from .json_nodes import ElementNode, JsonNode, node_label

MAX_LEVELS = 40  # levels shown below the tree's top
UNREAD_WIDTH = 60  # columns assumed for a line not drawn yet (its element not read)


class JsonTree(Tree[JsonNode]):
    """Explorable JSON; `c` copies the selected value, `p` its JSON path."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy_value", "Copy value", id="tree.copy_value"),
        Binding("p", "copy_path", "Copy path", id="tree.copy_path"),
        Binding("g", "drill", "Open id", id="tree.drill"),
        Binding("backspace", "back", "Back", id="tree.back"),
        Binding("slash", "find('search')", "Search", id="tree.search"),
        Binding("f", "find('filter')", "Filter", id="tree.filter"),
        Binding("s", "save", "Save body", id="tree.save", show=False),
        Binding("n", "next_page", "Next page", id="tree.next_page", show=False),
        Binding("a", "all_pages", "All pages", id="tree.all_pages", show=False),
        # → / ← open and close nodes as file managers do; shift scrolls sideways instead.
        Binding("right", "expand_or_child", "Expand", id="tree.expand", show=False),
        Binding("left", "collapse_or_parent", "Collapse", id="tree.collapse", show=False),
        Binding("shift+right", "scroll_right", "Scroll right", id="tree.scroll_right", show=False),
        Binding("shift+left", "scroll_left", "Scroll left", id="tree.scroll_left", show=False),
    ]

    class Find(Message):
        """Open the search (or filter) box."""

        def __init__(self, mode: str) -> None:
            super().__init__()
            self.mode = mode

    class Save(Message):
        """Save the response body to a file."""

    class Drill(Message):
        """Open the object the selected id points at."""

        def __init__(self, node: JsonNode) -> None:
            super().__init__()
            self.node = node

    class Back(Message):
        """Go back to the previous response."""

    class Page(Message):
        """Fetch the next page (or every page) of a Qlik Cloud list."""

        def __init__(self, all_pages: bool) -> None:
            super().__init__()
            self.all_pages = all_pages

    class Copy(Message):
        """Ask the app to copy text to the clipboard (OSC 52)."""

        def __init__(self, text: str, what: str) -> None:
            super().__init__()
            self.text = text
            self.what = what

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(Text("(no response)"), **kwargs)
        self.show_root = True
        self.guide_depth = 2
        self._doc: Any = None  # what show() was given; the tree shows part of it from _top down
        self._top: Path = ()

    def release(self) -> None:
        """Drop every node's reference to the document before the nodes go.

        Old nodes form reference cycles (parent, children, tree) that only the cyclic GC
        frees, and the app freezes the GC's view of big documents (see core.http.connection):
        cutting node -> data here lets refcounting free a 100 MB document at once."""
        stack = [self.root]
        while stack:
            node = stack.pop()
            node.data = None
            stack.extend(node.children)
        self._doc = None

    def clear(self) -> JsonTree:  # type: ignore[override]
        self.release()
        super().clear()
        return self

    def show_message(self, message: str) -> None:
        """No JSON to show: a plain line instead."""
        self.clear()
        self.root.data = None
        self.root.allow_expand = False
        self.root.set_label(Text(message, style="dim"))

    def show(self, value: Any) -> None:
        """Replace the tree with `value`, top level expanded, and a list's first record open."""
        self._show(value, ())
        self._open_first_record()

    def _open_first_record(self) -> None:
        """A list (or an object's main list, Cloud's `data`) opens at its first record: its
        fields are what one looks for first. Only the nodes on that path are built."""
        node = self.root
        if node.data is None:
            return
        if isinstance(node.data.value, dict):
            key = main_list_key(node.data.value)
            child = None if key is None else self._child(node, key)
            if child is None:
                return
            node = child
            self._load(node)
            node.expand()
        if node.data is None or not isinstance(node.data.value, ARRAY_TYPES) or not node.children:
            return
        first = node.children[0]
        if first.data is not None and first.data.end is not None:  # a bucket: its first record
            self._load(first)
            first.expand()
            first = first.children[0]
        if first.allow_expand:
            self._load(first)
            first.expand()

    def _show(self, doc: Any, top: Path) -> None:
        value = value_at(doc, top)
        self.clear()
        self._doc, self._top = doc, top
        label = node_label(None, value)
        if top:
            where = f"level {len(top):,}: …{path_text(top[-3:])}" if len(top) > 3 else path_text(top)
            label = Text(visible(where) + "  ", style="dim") + label
        self.root.set_label(label)
        self.root.data = JsonNode(value)
        self.root.allow_expand = is_container(value)
        if top:
            up = len(top) - min(len(top), MAX_LEVELS - 1)
            self.root.add_leaf(Text(f"⤴ up: show from level {up:,} (Enter)", style="dim"), JsonNode(None, move="up"))
        if is_container(value):
            self._load(self.root)
            self.root.expand()
        self.move_cursor(self.root)

    def _on_tree_node_selected(self, event: Tree.NodeSelected[JsonNode]) -> None:
        data = event.node.data
        if data is None or not data.move:
            return
        event.stop()
        if data.move == "up":
            old = self._top
            self._show(self._doc, old[: len(old) - min(len(old), MAX_LEVELS - 1)])
            self.reveal(old)
        else:
            assert event.node.parent is not None
            self._show(self._doc, self.path_of(event.node.parent))

    def _on_tree_node_expanded(self, event: Tree.NodeExpanded[JsonNode]) -> None:
        event.stop()
        self._load(event.node)

    def _load(self, node: TreeNode[JsonNode]) -> None:
        data = node.data
        if data is None or data.loaded or data.move:
            return
        data.loaded = True
        value = data.value
        if data.level >= MAX_LEVELS and data.end is None:
            label = Text("⤷ deeper levels: Enter shows this value at the top", style="dim")
            node.add_leaf(label, JsonNode(None, move="deeper"))
            return
        level = data.level + (data.end is None)  # a bucket is no level of the document
        if isinstance(value, ARRAY_TYPES):
            end = len(value) if data.end is None else data.end
            if end - data.start > BUCKET_SIZE:
                for start, stop in buckets(end - data.start):
                    first, last = data.start + start, data.start + stop
                    label = Text(f"[{first:,} … {last - 1:,}]", style="dim")
                    node.add(label, JsonNode(value, first, last, level=data.level))
                return
            holder_key = data.key
            if isinstance(value, LazyArray):
                # Lines only: an element is read when its line is drawn (render_label) or opened.
                for index in range(data.start, end):
                    element = ElementNode.unread_at(value, index, holder_key, level)
                    node.add(Text(f"[{index}]", style="bold"), element, allow_expand=value.opens(index))
                return
            # One slice: each element is made once, here, for this bucket only.
            for index, item in enumerate(value[data.start : end], data.start):
                child = JsonNode(item, key=index, parent=value, parent_key=holder_key, level=level)
                self._add_value(node, f"[{index}]", item, child)
        elif isinstance(value, dict):
            for key, item in value.items():
                child = JsonNode(item, key=str(key), parent=value, parent_key=data.key, level=level)
                self._add_value(node, str(key), item, child)

    def render_label(self, node: TreeNode[JsonNode], base_style: Style, style: Style) -> Text:
        data = node.data
        if isinstance(data, ElementNode) and data.unread:
            node._label = self.process_label(node_label(f"[{data.key}]", data.value))  # read now: it is drawn
        return super().render_label(node, base_style, style)

    def get_label_width(self, node: TreeNode[JsonNode]) -> int:
        data = node.data
        if isinstance(data, ElementNode) and data.unread:
            return UNREAD_WIDTH  # a guess: measuring it would read every element of the bucket
        return super().get_label_width(node)

    def _add_value(self, parent: TreeNode[JsonNode], key: str, value: Any, child: JsonNode) -> None:
        if is_container(value):
            parent.add(node_label(key, value), child)
        else:
            parent.add_leaf(node_label(key, value), child)

    def path_of(self, node: TreeNode[JsonNode]) -> Path:
        """The keys and indices from the document's top to `node` (buckets skipped)."""
        parts: list[str | int] = []
        current: TreeNode[JsonNode] | None = node
        while current is not None and current is not self.root:
            data = current.data
            if data is not None and data.end is None and data.key is not None:
                parts.append(data.key)
            current = current.parent
        return self._top + tuple(reversed(parts))

    def _selected(self) -> JsonNode | None:
        node = self.cursor_node
        return node.data if node is not None else None

    def action_copy_value(self) -> None:
        """Copy the selected value as JSON (strings without quotes)."""
        data = self._selected()
        if data is None:
            return
        if data.move:
            return
        value = data.value if data.end is None else data.value[data.start : data.end]
        text = value if isinstance(value, str) else pretty(value)
        self.post_message(self.Copy(text, "value"))

    def action_find(self, mode: str) -> None:
        """Open the search or filter box."""
        self.post_message(self.Find(mode))

    def action_save(self) -> None:
        """Ask the app to save the body."""
        self.post_message(self.Save())

    def reveal(self, path: Path) -> bool:
        """Expand only the nodes on `path` (through buckets), select its node; False if absent.

        A path outside the levels shown moves the tree's top first."""
        inside = path[: len(self._top)] == self._top and len(path) - len(self._top) < MAX_LEVELS
        if not inside:
            try:
                value_at(self._doc, path)
            except (KeyError, IndexError, TypeError):
                return False
            self._show(self._doc, path[: max(0, len(path) - MAX_LEVELS // 2)])
        node = self.root
        for part in path[len(self._top) :]:
            self._load(node)
            node.expand()
            child = self._child(node, part)
            if child is None:
                return False
            if child.data is not None and child.data.end is not None:  # a bucket: go one level in
                self._load(child)
                child.expand()
                child = self._child(child, part)
                if child is None:
                    return False
            node = child
        # Lines of newly expanded nodes exist only after the next layout: select then.
        self.call_after_refresh(self._select, node)
        return True

    def _select(self, node: TreeNode[JsonNode]) -> None:
        self.move_cursor(node)
        self.scroll_to_node(node, animate=False)

    @staticmethod
    def _child(node: TreeNode[JsonNode], part: str | int) -> TreeNode[JsonNode] | None:
        for child in node.children:
            data = child.data
            if data is None or data.move:
                continue
            if data.end is not None and isinstance(part, int) and data.start <= part < data.end:
                return child
            if data.end is None and data.key == part:
                return child
        return None

    def action_drill(self) -> None:
        """Ask the app to open the object the selected id points at."""
        data = self._selected()
        if data is not None and data.end is None and not data.move:
            self.post_message(self.Drill(data))

    def action_back(self) -> None:
        """Back through the trail of responses."""
        self.post_message(self.Back())

    def action_next_page(self) -> None:
        """Next page of a Qlik Cloud list."""
        self.post_message(self.Page(all_pages=False))

    def action_all_pages(self) -> None:
        """Every page of a Qlik Cloud list."""
        self.post_message(self.Page(all_pages=True))

    def action_copy_path(self) -> None:
        """Copy the selected node's JSON path."""
        node = self.cursor_node
        if node is not None and node.data is not None and not node.data.move:
            self.post_message(self.Copy(path_text(self.path_of(node)), "path"))

    def action_expand_or_child(self) -> None:
        """→: open a closed node; on an open one, go to its first child."""
        node = self.cursor_node
        if node is None or not node.allow_expand:
            return
        if not node.is_expanded:
            node.expand()
        elif node.children:
            self.action_cursor_down()  # the first child is the line below an open node

    def action_collapse_or_parent(self) -> None:
        """←: close an open node; on a leaf or a closed node, go to its parent."""
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None:
            self.move_cursor(node.parent)
