"""Operations Qlik marks as going away: since when, when they stop working (the sunset),
and what replaces them, read from the specs' own fields.

QRS (Swagger 2) marks them `deprecated: true` and names no replacement; Qlik Cloud
(OpenAPI 3) has `x-qlik-deprecated`, `-sunset` ("2026-09": removed after that month),
`-version`, `-description` ("Use the `/scheduling/tasks` endpoint instead") and
`x-qlik-replaced-by` (namespaced ids such as `GET:/scheduling/tasks`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

_MONTH = re.compile(r"^(\d{4})-(\d{2})")
_USE = re.compile(r"(?:use|to)\s+(?:the\s+)?(?:(GET|POST|PUT|PATCH|DELETE)\s+)?`?(/[\w{}/.-]+)`?", re.IGNORECASE)


@dataclass(frozen=True)
class Deprecation:
    """A deprecated operation: since (version or month), sunset month, and its replacement."""

    since: str = ""
    sunset: str = ""
    use: str = ""  # "GET /api/scheduling/tasks", when the spec names one

    def sunset_passed(self, today: date | None = None) -> bool:
        """True once the month after the sunset month has begun (Qlik: "removed after 2026-09")."""
        match = _MONTH.match(self.sunset)
        if match is None:
            return False
        year, month = int(match.group(1)), int(match.group(2))
        first_gone = date(year + month // 12, month % 12 + 1, 1)
        return (today or datetime.now(timezone.utc).date()) >= first_gone

    def mark(self, today: date | None = None) -> str:
        """'deprecated', 'deprecated, sunset 2026-11' or 'past sunset 2026-09', then '; use X'."""
        if self.sunset and self.sunset_passed(today):
            text = f"past sunset {self.sunset}"
        elif self.sunset:
            text = f"deprecated, sunset {self.sunset}"
        else:
            text = "deprecated"
        return f"{text}; use {self.use}" if self.use else text


def from_operation(operation: dict[str, Any], method: str, exists: Callable[[str, str], str | None]) -> Deprecation | None:
    """The deprecation of one spec operation, or None. `exists(method, path)` returns the
    catalog path of an operation of the same document, to resolve a named replacement."""
    if not (operation.get("deprecated") is True or operation.get("x-qlik-deprecated") is True):
        return None
    sunset = str(operation.get("x-qlik-deprecated-sunset") or "")
    since = str(operation.get("x-qlik-deprecated-version") or "")
    return Deprecation(since, sunset, _replacement(operation, method, exists))


def newer_operation(operation: dict[str, Any], exists: Callable[[str, str], str | None]) -> str:
    """`x-qlik-replaced-by` as 'GET /api/analytics/...' when that operation is in the same
    document; Qlik names a successor this way before (or without) deprecating the old one."""
    replaced_by = operation.get("x-qlik-replaced-by")
    if isinstance(replaced_by, list):
        for entry in replaced_by:
            identifier = str(entry.get("uniqueIdentifier", "")) if isinstance(entry, dict) else ""
            verb, _, path = identifier.partition(":")
            found = exists(verb.upper(), path) if path else None
            if found:
                return f"{verb.upper()} {found}"
    return ""


def rate_limit(operation: dict[str, Any]) -> str:
    """`x-qlik-tier` as 'tier 2, 100/min' (Qlik Cloud counts per user, per tier, per minute)."""
    tier = operation.get("x-qlik-tier")
    if not isinstance(tier, dict):
        return ""
    name, limit = str(tier.get("tier", "")).strip(), tier.get("limit")
    if not name or not isinstance(limit, int) or isinstance(limit, bool) or limit <= 0:
        return ""
    return f"{'tier ' + name if name.isdigit() else name}, {limit:,}/min"


def _replacement(operation: dict[str, Any], method: str, exists: Callable[[str, str], str | None]) -> str:
    newer = newer_operation(operation, exists)
    if newer:
        return newer
    text = str(operation.get("x-qlik-deprecated-description") or "")
    for match in _USE.finditer(text):
        verb = (match.group(1) or method).upper()
        found = exists(verb, match.group(2))
        if found:
            return f"{verb} {found}"
    return ""
