"""The per-profile cache of a server's discovered catalog (state dir, keyed by server build).

Apart from discover_server.py so reading the cache at start-up does not load httpx."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import QlikTuiError
from ..file_read import read_regular_file
from ..history import default_state_dir, private_folder
from ..profiles.safe_files import atomic_write
from .codec import decode, encode
from .endpoint import SERVER, Endpoint

MAX_CACHE = 64 * 1024 * 1024  # bytes; a full QRS catalog is about 1 MB


@dataclass(frozen=True)
class Discovered:
    """What a server published, where it came from, and its build."""

    endpoints: list[Endpoint]
    build: str
    origin: str  # "openapi", "api/description (extended)", "api/description", "cache"


def cache_path(profile_name: str, folder: Path | None = None) -> Path:
    """Where a profile's discovered catalog is cached."""
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in profile_name)
    return (folder or default_state_dir() / "catalog-cache") / f"{safe}.json"


def read_cache(profile_name: str, folder: Path | None = None, build: str | None = None) -> Discovered | None:
    """The cached catalog (for `build`, if given), or None."""
    try:
        # Read like any file of the user's: never wait on a FIFO, never read a runaway file whole.
        raw = read_regular_file(cache_path(profile_name, folder), what="catalog cache", limit=MAX_CACHE)
        doc = json.loads(raw)
        if build is not None and doc["build"] != build:
            return None
        endpoints = [decode(e, source=SERVER) for e in doc["entries"]]
        return Discovered(endpoints, str(doc["build"]), "cache")
    except (QlikTuiError, ValueError, KeyError, TypeError, AttributeError, RecursionError):  # damaged: rediscover
        return None


def write_cache(profile_name: str, found: Discovered, folder: Path | None = None) -> None:
    """Save a discovered catalog (no secrets in it)."""
    doc = {
        "build": found.build,
        "entries": [encode(e, e.group) for e in found.endpoints],  # the built-in data's form (an older cache misses: rediscover)
    }
    path = cache_path(profile_name, folder)
    private_folder(path.parent)
    atomic_write(path, json.dumps(doc).encode("utf-8"))
