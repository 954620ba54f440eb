"""Counts in words: '1 item', '2 items' (never '1 items')."""

from __future__ import annotations


def count(n: int, singular: str, plural: str | None = None) -> str:
    """'1 byte', '1,024 bytes'; `plural` for nouns that do not just take an s."""
    return f"{n:,} {singular if n == 1 else (plural or singular + 's')}"
