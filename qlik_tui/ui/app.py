"""The qlik-tui app: one main screen, modal screens for editing.

A thin face over core: widgets post messages up, the app sets attributes down, and workers
call core and post results back. One failed request never ends the app.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
import weakref
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ClassVar

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, Input, TabbedContent, TabPane
from textual.worker import Worker

from ..core import debug_log
from ..core.auth.session_cache import SessionCache
from ..core.catalog.seen_ids import SeenIds
from ..core.errors import BodyTooLarge, ProfileError, QlikTuiError
from ..core.http.types import Request, Response
from ..core.profiles.model import ProfileSet
from ..core.workspace import Workspace
from .bindings import APP_BINDINGS
from .clipboard import copy_notice
from .drafts import Draft, restore_draft, save_draft
from .external_tools import ExternalTools
from .footer import AppFooter, give_modal_footer
from .help import help_sections
from .messages import RequestDone
from .navigation import MAX_PAGES, NavigationActions
from .palette import endpoints_provider, profiles_provider, saved_provider, system_commands
from .profile_actions import ProfileActions
from .saved_actions import SavedActions
from .screens.simple import ConfirmScreen, CopiedScreen, InfoScreen, help_text
from .screens.welcome import WelcomeScreen
from .share_actions import ShareActions
from .theme_state import load_theme, save_theme
from .token_actions import TokenActions
from .widgets.endpoint_browser import EndpointBrowser
from .widgets.history_list import HistoryList
from .widgets.json_tree import JsonTree
from .widgets.lazy_tabs import LazyTabbedContent
from .widgets.profile_list import ProfileList
from .widgets.request_editor import RequestEditor
from .widgets.response_view import ResponseView
from .widgets.saved_list import SavedBrowser
from .widgets.token_panel import TokenPanel

DEFAULT_MAX_BODY = 200 * 1024 * 1024


def _collect_ids(seen: SeenIds, response: Response) -> None:
    try:
        seen.collect(response.json(), response.url)
    except ValueError:
        pass


class QlikTuiApp(ProfileActions, NavigationActions, TokenActions, ShareActions, SavedActions, ExternalTools, App[int]):
    """Profiles, tokens, endpoints, requests and responses for QSEoW and Qlik Cloud."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses elsewhere still find it
    TITLE = "qlik-tui"
    COMMANDS = App.COMMANDS | {profiles_provider, endpoints_provider, saved_provider}  # loaded when the palette opens
    BINDINGS: ClassVar[list[BindingType]] = APP_BINDINGS

    def __init__(
        self,
        path: Path,
        profile_set: ProfileSet | None,
        *,
        active: str | None = None,
        request: str | None = None,
        problem: ProfileError | None = None,
        history_dir: Path | None = None,
        clock: Callable[[], float] = time.time,
        max_body: int | None = DEFAULT_MAX_BODY,
        sessions: SessionCache | None = None,
    ) -> None:
        super().__init__()
        self.clock = clock
        self.sessions = sessions  # kept sessions, shared with `qlik-tui call` (None: not kept)
        self.profiles_path = path
        self.problem = problem
        self.history_dir = history_dir
        self.workspace: Workspace | None = (
            Workspace(profile_set, history_dir, active, clock, sessions=sessions)
            if profile_set is not None and profile_set.profiles
            else None
        )
        self.initial_request = request
        self._drafts: dict[str, Draft] = {}
        self._in_flight: dict[str, tuple[Worker[None], str, float, int]] = {}
        self._bytes_received = 0
        self._bytes_total: int | None = None
        self._pages = 0
        self._tickets = 0
        self.max_body = max_body
        self.last_copied: tuple[str, str] | None = None  # (what, value): F8 shows it
        self._theme_saved = load_theme(set(self.available_themes))
        if self._theme_saved:
            self._start_with_theme(self._theme_saved)

    # ---------------------------------------------------------------- layout and start
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            with Vertical(id="sidebar"):
                yield ProfileList(id="profiles")
                yield TokenPanel(self.clock, id="token")
                # History and Saved are filled when first opened: not styled before the first frame.
                fillers = {"tab-history": self._history_list, "tab-saved": self._saved_browser}
                with LazyTabbedContent(id="side-tabs", fillers=fillers):
                    with TabPane("Endpoints", id="tab-endpoints"):
                        yield EndpointBrowser(id="endpoints")
                    yield TabPane("History", id="tab-history")
                    yield TabPane("Saved", id="tab-saved")
            with Vertical(id="work"):
                yield RequestEditor(id="editor")
                yield ResponseView(id="response")
        yield AppFooter(id="footer")

    def _history_list(self) -> HistoryList:
        state = self.workspace.state() if self.workspace is not None and self.workspace.active else None
        return HistoryList(state.history.entries() if state else None, id="history")

    def _saved_browser(self) -> SavedBrowser:
        return SavedBrowser(self.saved_requests(), id="saved")

    def show_history(self, entries: list[Any]) -> None:
        """The History tab's rows (nothing to do while the tab was never opened: it reads them then)."""
        for widget in self.query(HistoryList):
            widget.show(entries)

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.screen_change_signal.subscribe(self, give_modal_footer)
        # Ten times a second only while a request runs: idle, the app wakes once a second.
        self._ticker = self.set_interval(0.1, self._tick_running, name="elapsed ticker", pause=True)
        # A steady cursor: a blinking one repaints its line twice a second, forever (bandwidth over SSH).
        for box in self.query("Input, TextArea"):
            box.cursor_blink = False  # type: ignore[attr-defined]
        for rack in self.screen.query("#textual-toastrack"):
            # Hidden by CSS, then inline by the first (empty) notification update after the first
            # frame: a style change costing a layout of every widget. Set now, it changes nothing.
            rack.display = False
        self.set_interval(1.0, self._keep_token_fresh, name="token refresher")
        if self.workspace is None:
            self.push_screen(WelcomeScreen(self.profiles_path, self.problem), self._after_welcome)
            return
        self.switch_profile(self.workspace.active or "")
        self.refresh_saved()
        if self.initial_request:
            method, _, path = self.initial_request.strip().partition(" ")
            if not path:
                method, path = "GET", method
            self.query_one(RequestEditor).load(method.upper(), path.strip())
        self.query_one("#path", Input).focus()

    def _start_with_theme(self, name: str) -> None:
        # Set before the first styling: set in on_mount, Textual re-parsed the CSS and re-styled
        # every widget before the first frame (+40% of the work to it). What `_watch_theme`
        # does, minus that refresh: the stylesheet has not been applied to anything yet.
        self.set_reactive(App.theme, name)
        self.stylesheet.set_variables(self.get_css_variables())
        dark = self.current_theme.dark
        self.update_classes({f"-theme-{name}": True, "-dark-mode": dark, "-light-mode": not dark}, update=False)
        self._refresh_truecolor_filter(self.ansi_theme)

    def _after_welcome(self, result: ProfileSet | None) -> None:
        if result is None or not result.profiles:
            self.exit(2 if self.problem else 0)
            return
        self.problem = None
        self.workspace = Workspace(result, self.history_dir, clock=self.clock, sessions=self.sessions)
        self.switch_profile(self.workspace.active or "")
        self.refresh_saved()

    # ---------------------------------------------------------------- profiles
    def switch_profile(self, name: str) -> None:
        """Make `name` the active profile; everything on screen follows, nothing is lost."""
        workspace = self.workspace
        if workspace is None or name not in workspace.profile_set.profiles:
            return
        if workspace.active and workspace.active in workspace.profile_set.profiles:
            self._drafts[workspace.active] = save_draft(self.query_one(RequestEditor))
        workspace.active = name
        state = workspace.state(name)
        profile = state.profile
        self.title = f"qlik-tui · {name}"
        tls = "  ⚠ TLS verification OFF" if profile.tls_verification_off else ""
        self.sub_title = f"{profile.product} · {profile.host}{tls}"
        self.query_one(ProfileList).show(workspace.profile_set, name)
        self.query_one(EndpointBrowser).show(self.catalog_for(name))
        self.show_history(state.history.entries())
        panel = self.query_one(TokenPanel)
        panel.profile = profile
        panel.failure = ""
        panel.token = state.connection.tokens.token if state.connection else None
        panel.credential = state.connection.credential_info() if state.connection and not profile.signs_jwts else None
        panel.last_event = state.connection.events.history[-1] if state.connection and state.connection.events.history else None
        restore_draft(self.query_one(RequestEditor), self._drafts.get(name))
        view = self.query_one(ResponseView)
        if state.response is not None:
            view.show(state.response)
        elif isinstance(state.error, QlikTuiError):
            view.show_error(state.error)
        else:
            view.show_idle("No request sent yet for this profile. Pick an endpoint or type a path, then F5.")
        if name in self._in_flight:
            view.show_waiting(self._in_flight[name][1], time.monotonic() - self._in_flight[name][2])
        if panel.token is None and profile.signs_jwts:  # other methods have nothing to mint
            # After the first frame: loading the crypto stack must not delay what people see.
            self.call_after_refresh(self._mint, name)

    def action_next_profile(self) -> None:
        """F2: the next profile in file order (wraps)."""
        if self.workspace is None or not self.workspace.profile_set.profiles:
            return
        names = self.workspace.profile_set.names()
        current = names.index(self.workspace.active) if self.workspace.active in names else -1
        self.switch_profile(names[(current + 1) % len(names)])

    def on_profile_list_switch(self, message: ProfileList.Switch) -> None:
        self.switch_profile(message.name)

    # ---------------------------------------------------------------- requests
    def action_send(self) -> None:
        """F5 / ctrl+j: send what is in the editor, in a worker."""
        if self.workspace is None or self.workspace.active is None:
            return
        try:
            request = self.query_one(RequestEditor).build(self.fill_variables)  # {{name}} from the profile's vars
        except QlikTuiError as exc:
            self.query_one(ResponseView).show_error(exc, "not sent")
            return
        self.send_request(request)

    def send_request(self, request: Request, all_pages: bool = False, uncapped: bool = False) -> None:
        """Send `request` for the active profile (a newer send replaces a running one)."""
        name = self.workspace.active  # type: ignore[union-attr]
        assert name is not None
        if name in self._in_flight:
            self._in_flight.pop(name)[0].cancel()
        self._connection_listener(name)
        self._bytes_received, self._bytes_total = 0, None
        self._pages = 0
        self._tickets += 1
        worker = self._send(name, request, self._tickets, all_pages, uncapped)
        label = request.label() + (f" (all pages, at most {MAX_PAGES})" if all_pages else "")
        self._in_flight[name] = (worker, label, time.monotonic(), self._tickets)
        self.query_one(ResponseView).show_waiting(request.label(), 0.0)
        self._ticker.resume()

    @work(exclusive=False, exit_on_error=False, group="request", description="send a request")
    async def _send(self, name: str, request: Request, ticket: int, all_pages: bool = False, uncapped: bool = False) -> None:
        connection = self.workspace.state(name).connect()  # type: ignore[union-attr]
        connection.max_body = None if uncapped else self.max_body
        connection.freeze_gc_after_parse = True
        connection.lazy_json = True  # big lists stay bytes until the tree or a search reads them

        def progress(received: int, total: int | None) -> None:
            self._bytes_received, self._bytes_total = received, total

        def on_page(pages: int) -> None:
            self._pages = pages

        try:
            response = await connection.send(
                request, progress=progress, all_pages=all_pages, max_pages=MAX_PAGES, on_page=on_page
            )
        except QlikTuiError as exc:
            self.post_message(RequestDone(name, request, None, exc, ticket=ticket, all_pages=all_pages))
            return
        except (asyncio.CancelledError, KeyboardInterrupt):
            raise
        except Exception as exc:
            debug_log.error(exc, name)  # with --debug: the traceback, for the report
            error = QlikTuiError(f"unexpected error: {exc!r}", "please report this")
            self.post_message(RequestDone(name, request, None, error, ticket=ticket))
            return
        self.post_message(RequestDone(name, request, response, None, ticket=ticket))

    def on_request_done(self, message: RequestDone) -> None:
        if self.workspace is None or message.name not in self.workspace.profile_set.profiles:
            return
        running = self._in_flight.get(message.name)
        if running is None or running[3] != message.ticket:
            return  # cancelled, or replaced by a newer request: its answer is not wanted
        self._in_flight.pop(message.name)
        if isinstance(message.error, BodyTooLarge):
            self._ask_uncapped(message)
            return
        if message.error is not None:
            debug_log.error(message.error, message.name)
        state = self.workspace.state(message.name)
        state.remember(message.request, message.response, message.error)
        if message.seen is not None:
            state.seen.absorb(message.seen)
        if message.response is not None and message.response.looks_like_json:
            # Ids for {placeholder} suggestions once the response is painted: the walk takes
            # ~0.17 s of GIL at 20 MB, which before the paint was F5-to-tree time.
            # A weak reference: a finished worker lingering in a cycle (frozen by the next
            # parse's gc.freeze) must not keep a 100 MB body alive.
            self.call_after_refresh(self._collect_seen_ids, message.name, weakref.ref(message.response))
        status = message.response.status if message.response else None
        elapsed = message.response.elapsed if message.response else None
        try:
            state.history.add(message.request, status, elapsed)
        except OSError as exc:
            self.notify(f"History not saved: {exc.strerror}", severity="warning")
        if message.name != self.workspace.active:
            self.notify(f"{message.name}: {status or 'error'} for {message.request.label()}")
            return
        view = self.query_one(ResponseView)
        if message.response is not None:
            view.show(message.response)
        elif message.error is not None:
            view.show_error(message.error, message.request.label())
        self.show_history(state.history.entries())

    @work(thread=True, group="seen-ids", exclusive=False, exit_on_error=False, description="gather ids for suggestions")
    def _collect_seen_ids(self, name: str, sent: weakref.ref[Response]) -> None:
        response = sent()
        if response is None:
            return  # already replaced and freed
        seen = SeenIds()
        _collect_ids(seen, response)  # bounded walk (core.catalog.seen_ids)
        del response
        self.call_from_thread(self._absorb_seen_ids, name, seen)

    def _absorb_seen_ids(self, name: str, seen: SeenIds) -> None:
        if self.workspace is not None and name in self.workspace.profile_set.profiles:
            self.workspace.state(name).seen.absorb(seen)

    def _ask_uncapped(self, message: RequestDone) -> None:
        error = message.error
        assert isinstance(error, BodyTooLarge)

        def answer(go_on: bool | None) -> None:
            if go_on and self.workspace is not None and self.workspace.active == message.name:
                self.send_request(message.request, all_pages=message.all_pages, uncapped=True)
            elif self.workspace is not None and self.workspace.active == message.name:
                self.query_one(ResponseView).show_error(error, message.request.label())

        self.push_screen(ConfirmScreen(f"{error.message[0].upper()}{error.message[1:]}.\nDownload it anyway?"), answer)

    def action_cancel(self) -> None:
        """Esc: cancel the active profile's running request, else restore a maximised response."""
        name = self.workspace.active if self.workspace else None
        if name and name in self._in_flight:
            worker, label, _, _ = self._in_flight.pop(name)
            worker.cancel()
            self.query_one(ResponseView).show_cancelled(label)
        elif self.screen.maximized is not None:
            self.screen.minimize()

    def _tick_running(self) -> None:
        if not self._in_flight:
            self._ticker.pause()  # resumed by the next send
            return
        name = self.workspace.active if self.workspace else None
        if name and name in self._in_flight:
            _, label, started, _ = self._in_flight[name]
            view = self.query_one(ResponseView)
            view.show_waiting(label, time.monotonic() - started, self._bytes_received, self._pages, self._bytes_total)

    def on_endpoint_browser_chosen(self, message: EndpointBrowser.Chosen) -> None:
        self.load_endpoint(message.endpoint)

    def on_request_editor_send_requested(self, _: RequestEditor.SendRequested) -> None:
        self.action_send()

    def on_history_list_rerun(self, message: HistoryList.Rerun) -> None:
        request = message.entry.to_request()
        self.query_one(RequestEditor).load(request.method, request.path, list(request.query), message.entry.body)
        try:
            message.entry.refuse_masked()  # loaded for the user to fill in, never sent with the dots
        except QlikTuiError as exc:
            self.query_one(ResponseView).show_error(exc, "not sent")
            return
        self.send_request(request)

    def on_json_tree_copy(self, message: JsonTree.Copy) -> None:
        self.copy_value(message.text, message.what)

    def copy_value(self, text: str, what: str) -> None:
        """Send `text` to the terminal's clipboard, say honestly what happened, keep it for F8."""
        self.copy_to_clipboard(text)
        self.last_copied = (what, text)
        self._tell_copied(what)

    @work(thread=True, group="clipboard", exclusive=True, exit_on_error=False, description="say what a copy did")
    def _tell_copied(self, what: str) -> None:
        # In a thread: asking tmux for its set-clipboard option is a subprocess.
        notice, dropped = copy_notice(what, os.environ, "F8")
        self.call_from_thread(self.notify, notice, severity="warning" if dropped else "information", timeout=10 if dropped else 5)

    def action_show_copied(self) -> None:
        """F8: the last copied value in a view the terminal's own selection can copy from."""
        if self.last_copied is None:
            self.notify("Nothing copied yet.", severity="warning")
            return
        self.push_screen(CopiedScreen(*self.last_copied))

    def action_open_engine(self) -> None:
        """F12: the app under the cursor in the response tree (else one picked) in the Engine view."""
        # Imported on first use: the Engine brings websockets and the HTTP stack, after the first frame.
        from .screens.engine_picker import EnginePicker, app_under_cursor, picker_label, seen_apps
        from .screens.engine_view import EngineScreen

        if self.workspace is None or self.workspace.active is None or self.screen is not self.screen_stack[0]:
            return
        name = self.workspace.active
        state = self.workspace.state(name)
        self._connection_listener(name)
        connection = state.connect()
        tree = self.query_one("#json-tree", JsonTree)
        choice = app_under_cursor(tree, state.seen) if self.focused is tree else None

        def open_view(picked: tuple[str, str] | None) -> None:
            if picked is not None and self.workspace is not None and self.workspace.active == name:
                self.push_screen(EngineScreen(connection, name, picked[0], picker_label(picked)))

        if choice is not None:
            open_view(choice)
        else:
            self.push_screen(EnginePicker(connection, seen_apps(state.seen)), open_view)

    def _remember_theme(self, theme: Any) -> None:
        if theme.name == self._theme_saved:
            return
        try:
            save_theme(theme.name)
        except OSError as exc:
            self.notify(f"Theme not remembered: {exc.strerror}", severity="warning")
            return
        self._theme_saved = theme.name

    # ---------------------------------------------------------------- view
    def on_resize(self, event: Any) -> None:
        narrow = event.size.width < 100  # not self.size: it still holds the previous size here
        self.set_class(narrow, "-narrow")
        for screen in self.screen_stack:  # the main screen may lie under a modal one: not self.query
            for footer in screen.query(AppFooter):
                footer.compact = narrow

    def action_maximize_response(self) -> None:
        """F7: the response fills the screen; F7 again (or Esc) restores."""
        if self.screen.maximized is not None:
            self.screen.minimize()
        else:
            self.screen.maximized = self.query_one(ResponseView)

    def action_toggle_sidebar(self) -> None:
        """Hide or show the sidebar (more room at 80 columns)."""
        sidebar = self.query_one("#sidebar")
        sidebar.display = not sidebar.display

    def action_focus_path(self) -> None:
        """Jump to the path box."""
        self.query_one("#path", Input).focus()

    def action_focus_response(self) -> None:
        """Jump to the response (the tree, or whichever tab is open)."""
        tabs = self.query_one("#response-tabs", TabbedContent)
        target = {"tab-tree": "#json-tree", "tab-raw": "#raw"}.get(str(tabs.active), "#json-tree")
        self.query_one(target).focus()

    def action_help(self) -> None:
        """Every binding, and where everything else is."""
        if isinstance(self.screen, InfoScreen):
            return
        self.push_screen(InfoScreen("Help", help_text(help_sections(self, self.screen))))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        view = sys.modules.get("qlik_tui.ui.screens.engine_view")  # not loaded: no Engine view is open
        if view is not None and isinstance(screen, view.EngineScreen):
            yield from screen.system_commands()  # the view's own keys; the main screen's mean nothing there
            return
        yield from system_commands(self)

    async def on_unmount(self) -> None:
        if self.workspace is not None:
            await self.workspace.aclose()
