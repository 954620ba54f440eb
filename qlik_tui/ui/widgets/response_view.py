"""The answer: status, time, size; JSON tree, raw text and (redacted) headers; or an error
with its hint. Heavy work (pretty text, search) runs in threads; a failed request shows
here and never ends the app. Server text (reason, headers, error details, URLs) passes
through `visible()` and goes into `rich.text.Text`, never into markup."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static, TabbedContent, TabPane, Tabs

from ...core.errors import JsonUnreadable, QlikTuiError, UsageError
from ...core.http.redact import redact_headers
from ...core.http.types import Response
from ...core.json.disposal import dispose_in_background
from ...core.json.filter import apply as apply_filter
from ...core.json.filter import parse as parse_path
from ...core.json.lazy import ARRAY_TYPES, reindent, reindent_head
from ...core.json.line_index import LineIndex
from ...core.json.paging import next_href
from ...core.json.parse import pretty_in_pieces
from ...core.json.search import Path, find
from ...core.json.view import plural
from ...core.terminal_text import visible
from .find_bar import FindBar
from .json_tree import JsonTree
from .raw_search_view import RawSearchView
from .raw_view import RawView


def size_text(count: int) -> str:
    """1,234 B / 12.3 KB / 4.5 MB."""
    if count < 1024:
        return f"{count:,} B"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KB"
    return f"{count / 1024 / 1024:.1f} MB"


class RawReady(Message):
    """The raw text of response `generation` is built."""

    def __init__(self, generation: int, text: bytes, offsets: Sequence[int]) -> None:
        super().__init__()
        self.generation = generation
        self.text = text
        self.offsets = offsets


class FilterDone(Message):
    """What a filter over response `generation` selected (or why it could not)."""

    def __init__(self, generation: int, result: Any, error: QlikTuiError | None) -> None:
        super().__init__()
        self.generation = generation
        self.result = result
        self.error = error


class SearchDone(Message):
    """Hits of a search over response `generation`."""

    def __init__(self, generation: int, query: str, hits: list[Path]) -> None:
        super().__init__()
        self.generation = generation
        self.query = query
        self.hits = hits


class JqDone(Message):
    """jq's results (or its error) for response `generation`."""

    def __init__(self, generation: int, results: list[Any] | None, error: QlikTuiError | None) -> None:
        super().__init__()
        self.generation = generation
        self.results = results
        self.error = error


def build_raw(response: Response) -> bytes:
    """The body as pretty JSON (built piece by piece) or as text, in UTF-8 (as RawView keeps it).

    Big bodies are re-indented as sent (msgspec, in C): building them from parsed objects
    took 2-3 s at 20 MB and 10x the body in memory; `\\u00e9` and `1E5` then show as sent.
    The bytes are kept as msgspec made them: no decoded copy beside them."""
    if response.looks_like_json and len(response.body) > RAW_IN_C_BYTES:
        text = reindent(response.body)
        if text is not None:
            return text
    if response.looks_like_json and response.body:
        try:
            return pretty_in_pieces(response.json()).encode("utf-8", "surrogatepass")
        except ValueError:
            pass
    return response.text().encode("utf-8", "surrogatepass")


RAW_IN_C_BYTES = 256 * 1024  # bodies above this are built in a worker thread too
TABS = Binding.Group("Tree Raw Headers", compact=True)


