"""The Engine view: one app open over the Engine's WebSocket, for as long as the view is.

Left, the app's outline (sheets → objects, master items, variables, fields, load script);
right, what the selected line stands for in the response view (JSON tree with search and
filter, raw text with search: the load script shows there, read-only); below, the expression
bar. Every Engine call runs in a worker on the app's loop (the WebSocket reader answers them
by id), so the screen never waits on the Engine. Leaving closes the session: a user has only
about five parallel Engine sessions.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterable
from functools import partial
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Header

from ...core.engine import actions
from ...core.engine.session import EngineSession, object_ref
from ...core.errors import QlikTuiError
from ...core.events import ENGINE_APP_OPENED, ENGINE_CLOSED, ENGINE_CONNECTED, ENGINE_NOTIFICATION, ConnectionEvent
from ...core.http.connection import Connection
from ...core.http.types import Response
from ...core.terminal_text import visible
from ..footer import modal_footer
from ..palette import key_label
from ..widgets.engine_eval import EngineEval
from ..widgets.engine_outline import EngineOutline, OutlineItem
from ..widgets.json_tree import JsonTree
from ..widgets.response_view import ResponseView
from ..widgets.token_panel import TokenPanel

MAX_ROWS = 10_000  # rows of a table's hypercube fetched for the view (pages of 10,000 cells)
OPEN_GRACE = 3.0  # seconds Esc waits for an open under way before cancelling it
ENGINE_KINDS = (ENGINE_CONNECTED, ENGINE_NOTIFICATION, ENGINE_APP_OPENED, ENGINE_CLOSED)

ENGINE_BINDINGS: list[BindingType] = [
    Binding("escape", "leave", "Leave", id="engine.leave", tooltip="close the Engine session and go back"),
    Binding("f9", "focus_outline", "Outline", id="engine.outline", tooltip="the app's sheets, objects, fields..."),
    Binding("ctrl+e", "focus_eval", "Evaluate", id="engine.eval", tooltip="the expression bar (Enter evaluates)"),
    Binding("ctrl+s", "show_script", "Script", id="engine.script", tooltip="the load script, read-only (/ searches)"),
    Binding("ctrl+l", "show_layout", "App layout", id="engine.layout", show=False, tooltip="the app's GetAppLayout"),
    Binding("f4", "focus_view", "View", id="engine.view", show=False, tooltip="jump to the JSON tree"),
    Binding("f7", "maximize_view", "Maximise", id="engine.maximize", show=False, tooltip="the view fills the screen"),
]

# (title, what it does, action) for the command palette while the view is open.
ENGINE_PALETTE: list[tuple[str, str, str]] = [
    ("Leave the Engine view", "Close the Engine session and go back", "leave"),
    ("Engine outline", "Sheets, objects, master items, variables, fields", "focus_outline"),
    ("Evaluate an expression", "The expression bar (Enter evaluates, ↑↓ history)", "focus_eval"),
    ("Load script", "The app's load script, read-only, / searches", "show_script"),
    ("App layout", "The app's GetAppLayout", "show_layout"),
    ("Maximise the view", "The JSON / script view fills the screen", "maximize_view"),
]


def engine_state(app_id: str, session: EngineSession | None, opened: bool, notifications: int, last: str) -> str:
    """The token panel's Engine line: connected or not, app open, notifications."""
    if session is None:
        return f"engine: connecting to {app_id[:36]}…"
    if not session.is_open:
        return "engine: closed"
    state = f"connected ({visible(session.session_state.lower().replace('_', ' '))})" if session.session_state else "connected"
    text = f"engine: {state}{' · app open' if opened else ''} · {notifications} notification{'s' * (notifications != 1)}"
    return f"{text}\n  {visible(last[:60])}" if last else text


