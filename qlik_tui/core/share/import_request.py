"""An imported command fitted to qlik-tui: which profile it targets, the API path without
the proxy prefix, and only the headers the profile does not set itself."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from ..errors import UsageError
from ..http.request_parts import MANAGED_HEADERS, parse_header_item
from ..profiles.model import Profile
from .curl_import import parse_command
from .imported import Imported

# Sent by qlik-tui anyway (or computed by the HTTP library): dropped without a word.
_QUIET = {"accept", "content-type", "content-length", "host", "connection", "accept-encoding", "user-agent"}
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass
class ImportedRequest:
    """The request to load into the editor, and what the import had to leave out."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: list[tuple[str, str]]
    body: str | None
    profile: str | None  # the profile whose host the command names, when there is one
    notes: list[str] = field(default_factory=list)


def _origin(url: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(url)
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme.lower(), 0)
    except ValueError:
        return None
    if not parts.hostname:
        return None
    return parts.scheme.lower(), parts.hostname.lower(), port


def match_profile(url: str, profiles: Iterable[Profile], prefer: str | None = None) -> Profile | None:
    """The profile on the URL's scheme, host and port; with several (two proxies on one host),
    the one whose virtual proxy prefix starts the path, else `prefer`, else the first."""
    origin = _origin(url)
    same = [p for p in profiles if origin is not None and _origin(p.url) == origin]
    if not same:
        return None
    head = urlsplit(url).path.lstrip("/").split("/", 1)[0].lower()
    for profile in same:
        if profile.type == "qseow" and profile.virtual_proxy and profile.virtual_proxy.lower() == head:
            return profile
    return next((p for p in same if p.name == prefer), same[0])


def _api_path(path: str, profile: Profile | None) -> str:
    """The path as Qlik documents it: a QSEoW profile's `/prefix` taken off."""
    if profile is not None and profile.type == "qseow" and profile.virtual_proxy:
        head, _, rest = path.lstrip("/").partition("/")
        if head.lower() == profile.virtual_proxy.lower():
            return "/" + rest
    return path or "/"


def _headers(pairs: list[tuple[str, str]], notes: list[str]) -> list[tuple[str, str]]:
    kept, dropped = [], []
    for name, value in pairs:
        lowered = name.lower()
        if lowered in MANAGED_HEADERS:
            dropped.append(name)
        elif lowered not in _QUIET:
            try:
                kept.append(parse_header_item(f"{name}: {value}", "header"))
            except UsageError as exc:
                notes.append(f"{name} left out: {exc.message}")
    if dropped:
        notes.append(f"{', '.join(dict.fromkeys(dropped))} dropped: the profile signs requests (token, session, Xrfkey, CSRF)")
    return kept


def import_command(text: str, profiles: Iterable[Profile], active: str | None = None) -> ImportedRequest:
    """Read a pasted curl/HTTPie/xh command and fit it to the profiles (UsageError if unreadable)."""
    imported: Imported = parse_command(text)
    notes = list(imported.notes)
    profile = match_profile(imported.url, list(profiles), active)
    if profile is None and imported.origin:
        notes.append(f"no profile is on {imported.origin}: the request is kept for the active profile")
    try:
        raw_query = urlsplit(imported.url).query
    except ValueError:
        raise UsageError(f"the URL is not readable ({imported.url[:80]!r})", "check the pasted command") from None
    query = parse_qsl(raw_query, keep_blank_values=True) + imported.query
    if any(k.lower() == "xrfkey" for k, _ in query):
        query = [(k, v) for k, v in query if k.lower() != "xrfkey"]
        notes.append("xrfkey dropped: qlik-tui draws a fresh one per request")
    body = imported.body
    if body is not None:
        try:
            body = json.dumps(json.loads(body), indent=2, ensure_ascii=False)
        except ValueError:
            notes.append("the body is not JSON: fix it in the Body tab before sending")
    method = imported.method.upper()
    return ImportedRequest(
        method,
        _api_path(imported.path, profile),
        query,
        _headers(imported.headers, notes),
        body,
        profile.name if profile is not None else None,
        notes,
    )
