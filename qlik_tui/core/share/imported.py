"""What a pasted command asked for, before it is fitted to a profile."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
HINT = "paste a whole command, e.g. curl -X POST 'https://host/qrs/tag' -d '{\"name\": \"x\"}'"


@dataclass
class Imported:
    """What the paste asked for; `notes` says what was dropped or could not be used."""

    method: str
    url: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: str | None = None
    notes: list[str] = field(default_factory=list)
    query: list[tuple[str, str]] = field(default_factory=list)

    @property
    def origin(self) -> str:
        """scheme://host[:port] (lower case), '' for a path-only URL."""
        parts = urlsplit(self.url)
        return f"{parts.scheme.lower()}://{parts.netloc.lower()}" if parts.netloc else ""

    @property
    def path(self) -> str:
        """The URL's path ('/' when empty)."""
        return urlsplit(self.url).path or "/"
