"""What the action mixins and palette providers may use of the app, and nothing more.

`app.py` is the only module that knows the whole app. The mixins (navigation,
profile_actions, token_actions) and the palette providers see it through `QlikApp`, so no ui
module imports `.app` back (a test parses the imports and enforces it).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..core.catalog.builtin import Endpoint
from ..core.http.types import Request
from ..core.profiles.model import ProfileSet
from ..core.saved.model import SavedRequest
from ..core.workspace import Workspace


class QlikApp(Protocol):
    """The app's own state and the few app-wide operations the mixins call."""

    workspace: Workspace | None
    profiles_path: Path
    history_dir: Path | None
    clock: Callable[[], float]

    def switch_profile(self, name: str) -> None:
        """Make `name` the active profile."""

    def action_send(self) -> None:
        """Send what is in the editor (its variables filled in)."""

    def send_request(self, request: Request, all_pages: bool = False, uncapped: bool = False) -> None:
        """Send `request` for the active profile."""

    def catalog_for(self, name: str | None) -> list[Endpoint]:
        """The endpoints known for profile `name`."""

    def load_endpoint(self, endpoint: Endpoint) -> None:
        """Put an endpoint into the editor."""

    def compare_with(self, name: str) -> None:
        """Diff the editor's request on the active profile and `name`."""

    def saved_requests(self) -> list[SavedRequest]:
        """The collection's saved requests, as last read."""

    def load_saved(self, saved: SavedRequest, run: bool = False) -> None:
        """Put a saved request into the editor; `run` sends it too."""

    def copy_value(self, text: str, what: str) -> None:
        """Send `text` to the terminal's clipboard and say so."""

    def _connection_listener(self, name: str) -> None:
        """Open profile `name`'s connection and forward its events to the app."""

    def _after_welcome(self, result: ProfileSet | None) -> None:
        """Carry on once the welcome screen closes."""


if TYPE_CHECKING:
    from textual.app import App

    class AppHost(App[int], QlikApp):
        """For the type checker only: a mixin sees Textual's App plus `QlikApp`."""

else:
    AppHost = object  # at run time the mixins are plain classes; the real app supplies the rest
