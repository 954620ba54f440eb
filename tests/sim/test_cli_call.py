"""`qlik-tui call` and `qlik-tui demo --serve`, run as real processes against real servers."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qlik_tui.core.http.connections import open_connection
from qlik_tui.core.http.types import Request
from qlik_tui.demo.environment import Demo
from tests.cli_helpers import assert_clean_failure, run_cli
from tests.sim.conftest import profile


def call(demo: Demo, *args: str, profile: str = "demo-qseow", stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli("call", "--profiles", str(demo.profiles_path), "-p", profile, *args, stdin=stdin)


def test_get_prints_pretty_json_and_exits_zero(demo: Demo) -> None:
    proc = call(demo, "GET", "/qrs/app/count")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"value": 60} and proc.stdout.startswith("{\n")


def test_query_values_are_encoded(demo: Demo) -> None:
    proc = call(demo, "GET", "/qrs/app", "-q", "filter=name eq '[Sales] =Sum([Amount])'", "-q", "orderby=name")
    assert proc.returncode == 0, proc.stderr
    assert [a["name"] for a in json.loads(proc.stdout)] == ["[Sales] =Sum([Amount])"]


async def test_raw_prints_the_exact_bytes_the_server_sent(demo: Demo, tmp_path: Path) -> None:
    # A body no JSON library would write back the same way: CRLFs, odd spacing, \u escapes, UTF-8.
    served = '{"swagger": "2.0",\r\n  "info" : {"title": "caf\\u00e9 ☕"},\t"paths": {}}\r\n'.encode()
    (tmp_path / "main.json").write_bytes(served)
    demo.qseow.routes.openapi_path = tmp_path / "main.json"  # the simulator serves this file as it is
    async with open_connection(profile(demo, "demo-qseow")) as conn:  # the bytes, fetched on their own
        fetched = (await conn.send(Request.build("GET", "/qrs/about/openapi/main"))).body
    args = ["call", "--profiles", str(demo.profiles_path), "-p", "demo-qseow", "GET", "/qrs/about/openapi/main", "--raw"]
    proc = subprocess.run(
        [sys.executable, "-m", "qlik_tui", *args],
        capture_output=True,  # bytes: no newline translation, no decoding
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert fetched == served and proc.stdout == served


def test_include_and_verbose_redact_secrets(demo: Demo) -> None:
    proc = call(demo, "GET", "/qrs/about", "--raw", "-i", "-v")
    assert proc.returncode == 0
    assert "HTTP 200 OK" in proc.stderr and "set-cookie: X-Qlik-Session-jwt-HTTP=••••••" in proc.stderr
    assert "minted" in proc.stderr and "session started" in proc.stderr
    token = run_cli("token", "--profiles", str(demo.profiles_path)).stdout.strip()
    header, _, _ = token.partition(".")
    assert header not in proc.stderr + proc.stdout  # no token (not even its header) is printed
    assert "eyJ" not in proc.stderr + proc.stdout


def test_cloud_post_with_body_file_and_csrf(demo: Demo, tmp_path: Path) -> None:
    body = tmp_path / "space.json"
    body.write_text('{"name": "From CLI", "type": "shared"}')
    proc = call(demo, "POST", "/api/v1/spaces", "-d", f"@{body}", "-v", profile="demo-cloud")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["name"] == "From CLI"
    assert "logged in" in proc.stderr and "csrf" in proc.stderr


def test_cloud_body_from_stdin(demo: Demo) -> None:
    proc = call(demo, "POST", "/api/v1/spaces", "-d", "@-", profile="demo-cloud", stdin='{"name": "Stdin", "type": "data"}')
    assert proc.returncode == 0, proc.stderr


def test_all_pages(demo: Demo) -> None:
    proc = call(demo, "GET", "/api/v1/items", "-q", "resourceType=app", "-q", "limit=10", "--all-pages", profile="demo-cloud")
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)["data"]) == 45 and "5 pages" in proc.stderr


def test_watch_count_reuses_one_session(demo: Demo) -> None:
    proc = call(demo, "GET", "/qrs/app/count", "--watch", "0.2", "--count", "3")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count('"value": 60') == 3 and proc.stderr.count("#") == 3
    assert demo.qseow.stats.jwt_logins == 1


def test_watch_follows_a_reload(demo: Demo) -> None:
    app_id = next(iter(demo.cloud.store.apps))
    created = call(demo, "POST", "/api/v1/reloads", "-d", json.dumps({"appId": app_id}), profile="demo-cloud")
    reload_id = json.loads(created.stdout)["id"]
    proc = call(demo, "GET", f"/api/v1/reloads/{reload_id}", "--watch", "1", "--count", "4", profile="demo-cloud")
    statuses = [json.loads(doc)["status"] for doc in proc.stdout.replace("}\n{", "}\x00{").split("\x00")]
    assert statuses[-1] == "SUCCEEDED" and statuses[0] in ("QUEUED", "RELOADING")


def test_http_error_exit_code_body_and_hint(demo: Demo) -> None:
    proc = call(demo, "GET", "/api/v1/users/nope", profile="demo-cloud")
    assert_clean_failure(proc)
    assert proc.returncode == 4 and "USERS-7" in proc.stderr and "hint:" in proc.stderr
    assert json.loads(proc.stdout)["errors"][0]["code"] == "USERS-7"


def test_unreachable_host(demo: Demo, tmp_path: Path) -> None:
    text = demo.profiles_path.read_text().replace(demo.qseow_server.url, "http://127.0.0.1:9")
    path = demo.profiles_path.with_name("unreachable.toml")  # beside keys/, which it names relatively
    path.write_text(text)
    proc = run_cli("call", "--profiles", str(path), "GET", "/qrs/about")
    assert_clean_failure(proc)
    assert "127.0.0.1:9" in proc.stderr and "hint:" in proc.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["FETCH", "/qrs/about"], "not an HTTP method"),
        (["GET", "https://host/qrs/about"], "not a URL"),
        (["POST", "/qrs/tag", "-d", "{name: x}"], "not valid JSON"),
        (["POST", "/qrs/tag", "-d", "@/nonexistent.json"], "cannot read"),
        (["GET", "/qrs/about", "-q", "novalue"], "is not key=value"),
        (["GET", "/qrs/about", "-H", "Authorization: Bearer x"], "sets Authorization itself"),
        (["GET", "/qrs/about", "--count", "2"], "--count goes with --watch"),
    ],
)
def test_bad_call_input(demo: Demo, args: list[str], expected: str) -> None:
    proc = call(demo, *args)
    assert_clean_failure(proc)
    assert expected in proc.stderr
    assert demo.qseow.stats.requests == 0  # nothing was sent


def test_demo_serve_prints_profiles_path_first(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "qlik_tui", "demo", "--serve", "--dir", str(tmp_path / "d"), "--http"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline().strip()
        assert first == str(tmp_path / "d" / "profiles.toml")
        for name in ("demo-qseow", "demo-cloud"):
            done = run_cli(
                "call", "--profiles", first, "-p", name, "GET", "/qrs/about" if name == "demo-qseow" else "/api/v1/users/me"
            )
            assert done.returncode == 0, done.stderr
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
    assert proc.returncode == 0


def test_demo_serve_https_with_private_ca(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "qlik_tui", "demo", "--serve", "--dir", str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        path = proc.stdout.readline().strip()
        started = time.time()
        done = run_cli("call", "--profiles", path, "GET", "/qrs/app/count")
        assert done.returncode == 0, done.stderr
        assert time.time() - started < 30
        assert "ca_bundle" in Path(path).read_text()
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)


def test_tls_off_is_a_warning_on_every_call(tls_demo: Demo) -> None:
    text = tls_demo.profiles_path.read_text().replace('type = "qseow"', 'type = "qseow"\nverify_tls = false', 1)
    path = tls_demo.profiles_path.with_name("insecure.toml")
    path.write_text(text)
    proc = run_cli("call", "--profiles", str(path), "-p", "demo-qseow", "GET", "/qrs/about")
    assert proc.returncode == 0 and "warning: verify_tls = false" in proc.stderr


@pytest.mark.parametrize("shape", ["[", '{"a":'])
@pytest.mark.parametrize("depth", [1_000, 10_000, 100_000])
def test_call_prints_deep_bodies_or_refuses_them_cleanly(demo: Demo, shape: str, depth: int) -> None:
    closing = "]" if shape == "[" else "}"
    body = shape * depth + "1" + closing * depth
    demo.qseow.faults.bodies = {"/qrs/deep": ("application/json", body.encode())}
    proc = call(demo, "GET", "/qrs/deep")
    assert "Traceback" not in proc.stderr and "RecursionError" not in proc.stderr
    if depth <= 10_000:
        assert proc.returncode == 0, proc.stderr[-500:]
        assert "".join(proc.stdout.split()) == body  # pretty-printed: the same JSON, indented
        assert proc.stdout.count("\n") == 2 * depth + 1  # one line per bracket
    else:
        assert_clean_failure(proc)
        assert "nested more than 10,000 levels" in proc.stderr
        assert proc.stdout.strip() == body  # still shown, as the text that came


@pytest.mark.parametrize(
    ("second", "says"),
    [
        (("text/html", "<html>login</html>"), "page 2: the answer is not JSON"),
        (("application/json", '{"data": {"id": 1}}'), "page 2 cannot be joined to the others: its data is an object"),
        (("application/json", '{"data": [], "links": ["x"]}'), "links is a list"),
        (("application/json", '{"data": [], "links": {"next": "x"}}'), "links.next is a string"),
    ],
)
def test_all_pages_refuses_odd_later_pages(demo: Demo, second: tuple[str, str], says: str) -> None:
    base = demo.cloud_server.url
    first = {"data": [{"id": 1}], "links": {"next": {"href": f"{base}/api/v1/odd-2"}}}
    demo.cloud.faults.bodies = {
        "/api/v1/odd": ("application/json", json.dumps(first).encode()),
        "/api/v1/odd-2": (second[0], second[1].encode()),
    }
    proc = call(demo, "GET", "/api/v1/odd", "--all-pages", profile="demo-cloud")
    assert_clean_failure(proc)
    assert says in proc.stderr and "hint: " in proc.stderr


def test_all_pages_does_not_follow_another_host(demo: Demo) -> None:
    first = {"data": [{"id": 1}], "links": {"next": {"href": "https://elsewhere.example/api/v1/items?next=2"}}}
    demo.cloud.faults.bodies = {"/api/v1/odd": ("application/json", json.dumps(first).encode())}
    proc = call(demo, "GET", "/api/v1/odd", "--all-pages", profile="demo-cloud")
    assert_clean_failure(proc)
    assert "page 2: links.next points to another host (elsewhere.example); not followed" in proc.stderr
