"""What a profile was typing: saved when another profile takes the screen, put back on return."""

from __future__ import annotations

from textual.widgets import Input, TextArea

from .widgets.request_editor import RequestEditor

Draft = dict[str, str]

EMPTY: Draft = {"method": "GET", "path": "", "query": "", "body": "", "headers": ""}


def save_draft(editor: RequestEditor) -> Draft:
    """The editor's method, path, query, body and headers as they are now."""
    return {
        "method": str(editor.query_one("#method").value),  # type: ignore[attr-defined]
        "path": editor.query_one("#path", Input).value,
        "query": editor.query_one("#query", TextArea).text,
        "body": editor.query_one("#body", TextArea).text,
        "headers": editor.query_one("#headers", TextArea).text,
    }


def restore_draft(editor: RequestEditor, draft: Draft | None) -> None:
    """Put a saved draft back (an empty GET when there is none)."""
    draft = draft or EMPTY
    editor.load(draft["method"], draft["path"], None, draft["body"] or None)
    editor.query_one("#query", TextArea).text = draft["query"]
    editor.query_one("#headers", TextArea).text = draft["headers"]
