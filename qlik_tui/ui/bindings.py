"""The app's key bindings, in one table: the footer, the help screen and the palette read it."""

from __future__ import annotations

from textual.binding import Binding, BindingType

APP_BINDINGS: list[BindingType] = [
    Binding("f5", "send", "Send", id="request.send"),
    Binding("ctrl+j", "send", "Send", id="request.send_alt", show=False),
    Binding("escape", "cancel", "Cancel", id="request.cancel", show=False),
    Binding("f2", "next_profile", "Next profile", id="profile.next"),
    Binding("ctrl+t", "token_details", "Token", id="token.details"),
    Binding("ctrl+r", "remint", "Re-mint", id="token.remint"),
    Binding("ctrl+o", "copy_token", "Copy token", id="token.copy", show=False),
    Binding("f3", "edit_profile", "Edit profile", id="profile.edit"),
    Binding("f6", "discover", "Discover", id="catalog.discover", show=False),
    Binding("ctrl+n", "new_profile", "New profile", id="profile.new", show=False),
    Binding("ctrl+b", "toggle_sidebar", "Sidebar", id="view.sidebar", show=False),
    Binding("ctrl+l", "focus_path", "Path", id="view.path", show=False),
    Binding("f4", "focus_response", "Response", id="view.response"),
    Binding("f7", "maximize_response", "Maximise", id="view.maximize"),
    Binding("f8", "show_copied", "Show copied", id="clipboard.show", show=False),
    Binding("f1,question_mark", "help", "Help", id="app.help"),
    Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
]
