"""One cached token per profile: minted when missing, re-minted near expiry or when refused.

Concurrent requests share one mint (an asyncio lock and a re-check under it), and a
refusal only replaces the token the refused request actually carried, so 20 requests
failing together cause one re-mint, not 20.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from ..events import MINTED, REMINTED, EventBus
from ..profiles.model import Profile
from .tokens import MintedToken, mint

MAX_MARGIN = 60.0


def refresh_margin(lifetime: float) -> float:
    """Seconds before `exp` at which a token counts as stale: 20% of its life, at most 60 s."""
    return min(MAX_MARGIN, lifetime * 0.2)


class TokenCache:
    """The live token of one profile."""

    def __init__(self, profile: Profile, events: EventBus, clock: Callable[[], float] = time.time) -> None:
        self.profile = profile
        self.events = events
        self.clock = clock
        self.token: MintedToken | None = None
        self.mint_count = 0
        self._lock = asyncio.Lock()

    @property
    def margin(self) -> float:
        """The refresh margin for this profile's lifetime."""
        return refresh_margin(self.profile.lifetime_seconds)

    def is_fresh(self, token: MintedToken | None) -> bool:
        """True when `token` exists and is not within the margin of expiry."""
        return token is not None and token.seconds_left(self.clock()) > self.margin

    async def get(self) -> MintedToken:
        """A token that is valid for at least the margin (minting if needed)."""
        if self.is_fresh(self.token):
            assert self.token is not None
            return self.token
        async with self._lock:
            if self.is_fresh(self.token):
                assert self.token is not None
                return self.token
            if self.token is None:
                return self._mint("")
            expired = self.token.seconds_left(self.clock()) <= 0
            return self._mint("after expiry" if expired else "before expiry")

    async def replace(self, stale: MintedToken | None, reason: str) -> MintedToken:
        """Re-mint unless someone already replaced `stale`; return the current token."""
        async with self._lock:
            if self.token is not None and self.token is not stale and self.is_fresh(self.token):
                return self.token
            return self._mint(reason)

    async def mint_now(self) -> MintedToken:
        """Re-mint at once (the user asked)."""
        async with self._lock:
            return self._mint("on request")

    def _mint(self, reason: str) -> MintedToken:
        """Mint; `reason` ('after 401', 'before expiry'...) is empty for the first token."""
        self.token = mint(self.profile, self.clock())
        self.mint_count += 1
        if reason:
            self.events.emit(REMINTED, reason)
        else:
            self.events.emit(MINTED, f"valid for {self.profile.lifetime_text}")
        return self.token
