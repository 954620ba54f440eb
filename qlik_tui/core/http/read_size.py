"""Bigger socket reads for big bodies.

httpcore reads a response 64 KB at a time: a 20 MB body is ~300 reads, each a trip through
anyio, h11 and httpx's iterator on the event loop (0.34 s measured on loopback under load,
0.18 s with 256 KB reads: the socket rarely has more ready than that, so 1 MB gains little
more). `recv` returns what has arrived, so small responses are unchanged.
"""

from __future__ import annotations

READ_BYTES = 256 * 1024
_HTTPCORE_DEFAULT = 64 * 1024


def widen_reads() -> bool:
    """Make httpcore's HTTP/1.1 reads READ_BYTES; False where its read size is not the one we know."""
    try:
        from httpcore._async.http11 import AsyncHTTP11Connection
    except ImportError:  # pragma: no cover - a future httpcore: keep its own read size
        return False
    current = getattr(AsyncHTTP11Connection, "READ_NUM_BYTES", None)
    if current not in (_HTTPCORE_DEFAULT, READ_BYTES):
        return False  # changed by its authors (or someone else): theirs stands
    AsyncHTTP11Connection.READ_NUM_BYTES = READ_BYTES
    return True
