"""`qlik-tui engine` run as a real process against the simulators (TLS for QSEoW)."""

from __future__ import annotations

import json
import subprocess

from qlik_tui.demo.engine_apps import generate_rows
from qlik_tui.demo.environment import Demo
from tests.cli_helpers import assert_clean_failure, run_cli


def engine(demo: Demo, *args: str, profile: str = "demo-qseow") -> subprocess.CompletedProcess[str]:
    return run_cli("engine", "--profiles", str(demo.profiles_path), "-p", profile, *args)


def first_app(demo: Demo) -> str:
    return str(demo.qseow.store.objects["app"][0]["id"])


def test_eval_prints_one_line_per_expression(tls_demo: Demo) -> None:
    app = first_app(tls_demo)
    rows = generate_rows(app)
    proc = engine(tls_demo, "eval", app, "Count(OrderID)", "Max(Quantity)", "Only(Region)")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [str(len(rows)), str(max(r["Quantity"] for r in rows)), "-"]


def test_eval_json_gives_value_and_number_and_fails_on_a_bad_expression(demo: Demo) -> None:
    app = first_app(demo)
    total = sum(r["Sales"] for r in generate_rows(app))
    proc = engine(demo, "eval", app, "Sum(Sales)", "Bogus(Sales)", "--json")
    assert proc.returncode == 4
    values = json.loads(proc.stdout)
    assert abs(values[0]["number"] - total) < 1e-6
    assert values[1]["error"] is True and values[1]["number"] is None
    assert "Bogus(Sales)" in proc.stderr and "hint:" in proc.stderr and "Traceback" not in proc.stderr


def test_apps_on_qseow_and_cloud(demo: Demo) -> None:
    proc = engine(demo, "apps")
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)) == len(demo.qseow.store.objects["app"])
    proc = engine(demo, "apps", profile="demo-cloud")
    assert proc.returncode == 0, proc.stderr
    assert {a["id"] for a in json.loads(proc.stdout)} == set(demo.cloud.store.apps)


def test_cloud_object_layout_with_rows(demo: Demo) -> None:
    app = next(iter(demo.cloud.store.apps))
    listed = engine(demo, "objects", app, "--type", "barchart", "--no-data", profile="demo-cloud")
    assert listed.returncode == 0, listed.stderr
    charts = json.loads(listed.stdout)
    assert {c["title"] for c in charts} == {"Sales by region", "Sales by year"}
    by_year = next(c["id"] for c in charts if c["title"] == "Sales by year")
    proc = engine(demo, "object", app, by_year, "--rows", "2", profile="demo-cloud")
    assert proc.returncode == 0, proc.stderr
    matrix = json.loads(proc.stdout)["qHyperCube"]["qDataPages"][0]["qMatrix"]
    years = sorted({r["Year"] for r in generate_rows(app)})[:2]
    assert [line[0]["qNumber"] for line in matrix] == years


def test_script_is_plain_text_and_layout_json(demo: Demo) -> None:
    app = first_app(demo)
    script = engine(demo, "script", app, "--no-data")
    assert script.returncode == 0 and script.stdout.startswith("///$tab Main\n")
    layout = engine(demo, "layout", app, "--no-data")
    assert json.loads(layout.stdout)["qTitle"] == demo.qseow.store.objects["app"][0]["name"]


def test_rpc_sends_raw_calls_on_the_doc_or_global_handle(demo: Demo) -> None:
    app = first_app(demo)
    proc = engine(demo, "rpc", app, "EvaluateEx", '{"qExpression": "Count(DISTINCT Region)"}')
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["qValue"]["qNumber"] == len({r["Region"] for r in generate_rows(app)})
    proc = engine(demo, "rpc", app, "EngineVersion", "--handle", "-1")
    assert "qComponentVersion" in json.loads(proc.stdout)["qVersion"]


def test_engine_errors_and_usage_errors_exit_like_call(demo: Demo) -> None:
    app = first_app(demo)
    missing = engine(demo, "layout", "00000000-0000-0000-0000-000000000000")
    assert_clean_failure(missing)
    assert missing.returncode == 4 and "App not found" in missing.stderr and "engine apps" in missing.stderr
    method = engine(demo, "rpc", app, "NoSuchThing")
    assert method.returncode == 4 and "-32601" in method.stderr
    bad_json = engine(demo, "rpc", app, "GetObject", "{nope")
    assert bad_json.returncode == 2 and "PARAMS_JSON" in bad_json.stderr
    rows = engine(demo, "object", app, "x", "--rows", "-1")
    assert rows.returncode == 2 and "--rows" in rows.stderr


