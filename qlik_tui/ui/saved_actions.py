"""Saved requests in the TUI: the Saved tab, saving from the editor (ctrl+s), loading and running.

Variables are filled when a request is sent, from the active profile's vars then the
environment; the editor keeps `{{name}}` as typed, so saving again keeps the variable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from textual import work
from textual.widgets import Input

from ..core.saved import store
from ..core.saved.model import SavedRequest
from ..core.saved.store import SavedRequestError, collection_dir, file_for, list_names, load, save
from ..core.saved.variables import BODY_METHODS, describe, fill_texts, names_in
from ..core.terminal_text import visible
from .app_protocol import AppHost
from .drafts import save_draft
from .screens.save_request import SaveRequestScreen
from .screens.simple import ConfirmScreen
from .widgets.lazy_tabs import LazyTabbedContent
from .widgets.request_editor import RequestEditor
from .widgets.saved_list import SavedBrowser, SavedRequestList


def _rows(text: str, sep: str) -> tuple[tuple[str, str], ...]:
    """Editor lines as pairs, as `build` reads them: comments and value-less catalog hints left out."""
    out = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, found, value = line.partition(sep)
        if found and key.strip() and (value.strip() or sep == ":"):
            out.append((key.strip(), value.strip()))
    return tuple(out)


def draft_to_saved(draft: Mapping[str, str], name: str, description: str) -> SavedRequest:
    """What is in the editor as a saved request (secrets are taken out by the store)."""
    method = draft["method"]
    body = draft["body"].strip() if method in BODY_METHODS and draft["body"].strip() else None
    return SavedRequest(
        name=name,
        method=method,
        path=draft["path"].strip(),
        query=_rows(draft["query"], "="),
        headers=_rows(draft["headers"], ":"),
        body=body,
        description=description,
    )


class SavedActions(AppHost):
    """What the app does with saved requests."""

    collection_option: str | None = None  # --collection DIR
    _saved_in_editor: tuple[str, str] = ("", "")  # name and description of the one loaded last
    _saved: tuple[SavedRequest, ...] = ()  # the collection as last read

    @property
    def collection_root(self) -> Path:
        """--collection, else the profiles file's `collection`, else the XDG data folder."""
        return collection_dir(self.workspace.profile_set if self.workspace else None, self.collection_option)

    def variable_sources(self) -> list[tuple[str, Mapping[str, str]]]:
        """Where `{{name}}` values come from, first match wins: the active profile, then the environment."""
        sources: list[tuple[str, Mapping[str, str]]] = []
        if self.workspace is not None and self.workspace.active in self.workspace.profile_set.profiles:
            sources.append(("the profile", self.workspace.profile_set.profiles[self.workspace.active].vars))
        sources.append(("the environment", dict(os.environ)))
        return sources

    def fill_variables(self, texts: dict[str, str]) -> dict[str, str]:
        """The editor's texts with `{{variables}}` filled; UnresolvedVariables when one has no value."""
        return fill_texts(texts, [source for _, source in self.variable_sources()])

    def saved_requests(self) -> list[SavedRequest]:
        """The collection as last read (for the palette and the Saved tab)."""
        return list(self._saved)

    def refresh_saved(self) -> None:
        """Read the collection again (in a thread: a big one in git must not stall keys)."""
        self._read_saved(self.collection_root)

    @work(thread=True, group="saved", exclusive=True, exit_on_error=False, description="read the saved requests")
    def _read_saved(self, root: Path) -> None:
        requests, problems = [], []
        for name in list_names(root):
            try:
                requests.append(load(root, name))
            except SavedRequestError as exc:
                problems.append(exc.message)
        self.call_from_thread(self._show_saved, requests, problems)

    def _show_saved(self, requests: list[SavedRequest], problems: list[str]) -> None:
        self._saved = tuple(requests)
        for browser in self.query(SavedBrowser):  # none until the Saved tab is first opened
            browser.show(requests)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            self.notify(f"Saved request not read: {visible(problems[0])}{more}", severity="warning", timeout=10, markup=False)

    async def action_focus_saved(self) -> None:
        """Jump to the Saved tab's filter."""
        self.query_one("#sidebar").display = True
        tabs = self.query_one("#side-tabs", LazyTabbedContent)
        tabs.active = "tab-saved"
        await tabs.filled("tab-saved")  # filled on first open: its filter box exists once composed
        self.query_one("#saved-filter", Input).focus()

    def action_save_request(self) -> None:
        """ctrl+s: save what is in the editor under a name, with a description."""
        if self.workspace is None:
            return
        draft = save_draft(self.query_one(RequestEditor))
        if not draft["path"].strip():
            self.notify("Nothing to save: type a path first.", severity="warning")
            return
        root = self.collection_root

        def named(result: tuple[str, str] | None) -> None:
            if result is None:
                return
            saved = draft_to_saved(draft, *result)
            try:
                exists = file_for(root, saved.name).exists()
            except SavedRequestError as exc:
                self.notify(f"{visible(exc.message)}\n{exc.hint}", severity="error", markup=False)
                return
            if not exists:
                self._write_saved(root, saved, overwrite=False)
                return
            self.push_screen(
                ConfirmScreen(f"A saved request named '{saved.name}' exists.\nReplace it?"),
                lambda yes: self._write_saved(root, saved, overwrite=True) if yes else None,
            )

        self.push_screen(SaveRequestScreen(root, *self._saved_in_editor), named)

    def _write_saved(self, root: Path, saved: SavedRequest, overwrite: bool) -> None:
        try:
            path, notes = save(root, saved, overwrite=overwrite)
        except SavedRequestError as exc:
            self.notify(f"{visible(exc.message)}\n{exc.hint}", severity="error", timeout=10, markup=False)
            return
        self._saved_in_editor = (saved.name, saved.description)
        text = "\n".join(visible(line) for line in [f"Saved to {path}", *notes])
        self.notify(text, severity="warning" if notes else "information", timeout=10 if notes else 5, markup=False)
        self.refresh_saved()

    def on_saved_request_list_manage(self, message: SavedRequestList.Manage) -> None:
        saved, root = message.saved, self.collection_root
        if message.what == "delete":
            question = f"Delete the saved request '{saved.name}'?\n{file_for(root, saved.name)}"
            self.push_screen(ConfirmScreen(question), lambda yes: self._delete_saved(root, saved) if yes else None)
            return
        dialog = SaveRequestScreen(root, saved.name, saved.description, title="Rename or move the saved request")
        self.push_screen(dialog, lambda result: self._rename_saved(root, saved, result))

    def _delete_saved(self, root: Path, saved: SavedRequest) -> None:
        try:
            path = store.delete(root, saved.name)
        except SavedRequestError as exc:
            self.notify(f"{visible(exc.message)}\n{exc.hint}", severity="error", timeout=10, markup=False)
        else:
            self.notify(visible(f"Deleted {path}"), markup=False)
        self.refresh_saved()

    def _rename_saved(self, root: Path, saved: SavedRequest, result: tuple[str, str] | None) -> None:
        if result is None:
            return
        name, description = result
        try:
            if name != saved.name:
                store.rename(root, saved.name, name)
            if description != saved.description:  # the file is edited, its comments and layout kept
                save(root, replace(load(root, name), description=description), overwrite=True)
        except SavedRequestError as exc:
            self.notify(f"{visible(exc.message)}\n{exc.hint}", severity="error", timeout=10, markup=False)
        else:
            if self._saved_in_editor[0] == saved.name:
                self._saved_in_editor = (name, description)
            self.notify(visible(f"Saved request now '{name}'"), markup=False)
        self.refresh_saved()

    def on_saved_request_list_chosen(self, message: SavedRequestList.Chosen) -> None:
        self.load_saved(message.saved, run=message.run)

    def load_saved(self, saved: SavedRequest, run: bool = False) -> None:
        """Put a saved request into the editor (variables stay as `{{name}}`); `run` sends it too."""
        editor = self.query_one(RequestEditor)
        editor.load(saved.method, saved.path, list(saved.query), saved.body, list(saved.headers))
        self._saved_in_editor = (saved.name, saved.description)
        names = names_in(saved)
        if names:
            editor.note(describe(names, self.variable_sources()))
        if run:
            self.action_send()
        else:
            self.query_one("#path", Input).focus()
            self.notify(f"Loaded {visible(saved.name)}", timeout=3, markup=False)
