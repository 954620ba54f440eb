"""The endpoint catalog as a tree grouped by resource, with type-to-filter."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Tree
from textual.widgets.tree import NodeID, TreeNode

from ...core.catalog.builtin import BUILTIN, Endpoint, groups, subsequence

METHOD_STYLE = {
    "GET": "bold green",
    "POST": "bold yellow",
    "PUT": "bold blue",
    "PATCH": "bold blue",
    "DELETE": "bold red",
    "HEAD": "bold green",
}
METHOD_WIDTH = 7  # 'DELETE ' : paths line up under each other
ELLIPSIS = "…"
AUTO_EXPAND = 12  # with no filter, groups open by themselves only for a catalog this small
EXPAND_MATCHES = 60  # a filter opens its groups when it leaves at most this many endpoints


API_ROOTS = ("/qrs/", "/api/v1/")  # every row of a catalog shares one: the first thing to drop


def fit_path(path: str, width: int) -> str:
    """`path` in at most `width` cells. The shared API root goes first (`…/app/object/full`);
    then the middle, keeping the resource (the first segment) and the end, so
    `/app…ct/full`, `/app…t/count` and `/sele…/count` stay apart."""
    if width <= 0 or len(path) <= width:
        return path
    if width == 1:
        return ELLIPSIS
    short = next((path[len(root) - 1 :] for root in API_ROOTS if path.startswith(root)), path)
    if len(short) < width:
        return ELLIPSIS + short
    resource = "/" + short.split("/")[1] if short.startswith("/") else short.split("/")[0]
    head = resource[: max(0, width // 2 - 1)]
    tail = width - len(head) - 1
    return head + ELLIPSIS + short[-tail:] if tail > 0 else ELLIPSIS


def endpoint_label(endpoint: Endpoint, width: int = 0) -> Text:
    """'GET    /qrs/app/full' with the method coloured (plain Text, no markup), fitted to
    `width` cells when given: the source marker goes first, then the deprecation mark's words
    (the ⚠ stays), then the path's start."""
    text = Text(no_wrap=True, overflow="crop")
    text.append(f"{endpoint.method:<{METHOD_WIDTH - 1}} ", style=METHOD_STYLE.get(endpoint.method, "bold"))
    room = width - METHOD_WIDTH if width > 0 else 0
    marker = f"  ·{endpoint.source}" if endpoint.source != BUILTIN else ""
    mark, mark_style = "", ""
    if endpoint.deprecation is not None:  # the full mark (with the replacement) is under the path once loaded
        gone = endpoint.deprecation.sunset_passed()
        mark, mark_style = ("  ⚠ past sunset", "italic red") if gone else ("  ⚠ deprecated", "italic yellow")
    if room and len(endpoint.path) + len(marker) + len(mark) > room:
        marker = ""
    if room and mark and len(endpoint.path) + len(mark) > room:
        mark = " ⚠"
    text.append(fit_path(endpoint.path, max(room - len(mark), 1) if room else 0))
    if mark:
        text.append(mark, style=mark_style)
    if marker:
        text.append(marker, style="dim italic")
    return text


def _found(word: str, hay: str, path: str) -> bool:
    """`fuzzy_score`'s rule for one word: in the text, or its letters in order in the path."""
    return word in hay or subsequence(word, path)


