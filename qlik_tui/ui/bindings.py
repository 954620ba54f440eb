"""The app's key bindings, in one table: the footer, the help screen and the palette read it."""

from __future__ import annotations

from textual.binding import Binding, BindingType

APP_BINDINGS: list[BindingType] = [
    Binding("f5", "send", "Send", id="request.send", tooltip="send what is in the editor"),
    Binding("ctrl+j", "send", "Send", id="request.send_alt", show=False),
    Binding(
        "escape",
        "cancel",
        "Cancel",
        id="request.cancel",
        show=False,
        tooltip="stop the running request, else restore a maximised response",
    ),
    Binding("ctrl+s", "save_request", "Save", id="request.save", show=False, tooltip="save the request to the collection"),
    Binding(
        "ctrl+g",
        "edit_externally",
        "$EDITOR",
        id="request.external_editor",
        show=False,
        tooltip="edit the body (from the Headers tab: the headers) in $VISUAL / $EDITOR",
    ),
    Binding("shift+f12", "focus_saved", "Saved", id="view.saved", show=False, tooltip="jump to the Saved tab's filter"),
    Binding("shift+f11", "focus_history", "History", id="view.history", show=False, tooltip="jump to the History tab's list"),
    Binding("f2", "next_profile", "Next profile", id="profile.next", tooltip="switch to the next profile (wraps)"),
    Binding("ctrl+t", "token_details", "Token", id="token.details", tooltip="decoded header and claims of the token"),
    Binding("ctrl+r", "remint", "Re-mint", id="token.remint", tooltip="mint a new token now (OAuth: fetch a new access token)"),
    Binding(
        "ctrl+o",
        "copy_token",
        "Copy token",
        id="token.copy",
        show=False,
        tooltip="send the raw token to the terminal's clipboard (OSC 52)",
    ),
    Binding("f3", "edit_profile", "Edit profile", id="profile.edit", tooltip="edit the active profile"),
    Binding(
        "f6",
        "discover",
        "Discover",
        id="catalog.discover",
        show=False,
        tooltip="ask a QSEoW server for every endpoint it offers",
    ),
    Binding("ctrl+n", "new_profile", "New profile", id="profile.new", show=False, tooltip="create a profile"),
    Binding("ctrl+b", "toggle_sidebar", "Sidebar", id="view.sidebar", show=False, tooltip="hide or show the sidebar"),
    Binding("ctrl+l", "focus_path", "Path", id="view.path", show=False, tooltip="jump to the path box"),
    Binding("f4", "focus_response", "Response", id="view.response", tooltip="jump to the response"),
    Binding(
        "f7",
        "maximize_response",
        "Maximise",
        id="view.maximize",
        tooltip="the response fills the screen; again or Esc restores",
    ),
    Binding(
        "f8",
        "show_copied",
        "Show copied",
        id="clipboard.show",
        show=False,
        tooltip="the last copied value, to select by hand",
    ),
    Binding("f9", "export_curl", "curl", id="request.export_curl", show=False, tooltip="the request as a curl command"),
    Binding(
        "shift+f9",
        "export_powershell",
        "PowerShell",
        id="request.export_powershell",
        show=False,
        tooltip="the request as PowerShell Invoke-RestMethod",
    ),
    Binding("f10", "compare", "Compare", id="request.compare", show=False, tooltip="send it with another profile too; diff"),
    Binding(
        "f12",
        "open_engine",
        "Engine",
        id="engine.open",
        show=False,  # the footer is full at 80 columns: F1 and the palette list it
        tooltip="open the app under the cursor (or pick one) in the Engine view: sheets, objects, script, expressions",
    ),
    Binding("f1,question_mark", "help", "Help", id="app.help", tooltip="this list"),
    Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True, tooltip="leave qlik-tui"),
]
