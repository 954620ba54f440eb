"""The built-in catalog against Qlik's published specs, and catalog helpers."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
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
from qlik_tui.core.catalog.codec import decode, encode
from qlik_tui.core.catalog.deprecation import Deprecation
from tests.specs import CLOUD_SPEC, METHODS, QRS_SPEC, load, operations

ROOT = Path(__file__).resolve().parents[2]


def _resolve(spec: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        node = target  # a dangling $ref (the consolidated spec has some) resolves to {}
    return node


def _params(spec: dict[str, Any], item: dict[str, Any], op: dict[str, Any]) -> list[dict[str, Any]]:
    return [_resolve(spec, raw) for raw in item.get("parameters", []) + op.get("parameters", [])]


def _spec_operations(spec: dict[str, Any], prefix: str) -> dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]]:
    """(METHOD, lower-case path) -> (path item, operation), read without qlik_tui's parser."""
    return {
        (method.upper(), (prefix + path).lower()): (item, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in METHODS
    }


SPECS = [("qseow", QRS_SPEC, "/qrs"), ("cloud", CLOUD_SPEC, "")]


@pytest.mark.parametrize(("kind", "spec_path", "prefix"), SPECS)
def test_every_spec_operation_is_in_the_catalog_once(kind: str, spec_path: Any, prefix: str) -> None:
    spec = load(spec_path)
    entries = builtin(kind)
    assert len({e.key() for e in entries}) == len(entries) == operations(spec)
    assert {e.key() for e in entries} == set(_spec_operations(spec, prefix))


@pytest.mark.parametrize(("kind", "spec_path", "prefix"), SPECS)
def test_every_entry_says_what_the_spec_says(kind: str, spec_path: Any, prefix: str) -> None:
    spec = load(spec_path)
    ops = _spec_operations(spec, prefix)
    for e in builtin(kind):
        item, op = ops[e.key()]
        params = [p for p in _params(spec, item, op) if isinstance(p, dict) and "name" in p]
        query = {p["name"] for p in params if p.get("in") == "query"}
        required = {p["name"] for p in params if p.get("in") == "query" and p.get("required") is True}
        path_params = {p["name"].lower() for p in params if p.get("in") == "path"}
        assert set(e.params) | set(e.optional) == query, f"{e.label()}: query parameters differ from the spec"
        assert set(e.required) == required, f"{e.label()}: required query parameters differ from the spec"
        assert required <= set(e.params), f"{e.label()}: a required query parameter is not offered in the editor"
        assert path_params <= {n.lower() for n in e.placeholders}, f"{e.label()}: path parameters"  # (some specs omit one)
        takes_body = "requestBody" in op or any(p.get("in") == "body" for p in params)
        assert e.takes_body == takes_body, f"{e.label()}: body presence differs from the spec"
        deprecated = op.get("deprecated") is True or op.get("x-qlik-deprecated") is True
        assert (e.deprecation is not None) == deprecated or e.label() in REPLACED_WITHOUT_FLAG, f"{e.label()}: deprecation"
        successors = [r.get("uniqueIdentifier", "") for r in op.get("x-qlik-replaced-by") or []]
        if successors:  # x-qlik-replaced-by: every one names an operation of the spec, and the entry names it
            assert e.newer, f"{e.label()}: the spec names a successor ({successors[0]}), the entry none"
            verb, path = e.newer.split(" ", 1)
            assert (verb, path.lower()) in ops and any(path.lower().endswith(s.partition(":")[2].lower()) for s in successors)
        else:
            assert not e.newer, f"{e.label()}: a successor the spec does not name"
        tier = op.get("x-qlik-tier")
        if isinstance(tier, dict):
            name = tier["tier"] if not str(tier["tier"]).isdigit() else f"tier {tier['tier']}"
            assert e.rate_limit == f"{name}, {tier['limit']:,}/min", f"{e.label()}: rate limit"
        else:
            assert e.rate_limit == "", f"{e.label()}: a rate limit the spec does not give"
        if e.deprecation is not None:
            assert e.deprecation.sunset == str(op.get("x-qlik-deprecated-sunset") or "")
            if e.deprecation.use:
                method, path = e.deprecation.use.split(" ", 1)
                assert (method, path.lower()) in ops, f"{e.label()}: its replacement {e.deprecation.use} is not in the spec"


REPLACED_WITHOUT_FLAG: set[str] = set()


@pytest.mark.parametrize(("kind", "spec_path", "prefix"), SPECS)
def test_summaries_are_our_own_words(kind: str, spec_path: Any, prefix: str) -> None:
    spec = load(spec_path)
    ops = _spec_operations(spec, prefix)
    for e in builtin(kind):
        _, op = ops[e.key()]
        for theirs in (op.get("summary"), op.get("description")):
            if len(e.summary.split()) > 4 and isinstance(theirs, str):  # "Create a space" has one wording
                assert " ".join(theirs.split()).lower() != e.summary.lower(), f"{e.label()}: summary copied from the spec"


def test_the_most_used_operations_have_a_summary() -> None:
    described = [e for kind in ("qseow", "cloud") for e in builtin(kind) if e.summary]
    assert len(described) >= 200


@pytest.mark.parametrize("kind", ["qseow", "cloud"])
def test_entries_are_well_formed(kind: str) -> None:
    for e in builtin(kind):
        assert e.group and e.method in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD") and e.source == "built-in"
        if e.body is not None:
            json.loads(e.body)
            assert e.method in ("POST", "PUT", "PATCH") and e.takes_body
        if e.summary and e.method in ("PUT", "PATCH") and e.path.endswith("}"):  # a described update of an object
            assert e.body is not None, f"{e.label()} needs an example body"
    grouped = groups(builtin(kind))
    assert sum(len(v) for v in grouped.values()) == len(builtin(kind))


def test_the_data_is_what_the_generator_makes() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_catalog.py"), "--check"], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("kind", ["qseow", "cloud"])
def test_compact_form_round_trips(kind: str) -> None:
    for e in builtin(kind):
        assert decode(json.loads(json.dumps(encode(e, e.group)))) == e


def _entry(kind: str, label: str) -> Endpoint:
    return next(e for e in builtin(kind) if e.label() == label)


TODAY = date(2026, 11, 28)


def test_deprecations_and_their_replacements() -> None:
    scriptlog = _entry("qseow", "GET /qrs/reloadtask/{reloadtaskid}/scriptlog")
    assert scriptlog.mark(TODAY) == "deprecated; use GET /qrs/reloadtask/{reloadtaskid}/scriptlogfile"
    assert _entry("qseow", "GET /qrs/reloadtask/{reloadtaskid}/scriptlogfile").deprecation is None
    for label in ("GET /api/v1/reload-tasks", "POST /api/v1/reload-tasks", "GET /api/v1/reload-tasks/{taskId}"):
        entry = _entry("cloud", label)
        assert entry.mark(TODAY).startswith("past sunset 2026-09; use "), entry.mark(TODAY)
        assert entry.deprecation is not None and "/api/scheduling/tasks" in entry.deprecation.use
    email = _entry("cloud", "PATCH /api/v1/transports/email-config")
    assert email.mark(TODAY) == "deprecated, sunset 2026-11; use PUT /api/v1/transports/email-config"
    assert "[past sunset 2026-09; use GET /api/scheduling/tasks]" in _entry("cloud", "GET /api/v1/reload-tasks").line(today=TODAY)
    evaluations = _entry("cloud", "GET /api/v1/apps/{guid}/evaluations")  # not deprecated: a successor is named
    assert evaluations.deprecation is None and evaluations.mark(TODAY) == "newer: GET /api/analytics/apps/{guid}/evaluations"
    assert evaluations.rate_limit == "tier 1, 1,000/min"
    assert [e.rate_limit for e in builtin("qseow") if e.rate_limit] == []  # the QRS spec gives none
    assert len([e for e in builtin("cloud") if e.newer and e.deprecation is None]) == 43
    qrs = [e for e in builtin("qseow") if e.deprecation]
    cloud = [e for e in builtin("cloud") if e.deprecation]
    assert (len(qrs), len(cloud)) == (135, 21)  # every operation the specs mark, HEAD included


def test_every_named_replacement_is_an_operation_of_the_catalog() -> None:
    for kind in ("qseow", "cloud"):
        labels = {e.label() for e in builtin(kind)}
        for e in builtin(kind):
            if e.deprecation is not None and e.deprecation.use:
                assert e.deprecation.use in labels, f"{e.label()}: replacement {e.deprecation.use} is not in the catalog"


def test_qrs_previewcreateprivilege_points_to_previewprivileges() -> None:
    # QRS 38.22 deprecates POST /qrs/<type>/previewcreateprivilege beside a live .../previewprivileges.
    old = [e for e in builtin("qseow") if e.path.endswith("/previewcreateprivilege") and e.deprecation]
    assert len(old) == 48
    for e in old:
        assert (
            e.deprecation is not None and e.deprecation.use == f"POST {e.path[: -len('previewcreateprivilege')]}previewprivileges"
        )
    assert _entry("qseow", "GET /qrs/license/accesstypeinfo").mark(TODAY) == "deprecated; use GET /qrs/license/accesstypeoverview"


def test_sunset_month_ends_the_operation_after_it() -> None:
    gone = Deprecation(sunset="2026-09")
    assert not gone.sunset_passed(date(2026, 9, 30)) and gone.sunset_passed(date(2026, 10, 1))
    assert Deprecation(sunset="2026-12").sunset_passed(date(2027, 1, 1))
    assert not Deprecation(sunset="soon").sunset_passed(TODAY) and Deprecation().mark(TODAY) == "deprecated"


def test_what_a_check_against_the_specs_found() -> None:
    assert "enabled" in _entry("qseow", "GET /qrs/app/{id}/state").summary
    export = _entry("qseow", "POST /qrs/app/{id}/export/{token}").summary.lower()
    assert "new" not in export and "2022" not in export
    owned = _entry("qseow", "GET /qrs/user/ownedresources")
    assert owned.required == ("userselection",) and "userselection" in owned.params
    task = _entry("qseow", "GET /qrs/task").summary
    assert "user sync" in task and "distribution" in task
    for label in (
        "GET /api/v1/apps/{guid}/evaluations",
        "POST /api/v1/apps/{guid}/evaluations",
        "GET /api/v1/apps/evaluations/{id}",
    ):
        assert _entry("cloud", label).summary
    for label in ("POST /qrs/app/upload", "POST /qrs/selection", "POST /qrs/selection/app", "GET /qrs/selection/{id}/app/full"):
        assert _entry("qseow", label).summary
    assert _entry("qseow", "POST /qrs/app/upload").required == ("name",)


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


def test_endpoints_command_lists_every_operation_with_marks_and_json(tmp_path: Path) -> None:
    from tests.cli_helpers import run_cli

    env = {"XDG_CONFIG_HOME": str(tmp_path)}
    qrs = run_cli("endpoints", "--type", "qseow", env=env)
    cloud = run_cli("endpoints", "--type", "cloud", "--deprecated", env=env)
    assert qrs.returncode == cloud.returncode == 0, qrs.stderr + cloud.stderr
    assert len(qrs.stdout.splitlines()) == operations(load(QRS_SPEC))
    assert len(cloud.stdout.splitlines()) == 21 and all(line.endswith("]") for line in cloud.stdout.splitlines())
    assert (
        "GET    /api/v1/reload-tasks " in cloud.stdout and "[past sunset 2026-09; use GET /api/scheduling/tasks]" in cloud.stdout
    )
    found = run_cli("endpoints", "--type", "qseow", "--json", "--grep", "user ownedresources", env=env)
    entries = [json.loads(line) for line in found.stdout.splitlines()]
    assert [e["path"] for e in entries] == ["/qrs/user/ownedresources"]
    assert {"name": "userselection", "required": True} in entries[0]["query_params"] and entries[0]["deprecated"] is None
    gone = json.loads(run_cli("endpoints", "--type", "cloud", "--json", "--grep", "delete reload-tasks", env=env).stdout)
    assert gone["deprecated"] == {
        "since": "2026-03",
        "sunset": "2026-09",
        "sunset_passed": True,
        "use": "DELETE /api/scheduling/tasks/{id}",
    }