def as_response(label: str, value: Any, elapsed: float, *, text: bool = False, body: bytes | None = None) -> Response:
    """What the response view shows for an Engine answer: JSON (kept parsed) or plain text."""
    if text:
        body = str(value).encode("utf-8", "replace")
        return Response("QIX", label, 200, "OK", [("content-type", "text/plain; charset=utf-8")], body, elapsed)
    body = _dumps(value) if body is None else body
    return Response("QIX", label, 200, "OK", [("content-type", "application/json")], body, elapsed, _json=value)


_PAGES = "\x00qlik-tui:pages\x00"  # stands in for qDataPages while the rest is serialised


async def serialised(value: Any) -> bytes:
    """`value` as JSON bytes, a hypercube's data pages one at a time: json.dumps holds the GIL
    even in a thread, so one dump of 10,000 rows would stall the screen for all of its length."""
    cube = value.get("qHyperCube") if isinstance(value, dict) else None
    pages = cube.get("qDataPages") if isinstance(cube, dict) else None
    if not isinstance(cube, dict) or not isinstance(pages, list) or len(pages) < 2:
        return await asyncio.to_thread(_dumps, value)
    cube["qDataPages"] = _PAGES
    try:
        head = _dumps(value)
    finally:
        cube["qDataPages"] = pages
    parts = [await asyncio.to_thread(_dumps, page) for page in pages]
    return head.replace(_dumps(_PAGES), b"[" + b",".join(parts) + b"]", 1)


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "replace")


TITLE_CHARS = 60  # of the app's name and id in the title: the profile's name follows


