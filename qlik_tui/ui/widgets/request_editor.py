"""The request editor: method, path (placeholders highlighted), query rows, body, headers.

`build()` turns what is on screen into a core `Request`, or raises a UsageError whose
message and hint the app shows; nothing half-formed is ever sent.

Query rows and body belong to one operation (method + path template). When the method or
the path moves to another operation, rows and body that were loaded or sent for the old
one (a `next=` page cursor, a filter, an example body) are replaced by the new one's;
rows the person edited since are theirs and stay until sent or replaced by a load.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable
from typing import ClassVar

from rich.highlighter import Highlighter
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Select, Static, TabbedContent, TabPane, TextArea

from ...core.catalog.builtin import Endpoint, placeholders_in
from ...core.catalog.operations import Operation, find_operation, operation_of
from ...core.errors import UsageError
from ...core.history import refuse_masked
from ...core.http.request_parts import parse_header_lines, parse_query_lines
from ...core.http.types import Request
from ...core.share.curl_import import looks_like_command
from ...core.terminal_text import visible

METHODS: tuple[str, ...] = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")


class PlaceholderHighlighter(Highlighter):
    """Shows `{id}`-style placeholders in reverse video until they are filled."""

    def highlight(self, text: Text) -> None:
        text.highlight_regex(r"\{\{?[^{}/]+\}\}?", style="bold reverse")  # {id} and {{variable}}


def is_url(text: str) -> bool:
    """A whole URL on one line (pasted from a browser or a log): imported like `curl URL`."""
    text = text.strip()
    return text.lower().startswith(("http://", "https://")) and not any(c.isspace() for c in text)


def as_command(text: str) -> str:
    """A bare URL as the curl command that would fetch it; a command unchanged."""
    return f"curl {shlex.quote(text.strip())}" if is_url(text) else text


class PathInput(Input):
    """The path box; a pasted curl/HTTPie/xh command is taken whole (Input keeps only its first line)."""

    def _on_paste(self, event: events.Paste) -> None:
        if looks_like_command(event.text) or is_url(event.text):
            event.prevent_default()  # not Input's paste, which would keep the first line only
            event.stop()
            self.post_message(RequestEditor.ImportPasted(as_command(event.text)))


class RequestEditor(Vertical):
    """Where the user builds the next request."""

    BODY_METHODS: ClassVar[set[str]] = {"POST", "PUT", "PATCH"}
    _deprecated: tuple[re.Pattern[str], str] | None = None  # the loaded endpoint's path pattern and its mark
    _note: tuple[str, str] = ("", "")  # (path, text): a note made for that path

    # A compact Select shows focus only by a 5% tint: nothing at all in 16 colours or
    # under NO_COLOR. Reverse video shows in every mode.
    DEFAULT_CSS = """
    RequestEditor Select:focus > SelectCurrent Static#label {
        text-style: reverse bold;
    }
    """

    class SendRequested(Message):
        """Enter in the path box: send."""

    class ImportPasted(Message):
        """A curl/HTTPie/xh command pasted (or typed and entered) in the path box."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._operation: Operation | None = None  # the operation the query rows and body are for
        self._rows: tuple[str, str] = ("", "")  # query and body as loaded or sent for it
        self._endpoint: Endpoint | None = None  # the catalog entry last loaded (may be discovered)
        self._pending_note = ""  # said again after the path changes a load made (for a second)

    def compose(self) -> ComposeResult:
        with Horizontal(id="request-line"):
            yield Select([(m, m) for m in METHODS], value="GET", allow_blank=False, id="method", compact=True)
            yield PathInput(
                placeholder="/qrs/about  or  /api/v1/users/me",
                id="path",
                highlighter=PlaceholderHighlighter(),
                compact=True,
            )
        yield Static("", id="placeholder-note")
        with TabbedContent(id="request-tabs"):
            with TabPane("Query", id="tab-query"):
                yield TextArea("", id="query", soft_wrap=False)
            with TabPane("Body", id="tab-body"):
                yield TextArea("", id="body", soft_wrap=False)
            with TabPane("Headers", id="tab-headers"):
                yield TextArea("", id="headers", soft_wrap=False)

    def on_mount(self) -> None:
        self.border_title = "Request  (F5 / ctrl+j send)"

    def load(
        self,
        method: str,
        path: str,
        query: list[tuple[str, str]] | None = None,
        body: str | None = None,
        headers: list[tuple[str, str]] | None = None,
    ) -> None:
        """Fill the editor (from an endpoint, history, a saved request, or --request)."""
        self.query_one("#method", Select).value = method if method in METHODS else "GET"
        self.query_one("#path", Input).value = path
        self.query_one("#query", TextArea).text = "\n".join(f"{k}={v}" for k, v in (query or []))
        self.query_one("#body", TextArea).text = body or ""
        if headers is not None:
            self.query_one("#headers", TextArea).text = "\n".join(f"{k}: {v}" for k, v in headers)
        self._deprecated = None
        self._note_placeholders(path)
        if body:
            self.query_one("#request-tabs", TabbedContent).active = "tab-body"
        self._own_rows()

    def load_headers(self, headers: list[tuple[str, str]]) -> None:
        """Fill the Headers tab (an imported command's own headers)."""
        self.query_one("#headers", TextArea).text = "\n".join(f"{k}: {v}" for k, v in headers)

    def load_endpoint(self, endpoint: Endpoint) -> None:
        """An endpoint from the catalog: its useful query keys as empty rows, its example body."""
        self._endpoint = endpoint
        self.load(endpoint.method, endpoint.path, [(p, "") for p in endpoint.params], endpoint.body)
        if endpoint.optional:  # the operation's other query keys, as comments: sent once uncommented
            query = self.query_one("#query", TextArea)
            query.text = "\n".join([*([query.text] if query.text else []), *(f"# {k}=" for k in endpoint.optional)])
        if endpoint.mark():  # said under the path for as long as the path is this operation's
            pattern = re.compile(re.sub(r"\\\{[^}/]+\\\}", "[^/]+", re.escape(endpoint.path)), re.IGNORECASE)
            self._deprecated = (pattern, f"{'⚠' if endpoint.deprecation else 'ℹ'} {visible(endpoint.mark())}")
            self._note_placeholders(endpoint.path)
        if (endpoint.params or endpoint.optional) and not endpoint.body:
            self.query_one("#request-tabs", TabbedContent).active = "tab-query"

    def _current_operation(self) -> Operation:
        method = str(self.query_one("#method", Select).value)
        return operation_of(method, self.query_one("#path", Input).value, (self._endpoint,) if self._endpoint else ())

    def _texts(self) -> tuple[str, str]:
        return self.query_one("#query", TextArea).text, self.query_one("#body", TextArea).text

    def _own_rows(self) -> None:
        """What is in the query and body now belongs to the operation on screen."""
        self._operation = self._current_operation()
        self._rows = self._texts()

    def _follow_operation(self) -> None:
        """Method or path changed: another operation gets its own rows and body, not the old ones."""
        if self._operation is None:
            return
        operation = self._current_operation()
        if operation == self._operation or self._texts() != self._rows:
            return  # same operation, or rows the person edited: theirs to keep
        method = operation[0]
        extra = (self._endpoint,) if self._endpoint else ()
        endpoint = find_operation(method, self.query_one("#path", Input).value, extra)
        self.query_one("#query", TextArea).text = "\n".join(f"{p}=" for p in endpoint.params) if endpoint else ""
        self.query_one("#body", TextArea).text = (endpoint.body or "") if endpoint else ""
        self._own_rows()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "method":
            self._follow_operation()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "path":
            self._note_placeholders(event.value)
            self._follow_operation()
            if self._pending_note:  # a profile switch and a load may each change the path
                self.note(self._pending_note)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "path":
            event.stop()
            if looks_like_command(event.value) or is_url(event.value):
                self.post_message(self.ImportPasted(as_command(event.value)))
            else:
                self.post_message(self.SendRequested())

    def note(self, text: str) -> None:
        """A one-line hint under the path (when no placeholder needs filling), kept while the path stays."""
        path = self.query_one("#path", Input).value
        self._note = (path, text)  # a Changed event still on its way for this path must not wipe it
        if placeholders_in(path):
            return
        note = self.query_one("#placeholder-note", Static)
        text = "  ·  ".join(t for t in (self._deprecation_note(), text) if t)
        note.update(Text(text, style="italic"))
        note.set_class(bool(text), "-visible")

    def note_after_load(self, text: str) -> None:
        """`note`, kept through the path change the load just queued (which redraws the note)."""
        self._pending_note = text
        self.note(text)
        self.set_timer(1.0, self._drop_pending_note)  # then the path is the person's again

    def _drop_pending_note(self) -> None:
        self._pending_note = ""

    def _note_placeholders(self, path: str) -> None:
        names = placeholders_in(path)
        note = self.query_one("#placeholder-note", Static)
        text = Text("fill in: " + ", ".join("{" + n + "}" for n in names), style="bold") if names else Text()
        mark = self._deprecation_note(path)
        if mark:
            text.append(f"{'  ·  ' if names else ''}{mark}", style="italic")
        if not names and self._note[0] == path and self._note[1]:
            text.append(f"{'  ·  ' if mark else ''}{self._note[1]}", style="italic")
        note.update(text)
        note.set_class(bool(text.plain), "-visible")

    def _deprecation_note(self, path: str | None = None) -> str:
        path = self.query_one("#path", Input).value if path is None else path
        if self._deprecated is None or not self._deprecated[0].fullmatch(path.strip()):
            return ""
        return self._deprecated[1]

    def build(self, fill: Callable[[dict[str, str]], dict[str, str]] | None = None) -> Request:
        """The request on screen, checked; UsageError explains what to fix. Its query rows and
        body now belong to its operation (re-sending it keeps them; another one does not).
        `fill` fills `{{variables}}` in the texts first (the widgets keep them as typed)."""
        method = str(self.query_one("#method", Select).value)
        texts = {
            "path": self.query_one("#path", Input).value,
            "query": self.query_one("#query", TextArea).text,
            "headers": self.query_one("#headers", TextArea).text,
            "body": self.query_one("#body", TextArea).text,
        }
        if fill is not None:
            texts = fill(texts)
        refuse_masked(texts)
        path = texts["path"].strip()
        if not path:
            raise UsageError("no path to send", "type an API path such as /qrs/about, or pick one from Endpoints")
        if path.lower().startswith(("http://", "https://")):
            raise UsageError(
                "the path is a URL", "press Enter in the path box to read it (its host picks the profile), or type only /qrs/app"
            )
        names = placeholders_in(path)
        if names:
            raise UsageError(f"fill in {', '.join('{' + n + '}' for n in names)} first", "replace the placeholder with a real id")
        query = parse_query_lines(texts["query"])
        query = [(k, v) for k, v in query if v != ""]  # empty rows from the catalog are hints, not values
        headers = parse_header_lines(texts["headers"])
        body_text = texts["body"].strip()
        body = None
        if body_text and method in self.BODY_METHODS | {"DELETE"}:
            try:
                json.loads(body_text)
            except ValueError as exc:
                raise UsageError(
                    f"the body is not valid JSON ({exc})", "fix it in the Body tab (strings need double quotes)"
                ) from None
            body = body_text.encode("utf-8")
        request = Request.build(method, path, query, body, headers)
        self._own_rows()
        return request
