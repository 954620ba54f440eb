"""`qlik-tui call --saved NAME`: saved requests run against the simulator, and `call` writes history."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from qlik_tui.core.saved import store
from qlik_tui.core.saved.model import SavedRequest
from qlik_tui.demo.environment import Demo
from tests.cli_helpers import assert_clean_failure, run_cli

FINANCE = SavedRequest(
    name="qrs/apps in stream",
    method="GET",
    path="/qrs/{{kind}}",
    query=(("filter", "name eq '{{app}}'"),),
    description="one app by name",
)


def call(demo: Demo, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli("call", "--profiles", str(demo.profiles_path), "-p", "demo-qseow", *args, env=env)


def with_vars(demo: Demo, collection: Path) -> None:
    """The demo's profiles file, edited as a person would: a collection and the QSEoW profile's vars."""
    text = demo.profiles_path.read_text()
    text = f'collection = "{collection}"\n' + text
    demo.profiles_path.write_text(text + '\n[profiles.demo-qseow.vars]\nkind = "app"\n')


def test_saved_request_runs_with_vars_from_the_profile_and_the_command_line(demo: Demo, tmp_path: Path) -> None:
    collection = tmp_path / "requests"
    store.save(collection, FINANCE)
    with_vars(demo, collection)
    proc = call(demo, "--saved", "qrs/apps in stream", "--var", "app=[Sales] =Sum([Amount])")
    assert proc.returncode == 0, proc.stderr
    assert [a["name"] for a in json.loads(proc.stdout)] == ["[Sales] =Sum([Amount])"]
    # --var wins over the profile's vars; the environment fills what neither has.
    proc = call(demo, "--saved", "qrs/apps in stream", "--var", "kind=stream", env={"app": "Everyone"})
    assert proc.returncode == 0, proc.stderr
    assert [s["name"] for s in json.loads(proc.stdout)] == ["Everyone"]


def test_collection_option_goes_before_or_after_the_command(demo: Demo, tmp_path: Path) -> None:
    store.save(tmp_path / "mine", SavedRequest(name="about", method="GET", path="/qrs/about"))
    after = call(demo, "--saved", "about", "--collection", str(tmp_path / "mine"))
    before = run_cli("--collection", str(tmp_path / "mine"), "call", "--profiles", str(demo.profiles_path), "--saved", "about")
    assert after.returncode == 0 and before.returncode == 0, after.stderr + before.stderr
    assert json.loads(after.stdout)["buildVersion"] == json.loads(before.stdout)["buildVersion"]


def test_unresolved_variables_are_refused_before_anything_is_sent(demo: Demo, tmp_path: Path) -> None:
    store.save(tmp_path, FINANCE)
    proc = call(demo, "--saved", "qrs/apps in stream", "--collection", str(tmp_path))
    assert_clean_failure(proc)
    assert proc.returncode == 2
    assert "saved request 'qrs/apps in stream': no value for {{kind}}, {{app}}" in proc.stderr
    assert "hint: set it in [profiles.NAME.vars], in the environment, or with --var kind=VALUE" in proc.stderr
    assert demo.qseow.stats.requests == 0  # nothing reached the server


def test_saved_usage_errors_are_one_message(demo: Demo, tmp_path: Path) -> None:
    tmp_path = tmp_path / "empty"
    both = call(demo, "GET", "/qrs/about", "--saved", "about", "--collection", str(tmp_path))
    assert_clean_failure(both)
    assert "give METHOD PATH or --saved NAME, not both" in both.stderr
    missing = call(demo, "--saved", "nope", "--collection", str(tmp_path))
    assert_clean_failure(missing)
    assert f"no saved request named 'nope' in {tmp_path} (saved: none yet)" in missing.stderr
    neither = call(demo)
    assert_clean_failure(neither)
    assert "call needs METHOD and PATH (or --saved NAME)" in neither.stderr
    empty = call(demo, "--saved", "about", "--collection", "")
    assert_clean_failure(empty)
    assert "--collection is empty" in empty.stderr


def test_call_requests_go_into_the_profiles_history_without_secrets(demo: Demo, tmp_path: Path) -> None:
    state = tmp_path / "state"
    env = {"XDG_STATE_HOME": str(state)}
    ok = call(demo, "GET", "/qrs/app", "-q", "filter=name eq 'Sales'", "-q", "access_token=hunter2", env=env)
    assert ok.returncode == 0, ok.stderr
    token = run_cli("token", "--profiles", str(demo.profiles_path), "-p", "demo-qseow").stdout.strip()
    failed = call(demo, "POST", "/qrs/app/nope", "-d", json.dumps({"password": "hunter3", "jwt": token}), env=env)
    assert failed.returncode == 4
    history = state / "qlik-tui" / "history" / "demo-qseow.jsonl"
    lines = [json.loads(line) for line in history.read_text().splitlines()]
    assert [(e["method"], e["path"], e["status"]) for e in lines] == [("GET", "/qrs/app", 200), ("POST", "/qrs/app/nope", 405)]
    assert lines[0]["query"][0] == ["filter", "name eq 'Sales'"]
    written = history.read_text()
    for secret in ("hunter2", "hunter3", token, token.split(".")[1], "xrfkey", "X-Qlik-Session"):
        assert secret not in written, secret
    assert oct(history.stat().st_mode & 0o777) == "0o600"
