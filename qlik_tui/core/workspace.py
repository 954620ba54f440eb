"""Everything the app keeps per profile while it runs: connection, last request and answer.

Switching profiles back and forth loses nothing, because each profile keeps its own state.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .catalog.builtin import Endpoint
from .catalog.seen_ids import SeenIds
from .history import History
from .http.types import Request, Response
from .profiles.model import Profile, ProfileSet

MAX_TRAIL = 50
TRAIL_BYTES = 64 * 1024 * 1024  # bodies kept for Backspace; a 100 MB answer is not kept

if TYPE_CHECKING:
    from .auth.session_cache import SessionCache
    from .http.connection import Connection


@dataclass
class ProfileState:
    """One profile's live state."""

    profile: Profile
    history: History
    connection: Connection | None = None
    request: Request | None = None
    response: Response | None = None
    error: Exception | None = None
    clock: Callable[[], float] = time.time
    catalog: list[Endpoint] | None = None
    seen: SeenIds = field(default_factory=SeenIds)
    sessions: SessionCache | None = None  # where sessions are kept between runs (None: not kept)
    trail: list[tuple[Request, Response]] = field(default_factory=list)

    def remember(self, request: Request, response: Response | None, error: Exception | None) -> None:
        """A new answer: the previous one goes on the trail (Backspace walks it back)."""
        if self.request is not None and self.response is not None and self.request != request:
            # Sending the same request again replaces its answer instead of stacking it.
            self.trail.append((self.request, self.response))
            del self.trail[:-MAX_TRAIL]
            while self.trail and sum(len(r.body) for _, r in self.trail) > TRAIL_BYTES:
                self.trail.pop(0)  # big answers cost several times their size once parsed
        self.request, self.response, self.error = request, response, error

    def back(self) -> bool:
        """Return to the previous response; False when the trail is empty."""
        if not self.trail:
            return False
        self.request, self.response = self.trail.pop()
        self.error = None
        return True

    def connect(self) -> Connection:
        """The profile's connection, opened on first use."""
        if self.connection is None:
            from .http.connections import open_connection  # deferred: httpx and the crypto stack load on first use

            self.connection = open_connection(self.profile, clock=self.clock, sessions=self.sessions)
        return self.connection


@dataclass
class Workspace:
    """All profiles of a file and which one is active."""

    profile_set: ProfileSet
    history_dir: Path | None = None
    active: str | None = None
    clock: Callable[[], float] = time.time
    states: dict[str, ProfileState] = field(default_factory=dict)
    sessions: SessionCache | None = None  # the session cache, shared with `qlik-tui call`
    _closing: set[asyncio.Future[None]] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        if self.active is None or self.active not in self.profile_set.profiles:
            self.active = self.profile_set.default_name()

    def state(self, name: str | None = None) -> ProfileState:
        """The state of `name` (default: the active profile), created on first use."""
        name = name or self.active
        if name is None:
            raise KeyError("no profiles")
        if name not in self.states:
            profile = self.profile_set.profiles[name]
            self.states[name] = ProfileState(profile, History(name, self.history_dir), clock=self.clock, sessions=self.sessions)
        return self.states[name]

    def replace_profiles(self, profile_set: ProfileSet) -> None:
        """After an edit: keep states of unchanged profiles, drop the rest."""
        for name in list(self.states):
            if profile_set.profiles.get(name) != self.states[name].profile:
                state = self.states.pop(name)
                if state.connection is not None:
                    # Closed in the background; kept referenced so the task is not collected.
                    task = asyncio.ensure_future(state.connection.aclose())
                    self._closing.add(task)
                    task.add_done_callback(self._closing.discard)
        self.profile_set = profile_set
        if self.active not in profile_set.profiles:
            self.active = profile_set.default_name()

    async def aclose(self) -> None:
        """Close every connection."""
        for state in self.states.values():
            if state.connection is not None:
                await state.connection.aclose()
