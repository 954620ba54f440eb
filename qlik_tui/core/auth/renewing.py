"""The shared rule of every credential that expires: renew it once, whoever is waiting.

A JWT minted locally and an OAuth access token fetched from the tenant follow the same
rule: reuse it while it is fresh, renew it near expiry, and when twenty requests are
refused together replace only the token they carried, once (an asyncio lock and a
re-check under it).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Generic, Protocol, TypeVar


class Expiring(Protocol):
    """A credential with an expiry."""

    def seconds_left(self, now: float) -> float:
        """Seconds until expiry (negative once expired)."""
        ...


T = TypeVar("T", bound=Expiring)
Renew = Callable[[str], Awaitable[T]]


class RenewingCache(Generic[T]):
    """One live credential; subclasses say how early it is stale and how it is renewed."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.token: T | None = None
        self._lock = asyncio.Lock()

    def margin_for(self, token: T) -> float:
        """Seconds before expiry at which `token` counts as stale."""
        raise NotImplementedError

    def is_fresh(self, token: T | None) -> bool:
        """True when `token` exists and is not within its margin of expiry."""
        return token is not None and token.seconds_left(self.clock()) > self.margin_for(token)

    async def _current(self, renew: Renew[T]) -> T:
        """The token, renewed first (once, for everyone waiting) when missing or stale."""
        token = self.token
        if token is not None and self.is_fresh(token):
            return token
        async with self._lock:
            token = self.token
            if token is not None and self.is_fresh(token):
                return token
            if token is None:
                return await renew("")
            expired = token.seconds_left(self.clock()) <= 0
            return await renew("after expiry" if expired else "before expiry")

    async def _replace(self, stale: T | None, renew: Renew[T], reason: str) -> T:
        """Renew unless someone already replaced `stale`; the current token either way."""
        async with self._lock:
            token = self.token
            if token is not None and token is not stale and self.is_fresh(token):
                return token
            return await renew(reason)