class ResponseView(Vertical):
    """Shows one response (or one error)."""

    # Digits: nothing else in the app binds them, and typing in a box keeps them (Input eats them).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "show_tab('tab-tree')", "Tree tab", id="response.tab_tree", group=TABS),
        Binding("2", "show_tab('tab-raw')", "Raw tab", id="response.tab_raw", group=TABS),
        Binding("3", "show_tab('tab-headers-out')", "Headers tab", id="response.tab_headers", group=TABS),
        Binding("v", "app.open_pager", "Pager", id="response.pager", show=False),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._response: Response | None = None
        self._doc: Any = None
        self._generation = 0
        self._raw_for = -1
        self._hits: list[Path] = []
        self._hit = -1
        self._query = ""
        self._jq_stopper: Any = None  # core.json.jq_filter.JqStopper of the jq now running

    def compose(self) -> ComposeResult:
        yield Static("No request sent yet. Pick an endpoint or type a path, then F5.", id="status-line")
        yield Static("", id="error-panel")
        with TabbedContent(id="response-tabs"):
            with TabPane("Tree", id="tab-tree"):
                yield JsonTree(id="json-tree")
            with TabPane("Raw", id="tab-raw"):
                yield RawSearchView(id="raw")
            with TabPane("Headers", id="tab-headers-out"):
                yield Static("", id="headers-out")
        bar = FindBar(id="find-bar")
        bar.display = False
        yield bar

    def on_mount(self) -> None:
        self.border_title = "Response"

    # ---------------------------------------------------------------- states
    def show_waiting(self, label: str, elapsed: float, received: int = 0, pages: int = 0, total: int | None = None) -> None:
        """While a request runs: what, how long, how much, how much longer (Esc cancels)."""
        got = f", {size_text(received)} received" if received else ""
        if received and total:
            got = f", {size_text(received)} of {size_text(total)} ({received * 100 // total}%)"
            if elapsed >= 1 and received < total:  # at the pace so far
                got += f", about {(total - received) * elapsed / received:.0f} s left"
        got += f", {plural(pages, 'page')}" if pages else ""
        # Whole seconds: the app asks ten times a second, the label changes once (no layout pass).
        text = f"⟳ {visible(label)}  {int(elapsed)} s{got}  (Esc cancels)"
        status = self.query_one("#status-line", Static)
        if str(status.content) != text:
            status.update(Text(text, style="bold"), layout=False)

    def show_error(self, error: QlikTuiError, label: str = "") -> None:
        """An error that left no response (network, TLS, bad input...)."""
        self.query_one("#status-line", Static).update(Text(f"✗ {visible(label)}" if label else "✗", style="bold"))
        self._error(error)

    def show_idle(self, text: str) -> None:
        """Nothing to show yet."""
        self._reset(None)
        self.query_one("#status-line", Static).update(Text(visible(text)))
        self._error(None)
        self.query_one("#json-tree", JsonTree).show_message("no response yet")
        self.query_one("#headers-out", Static).update("")

    def show_cancelled(self, label: str) -> None:
        """The user pressed Esc."""
        self.query_one("#status-line", Static).update(Text(f"cancelled: {visible(label)}", style="italic"))
        self._error(None)

    def show(self, response: Response) -> None:
        """A response: status line, tree, headers (raw text is built when its tab opens)."""
        self._reset(response)
        doc, not_json = None, "not JSON: see the Raw tab"
        if response.looks_like_json and response.body:
            try:
                doc = response.json()  # big bodies were parsed in a thread by the connection
            except JsonUnreadable as exc:
                not_json = f"{exc.message}: see the Raw tab"
            except ValueError:
                doc = None
        self._doc = doc
        self.query_one("#status-line", Static).update(Text(self._status_text(response, doc), style="bold"))
        self._error(response.error)
        tree = self.query_one("#json-tree", JsonTree)
        tabs = self.query_one("#response-tabs", TabbedContent)
        if doc is not None:
            tree.show(doc)
            tabs.active = "tab-tree"
        else:
            tree.show_message(not_json if response.body else "(empty body)")
            tabs.active = "tab-raw"
            self._build_raw()
        headers = Text()
        headers.append(f"{response.method} {visible(response.url)}\n\n", style="bold")
        for name, value_text in redact_headers(response.headers):
            headers.append(f"{visible(name)}: ", style="bold")
            headers.append(f"{visible(value_text)}\n")
        self.query_one("#headers-out", Static).update(headers)

    def _reset(self, response: Response | None) -> None:
        old, self._doc = self._doc, None
        dispose_in_background(old)
        del old
        self._generation += 1
        self._response = response
        self._hits, self._hit, self._query = [], -1, ""
        self._stop_jq()  # its answer would be for the old response
        self.query_one("#raw", RawView).set_text("")
        self._raw_for = -1
        bar = self.query_one("#find-bar", FindBar)
        bar.display = False
        bar.status("")

    @staticmethod
    def _status_text(response: Response, doc: Any) -> str:
        mark = "✓" if response.ok else "✗"
        extra = f" · {plural(response.pages, 'page')}" if response.pages > 1 else ""
        items = doc if isinstance(doc, ARRAY_TYPES) else None
        if isinstance(doc, dict) and isinstance(doc.get("data"), ARRAY_TYPES):
            items = doc["data"]
        if items is not None:
            extra += f" · {plural(len(items), 'item')}"
            try:
                if next_href(doc):
                    extra += " · more: n next page, a all pages"
            except QlikTuiError:
                pass  # odd links: n says why when pressed
        if response.timing is not None:  # last on the line: at 80 columns it is what gets cut (F7 shows it)
            extra += f" · {response.timing.describe(compact=True)}"
        timing = f"{response.elapsed * 1000:,.0f} ms · {size_text(len(response.body))}{extra}"
        return f"{mark} {response.status} {visible(response.reason)} · {timing}"

    def _error(self, error: QlikTuiError | None) -> None:
        panel = self.query_one("#error-panel", Static)
        if error is None:
            panel.update("")
            panel.remove_class("-visible")
            return
        text = Text()
        text.append(visible(error.message) + "\n", style="bold")
        if error.hint:
            text.append("hint: " + visible(error.hint))
        panel.update(text)
        panel.add_class("-visible")

    # ---------------------------------------------------------------- raw text, lazily
    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "tab-raw":
            self._build_raw()

    def _build_raw(self) -> None:
        response, generation = self._response, self._generation
        if response is None or self._raw_for == generation:
            return
        self._raw_for = generation
        if len(response.body) < 256 * 1024:
            self.query_one("#raw", RawView).set_text(build_raw(response))
            return
        # The first screen at once: a big list's first elements formatted here (~2 ms), the
        # whole text in a thread (0.1 s a 20 MB); the head's lines are the whole text's first.
        head = reindent_head(self._doc) if response.looks_like_json else None
        self.query_one("#raw", RawView).set_text(head or "building the raw view…")

        def work() -> None:
            text = build_raw(response)
            self.post_message(RawReady(generation, text, LineIndex(text)))

        self.run_worker(work, thread=True, group="raw", exclusive=True, exit_on_error=False, description="pretty-print the body")

    def on_raw_ready(self, message: RawReady) -> None:
        if message.generation == self._generation:
            self.query_one("#raw", RawView).set_text(message.text, message.offsets, keep_place=True)

    # ---------------------------------------------------------------- search and filter
    def on_json_tree_find(self, message: JsonTree.Find) -> None:
        message.stop()
        if self._doc is None:
            self.app.notify("Search and filter work on JSON responses.", severity="warning")
            return
        bar = self.query_one("#find-bar", FindBar)
        mode = "filter" if message.mode == "filter" else "search"
        if mode != bar.mode:
            # A new mode starts afresh: the search's hits and counter mean nothing to a filter,
            # and a filtered tree is not what a search's paths point into.
            self._hits, self._hit, self._query = [], -1, ""
            if bar.mode == "filter":
                self.query_one("#json-tree", JsonTree).show(self._doc)
        bar.open(mode)

    def on_find_bar_run(self, message: FindBar.Run) -> None:
        message.stop()
        bar = self.query_one("#find-bar", FindBar)
        if message.mode == "search" and self.query_one("#response-tabs", TabbedContent).active == "tab-raw":
            self.query_one("#raw", RawSearchView).search(message.text, message.step)
            return
        if message.mode == "filter":
            self._filter(message.text, bar)
            return
        if message.text == self._query and self._hits:
            self._hit = (self._hit + message.step) % len(self._hits)
            self._jump(bar)
            return
        doc, generation, query = self._doc, self._generation, message.text
        bar.status("searching…")

        def work() -> None:
            self.post_message(SearchDone(generation, query, find(doc, query)))

        self.run_worker(work, thread=True, group="search", exclusive=True, exit_on_error=False, description="search the response")

    def on_search_done(self, message: SearchDone) -> None:
        if message.generation != self._generation:
            return
        bar = self.query_one("#find-bar", FindBar)
        self._query, self._hits, self._hit = message.query, message.hits, 0
        if not message.hits:
            bar.status("no match")
            return
        self._jump(bar)

    def _jump(self, bar: FindBar) -> None:
        tree = self.query_one("#json-tree", JsonTree)
        tree.reveal(self._hits[self._hit])
        more = "+" if len(self._hits) >= 10_000 else ""
        bar.status(f"{self._hit + 1:,} of {len(self._hits):,}{more}  (↑↓ Enter)")

    def _filter(self, expression: str, bar: FindBar) -> None:
        tree = self.query_one("#json-tree", JsonTree)
        if not expression.strip():
            tree.show(self._doc)
            bar.status("")
            return
        # A plain path (`.[0].owner`, `$[0].name`, `.[*].id`) is instant in-process; anything else is
        # jq's, including a bare word: `length` or `keys` is jq's builtin, not a key named so.
        try:
            if not expression.lstrip().startswith((".", "$", "[")):
                raise UsageError("not a path", "")
            parse_path(expression)
        except QlikTuiError:
            self._jq(expression, bar)
            return
        doc, generation = self._doc, self._generation
        bar.status("filtering…")

        def work() -> None:
            # In a thread: `.[*].owner` over a big LazyArray parses every element (seconds at 100 MB).
            try:
                self.post_message(FilterDone(generation, apply_filter(doc, expression), None))
            except QlikTuiError as exc:
                self.post_message(FilterDone(generation, None, exc))

        self.run_worker(work, thread=True, group="filter", exclusive=True, exit_on_error=False, description="filter the response")

    def on_filter_done(self, message: FilterDone) -> None:
        bar = self.query_one("#find-bar", FindBar)
        if message.generation != self._generation or bar.mode != "filter" or not bar.display:
            return  # a newer response, or the filter was closed meanwhile
        if message.error is not None:
            bar.status(visible(f"{message.error.message} ({message.error.hint})"))
            return
        result = message.result
        self.query_one("#json-tree", JsonTree).show(result)
        count = plural(len(result), "result") if isinstance(result, ARRAY_TYPES) else "1 value"
        bar.status(f"{count} · Esc shows everything again")

    def _jq(self, expression: str, bar: FindBar) -> None:
        """Real jq, in a bounded process driven from a thread: the tree stays live meanwhile."""
        response, generation = self._response, self._generation
        if response is None:
            return
        bar.status("jq… · Esc stops it")
        from ...core.json.jq_filter import JqStopper, run

        self._stop_jq()  # Enter again, or a new expression: the older run is killed, not left to finish
        stopper = self._jq_stopper = JqStopper()

        def work() -> None:
            try:
                self.post_message(JqDone(generation, run(response.body, expression, stopper=stopper), None))
            except QlikTuiError as exc:
                self.post_message(JqDone(generation, None, exc))

        self.run_worker(work, thread=True, group="jq", exclusive=True, exit_on_error=False, description="run jq on the body")

    def _stop_jq(self) -> None:
        if self._jq_stopper is not None:
            self._jq_stopper.stop()
            self._jq_stopper = None

    def on_jq_done(self, message: JqDone) -> None:
        bar = self.query_one("#find-bar", FindBar)
        if message.generation != self._generation or bar.mode != "filter" or not bar.display:
            return  # another response, or the filter was closed meanwhile
        if message.error is not None or message.results is None:
            bar.status(visible(message.error.message if message.error else "jq failed"))
            return
        results = message.results
        self.query_one("#json-tree", JsonTree).show(results[0] if len(results) == 1 else results)
        bar.status(f"{plural(len(results), 'result')} (jq) · Esc shows everything again")

    def on_raw_search_view_find(self, message: RawSearchView.Find) -> None:
        message.stop()
        self.query_one("#find-bar", FindBar).open("search")

    def on_raw_search_view_status(self, message: RawSearchView.Status) -> None:
        message.stop()
        bar = self.query_one("#find-bar", FindBar)
        bar.status(message.text)
        # n / N after Esc: the counter comes back (a late word on an old text does not).
        bar.display = bar.display or bool(self.query_one("#raw", RawSearchView).hits)

    def on_raw_search_view_cleared(self, message: RawSearchView.Cleared) -> None:
        message.stop()
        bar = self.query_one("#find-bar", FindBar)
        bar.display = False
        bar.status("")

    def on_find_bar_closed(self, message: FindBar.Closed) -> None:
        message.stop()
        self._stop_jq()
        searching_raw = self.query_one("#find-bar", FindBar).mode == "search"
        if searching_raw and self.query_one("#response-tabs", TabbedContent).active == "tab-raw":
            self.query_one("#raw", RawSearchView).focus()  # hits kept: n / N go on, Esc clears
            return
        tree = self.query_one("#json-tree", JsonTree)
        if self.query_one("#find-bar", FindBar).mode == "filter" and self._doc is not None:
            tree.show(self._doc)
        tree.focus()

    # ---------------------------------------------------------------- tab keys
    def action_show_tab(self, pane: str) -> None:
        """1 / 2 / 3: open the Tree, Raw or Headers tab and put the keys there."""
        tabs = self.query_one("#response-tabs", TabbedContent)
        tabs.active = pane  # the Raw text is built on TabActivated, as for a click
        # The Headers text cannot take focus: the tab strip does, so 1 / 2 / 3 keep working.
        target = {"tab-tree": "#json-tree", "tab-raw": "#raw"}.get(pane)
        (self.query_one(target) if target else tabs.query_one(Tabs)).focus()
