"""The answer: status, time, size; JSON tree, raw text and (redacted) headers; or an error
with its hint. A failed request shows here and never ends the app."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static, TabbedContent, TabPane, TextArea

from ...core.diagnose import pretty_json_or_text
from ...core.errors import QlikTuiError
from ...core.http_types import Response
from ...core.redact import redact_headers
from .json_tree import JsonTree

RAW_LIMIT = 2_000_000  # characters shown in the raw tab; the tree has the rest


def size_text(count: int) -> str:
    """1,234 B / 12.3 KB / 4.5 MB."""
    if count < 1024:
        return f"{count:,} B"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KB"
    return f"{count / 1024 / 1024:.1f} MB"


class ResponseView(Vertical):
    """Shows one response (or one error)."""

    def compose(self) -> ComposeResult:
        yield Static("No request sent yet. Pick an endpoint or type a path, then F5.", id="status-line")
        yield Static("", id="error-panel")
        with TabbedContent(id="response-tabs"):
            with TabPane("Tree", id="tab-tree"):
                yield JsonTree(id="json-tree")
            with TabPane("Raw", id="tab-raw"):
                yield TextArea("", id="raw", read_only=True, soft_wrap=False)
            with TabPane("Headers", id="tab-headers-out"):
                yield Static("", id="headers-out")

    def on_mount(self) -> None:
        self.border_title = "Response"

    def show_waiting(self, label: str, elapsed: float, received: int = 0, pages: int = 0) -> None:
        """While a request runs: what and how long (Esc cancels)."""
        got = f", {size_text(received)} received" if received else ""
        got += f", {pages} pages" if pages else ""
        self.query_one("#status-line", Static).update(Text(f"⟳ {label}  {elapsed:.1f} s{got}  (Esc cancels)", style="bold"))

    def show_error(self, error: QlikTuiError, label: str = "") -> None:
        """An error that left no response (network, TLS, bad input...)."""
        self.query_one("#status-line", Static).update(Text(f"✗ {label}" if label else "✗", style="bold"))
        self._error(error)

    def show_idle(self, text: str) -> None:
        """Nothing to show yet."""
        self.query_one("#status-line", Static).update(Text(text))
        self._error(None)
        self.query_one("#json-tree", JsonTree).show_message("no response yet")
        self.query_one("#raw", TextArea).text = ""
        self.query_one("#headers-out", Static).update("")

    def show_cancelled(self, label: str) -> None:
        """The user pressed Esc."""
        self.query_one("#status-line", Static).update(Text(f"cancelled: {label}", style="italic"))
        self._error(None)

    def show(self, response: Response) -> None:
        """A response: status line, tree, raw, headers; the error panel if it is not usable."""
        mark = "✓" if response.ok else "✗"
        pages = f" · {response.pages} pages" if response.pages > 1 else ""
        try:
            doc = response.json() if response.looks_like_json else None
        except ValueError:
            doc = None
        items = (
            doc
            if isinstance(doc, list)
            else doc.get("data")
            if isinstance(doc, dict) and isinstance(doc.get("data"), list)
            else None
        )
        if items is not None:
            pages += f" · {len(items):,} items"
            if isinstance(doc, dict) and isinstance(doc.get("links"), dict) and doc["links"].get("next"):
                pages += " · more: n next page, a all pages"
        timing = f"{response.elapsed * 1000:,.0f} ms · {size_text(len(response.body))}{pages}"
        line = f"{mark} {response.status} {response.reason} · {timing}"
        self.query_one("#status-line", Static).update(Text(line, style="bold"))
        self._error(response.error)
        tree = self.query_one("#json-tree", JsonTree)
        value = None
        if response.looks_like_json and response.body:
            try:
                value = response.json()
            except ValueError:
                value = None
        tabs = self.query_one("#response-tabs", TabbedContent)
        if value is not None:
            tree.show(value)
            tabs.active = "tab-tree"
        else:
            tree.show_message("not JSON: see the Raw tab" if response.body else "(empty body)")
            tabs.active = "tab-raw"
        raw = pretty_json_or_text(response)
        if len(raw) > RAW_LIMIT:
            raw = raw[:RAW_LIMIT] + f"\n… {len(raw) - RAW_LIMIT:,} more characters (use the Tree tab, or qlik-tui call)"
        self.query_one("#raw", TextArea).text = raw
        headers = Text()
        headers.append(f"{response.method} {response.url}\n\n", style="bold")
        for name, value_text in redact_headers(response.headers):
            headers.append(f"{name}: ", style="bold")
            headers.append(f"{value_text}\n")
        self.query_one("#headers-out", Static).update(headers)

    def _error(self, error: QlikTuiError | None) -> None:
        panel = self.query_one("#error-panel", Static)
        if error is None:
            panel.update("")
            panel.remove_class("-visible")
            return
        text = Text()
        text.append(error.message + "\n", style="bold")
        if error.hint:
            text.append("hint: " + error.hint)
        panel.update(text)
        panel.add_class("-visible")
