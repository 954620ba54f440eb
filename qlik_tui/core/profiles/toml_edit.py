"""Edit a profiles file's TOML in place (tomlkit): comments, order and layout survive.

A person's file is edited, not regenerated: an edit changes only the keys whose value the
user changed (a three-way merge of what the editor started from, what it ends with and
what is on disk), and every other byte stays as it was. The same merge runs on plain dicts,
so the store can check the written text against what the edit should have produced.
"""

from __future__ import annotations

import copy
from collections.abc import MutableMapping
from typing import Any

import tomlkit
from tomlkit.container import Container
from tomlkit.items import AoT, Comment, InlineTable, Item, Table, Whitespace
from tomlkit.toml_document import TOMLDocument

_MISSING = object()


def parse_document(text: str) -> TOMLDocument:
    """The file as a tomlkit document (the caller has checked that it parses)."""
    return tomlkit.parse(text)


def dumps(doc: TOMLDocument) -> str:
    """The document as text: every byte not edited is as it was read."""
    return tomlkit.dumps(doc)


def plain(value: Any) -> Any:
    """A tomlkit value as plain Python (dicts, lists, str...), for comparisons."""
    return value.unwrap() if isinstance(value, (Item, Container)) else value


def same(a: Any, b: Any) -> bool:
    """Equal values of the same TOML type (1 is not true, 1 is not 1.0)."""
    a, b = plain(a), plain(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def merge(target: MutableMapping[str, Any], base: dict[str, Any], new: dict[str, Any]) -> None:
    """Apply the change `base` -> `new` to `target`; keys the user did not change stay as written."""
    for key in [*base, *(k for k in new if k not in base)]:
        before, after = base.get(key, _MISSING), new.get(key, _MISSING)
        if before is not _MISSING and after is not _MISSING and same(before, after):
            continue
        if after is _MISSING:
            if key in target:
                del target[key]
            continue
        current = target.get(key, _MISSING)
        if isinstance(after, dict) and isinstance(current, (dict, Table, InlineTable)) and isinstance(before, dict):
            merge(current, before, after)
        elif current is _MISSING or not same(current, after):
            _set(target, key, after)


def _set(target: MutableMapping[str, Any], key: str, value: Any) -> None:
    """Set a key; a new key in a [table] goes after its last plain key, not after its trailing comments."""
    if not isinstance(target, Table) or key in target:
        target[key] = _inline(value) if isinstance(target, InlineTable) else value  # no [table] inside { }
        return
    body = target.value.body
    last_plain = None
    first_table = None
    for index, (k, v) in enumerate(body):
        if k is None:
            continue
        if isinstance(v, (Table, AoT)):
            first_table = index if first_table is None else first_table
        else:
            last_plain = k
    item = tomlkit.item(value)
    if last_plain is not None:
        target.value._insert_after(last_plain, key, item)
    elif first_table is not None:
        target.value._insert_at(first_table, key, item)
    else:
        target[key] = item


def profiles_table(doc: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """The document's `profiles` table, made (as [profiles.NAME] sections) when missing."""
    if "profiles" not in doc:
        doc["profiles"] = tomlkit.table(is_super_table=True) if isinstance(doc, TOMLDocument) else {}
    table: MutableMapping[str, Any] = doc["profiles"]
    return table


def new_table(doc: MutableMapping[str, Any], table: dict[str, Any], inline: bool = False) -> Any:
    """A profile table for `doc`: a [profiles.NAME] section (inline inside an inline table), or the dict itself."""
    if not isinstance(doc, TOMLDocument):
        return copy.deepcopy(table)
    return _inline(table) if inline else tomlkit.item(table)


def _inline(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    out = tomlkit.inline_table()
    for key, item in value.items():
        out[key] = _inline(item)
    return out


def set_top_value(doc: MutableMapping[str, Any], key: str, value: Any) -> None:
    """Set a top-level key; a new one goes above the first [table] (below it, it would belong to it)."""
    if key in doc or not isinstance(doc, TOMLDocument):
        doc[key] = value
        return
    first_table = next((i for i, (k, v) in enumerate(doc.body) if k is not None and isinstance(v, (Table, AoT))), None)
    if first_table is None:
        doc[key] = value
    else:
        doc._insert_at(first_table, key, tomlkit.item(value))


def rename(profiles: MutableMapping[str, Any], old: str, new: str) -> None:
    """Give a profile a new name where it stands (its position and layout are kept)."""
    if not isinstance(profiles, (Table, InlineTable)):
        profiles[new] = profiles.pop(old)  # a plain dict (the expected result): order does not matter
        return
    container = profiles.value
    index = next(i for i, (k, _) in enumerate(container.body) if k is not None and k.key == old)
    item = container.body[index][1]
    length = len(item.value.body) if isinstance(item, Table) else 0
    container._replace_at(index, new, item)
    if isinstance(item, Table):
        # tomlkit adds a cosmetic blank line after a replaced table ending in a comment: not ours to add.
        del item.value.body[length:]
        _rename_headers(item)


def _rename_headers(table: Table) -> None:
    table.invalidate_display_name()
    for _, value in table.value.body:
        if isinstance(value, Table):
            _rename_headers(value)


def remove(profiles: MutableMapping[str, Any], name: str) -> None:
    """Delete a profile; comments and blank lines at its end (they introduce the next one) stay."""
    if not isinstance(profiles, Table):
        del profiles[name]
        return
    keys = [k.key for k, _ in profiles.value.body if k is not None]
    trailing = _take_trailing(profiles[name])
    del profiles[name]
    position = keys.index(name)
    before = profiles.get(keys[position - 1]) if position > 0 else None
    after = profiles.get(keys[position + 1]) if position + 1 < len(keys) else None
    if trailing and isinstance(before, Table):
        _deepest_last(before).body.extend(trailing)
    elif trailing and isinstance(after, Table):
        # The first profile went: its trailing lines go above the next one's [header].
        after.trivia.indent = "".join(item.as_string() for _, item in trailing) + after.trivia.indent


def _take_trailing(item: Any) -> list[tuple[None, Item]]:
    if not isinstance(item, Table):
        return []
    container = _deepest_last(item)
    out: list[tuple[None, Item]] = []
    while container.body and container.body[-1][0] is None and isinstance(container.body[-1][1], (Comment, Whitespace)):
        out.insert(0, (None, container.body.pop()[1]))
    return out


def _deepest_last(table: Table) -> Container:
    """The container whose end is the end of `table` as written (its last sub-table's, if any)."""
    container = table.value
    while container.body:
        key, last = container.body[-1]
        if key is None or not isinstance(last, Table):
            break
        container = last.value
    return container
