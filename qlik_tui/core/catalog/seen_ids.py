"""Ids seen in responses, offered when a path asks for a {placeholder}.

Each id remembers the resource it was seen under, so `/qrs/app/{id}` offers app ids first:
the response's own path names the resource of its top-level objects (`/qrs/stream/full` ->
stream, `/api/v1/spaces` -> spaces), and references inside them name theirs (a QRS app's
`owner` is a user, its `stream` a stream; a Cloud item's `spaceId` a space). The names
are the ones drill-down uses, so both agree on what an id points at.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from ..json.lazy import ARRAY_TYPES, LazyArray
from .drilldown import CLOUD_REFERENCES, CLOUD_RESOURCE_TYPES, QRS_REFERENCES, QRS_SCHEMA_TYPES

MAX_SEEN = 300
MAX_NODES = 20_000  # never walk a whole 100 MB body for suggestions
TRANSPARENT = {"data", "results"}  # Cloud list wrappers: their entries are the path's resource
_PLACEHOLDER_OPEN = "{"


@dataclass(frozen=True)
class SeenId:
    """An id value, the key it was under, a label (a sibling `name`) when there is one, and
    the resource it belongs to ('app', 'stream', 'app/object' for QRS; 'spaces' for Cloud;
    '' when unknown)."""

    value: str
    key: str
    label: str
    resource: str = ""


def _id_key(key: str) -> bool:
    lowered = key.lower()
    return lowered == "id" or (lowered.endswith("id") and len(key) > 2 and key[-2:] in ("Id", "ID"))


def resource_of_path(path: str) -> str:
    """The resource a path lists or returns: '/jwt/qrs/app/full' -> 'app', '/qrs/app/object/{id}'
    -> 'app/object', '/api/v1/spaces/x/assignments' -> 'assignments'; '' when not an API path."""
    if "://" in path:
        path = urlsplit(path).path
    lowered = path.partition("?")[0].lower()
    at = lowered.find("/qrs/")
    if at >= 0:
        parts = [p for p in lowered[at + 5 :].split("/") if p]
        if len(parts) > 1 and parts[0] == "app" and parts[1] == "object":
            return "app/object"
        return parts[0] if parts and not parts[0].startswith(_PLACEHOLDER_OPEN) else ""
    at = lowered.find("/api/v1/")
    if at >= 0:
        parts = [p for p in lowered[at + 8 :].split("/") if p]
        if "actions" in parts:
            parts = parts[: parts.index("actions")]
        collections = [p for p in parts[0::2] if not p.startswith(_PLACEHOLDER_OPEN)]  # collection/id/collection/id
        return collections[-1] if collections else ""
    return ""


def resource_for_placeholder(path: str, name: str) -> str:
    """The resource whose ids fill `{name}` in `path`: the collection just before it
    (`/qrs/app/{id}` -> 'app'), else what the name itself says (`{spaceId}` -> 'spaces')."""
    at = path.find("{" + name + "}")
    resource = resource_of_path(path[:at]) if at >= 0 else ""
    if resource:
        return resource
    lowered = name.lower()
    cloud = "/api/" in path.lower()
    return (CLOUD_REFERENCES.get(lowered) if cloud else QRS_REFERENCES.get(lowered)) or ""


def _reference(key: str, kind: str) -> str:
    """The resource an id held under `key` (or an object under `key`) points at."""
    lowered = key.lower()
    if kind != "cloud" and QRS_REFERENCES.get(lowered):
        return QRS_REFERENCES[lowered]
    if kind != "qrs" and lowered in CLOUD_REFERENCES:
        return CLOUD_REFERENCES[lowered]
    return ""


class _Element:
    """Element `index` of a LazyArray, parsed only when the walk reaches it."""

    __slots__ = ("array", "index")

    def __init__(self, array: LazyArray, index: int) -> None:
        self.array, self.index = array, index


class SeenIds:
    """Newest first, unique by value, bounded."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, SeenId] = OrderedDict()

    def collect(self, doc: Any, source: str = "") -> None:
        """Remember the ids in a response (breadth-first, bounded); `source` is the URL or path
        it came from, which names the resource of its top-level objects."""
        lowered = source.lower()
        kind = "qrs" if "/qrs/" in lowered else "cloud" if "/api/" in lowered else ""
        queue: list[tuple[Any, str]] = [(doc, resource_of_path(source))]
        visited = 0
        found: list[SeenId] = []
        values: set[str] = set()
        # Stop once MAX_SEEN distinct ids are found: later ones would be trimmed. A LazyArray's
        # elements are parsed when reached and dropped once walked, not 1,000 at once (~8 MiB
        # of objects at 20 MB, whose freed pymalloc arenas stayed resident).
        while visited < len(queue) and visited < MAX_NODES and len(values) < MAX_SEEN:
            node, resource = queue[visited]
            queue[visited] = (None, "")
            visited += 1
            if isinstance(node, _Element):
                node = node.array[node.index]
            if isinstance(node, LazyArray):
                queue.extend((_Element(node, i), resource) for i in range(min(1000, len(node))))
            elif isinstance(node, ARRAY_TYPES):
                queue.extend((item, resource) for item in node[:1000])
            elif isinstance(node, dict):
                ids = self._ids_in(node, resource, kind, queue)
                found.extend(ids)
                values.update(item.value for item in ids)
        for item in reversed(found):
            self._remember(item)
        self._trim()

    @staticmethod
    def _ids_in(node: dict[str, Any], resource: str, kind: str, queue: list[tuple[Any, str]]) -> list[SeenId]:
        schema = node.get("schemaPath")
        if isinstance(schema, str) and schema.lower() in QRS_SCHEMA_TYPES:
            resource = QRS_SCHEMA_TYPES[schema.lower()]  # the object says what it is
        label = next((str(node[k]) for k in ("name", "userId", "title", "subject") if isinstance(node.get(k), str)), "")
        found = []
        for key, value in node.items():
            key = str(key)
            if isinstance(value, str) and value and _id_key(key) and len(value) <= 64:
                if key.lower() == "id":
                    owner = resource
                elif key.lower() == "resourceid" and isinstance(node.get("resourceType"), str):
                    owner = CLOUD_RESOURCE_TYPES.get(node["resourceType"].lower(), "")
                else:
                    owner = _reference(key, kind)
                found.append(SeenId(value, key, label if key == "id" else "", owner))
            elif isinstance(value, (dict, *ARRAY_TYPES)):
                queue.append((value, resource if key.lower() in TRANSPARENT else _reference(key, kind)))
        return found

    def _remember(self, item: SeenId) -> None:
        known = self._items.pop(item.value, None)
        if known is not None and known.resource and not item.resource:
            item = replace(item, resource=known.resource)  # a bare re-sighting does not forget the type
        self._items[item.value] = item
        self._items.move_to_end(item.value, last=False)

    def _trim(self) -> None:
        while len(self._items) > MAX_SEEN:
            self._items.popitem(last=True)

    def absorb(self, newer: SeenIds) -> None:
        """Take in ids gathered elsewhere (they count as the newest)."""
        for item in reversed(list(newer._items.values())):
            self._remember(item)
        self._trim()

    def candidates(self, name: str, path: str = "") -> tuple[list[SeenId], list[SeenId]]:
        """Ids for `{name}` in `path`: (those seen under the resource the path wants, the others).
        Each part is ordered exact key first (appId for {appId}), then `id`, then the rest.
        When the wanted resource is unknown, every id is in the first part."""
        lowered = name.lower()
        ranked = sorted(
            self._items.values(), key=lambda s: 0 if s.key.lower() == lowered else 1 if s.key.lower() == "id" else 2
        )  # stable: newest first within a rank
        wanted = resource_for_placeholder(path, name) if path else ""
        if not wanted:
            return ranked, []
        return [s for s in ranked if s.resource == wanted], [s for s in ranked if s.resource != wanted]

    def for_placeholder(self, name: str, path: str = "") -> list[SeenId]:
        """Seen ids for `{name}`: the matching resource's first, then the others."""
        matching, others = self.candidates(name, path)
        return matching + others
