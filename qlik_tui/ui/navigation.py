"""Catalog, placeholders, drill-down, the trail of responses and paging: how a person moves
from one endpoint and one answer to the next. Mixed into the app."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.widgets import Input

from ..core.catalog.builtin import Endpoint, builtin, fill_placeholders, merge, qrs_count_path
from ..core.catalog.cache import read_cache
from ..core.catalog.discovery import load_openapi_file
from ..core.catalog.drilldown import drill_target
from ..core.errors import QlikTuiError
from ..core.http.types import Request
from ..core.json.view import plural
from ..core.terminal_text import visible
from .app_protocol import AppHost
from .messages import CatalogReady, CountReady
from .screens.placeholders import PlaceholderScreen
from .screens.save_body import SaveBodyScreen, suggested_name
from .widgets.endpoint_browser import EndpointBrowser
from .widgets.json_tree import JsonTree
from .widgets.lazy_tabs import LazyTabbedContent
from .widgets.request_editor import RequestEditor
from .widgets.response_view import ResponseView

MAX_PAGES = 100


class NavigationActions(AppHost):
    """Mixed into the app: moving between endpoints and answers."""

    async def action_focus_history(self) -> None:
        """Jump to the History tab's list: Enter loads and sends a past request again."""
        self.query_one("#sidebar").display = True
        tabs = self.query_one("#side-tabs", LazyTabbedContent)
        tabs.active = "tab-history"
        await tabs.filled("tab-history")  # filled on first open: the list exists once mounted
        self.query_one("#history").focus()

    # ---------------------------------------------------------------- catalog
    def catalog_for(self, name: str | None) -> list[Endpoint]:
        """Built-in + the profile's catalog_files + the cached server catalog (no network)."""
        if self.workspace is None or name is None:
            return []
        state = self.workspace.state(name)
        if state.catalog is None:
            catalog = list(builtin(state.profile.type))
            for path in state.profile.catalog_paths:
                try:
                    catalog = merge(catalog, load_openapi_file(path))
                except QlikTuiError as exc:
                    self.notify(f"{exc.message}\nhint: {exc.hint}", title="Catalog file skipped", severity="warning", timeout=10)
            cached = read_cache(name) if state.profile.type == "qseow" else None
            state.catalog = merge(catalog, cached.endpoints) if cached else catalog
        return state.catalog

    def action_discover(self) -> None:
        """F6: ask the QSEoW server for every endpoint it offers (cached per build)."""
        if self.workspace is None or self.workspace.active is None:
            return
        state = self.workspace.state()
        if state.profile.type != "qseow":
            self.notify("Qlik Cloud does not publish its catalog: list OpenAPI files in the profile's catalog_files.", timeout=8)
            return
        self.notify("Asking the server for its endpoints…")
        self._connection_listener(state.profile.name)
        self._discover(state.profile.name)

    @work(group="discover", exclusive=True, exit_on_error=False, description="discover the server's endpoints")
    async def _discover(self, name: str) -> None:
        from ..core.catalog.discover_server import discover_qseow

        connection = self.workspace.state(name).connect()  # type: ignore[union-attr]
        try:
            found = await discover_qseow(connection, use_cache=False)
        except QlikTuiError as exc:
            self.post_message(CatalogReady(name, [], "", exc))
            return
        self.post_message(
            CatalogReady(name, found.endpoints, f"{len(found.endpoints):,} operations ({found.origin}, build {found.build})")
        )

    def on_catalog_ready(self, message: CatalogReady) -> None:
        if self.workspace is None or message.name not in self.workspace.profile_set.profiles:
            return
        if message.error is not None:
            self.notify(
                f"{message.error.message}\nhint: {message.error.hint}", title="Discovery failed", severity="error", timeout=10
            )
            return
        state = self.workspace.state(message.name)
        state.catalog = None
        state.catalog = merge(self.catalog_for(message.name), message.endpoints)
        if message.name == self.workspace.active:
            self.query_one(EndpointBrowser).show(state.catalog)
        self.notify(f"{message.name}: {message.summary}")

    # ---------------------------------------------------------------- endpoints, history, copy
    def load_endpoint(self, endpoint: Endpoint) -> None:
        """Put an endpoint into the editor; placeholders are asked for first."""
        editor = self.query_one(RequestEditor)
        if not endpoint.placeholders or self.workspace is None or self.workspace.active is None:
            editor.load_endpoint(endpoint)
            self.query_one("#path", Input).focus()
            count_path = qrs_count_path(endpoint.path) if endpoint.method == "GET" else None
            if count_path and self.workspace is not None and self.workspace.active is not None:
                self._count(self.workspace.active, endpoint.path, count_path)
            return

        def filled(values: dict[str, str] | None) -> None:
            editor.load_endpoint(endpoint)
            if values:
                editor.query_one("#path", Input).value = fill_placeholders(endpoint.path, values)
            self.query_one("#path", Input).focus()

        self.push_screen(PlaceholderScreen(endpoint.path, self.workspace.state().seen), filled)

    @work(group="count", exclusive=True, exit_on_error=False, description="count a QRS list")
    async def _count(self, name: str, list_path: str, count_path: str) -> None:
        """QRS lists come whole: say how many objects a list holds before it is sent."""
        self._connection_listener(name)
        connection = self.workspace.state(name).connect()  # type: ignore[union-attr]
        try:
            response = await connection.send(Request.build("GET", count_path))
            value = response.json().get("value") if response.ok else None
        except (QlikTuiError, ValueError, AttributeError):
            return  # only a hint: a failure here says nothing the real request will not
        if isinstance(value, int):
            self.post_message(CountReady(name, list_path, value))

    def on_count_ready(self, message: CountReady) -> None:
        if self.workspace is None or message.name != self.workspace.active:
            return
        if self.query_one("#path", Input).value == message.path:
            self.query_one(RequestEditor).note(f"{plural(message.value, 'object')} in this list (from /count)")

    # ---------------------------------------------------------------- drill-down, trail, pages
    def on_json_tree_drill(self, message: JsonTree.Drill) -> None:
        if self.workspace is None or self.workspace.active is None:
            return
        state = self.workspace.state()
        node = message.node
        path = state.request.path if state.request else ""
        target = drill_target(state.profile.type, path, node.key, node.value, node.parent, node.parent_key)
        if target is None:
            self.notify("No endpoint is known for this value: select an id (or an object with an id).", severity="warning")
            return
        self.query_one(RequestEditor).load(target.method, target.path)
        self.send_request(target)

    def on_json_tree_save(self, _: JsonTree.Save) -> None:
        """Save the shown response's body (s in the tree)."""
        state = self.workspace.state() if self.workspace and self.workspace.active else None
        if state is None or state.response is None or not state.response.body:
            self.notify("No response body to save.", severity="warning")
            return

        def saved(path: Path | None) -> None:
            if path is not None:
                self.notify(f"Saved {path}")

        name = suggested_name(state.request.path if state.request else "response")
        self.push_screen(SaveBodyScreen(name, state.response.body), saved)

    def on_json_tree_back(self, _: JsonTree.Back) -> None:
        if self.workspace is None or self.workspace.active is None:
            return
        state = self.workspace.state()
        if not state.back():
            self.notify("This is the first response of the trail.")
            return
        assert state.request is not None and state.response is not None
        self.query_one(RequestEditor).load(state.request.method, state.request.path, list(state.request.query))
        self.query_one(ResponseView).show(state.response)

    def on_json_tree_page(self, message: JsonTree.Page) -> None:
        if self.workspace is None or self.workspace.active is None:
            return
        state = self.workspace.state()
        if state.profile.type != "cloud" or state.request is None or state.response is None:
            self.notify("Paging is for Qlik Cloud lists (QRS lists come whole).", severity="warning")
            return
        if message.all_pages:
            # From the first page, whichever page is on screen now.
            first = [(k, v) for k, v in state.request.query if k not in ("next", "prev")]
            request = Request.build(state.request.method, state.request.path, first)
            self.query_one(RequestEditor).load(request.method, request.path, list(request.query))
            self.send_request(request, all_pages=True)
            return
        try:
            from ..core.http.cloud import next_page_request  # deferred: httpx and the crypto stack load after the first frame

            request = next_page_request(state.response, state.profile.url)
        except QlikTuiError as exc:  # the message quotes the server's href
            text = f"{visible(exc.message)}\nhint: {exc.hint}"
            self.notify(text, title="Next page", severity="warning", timeout=10, markup=False)
            return
        if request is None:
            self.notify("No next page.")
            return
        self.query_one(RequestEditor).load(request.method, request.path, list(request.query))
        self.send_request(request)

    # ---------------------------------------------------------------- the same, from the palette
    def action_next_page(self) -> None:
        """The next page of a Qlik Cloud list (n in the tree)."""
        self.on_json_tree_page(JsonTree.Page(False))

    def action_all_pages(self) -> None:
        """Every page of a Qlik Cloud list (a in the tree)."""
        self.on_json_tree_page(JsonTree.Page(True))

    def action_previous_response(self) -> None:
        """Back to the previous response of the trail (Backspace in the tree)."""
        self.on_json_tree_back(JsonTree.Back())