class EndpointTree(Tree[Endpoint]):
    """A tree whose endpoint rows fit its width (no row is cut off without an ellipsis)."""

    DEFAULT_CSS = """
    /* Focus must show without colour (16-colour terminals, NO_COLOR): the cursor row of
       the focused tree is reversed and bold, whatever the palette can draw. */
    EndpointTree:focus > .tree--cursor {
        text-style: reverse bold;
    }
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._fitted: dict[tuple[int, int], Text] = {}
        self._batching = False

    @contextmanager
    def many_nodes(self) -> Iterator[None]:
        """Add many nodes with one re-layout at the end instead of one per node (Tree
        re-lays itself out on every add: a tenth of a millisecond each, 100 groups a keystroke)."""
        self._batching = True
        try:
            yield
        finally:
            self._batching = False
            self._invalidate()

    def _invalidate(self) -> None:
        if not self._batching:
            super()._invalidate()

    def _label_room(self, node: TreeNode[Endpoint]) -> int:
        # Guides take guide_depth cells per level below the top (the root is hidden); one
        # scrollbar's width is always kept free so a scrollbar appearing later cannot cut a row.
        depth = 0
        parent = node.parent
        while parent is not None and parent is not self.root:
            depth += 1
            parent = parent.parent
        scrollbar = self.styles.scrollbar_size_vertical
        return max(0, self.size.width - scrollbar - depth * self.guide_depth)

    def render_label(self, node: TreeNode[Endpoint], base_style: Style, style: Style) -> Text:
        """Endpoint rows are built for the width available; groups as Tree draws them."""
        endpoint = node.data
        if not isinstance(endpoint, Endpoint) or self.size.width == 0:
            return super().render_label(node, base_style, style)
        room = self._label_room(node)
        key = (id(endpoint), room)
        label = self._fitted.get(key)
        if label is None:
            if len(self._fitted) > 20_000:
                self._fitted.clear()
            label = self._fitted[key] = endpoint_label(endpoint, room)
        label = label.copy()
        label.stylize(style)
        return label

    def forget_labels(self) -> None:
        """Drop the fitted labels (the catalog changed)."""
        self._fitted.clear()


class EndpointBrowser(Vertical):
    """Filter box above a tree of endpoints; Enter on an endpoint loads it into the editor."""

    class Chosen(Message):
        """The user picked an endpoint."""

        def __init__(self, endpoint: Endpoint) -> None:
            super().__init__()
            self.endpoint = endpoint

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._endpoints: list[Endpoint] = []
        self._members: dict[NodeID, list[Endpoint]] = {}  # rows of groups not opened yet
        self._hay: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield Input(placeholder="filter endpoints…", id="endpoint-filter", compact=True)
        tree = EndpointTree("Endpoints", id="endpoint-tree")
        tree.show_root = False
        yield tree

    def show(self, endpoints: list[Endpoint] | tuple[Endpoint, ...]) -> None:
        """Replace the catalog (a profile switch changes QSEoW <-> Cloud)."""
        self._endpoints = list(endpoints)
        self._hay = []
        self.query_one(EndpointTree).forget_labels()
        self._rebuild(self.query_one("#endpoint-filter", Input).value)

    def _rebuild(self, query: str) -> None:
        # A group's rows are built when it opens, so a keystroke on a 2,000-entry catalog
        # builds only the group rows and whatever is open (the filter stays under 50 ms).
        tree = self.query_one(EndpointTree)
        self._members = {}
        shown = self._matching(query)
        expand = len(shown) <= (EXPAND_MATCHES if query.strip() else AUTO_EXPAND)
        with tree.many_nodes():
            tree.clear()
            for group, items in groups(shown).items():
                branch = tree.root.add(Text(f"{group} ({len(items)})", style="bold"), allow_expand=True)
                self._members[branch.id] = items
                if expand:
                    self._open(branch)

    def _matching(self, query: str) -> list[Endpoint]:
        """What `fuzzy_score` keeps, with each entry's lower-cased text made once per catalog."""
        words = query.lower().split()
        if not words:
            return self._endpoints
        if len(self._hay) != len(self._endpoints):
            self._hay = [(f"{e.method} {e.path} {e.summary} {e.group}".lower(), e.path.lower()) for e in self._endpoints]
        return [e for e, (hay, path) in zip(self._endpoints, self._hay, strict=True) if all(_found(w, hay, path) for w in words)]

    def _open(self, branch: TreeNode[Endpoint]) -> None:
        """Build a group's rows (once) and expand it."""
        items = self._members.pop(branch.id, None)
        if items is not None:
            for endpoint in items:
                branch.add_leaf(endpoint_label(endpoint), endpoint)
        branch.expand()

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Endpoint]) -> None:
        event.stop()
        if event.node.id in self._members:
            self._open(event.node)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._rebuild(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the filter: into the tree, on the first matching endpoint."""
        event.stop()
        tree = self.query_one(EndpointTree)
        tree.focus()
        for group in tree.root.children:
            self._open(group)
            if group.children:
                tree.move_cursor(group.children[0])
                break

    def on_tree_node_selected(self, event: Tree.NodeSelected[Endpoint]) -> None:
        event.stop()
        if isinstance(event.node.data, Endpoint):
            self.post_message(self.Chosen(event.node.data))
