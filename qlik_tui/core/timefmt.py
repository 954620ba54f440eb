"""Timestamps for people: ISO 8601 in UTC (a module of its own so the TUI's first frame
does not wait for the crypto libraries that tokens.py needs)."""

from __future__ import annotations

from datetime import datetime, timezone


def iso(timestamp: float) -> str:
    """A Unix timestamp as ISO 8601 UTC, e.g. 2026-11-28T11:15:08Z."""
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
