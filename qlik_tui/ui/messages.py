"""Messages workers post back to the app (workers never touch widgets)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from ..core.catalog.builtin import Endpoint
from ..core.catalog.seen_ids import SeenIds
from ..core.errors import QlikTuiError
from ..core.events import ConnectionEvent
from ..core.http.types import Request, Response

if TYPE_CHECKING:
    from ..core.auth.tokens import MintedToken


class RequestDone(Message):
    """A request of profile `name` finished: a response, or an error with no response."""

    def __init__(
        self,
        name: str,
        request: Request,
        response: Response | None,
        error: QlikTuiError | None,
        *,
        ticket: int = 0,
        all_pages: bool = False,
        seen: SeenIds | None = None,
    ) -> None:
        super().__init__()
        self.name = name
        self.request = request
        self.response = response
        self.error = error
        self.ticket = ticket
        self.all_pages = all_pages
        self.seen = seen


class TokenReady(Message):
    """A token was minted for profile `name` (or minting failed)."""

    def __init__(self, name: str, token: MintedToken | None, error: QlikTuiError | None = None) -> None:
        super().__init__()
        self.name = name
        self.token = token
        self.error = error


class CatalogReady(Message):
    """Discovery for profile `name` finished: endpoints and a one-line summary, or an error."""

    def __init__(self, name: str, endpoints: list[Endpoint], summary: str, error: QlikTuiError | None = None) -> None:
        super().__init__()
        self.name = name
        self.endpoints = endpoints
        self.summary = summary
        self.error = error


class ConnectionEventPosted(Message):
    """A connection of profile `name` reported an event (minted, session started...)."""

    def __init__(self, name: str, event: ConnectionEvent) -> None:
        super().__init__()
        self.name = name
        self.event = event


class CountReady(Message):
    """How many objects the QRS list at `path` holds (profile `name`)."""

    def __init__(self, name: str, path: str, value: int) -> None:
        super().__init__()
        self.name = name
        self.path = path
        self.value = value
