"""The structural diff: matching lists of Qlik objects, volatile fields, and both renderings."""

from __future__ import annotations

from qlik_tui.core.diff.render import path_text, to_json, to_text
from qlik_tui.core.diff.structural import MAX_CHANGES, Match, diff, match_key

TEST = [
    {"id": "a1", "name": "Sales", "modifiedDate": "2026-01-01", "stream": {"id": "s1", "name": "Finance"}},
    {"id": "a2", "name": "Budget", "modifiedDate": "2026-01-02", "stream": {"id": "s1", "name": "Finance"}},
]


def test_same_documents_have_no_changes() -> None:
    assert diff(TEST, [dict(a) for a in TEST]).same


def test_objects_sharing_ids_are_matched_by_id_whatever_the_order() -> None:
    prod = [dict(TEST[1], name="Budget 2027"), dict(TEST[0])]
    found = diff(TEST, prod)
    assert [(c.op, c.path, c.left, c.right) for c in found.changes] == [
        ("changed", (Match("id", "a2"), "name"), "Budget", "Budget 2027")
    ]


def test_two_sites_match_by_name_and_hide_their_different_guids() -> None:
    prod = [
        {"id": "b9", "name": "Sales", "modifiedDate": "2026-03-03", "stream": {"id": "s9", "name": "Sales team"}},
        {"id": "b8", "name": "Forecast", "modifiedDate": "2026-03-03", "stream": {"id": "s9", "name": "Finance"}},
    ]
    assert match_key(TEST, prod) == "name"
    found = diff(TEST, prod)
    ops = [(c.op, path_text(c.path)) for c in found.changes]
    assert ops == [("changed", '.[name="Sales"].stream.name'), ("removed", '.[name="Budget"]'), ("added", '.[name="Forecast"]')]
    assert found.hidden == 3  # Sales' id, modifiedDate and stream.id: never a configuration difference
    shown = diff(TEST, prod, show_volatile=True)
    assert {path_text(c.path) for c in shown.changes} >= {'.[name="Sales"].id', '.[name="Sales"].modifiedDate'}


def test_lists_without_keys_are_compared_by_position() -> None:
    found = diff({"tags": ["a", "b"]}, {"tags": ["a", "c", "d"]})
    assert [(c.op, c.path) for c in found.changes] == [("changed", ("tags", 1)), ("added", ("tags", 2))]


def test_type_changes_and_keys_added_or_removed() -> None:
    found = diff({"a": 1, "b": True, "gone": None}, {"a": "1", "b": 1, "new": []})
    assert [(c.op, c.path) for c in found.changes] == [
        ("changed", ("a",)),
        ("changed", ("b",)),  # True == 1 in Python; not in JSON
        ("removed", ("gone",)),
        ("added", ("new",)),
    ]


def test_text_and_json_forms() -> None:
    found = diff({"name": "x", "privileges": ["read"]}, {"name": "y", "privileges": []})
    text = to_text(found, "test", "prod")
    assert text.splitlines() == [
        "--- test",
        "+++ prod",
        "@@ .name @@ changed",
        '-"x"',
        '+"y"',
        "1 difference (1 changed); 1 volatile field hidden",
    ]
    doc = to_json(found, "test", "prod")
    assert doc["same"] is False and doc["volatile_hidden"] == 1
    assert doc["changes"] == [{"op": "changed", "path": ["name"], "path_text": ".name", "left": "x", "right": "y"}]


def test_unrelated_huge_lists_stop_listing() -> None:
    found = diff(list(range(MAX_CHANGES + 50)), [-1] * (MAX_CHANGES + 50))
    assert len(found.changes) == MAX_CHANGES and found.truncated and "listing stopped" in to_text(found, "a", "b")
