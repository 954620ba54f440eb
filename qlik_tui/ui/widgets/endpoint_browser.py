"""The endpoint catalog as a tree grouped by resource, with type-to-filter."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Tree

from ...core.catalog.builtin import BUILTIN, Endpoint, fuzzy_score, groups

METHOD_STYLE = {"GET": "bold green", "POST": "bold yellow", "PUT": "bold blue", "PATCH": "bold blue", "DELETE": "bold red"}


def endpoint_label(endpoint: Endpoint) -> Text:
    """'GET  /qrs/app/full' with the method coloured (plain Text, no markup)."""
    text = Text()
    text.append(f"{endpoint.method:<6} ", style=METHOD_STYLE.get(endpoint.method, "bold"))
    text.append(endpoint.path)
    if endpoint.source != BUILTIN:
        text.append(f"  ·{endpoint.source}", style="dim italic")
    if endpoint.deprecation is not None:  # the full mark (with the replacement) is under the path once loaded
        gone = endpoint.deprecation.sunset_passed()
        text.append("  ⚠ past sunset" if gone else "  ⚠ deprecated", style="italic red" if gone else "italic yellow")
    return text


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

    def compose(self) -> ComposeResult:
        yield Input(placeholder="filter endpoints…", id="endpoint-filter", compact=True)
        tree: Tree[Endpoint] = Tree("Endpoints", id="endpoint-tree")
        tree.show_root = False
        yield tree

    def show(self, endpoints: list[Endpoint] | tuple[Endpoint, ...]) -> None:
        """Replace the catalog (a profile switch changes QSEoW <-> Cloud)."""
        self._endpoints = list(endpoints)
        self._rebuild(self.query_one("#endpoint-filter", Input).value)

    def _rebuild(self, query: str) -> None:
        tree: Tree[Endpoint] = self.query_one("#endpoint-tree", Tree)
        tree.clear()
        shown = [e for e in self._endpoints if fuzzy_score(query, e) > 0]
        for group, items in groups(shown).items():
            branch = tree.root.add(Text(f"{group} ({len(items)})", style="bold"), expand=bool(query) or len(shown) <= 12)
            for endpoint in items:
                branch.add_leaf(endpoint_label(endpoint), endpoint)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._rebuild(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the filter: into the tree, on the first matching endpoint."""
        event.stop()
        tree: Tree[Endpoint] = self.query_one("#endpoint-tree", Tree)
        tree.focus()
        for group in tree.root.children:
            if group.children:
                group.expand()
                tree.move_cursor(group.children[0])
                break

    def on_tree_node_selected(self, event: Tree.NodeSelected[Endpoint]) -> None:
        event.stop()
        if isinstance(event.node.data, Endpoint):
            self.post_message(self.Chosen(event.node.data))
