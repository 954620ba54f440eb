"""One cached token per profile: minted when missing, re-minted near expiry or when refused.

Concurrent requests share one mint (an asyncio lock and a re-check under it), and a
refusal only replaces the token the refused request actually carried, so 20 requests
failing together cause one re-mint, not 20.

Signing runs in a thread: loading the key (RSA key checks, ~40 ms) and importing PyJWT and
cryptography the first time (~0.1 s) would otherwise hold up the event loop (the TUI's frames).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from ..events import MINTED, REMINTED, EventBus
from ..profiles.model import Profile
from .renewing import RenewingCache
from .tokens import MintedToken, mint

MAX_MARGIN = 60.0


def refresh_margin(lifetime: float) -> float:
    """Seconds before `exp` at which a token counts as stale: 20% of its life, at most 60 s."""
    return min(MAX_MARGIN, lifetime * 0.2)


class TokenCache(RenewingCache[MintedToken]):
    """The live token of one profile."""

    def __init__(self, profile: Profile, events: EventBus, clock: Callable[[], float] = time.time) -> None:
        super().__init__(clock)
        self.profile = profile
        self.events = events
        self.mint_count = 0

    @property
    def margin(self) -> float:
        """The refresh margin for this profile's lifetime."""
        return refresh_margin(self.profile.lifetime_seconds)

    def margin_for(self, token: MintedToken) -> float:
        """The profile's margin (every token of a profile lives as long)."""
        return self.margin

    async def get(self) -> MintedToken:
        """A token that is valid for at least the margin (minting if needed)."""
        return await self._current(self._renew)

    async def replace(self, stale: MintedToken | None, reason: str) -> MintedToken:
        """Re-mint unless someone already replaced `stale`; return the current token."""
        return await self._replace(stale, self._renew, reason)

    async def _renew(self, reason: str) -> MintedToken:
        return await self._mint(reason)

    async def mint_now(self) -> MintedToken:
        """Re-mint at once (the user asked)."""
        async with self._lock:
            return await self._mint("on request")

    def adopt(self, token: MintedToken) -> None:
        """Take a first token minted before this cache existed (the TUI mints it before the
        HTTP stack has loaded); ignored when a token is already here."""
        if self.token is None:
            self._record(token, "")

    async def _mint(self, reason: str) -> MintedToken:
        """Mint; `reason` ('after 401', 'before expiry'...) is empty for the first token."""
        return self._record(await asyncio.to_thread(mint, self.profile, self.clock()), reason)

    def _record(self, token: MintedToken, reason: str) -> MintedToken:
        self.token = token
        self.mint_count += 1
        if reason:
            self.events.emit(REMINTED, reason)
        else:
            self.events.emit(MINTED, f"valid for {self.profile.lifetime_text}")
        return self.token