def test_profile_option_works_before_and_after_the_action(demo: Demo) -> None:
    app = next(iter(demo.cloud.store.apps))
    before = run_cli("-p", "demo-cloud", "engine", "--profiles", str(demo.profiles_path), "eval", app, "Count(Region)")
    after = run_cli("engine", "eval", app, "Count(Region)", "--profiles", str(demo.profiles_path), "-p", "demo-cloud")
    assert before.returncode == after.returncode == 0, before.stderr + after.stderr
    assert before.stdout == after.stdout == f"{len(generate_rows(app))}\n"


def test_verbose_shows_notifications_and_never_the_csrf_token(demo: Demo) -> None:
    proc = engine(demo, "layout", first_app(demo), "-v")
    assert proc.returncode == 0, proc.stderr
    assert "engine notification (OnConnected qSessionState=SESSION_CREATED)" in proc.stderr
    assert "qlik-csrf-token" not in proc.stderr


def test_max_body_caps_each_engine_message_before_or_after_the_action(demo: Demo) -> None:
    app = first_app(demo)
    for args in (
        ("--max-body", "0.001", "object", app, f"table-{app[:8]}"),
        ("object", app, f"table-{app[:8]}", "--max-body", "0.001"),
    ):
        proc = engine(demo, *args)
        assert_clean_failure(proc)
        assert proc.returncode == 4 and "bigger than the size cap" in proc.stderr and "--max-body" in proc.stderr
    bad = engine(demo, "eval", app, "Sum(Sales)", "--max-body", "nan")
    assert bad.returncode == 2 and "--max-body" in bad.stderr


def test_every_sign_in_method_reaches_the_engine(tls_demo: Demo) -> None:
    """JWT and header proxies (session + CSRF), the certificate's Engine port, API key and OAuth (Bearer)."""
    qseow_app, cloud_app = first_app(tls_demo), next(iter(tls_demo.cloud.store.apps))
    fetches = tls_demo.cloud.stats.oauth_token_fetches
    for name, app in (
        ("demo-qseow-header", qseow_app),
        ("demo-qseow-cert", qseow_app),
        ("demo-cloud-apikey", cloud_app),
        ("demo-cloud-oauth", cloud_app),
    ):
        proc = engine(tls_demo, "eval", app, "Count(OrderID)", profile=name)
        assert proc.returncode == 0, f"{name}: {proc.stderr}"
        assert proc.stdout.split() == [str(len(generate_rows(app)))], name
    assert tls_demo.cloud.stats.oauth_token_fetches == fetches + 1  # one access token, used on the upgrade


def test_a_revoked_api_key_is_refused_on_the_upgrade_with_a_hint(tls_demo: Demo) -> None:
    secrets = tls_demo.profiles_path.parent / "secrets"
    key_file = secrets / "api-key"
    key_file.write_text((secrets / "api-key-revoked").read_text())
    proc = engine(tls_demo, "eval", next(iter(tls_demo.cloud.store.apps)), "Count(OrderID)", profile="demo-cloud-apikey")
    assert_clean_failure(proc)
    assert "401" in proc.stderr and "hint:" in proc.stderr


async def test_too_many_sessions_is_one_message_with_a_hint(demo: Demo) -> None:
    """Five sessions of this user held elsewhere: the CLI's sixth gets the Engine's notification, said once."""
    import asyncio

    from qlik_tui.core.engine.session import EngineSession
    from qlik_tui.core.http.connections import open_connection
    from tests.sim.conftest import profile

    apps = [str(a["id"]) for a in demo.qseow.store.objects["app"][:6]]
    async with open_connection(profile(demo, "demo-qseow")) as connection:
        held = [await EngineSession.open(connection, app) for app in apps[:5]]
        try:
            proc = await asyncio.to_thread(engine, demo, "eval", apps[5], "Sum(Sales)")  # the loop keeps the five alive
        finally:
            for session in held:
                await session.close()
    assert_clean_failure(proc)
    assert proc.returncode == 4 and proc.stdout == ""
    assert "OnMaxParallelSessionsExceeded" in proc.stderr and "hint:" in proc.stderr and "five parallel" in proc.stderr
    assert proc.stderr.count("too many parallel sessions") == 1
