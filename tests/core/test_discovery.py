"""Discovery parsers, drill-down targets and seen ids (pure functions, real specs)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qlik_tui.core.catalog.discovery import from_description, from_openapi, load_openapi_file
from qlik_tui.core.catalog.drilldown import drill_target
from qlik_tui.core.catalog.seen_ids import SeenIds
from qlik_tui.core.errors import QlikTuiError
from tests.specs import CLOUD_SPEC, QRS_SPEC, load, operations


def test_every_qrs_operation_from_the_real_swagger() -> None:
    spec = load(QRS_SPEC)
    endpoints = from_openapi(spec)
    assert len(endpoints) == operations(spec) == 1582
    assert all(e.path.startswith("/qrs/") for e in endpoints)
    full = next(e for e in endpoints if e.label() == "GET /qrs/app/full")
    assert {"filter", "orderby", "privileges"} <= set(full.params)


def test_every_cloud_operation_from_the_real_openapi3(tmp_path: Path) -> None:
    spec = load(CLOUD_SPEC)
    endpoints = from_openapi(spec, source="cloud.json")
    assert len(endpoints) == operations(spec)
    spaces = next(e for e in endpoints if e.label() == "GET /api/v1/spaces")
    assert "limit" in spaces.params and spaces.summary == "List spaces" and spaces.source == "cloud.json"
    copy = tmp_path / "spec.json"
    copy.write_text(json.dumps(spec))
    assert len(load_openapi_file(copy)) == len(endpoints)


def test_description_plain_padded_and_extended() -> None:
    plain = [
        "GET /qrs/app/{id}  ",
        "  POST /qrs/app/{id}/copy?name={name}&includecustomproperties={includecustomproperties}",
        "garbage",
    ]
    found = from_description(plain)
    assert [e.label() for e in found] == ["GET /qrs/app/{id}", "POST /qrs/app/{id}/copy"]
    assert found[1].params == ("name", "includecustomproperties")
    extended = [
        json.dumps({"Method": "GET", "Path": "/qrs/stream/full"}),
        json.dumps({"method": "delete", "path": "qrs/tag/{id}"}),
    ]
    assert [e.label() for e in from_description(extended)] == ["GET /qrs/stream/full", "DELETE /qrs/tag/{id}"]


@pytest.mark.parametrize("bad", [{"openapi": "3.0.0"}, [1, 2], "x"])
def test_not_a_spec(bad: object) -> None:
    with pytest.raises(QlikTuiError, match="not an OpenAPI or Swagger document") as info:
        from_openapi(bad)
    assert "OpenAPI 3 or Swagger 2.0" in info.value.hint


def test_bad_catalog_files(tmp_path: Path) -> None:
    with pytest.raises(QlikTuiError, match="not found"):
        load_openapi_file(tmp_path / "nope.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(QlikTuiError, match="not JSON"):
        load_openapi_file(broken)


APP = {
    "id": "11111111-1111-4111-8111-111111111111",
    "owner": {"id": "22222222-2222-4222-8222-222222222222", "userId": "alice"},
    "stream": {"id": "33333333-3333-4333-8333-333333333333", "name": "Finance"},
    "schemaPath": "App",
}


def test_qrs_drill_targets() -> None:
    assert drill_target("qseow", "/qrs/app/full", "id", APP["id"], APP, 0).path == f"/qrs/app/{APP['id']}"  # type: ignore[union-attr]
    owner = APP["owner"]
    assert drill_target("qseow", "/qrs/app/full", "id", owner["id"], owner, "owner").path == f"/qrs/user/{owner['id']}"  # type: ignore[index, union-attr]
    assert drill_target("qseow", "/qrs/app/full", "stream", APP["stream"], APP, 0).path.startswith("/qrs/stream/")  # type: ignore[union-attr]
    result = {"appID": APP["id"], "taskID": "44444444-4444-4444-8444-444444444444"}
    assert drill_target("qseow", "/qrs/executionresult/full", "appID", result["appID"], result, 0).path == f"/qrs/app/{APP['id']}"  # type: ignore[union-attr]
    assert drill_target("qseow", "/qrs/app/full", "name", "Sales", APP, 0) is None
    assert drill_target("qseow", "/qrs/app", "sourceAppId", "00000000-0000-0000-0000-000000000000", APP, 0) is None


def test_cloud_drill_targets() -> None:
    item = {
        "id": "aaaaaaaaaaaaaaaaaaaaaaaa",
        "resourceId": "b1b2b3b4-aaaa-4bbb-8ccc-123456789012",
        "resourceType": "app",
        "spaceId": "cccccccccccccccccccccccc",
        "ownerId": "dddddddddddddddddddddddd",
    }
    assert (
        drill_target("cloud", "/api/v1/items", "resourceId", item["resourceId"], item, 0).path
        == f"/api/v1/apps/{item['resourceId']}"
    )  # type: ignore[union-attr]
    assert drill_target("cloud", "/api/v1/items", "spaceId", item["spaceId"], item, 0).path == f"/api/v1/spaces/{item['spaceId']}"  # type: ignore[union-attr]
    assert drill_target("cloud", "/api/v1/items", "ownerId", item["ownerId"], item, 0).path == f"/api/v1/users/{item['ownerId']}"  # type: ignore[union-attr]
    assert drill_target("cloud", "/api/v1/spaces", "id", item["id"], item, 0).path == f"/api/v1/spaces/{item['id']}"  # type: ignore[union-attr]
    assert drill_target("cloud", "/api/v1/items", 0, item, None, "data").path == f"/api/v1/items/{item['id']}"  # type: ignore[union-attr]


def test_seen_ids_rank_by_placeholder() -> None:
    seen = SeenIds()
    seen.collect({"data": [{"id": "item-000001", "name": "Sales", "resourceId": "app-0000001", "spaceId": "space-000001"}]})
    seen.collect([APP])
    assert seen.for_placeholder("spaceId")[0].value == "space-000001"
    first_id = seen.for_placeholder("id")[0]
    assert first_id.key == "id" and first_id.value == APP["id"] and first_id.label == ""
    assert any(s.label == "Sales" for s in seen.for_placeholder("id"))


def test_cache_keeps_what_the_catalog_knows_and_ignores_the_old_form(tmp_path: Path) -> None:
    from qlik_tui.core.catalog.cache import Discovered, cache_path, read_cache, write_cache

    found = [e for e in from_openapi(load(QRS_SPEC)) if e.deprecation or e.required][:40]
    write_cache("prod", Discovered(found, "38.22.0", "openapi"), tmp_path)
    again = read_cache("prod", tmp_path, build="38.22.0")
    assert again is not None and again.endpoints == found and again.origin == "cache"
    assert read_cache("prod", tmp_path, build="39.0.0") is None
    old = {"build": "38.22.0", "endpoints": [{"method": "GET", "path": "/qrs/app", "summary": "", "group": "app", "params": []}]}
    cache_path("prod", tmp_path).write_text(json.dumps(old))
    assert read_cache("prod", tmp_path) is None  # rediscovered rather than half-read


@pytest.mark.parametrize("damage", ["deep", "list-entries", "fifo"])
def test_a_damaged_catalog_cache_is_rediscovered(tmp_path: Path, damage: str) -> None:
    # A cache nested 5,000 deep raised RecursionError, entries that are not objects an
    # AttributeError, and a FIFO in its place hung the TUI's start.
    import os

    from qlik_tui.core.catalog.cache import cache_path, read_cache

    path = cache_path("prod", tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if damage == "fifo":
        os.mkfifo(path)
    else:
        entries = "[" * 5000 + "]" * 5000 if damage == "deep" else '["GET /qrs/about", 1]'
        path.write_text(f'{{"build": "1", "entries": {entries}}}', encoding="utf-8")
    assert read_cache("prod", tmp_path) is None
