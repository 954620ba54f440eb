"""The command palette: the app's actions (with the key that does the same) and two providers.

The providers live in `commands.py` and load when the palette first opens, not at start.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding

from .bindings import APP_BINDINGS

# (title, what it does, action): the key is looked up in the bindings, so it cannot drift.
PALETTE: list[tuple[str, str, str]] = [
    ("Send request", "Send what is in the editor", "send"),
    ("Cancel request", "Stop the running request", "cancel"),
    ("Export request as curl", "The request as a curl command, no secrets in it", "export_curl"),
    ("Export request as PowerShell", "The request as Invoke-RestMethod, no secrets in it", "export_powershell"),
    ("Compare with profile…", "Send the request with another profile too and diff the answers", "compare"),
    ("Next profile", "Switch to the next profile", "next_profile"),
    ("Show token", "Decoded header and claims", "token_details"),
    ("Re-mint token", "Mint a new token now (OAuth: fetch a new access token)", "remint"),
    ("Copy token", "Send the raw token to the terminal's clipboard", "copy_token"),
    ("New profile", "Create a profile", "new_profile"),
    ("Edit profile", "Edit the active profile", "edit_profile"),
    ("Duplicate profile", "Copy the active profile under a new name", "duplicate_profile"),
    ("Delete profile", "Delete the active profile (asks first)", "delete_profile"),
    ("Save request", "Save the editor's request to the collection, with a name and a description", "save_request"),
    ("Saved requests", "Jump to the Saved tab's filter", "focus_saved"),
    ("Edit body in $EDITOR", "The request body (from the Headers tab: the headers) in $VISUAL / $EDITOR", "edit_externally"),
    ("Response in $PAGER", "The response body in $PAGER (v in the response)", "open_pager"),
    ("Discover endpoints", "Ask the QSEoW server for every endpoint it offers", "discover"),
    ("Next page", "Fetch the next page of a Qlik Cloud list (n in the tree)", "next_page"),
    ("All pages", "Fetch every page of a Qlik Cloud list (a in the tree)", "all_pages"),
    ("Back", "Back to the previous response (Backspace in the tree)", "previous_response"),
    ("Open in the Engine view", "The app under the cursor (or one picked): sheets, objects, script, expressions", "open_engine"),
    ("Focus response", "Jump to the response tree", "focus_response"),
    ("Toggle sidebar", "Hide or show the sidebar", "toggle_sidebar"),
    ("Maximise response", "The response fills the screen; again or Esc restores", "maximize_response"),
    ("Show last copied value", "The last value sent to the clipboard, to select by hand", "show_copied"),
    ("Help", "Every key binding", "help"),
]


def key_label(key: str) -> str:
    """'f1,question_mark' -> 'F1 / ?': how a person reads a binding's keys."""
    names = {"question_mark": "?", "slash": "/", "backspace": "Backspace", "escape": "Esc", "enter": "Enter"}
    arrows = {"right": "→", "left": "←", "up": "↑", "down": "↓"}
    labels = []
    for part in key.split(","):
        part = part.strip()
        # Arrows as the README writes them ("→", "shift+←"), modifiers kept.
        *mods, last = part.split("+")
        if last in arrows:
            part = "+".join([*mods, arrows[last]])
        labels.append(names.get(part, part.upper() if re.fullmatch(r"f\d+", part) else part))
    return " / ".join(labels)


def key_for(action: str) -> str | None:
    """The first app key bound to `action`, for the palette's help line."""
    for binding in APP_BINDINGS:
        if isinstance(binding, Binding) and binding.action == action:
            return key_label(binding.key.split(",")[0])
    return None


def system_commands(app: App[Any]) -> Iterator[SystemCommand]:
    """The app's own palette entries, each running the same action as its key."""
    for title, help_text, action in PALETTE:
        key = key_for(action)
        yield SystemCommand(title, f"{help_text} ({key})" if key else help_text, partial(app.run_action, action))


def profiles_provider() -> Any:
    """The palette's profile commands (imported on first use: not needed for the first frame)."""
    from .commands import ProfilesProvider

    return ProfilesProvider


def endpoints_provider() -> Any:
    """The palette's endpoint search."""
    from .commands import EndpointsProvider

    return EndpointsProvider


def saved_provider() -> Any:
    """The palette's saved requests: load one, or run it."""
    from .saved_palette import SavedProvider

    return SavedProvider