class EngineScreen(ModalScreen[None]):
    """One app, opened on the Engine for as long as this screen is shown.

    Modal (filling the screen), as the app's other screens are; the main screen stays mounted
    under it, so the app's queries of the default screen keep working."""

    BINDINGS: ClassVar[list[BindingType]] = ENGINE_BINDINGS

    class _Event(Message):
        """An Engine event of this view's connection, brought onto the screen."""

        def __init__(self, event: ConnectionEvent) -> None:
            super().__init__()
            self.event = event

    def __init__(self, connection: Connection, profile_name: str, app_id: str, label: str = "") -> None:
        super().__init__()
        self.connection = connection
        self.profile_name = profile_name
        self.app_id = app_id
        self.label = label or app_id
        self.session: EngineSession | None = None
        self.doc: int | None = None
        self.outline: dict[str, Any] | None = None
        self._notifications = 0
        self._session_closed = False
        self._last = ""
        self._unsubscribe = connection.events.subscribe(lambda event: self.post_message(self._Event(event)))

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="engine-main"):
            with Vertical(id="engine-side"):
                yield EngineOutline(id="engine-outline")
                yield TokenPanel(id="engine-token")
            with Vertical(id="engine-work"):
                yield ResponseView(id="engine-response")
                yield EngineEval(f"{self.profile_name}\n{self.app_id}", id="engine-eval")
        yield modal_footer()  # this view's keys only

    def on_mount(self) -> None:
        shown = visible(self.label)  # "name (id)": a cut one says so, not "name (9c1c-4af7"
        self.title = f"Engine · {shown if len(shown) <= TITLE_CHARS else shown[: TITLE_CHARS - 1] + '…'}"
        self.sub_title = self.profile_name
        self.query_one(EngineOutline).border_title = "App"
        panel = self.query_one("#engine-token", TokenPanel)
        panel.profile = self.connection.profile
        panel.token = self.connection.tokens.token
        self.query_one(ResponseView).show_idle(f"Opening {self.app_id} on the Engine…")
        self._show_state()
        self._open()

    # ---------------------------------------------------------------- the session
    @work(group="engine-open", exclusive=True, exit_on_error=False, description="open the app on the Engine")
    async def _open(self) -> None:
        started = time.monotonic()
        try:
            self.session = await EngineSession.open(self.connection, self.app_id)
            self._show_state()
            self.doc = await self.session.open_doc()
            self._show_state()
            outline = await actions.outline(self.session, self.doc)
        except QlikTuiError as exc:
            self._failed(exc, f"open {self.app_id}")
            # An app that would not open leaves nothing to browse: give the Engine session back
            # at once (a user has about five), the view stays to show why.
            await self.close_session()
            self._show_state()
            return
        self.outline = outline
        self.query_one(EngineOutline).show_outline(self.label, outline)
        self.query_one(EngineOutline).focus()
        sheets = len(outline.get("sheets") or [])
        self.query_one(ResponseView).show_idle(
            f"{self.app_id} open ({time.monotonic() - started:.2f} s, {sheets} sheet{'s' * (sheets != 1)}). "
            "Enter on a line shows it; ctrl+e evaluates; Esc leaves."
        )

    def _failed(self, error: QlikTuiError, label: str) -> None:
        if not self.is_attached:
            return
        self.query_one(ResponseView).show_error(error, label)
        self.notify(f"{error.message}\nhint: {error.hint}", title="Engine", severity="error", timeout=10, markup=False)
        self._show_state()

    async def close_session(self) -> None:
        """Close the WebSocket (the Engine ends the session with it); safe to call twice."""
        session, self.session = self.session, None
        self._session_closed = True
        if session is not None:
            await session.close()
        self._unsubscribe()

    def action_leave(self) -> None:
        """Close the Engine session, then go back."""
        # The closing is the app's worker, not this screen's: it outlives the screen, and an
        # open still under way is let finish first (cancelled inside the handshake, its
        # socket would be nobody's to close and the Engine would keep the session).
        self._session_closed = True
        self._set_state_everywhere("engine: closed")
        self.app.run_worker(
            self._close_after_open(),
            group="engine-close",
            exclusive=False,
            exit_on_error=False,
            description="close the Engine session",
        )
        self.dismiss(None)

    async def _close_after_open(self) -> None:
        deadline = time.monotonic() + OPEN_GRACE
        while any(w.is_running for w in self.app.workers if w.group == "engine-open" and w.node is self):
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.02)
        self.app.workers.cancel_group(self, "engine-open")
        await self.close_session()

    async def on_unmount(self) -> None:
        await self.close_session()  # the app quit with the view open: the session still ends

    # ---------------------------------------------------------------- what a line shows
    def on_engine_outline_chosen(self, message: EngineOutline.Chosen) -> None:
        message.stop()
        self._show(message.item)

    @work(group="engine-show", exclusive=True, exit_on_error=False, description="fetch an Engine object")
    async def _show(self, item: OutlineItem) -> None:
        session, doc = self.session, self.doc
        if session is None or doc is None:
            self.notify("The app is not open on the Engine.", severity="warning")
            return
        view = self.query_one(ResponseView)
        view.show_waiting(f"{item.kind} {item.id}".strip(), 0.0)
        started = time.monotonic()
        try:
            if item.kind == "script":
                value: Any = await actions.script(session, doc)
            elif item.kind == "layout":
                value = await actions.app_layout(session, doc)
            elif item.kind == "object":
                value = await actions.object_layout(session, doc, item.id, rows=MAX_ROWS)
            elif item.kind == "variable":
                value = await self._variable(session, doc, item)
            else:
                value = item.entry  # a field: its name, cardinality and tags are all there is to show
        except QlikTuiError as exc:
            self._failed(exc, f"{item.kind} {item.id}")
            return
        label = {"script": "GetScript", "layout": "GetAppLayout"}.get(item.kind, f"{item.kind} {item.id}")
        # Serialised a page at a time, off the loop: a 10,000-row page is megabytes of JSON.
        body = None if item.kind == "script" else await serialised(value)
        response = as_response(label, value, time.monotonic() - started, text=item.kind == "script", body=body)
        if self.is_attached:
            view.show(response)

    @staticmethod
    async def _variable(session: EngineSession, doc: int, item: OutlineItem) -> Any:
        ref = object_ref(await session.call(doc, "GetVariableByName", {"qName": item.id}), item.id)
        if ref is None:
            return item.entry  # gone since the outline was read
        return (await session.call(ref.handle, "GetLayout")).get("qLayout")

    def action_show_script(self) -> None:
        """The load script in the raw view (read-only; / searches, n / N walk the hits)."""
        self._show(OutlineItem("script"))

    def action_show_layout(self) -> None:
        """The app's layout in the JSON tree."""
        self._show(OutlineItem("layout"))

    # ---------------------------------------------------------------- expressions
    def on_engine_eval_evaluate(self, message: EngineEval.Evaluate) -> None:
        message.stop()
        self._evaluate(message.expression)

    @work(group="engine-eval", exclusive=False, exit_on_error=False, description="evaluate an expression")
    async def _evaluate(self, expression: str) -> None:
        session, doc = self.session, self.doc
        bar = self.query_one(EngineEval)
        if session is None or doc is None:
            bar.add_result(expression, "the app is not open on the Engine", None, True)
            return
        try:
            (result,) = await actions.evaluate(session, doc, [expression])
        except QlikTuiError as exc:
            if self.is_attached:
                bar.add_result(expression, f"{exc.message} (hint: {exc.hint})", None, True)
            return
        if self.is_attached:
            bar.add_result(expression, result["text"], result["number"], bool(result["error"]))

    # ---------------------------------------------------------------- state in the token panel
    def on_engine_screen__event(self, message: _Event) -> None:
        message.stop()
        if message.event.kind == ENGINE_NOTIFICATION:
            self._notifications += 1
            self._last = message.event.detail
            if "OnMaxParallelSessionsExceeded" in message.event.detail:
                self.notify(message.event.detail, title="Engine", severity="warning", markup=False)
        panel = self.query_one("#engine-token", TokenPanel)
        panel.last_event = message.event
        panel.token = self.connection.tokens.token
        if message.event.kind in ENGINE_KINDS:
            self._show_state()

    def _show_state(self) -> None:
        if self.is_attached:
            self._set_state_everywhere(
                engine_state(self.app_id, self.session, self.doc is not None, self._notifications, self._last)
            )

    def _set_state_everywhere(self, text: str) -> None:
        # This view's panel and the main screen's (which shows the last state once back).
        for screen in self.app.screen_stack:
            for panel in screen.query(TokenPanel):
                panel.engine = text

    # ---------------------------------------------------------------- focus and keys
    def action_focus_outline(self) -> None:
        """F9: the outline."""
        self.query_one(EngineOutline).focus()

    def action_focus_eval(self) -> None:
        """ctrl+e: the expression bar."""
        self.query_one(EngineEval).focus_bar()

    def action_focus_view(self) -> None:
        """F4: the JSON tree."""
        self.query_one("#engine-response #json-tree", JsonTree).focus()

    def action_maximize_view(self) -> None:
        """F7: the view fills the screen; again (or Esc in it) restores."""
        if self.maximized is not None:
            self.minimize()
        else:
            self.maximize(self.query_one(ResponseView))

    # The response view's tree asks the app for drill-down, paging and the trail: those mean
    # HTTP requests of the main screen, not Engine answers, so they stop here.
    def on_json_tree_drill(self, message: JsonTree.Drill) -> None:
        message.stop()
        self.notify("Drill-down works on HTTP responses; here, pick a line in the outline.", severity="warning")

    def on_json_tree_page(self, message: JsonTree.Page) -> None:
        message.stop()
        self.notify("Engine answers have no pages to follow.", severity="warning")

    def on_json_tree_back(self, message: JsonTree.Back) -> None:
        message.stop()
        self.action_focus_outline()

    def on_json_tree_save(self, message: JsonTree.Save) -> None:
        message.stop()
        self.notify("Saving works on HTTP responses: use `qlik-tui engine object APP ID > file`.", severity="warning")

    def system_commands(self) -> Iterable[SystemCommand]:
        """The palette's entries for this view, each with its key."""
        keys = {b.action: key_label(b.key) for b in ENGINE_BINDINGS if isinstance(b, Binding)}
        for title, help_text, action in ENGINE_PALETTE:
            yield SystemCommand(title, f"{help_text} ({keys[action]})", partial(self.run_action, action))
