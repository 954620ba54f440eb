"""The built-in catalog against Qlik's published specs, and catalog helpers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from qlik_tui.core.catalog.builtin import (
    Endpoint,
    builtin,
    fill_placeholders,
    fuzzy_score,
    groups,
    merge,
    placeholders_in,
    search,
)
from tests.specs import CLOUD_SPEC, QRS_SPEC, load


def _query_names(spec: dict[str, Any], item: dict[str, Any], op: dict[str, Any]) -> set[str]:
    names = set()
    for raw in item.get("parameters", []) + op.get("parameters", []):
        node = raw
        while isinstance(node, dict) and "$ref" in node:
            target: Any = spec
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            node = target  # a dangling $ref (the consolidated spec has some) resolves to {}
        if node.get("in") == "query":
            names.add(node["name"].lower())
    return names


@pytest.mark.parametrize(
    ("kind", "spec_path", "prefix", "minimum"), [("qseow", QRS_SPEC, "/qrs", 80), ("cloud", CLOUD_SPEC, "", 60)]
)
def test_every_builtin_entry_is_in_qliks_spec(kind: str, spec_path: Any, prefix: str, minimum: int) -> None:
    spec = load(spec_path)
    entries = builtin(kind)
    assert len(entries) >= minimum
    lowered = {p.lower(): item for p, item in spec["paths"].items()}
    for e in entries:
        path = e.path[len(prefix) :] if prefix else e.path
        item = spec["paths"].get(path) or lowered.get(path.lower())
        assert item is not None and e.method.lower() in item, f"{e.label()} is not in {spec_path.name}"
        names = _query_names(spec, item, item[e.method.lower()])
        for param in e.params:
            assert param.lower() in names, f"{e.label()}: query parameter {param!r} is not in the spec"


@pytest.mark.parametrize("kind", ["qseow", "cloud"])
def test_entries_are_complete_and_unique(kind: str) -> None:
    entries = builtin(kind)
    assert len({e.key() for e in entries}) == len(entries)
    for e in entries:
        assert e.summary and e.group and e.method in ("GET", "POST", "PUT", "PATCH", "DELETE")
        if e.body is not None:
            json.loads(e.body)
            assert e.method in ("POST", "PUT", "PATCH")
        if e.method in ("PUT", "PATCH") and e.path.endswith("}"):  # an update of an object
            assert e.body is not None, f"{e.label()} needs an example body"


QRS_DAILY = """
GET /qrs/app/full|POST /qrs/app/{id}/copy|POST /qrs/app/{id}/export/{token}|POST /qrs/app/{id}/reload|PUT /qrs/app/{id}/publish
PUT /qrs/app/{id}/replace|GET /qrs/reloadtask/full|GET /qrs/executionresult/full|GET /qrs/servicestatus/full
GET /qrs/virtualproxyconfig/full|POST /qrs/app/table|GET /qrs/license|GET /qrs/dataconnection/full|GET /qrs/extension/full
GET /qrs/contentlibrary/full|GET /qrs/systemrule/full|GET /qrs/proxyservice/full|GET /qrs/servernodeconfiguration/full
GET /qrs/custompropertydefinition/full|GET /qrs/tag/full|GET /qrs/user/full|GET /qrs/stream/full|GET /qrs/app/count
"""
CLOUD_DAILY = """
GET /api/v1/users/me|GET /api/v1/spaces/{spaceId}/assignments|GET /api/v1/items|POST /api/v1/apps|POST /api/v1/apps/{appId}/copy
POST /api/v1/apps/{appId}/export|POST /api/v1/apps/import|POST /api/v1/reloads|GET /api/v1/reload-tasks|GET /api/v1/data-files
GET /api/v1/licenses/overview|GET /api/v1/tenants/me|GET /api/v1/roles|GET /api/v1/api-keys|GET /api/v1/webhooks
GET /api/v1/audits
GET /api/v1/automations|GET /api/v1/identity-providers|GET /api/v1/csrf-token|GET /api/v1/groups|GET /api/v1/data-connections
"""


@pytest.mark.parametrize(("kind", "daily"), [("qseow", QRS_DAILY), ("cloud", CLOUD_DAILY)])
def test_the_operations_people_use_daily_are_there(kind: str, daily: str) -> None:
    labels = {e.label() for e in builtin(kind)}
    wanted = [w for line in daily.strip().splitlines() for w in line.split("|")]
    assert [w for w in wanted if w not in labels] == []


def test_groups_keep_order() -> None:
    grouped = groups(builtin("qseow"))
    assert next(iter(grouped)) == "About" and "Apps" in grouped


def test_fuzzy_search() -> None:
    entries = builtin("qseow")
    assert search(entries, "app full")[0].label() == "GET /qrs/app/full"
    assert fuzzy_score("rldtsk", Endpoint("GET", "/qrs/reloadtask/full", "x", "Tasks")) > 0  # in-order letters
    assert fuzzy_score("zzz", Endpoint("GET", "/qrs/app", "Apps", "Apps")) == 0
    assert search(entries, "")[0] == entries[0]


def test_merge_keeps_builtin_and_adds_new() -> None:
    base = [Endpoint("GET", "/qrs/app", "Apps, condensed", "Apps")]
    extra = [
        Endpoint("GET", "/qrs/APP", "", "app", ("filter",), source="server"),
        Endpoint("GET", "/qrs/odagrequest", "", "odag", source="server"),
    ]
    merged = merge(base, extra)
    assert [e.path for e in merged] == ["/qrs/app", "/qrs/odagrequest"]
    assert merged[0].summary == "Apps, condensed" and merged[0].params == ("filter",)


def test_placeholders() -> None:
    assert placeholders_in("/qrs/app/{id}/export/{token}") == ["id", "token"]
    assert fill_placeholders("/api/v1/spaces/{spaceId}/assignments", {"spaceId": "abc"}) == "/api/v1/spaces/abc/assignments"
    assert fill_placeholders("/qrs/app/{id}", {}) == "/qrs/app/{id}"


def test_qrs_count_paths() -> None:
    from qlik_tui.core.catalog.builtin import qrs_count_path

    assert qrs_count_path("/qrs/app/full") == "/qrs/app/count"
    assert qrs_count_path("/qrs/app/object") == "/qrs/app/object/count"
    assert qrs_count_path("/qrs/about") is None and qrs_count_path("/qrs/app/count") is None
    assert qrs_count_path("/qrs/app/{id}") is None and qrs_count_path("/api/v1/items") is None
    spec = load(QRS_SPEC)
    for e in builtin("qseow"):
        count = qrs_count_path(e.path) if e.method == "GET" else None
        if count and count.removeprefix("/qrs") not in spec["paths"]:
            pytest.fail(f"{e.label()} would ask {count}, which the QRS does not have")
