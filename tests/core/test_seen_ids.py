"""Seen ids remember the resource they were seen under, so {placeholders} get the right type."""

from __future__ import annotations

import json
from typing import Any

import pytest

from qlik_tui.core.catalog.seen_ids import MAX_SEEN, SeenIds, resource_for_placeholder, resource_of_path
from qlik_tui.core.json import lazy

APP = {
    "id": "11111111-1111-4111-8111-111111111111",
    "name": "Sales",
    "owner": {"id": "22222222-2222-4222-8222-222222222222", "userId": "alice", "name": "Alice"},
    "stream": {"id": "33333333-3333-4333-8333-333333333333", "name": "Finance"},
    "tags": [{"id": "44444444-4444-4444-8444-444444444444", "name": "Q4"}],
    "schemaPath": "App",
}
STREAM = {"id": "55555555-5555-4555-8555-555555555555", "name": "Everyone", "schemaPath": "Stream"}


def test_resource_of_a_path() -> None:
    assert resource_of_path("http://127.0.0.1:8080/jwt/qrs/app/full?filter=x") == "app"
    assert resource_of_path("/qrs/app/object/full") == "app/object"
    assert resource_of_path("/qrs/stream/55555555-5555-4555-8555-555555555555") == "stream"
    assert resource_of_path("/api/v1/spaces") == "spaces"
    assert resource_of_path("/api/v1/spaces/abc/assignments") == "assignments"
    assert resource_of_path("/api/v1/users/me") == "users"
    assert resource_of_path("/api/v1/users/actions/count") == "users"
    assert resource_of_path("/about") == ""


def test_resource_a_placeholder_wants() -> None:
    assert resource_for_placeholder("/qrs/app/{id}", "id") == "app"
    assert resource_for_placeholder("/qrs/app/{id}/copy", "id") == "app"
    assert resource_for_placeholder("/qrs/app/object/{id}", "id") == "app/object"
    assert resource_for_placeholder("/api/v1/spaces/{spaceId}/assignments/{assignmentId}", "spaceId") == "spaces"
    assert resource_for_placeholder("/api/v1/spaces/{spaceId}/assignments/{assignmentId}", "assignmentId") == "assignments"


def test_stream_ids_are_not_offered_first_for_an_app() -> None:
    seen = SeenIds()
    seen.collect([APP], "http://h/jwt/qrs/app/full")
    seen.collect([STREAM], "http://h/jwt/qrs/stream/full")  # newest: before, it came first for any {id}
    matching, others = seen.candidates("id", "/qrs/app/{id}")
    assert [s.value for s in matching] == [APP["id"]]
    assert matching[0].label == "Sales"
    kinds = {s.value: s.resource for s in others}
    assert kinds[STREAM["id"]] == "stream"
    assert kinds[APP["stream"]["id"]] == "stream"  # nested: a QRS app's stream
    assert kinds[APP["owner"]["id"]] == "user"  # nested: an owner is a user
    assert kinds[APP["tags"][0]["id"]] == "tag"
    streams, _ = seen.candidates("id", "/qrs/stream/{id}")
    assert {s.value for s in streams} == {STREAM["id"], APP["stream"]["id"]}
    users, _ = seen.candidates("id", "/qrs/user/{id}")
    assert users[0].value == APP["owner"]["id"] and users[0].label == "Alice"
    assert "alice" not in {s.value for s in users}  # a QRS userId is a login name, not a user id
    assert seen.for_placeholder("id", "/qrs/app/{id}")[0].value == APP["id"]


def test_cloud_references_by_key_and_by_resource_type() -> None:
    seen = SeenIds()
    item = {
        "id": "item-000001",
        "name": "Sales",
        "resourceType": "app",
        "resourceId": "b1b2b3b4-aaaa-4bbb-8ccc-123456789012",
        "spaceId": "cccccccccccccccccccccccc",
        "ownerId": "dddddddddddddddddddddddd",
    }
    seen.collect({"data": [item], "links": {"self": {"href": "/api/v1/items"}}}, "https://t.eu.qlikcloud.com/api/v1/items")
    assert [s.value for s in seen.candidates("itemId", "/api/v1/items/{itemId}")[0]] == ["item-000001"]
    assert [s.value for s in seen.candidates("appId", "/api/v1/apps/{appId}")[0]] == [item["resourceId"]]
    assert [s.value for s in seen.candidates("spaceId", "/api/v1/spaces/{spaceId}")[0]] == [item["spaceId"]]
    assert [s.value for s in seen.candidates("userId", "/api/v1/users/{userId}")[0]] == [item["ownerId"]]


def test_a_bare_resighting_keeps_the_known_resource() -> None:
    seen = SeenIds()
    seen.collect([STREAM], "/qrs/stream/full")
    seen.collect({"id": STREAM["id"]})  # no source: the type is not known from this one
    assert seen.candidates("id", "/qrs/stream/{id}")[0][0].resource == "stream"


def test_without_a_path_nothing_is_split() -> None:
    seen = SeenIds()
    seen.collect([APP], "/qrs/app/full")
    matching, others = seen.candidates("id")
    assert others == [] and matching[0].value == APP["id"]


def test_a_big_lazy_list_is_walked_only_as_far_as_the_kept_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    # Only MAX_SEEN ids are kept: parsing 1,000 elements of a 20 MB body up front made ~8 MiB
    # of objects that stayed resident. The walk reads an element when it reaches it, and stops
    # once it has as many ids as it keeps: the same ids as walking the parsed list.
    apps = [{"id": f"app-{i:04d}", "name": f"App {i}", "owner": {"id": f"user-{i:04d}"}} for i in range(1000)]
    body = json.dumps(apps).encode()
    monkeypatch.setattr(lazy, "PIECEWISE_BYTES", 1024)
    doc = lazy.lazy_loads(body)
    assert isinstance(doc, lazy.LazyArray)
    read: list[int] = []
    element = lazy.LazyArray._element

    def counting(self: lazy.LazyArray, index: int) -> Any:
        read.append(index)
        return element(self, index)

    monkeypatch.setattr(lazy.LazyArray, "_element", counting)
    walked, parsed = SeenIds(), SeenIds()
    walked.collect(doc, "/qrs/app/full")
    parsed.collect(apps, "/qrs/app/full")
    assert walked.for_placeholder("id") == parsed.for_placeholder("id")
    assert len(walked.for_placeholder("id")) == MAX_SEEN
    assert len(read) <= MAX_SEEN  # each app holds two ids: about 150 elements are enough
