"""A structural diff of two JSON documents: keys added, removed and changed, with lists of
Qlik objects matched by `id` (when the two sides share ids: one site, two users), else by
`name` (two sites: test and prod never share GUIDs), else by position.

Volatile fields, which differ on every server and say nothing about configuration
(`modifiedDate`, `createdDate`, `modifiedByUserName`, `privileges`, Cloud's `createdAt`,
`updatedAt`, `tenantId` and `links`, whose hrefs name the tenant), are counted but hidden
unless asked for. `schemaPath` is not volatile: it names the object type and never differs.
When two lists of objects with ids share none (two sites), they are matched by name, and
from then on `id` keys are volatile too: every GUID differs between sites.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

VOLATILE = frozenset(
    {"modifiedDate", "createdDate", "modifiedByUserName", "privileges", "createdAt", "updatedAt", "tenantId", "links"}
)
MAX_CHANGES = 10_000  # enough to read; a diff of two unrelated 100 MB bodies stops listing here
MAX_DEPTH = 200  # levels compared; deeper values are compared whole


@dataclass(frozen=True)
class Match:
    """A list element named by a key's value (`[name="Sales"]`) instead of its position."""

    key: str
    value: Any


Step = str | int | Match
Op = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class Change:
    """One difference: at `path`, `left` became `right` (absent on one side for added/removed)."""

    op: Op
    path: tuple[Step, ...]
    left: Any = None
    right: Any = None


@dataclass
class Diff:
    """Every change, and how many volatile ones were left out."""

    changes: list[Change] = field(default_factory=list)
    hidden: int = 0
    truncated: bool = False

    @property
    def same(self) -> bool:
        """True when nothing shown differs."""
        return not self.changes


def _key_of(items: list[Any], key: str) -> list[Any] | None:
    """Each item's `key` when every item is an object holding a unique, plain value there."""
    values = [item.get(key) if isinstance(item, dict) else None for item in items]
    if any(v is None or isinstance(v, (dict, list)) for v in values) or len(set(map(repr, values))) != len(values):
        return None
    return values


def match_key(left: list[Any], right: list[Any]) -> str | None:
    """`id` when both sides have ids and share at least one; else `name` when both have unique names; else None."""
    left_ids, right_ids = _key_of(left, "id"), _key_of(right, "id")
    if left_ids is not None and right_ids is not None and set(map(repr, left_ids)) & set(map(repr, right_ids)):
        return "id"
    if _key_of(left, "name") is not None and _key_of(right, "name") is not None:
        return "name"
    return None


class _Differ:
    def __init__(self, show_volatile: bool) -> None:
        self.show_volatile = show_volatile
        self.result = Diff()
        self.volatile = VOLATILE

    def add(self, change: Change) -> None:
        if len(self.result.changes) >= MAX_CHANGES:
            self.result.truncated = True
            return
        self.result.changes.append(change)

    def compare(self, left: Any, right: Any, path: tuple[Step, ...]) -> None:
        if self.result.truncated or (left == right and type(left) is type(right)):
            return
        if len(path) >= MAX_DEPTH:
            self.add(Change("changed", path, left, right))
        elif isinstance(left, dict) and isinstance(right, dict):
            self._objects(left, right, path)
        elif isinstance(left, list) and isinstance(right, list):
            self._lists(left, right, path)
        else:
            self.add(Change("changed", path, left, right))

    def _objects(self, left: dict[str, Any], right: dict[str, Any], path: tuple[Step, ...]) -> None:
        for key in [*left, *(k for k in right if k not in left)]:
            if key in self.volatile and not self.show_volatile:
                if left.get(key, None) != right.get(key, None) or (key in left) != (key in right):
                    self.result.hidden += 1
                continue
            if key not in right:
                self.add(Change("removed", (*path, key), left[key]))
            elif key not in left:
                self.add(Change("added", (*path, key), None, right[key]))
            else:
                self.compare(left[key], right[key], (*path, key))

    def _lists(self, left: list[Any], right: list[Any], path: tuple[Step, ...]) -> None:
        key = match_key(left, right)
        if key is None:
            for i in range(max(len(left), len(right))):
                if i >= len(right):
                    self.add(Change("removed", (*path, i), left[i]))
                elif i >= len(left):
                    self.add(Change("added", (*path, i), None, right[i]))
                else:
                    self.compare(left[i], right[i], (*path, i))
            return
        if key == "name" and _key_of(left, "id") is not None and _key_of(right, "id") is not None:
            self.volatile = VOLATILE | {"id"}  # objects with ids matched by name: two sites, every GUID differs
        rights = {repr(item[key]): item for item in right}
        lefts = {repr(item[key]) for item in left}
        for item in left:
            step = Match(key, item[key])
            other = rights.get(repr(item[key]))
            if other is None:
                self.add(Change("removed", (*path, step), item))
            else:
                self.compare(item, other, (*path, step))
        for item in right:
            if repr(item[key]) not in lefts:
                self.add(Change("added", (*path, Match(key, item[key])), None, item))


def diff(left: Any, right: Any, *, show_volatile: bool = False) -> Diff:
    """Every difference from `left` to `right` (volatile fields counted in `hidden` unless shown)."""
    differ = _Differ(show_volatile)
    differ.compare(left, right, ())
    return differ.result
