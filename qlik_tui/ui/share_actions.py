"""curl both ways in the TUI: F9 / shift+F9 show the request as curl / PowerShell (and send it
to the clipboard); a command pasted into the path box becomes the request. Mixed into the app."""

from __future__ import annotations

from ..core.errors import QlikTuiError
from ..core.profiles.loader import default_profiles_path
from ..core.share.curl_export import to_curl
from ..core.share.import_request import import_command
from ..core.share.powershell_export import to_powershell
from ..core.share.target import Target
from ..core.terminal_text import visible
from .app_protocol import AppHost
from .screens.simple import CopiedScreen
from .widgets.request_editor import METHODS, RequestEditor
from .widgets.response_view import ResponseView


class ShareActions(AppHost):
    """Mixed into the app: export (F9, shift+F9) and import (paste into the path box)."""

    def _export(self, shell: str) -> None:
        workspace = self.workspace
        if workspace is None or workspace.active is None:
            return
        profile = workspace.profile_set.profiles[workspace.active]
        try:
            request = self.query_one(RequestEditor).build()
            # `--profiles FILE` in the token command only when this is not the file qlik-tui finds on its own.
            own_file = self.profiles_path.resolve() != default_profiles_path().resolve()
            target = Target(profile, request, self.profiles_path.resolve() if own_file else None)
            text = to_curl(target) if shell == "curl" else to_powershell(target)
        except QlikTuiError as exc:
            self.query_one(ResponseView).show_error(exc, "not exported")
            return
        what = "curl command" if shell == "curl" else "PowerShell script"
        self.copy_value(text, what)
        self.push_screen(CopiedScreen(f"{what} (no secrets: the token comes from qlik-tui token)", text))

    def action_export_curl(self) -> None:
        """F9: the request as a curl command for sh/bash/zsh."""
        self._export("curl")

    def action_export_powershell(self) -> None:
        """shift+F9: the request as PowerShell Invoke-RestMethod."""
        self._export("powershell")

    def action_compare(self) -> None:
        """F10: send the editor's request with this profile and another, and diff the answers."""
        workspace = self.workspace
        if workspace is None or workspace.active is None:
            return
        others = [n for n in workspace.profile_set.profiles if n != workspace.active]
        if not others:
            self.notify("Compare needs a second profile.", severity="warning")
            return
        if len(others) == 1:
            self.compare_with(others[0])
        else:
            from .screens.compare import PickProfileScreen  # on first use: it is rarely opened

            self.push_screen(PickProfileScreen(others), lambda name: self.compare_with(name) if name else None)

    def compare_with(self, name: str) -> None:
        """Diff the editor's request on the active profile and `name` (GET only: it sends twice)."""
        workspace = self.workspace
        if workspace is None or workspace.active is None or name not in workspace.profile_set.profiles:
            return
        try:
            request = self.query_one(RequestEditor).build()
        except QlikTuiError as exc:
            self.query_one(ResponseView).show_error(exc, "not compared")
            return
        if request.method != "GET":
            self.notify("Compare only reads: use a GET (it would change two servers).", severity="warning")
            return
        active = workspace.active
        sides = ((active, workspace.state(active).connect()), (name, workspace.state(name).connect()))
        from .screens.compare import CompareScreen

        self.push_screen(CompareScreen(request, sides))

    def on_request_editor_import_pasted(self, message: RequestEditor.ImportPasted) -> None:
        workspace = self.workspace
        if workspace is None:
            return
        try:
            got = import_command(message.text, workspace.profile_set.profiles.values(), workspace.active)
        except QlikTuiError as exc:
            self.query_one(ResponseView).show_error(exc, "not imported")
            return
        notes = list(got.notes)
        if got.profile is not None and got.profile != workspace.active:
            self.switch_profile(got.profile)
            notes.insert(0, f"switched to profile {got.profile} (its host)")
        if got.method not in METHODS:
            notes.append(f"{got.method} is not offered: GET instead")
        editor = self.query_one(RequestEditor)
        editor.load(got.method, got.path, got.query, got.body)
        editor.load_headers(got.headers)
        summary = visible("Imported: " + ("; ".join(notes) if notes else f"{got.method} {got.path}"))
        editor.note_after_load(summary)
        self.notify(summary, timeout=8, markup=False)  # pasted text may hold [brackets]
