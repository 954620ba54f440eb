"""ctrl+g: the request body (or headers) in $EDITOR; v in the response: the body in $PAGER.

The app is suspended (Textual's `App.suspend`) while the program has the terminal, and
restored after. Where suspending is not possible (headless runs), the program still runs,
with no terminal input.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import SuspendNotSupported
from textual.widgets import TabbedContent, TextArea

from ..core.errors import QlikTuiError
from ..core.external_program import editor_command, pager_command, read_back, temp_text
from ..core.terminal_text import visible, visible_block
from .app_protocol import AppHost

if TYPE_CHECKING:
    from ..core.http.types import Response


class ExternalTools(AppHost):
    """$EDITOR and $PAGER."""

    def _run_outside(self, argv: list[str]) -> int:
        def run(**kwargs: object) -> int:
            return subprocess.call(argv, **kwargs)  # type: ignore[arg-type]

        try:
            with self.suspend():
                return run()
        except SuspendNotSupported:
            return run(stdin=subprocess.DEVNULL)

    def _outside(self, what: str, job: Callable[[], None]) -> None:
        try:
            job()
        except QlikTuiError as exc:
            self.notify(f"{visible(exc.message)}\n{visible(exc.hint)}", title=what, severity="error", markup=False)
        except FileNotFoundError as exc:
            self.notify(f"{visible(str(exc.filename))}: not found", title=what, severity="error", markup=False)
        except OSError as exc:
            self.notify(f"cannot run it ({exc.strerror})", title=what, severity="error", markup=False)
        finally:
            self.refresh(layout=True)

    def action_edit_externally(self) -> None:
        """ctrl+g: edit the body (or, from the Headers tab, the headers) in $VISUAL / $EDITOR."""
        focused = self.focused
        target = "headers" if getattr(focused, "id", None) == "headers" else "body"
        area = self.query_one(f"#{target}", TextArea)

        def job() -> None:
            argv = editor_command(os.environ)
            with temp_text(area.text, f"request-{target}.{'json' if target == 'body' else 'txt'}") as path:
                code = self._run_outside([*argv, str(path)])
                if code != 0:
                    self.notify(f"{visible(argv[0])} exited with {code}: the {target} is unchanged", severity="warning")
                    return
                area.text = read_back(path)
            self.query_one("#request-tabs", TabbedContent).active = f"tab-{target}"
            area.focus()

        self._outside("Editor", job)

    def action_open_pager(self) -> None:
        """v: the response body in $PAGER (control characters made visible first)."""
        state = self.workspace.state() if self.workspace and self.workspace.active else None
        response = state.response if state else None
        if response is None or not response.body:
            self.notify("No response body to show.", severity="warning")
            return

        self._page(response)

    @work(thread=True, group="pager", exclusive=True, exit_on_error=False, description="prepare the body for $PAGER")
    def _page(self, response: Response) -> None:
        # Pretty-printing and writing 100 MB takes seconds: done here, not on the event loop
        # (the countdown and keys stay live); only the pager itself runs on the UI thread,
        # which suspends the screen, and this thread waits for it before removing the file.
        from ..core.http.diagnose import pretty_json_or_text  # the HTTP stack: after the first frame

        try:
            text = pretty_json_or_text(response) if response.looks_like_json else response.text()
            name = "response.json" if response.looks_like_json else "response.txt"
            with temp_text(visible_block(text), name) as path:
                del text
                self.call_from_thread(self._outside, "Pager", lambda: self._run_pager(path))
        except OSError as exc:
            self.call_from_thread(self.notify, f"cannot write the temp file ({exc.strerror})", title="Pager", severity="error")

    def _run_pager(self, path: Path) -> None:
        self._run_outside([*pager_command(os.environ), str(path)])
