"""`call --curl` / `--powershell`: the printed command, run by a real sh against the simulator."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qlik_tui.demo.environment import Demo
from tests.cli_helpers import assert_clean_failure, run_cli

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed (.ci/run installs it)")


def export(demo: Demo, profile: str, *args: str, flag: str = "--curl") -> str:
    proc = run_cli("call", "--profiles", str(demo.profiles_path), "-p", profile, *args, flag)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def run_sh(script: str) -> subprocess.CompletedProcess[str]:
    """The export pasted into sh, with this interpreter's `qlik-tui` first on PATH."""
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    env.pop("QLIK_TUI_PROFILES", None)
    return subprocess.run(["sh", "-c", script], capture_output=True, text=True, env=env, timeout=60)


def call_json(demo: Demo, profile: str, *args: str) -> object:
    proc = run_cli("call", "--profiles", str(demo.profiles_path), "-p", profile, *args)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_qseow_curl_runs_and_quotes_a_filter_with_quotes_and_brackets(demo: Demo) -> None:
    filter_ = "filter=name eq '[Sales] =Sum([Amount])'"
    script = export(demo, "demo-qseow", "GET", "/qrs/app", "-q", filter_)
    assert "eyJ" not in script and "$(qlik-tui --profiles" in script  # the token is fetched when run, never printed
    # ...and piped to `curl -H @-` by the shell's printf: never in a program's arguments (ps shows those)
    assert "printf 'Authorization: Bearer %s\\n' \"$(qlik-tui" in script and "\n  -H @- \\\n" in script
    done = run_sh(script)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == call_json(demo, "demo-qseow", "GET", "/qrs/app", "-q", filter_)
    assert [a["name"] for a in json.loads(done.stdout)] == ["[Sales] =Sum([Amount])"]


def test_qseow_xrfkey_is_fresh_on_every_run(demo: Demo) -> None:
    script = export(demo, "demo-qseow", "GET", "/qrs/about")
    assert 'xrfkey=\'"$xrf"' in script and '-H "X-Qlik-Xrfkey: $xrf"' in script
    keys = {run_sh(script.replace("curl -sS", "echo $xrf; : curl", 1)).stdout.split()[0] for _ in range(3)}
    assert len(keys) == 3 and all(len(k) == 16 and k.isalnum() for k in keys)


def test_cloud_write_logs_in_fetches_csrf_and_sends_a_body_sh_would_mangle(demo: Demo) -> None:
    name = 'it\'s $HOME `id` \\n "quoted"'
    body = json.dumps({"name": name, "type": "shared"})
    script = export(demo, "demo-cloud", "POST", "/api/v1/spaces", "-d", body)
    assert "/login/jwt-session" in script and "/api/v1/csrf-token" in script and 'rm -f "$jar"' in script
    assert "printf 'qlik-csrf-token: %s\\n' \"$csrf\" |" in script and '-H "qlik-csrf-token' not in script
    done = run_sh(script)
    assert done.returncode == 0, done.stderr
    created = json.loads(done.stdout)
    assert created["name"] == name
    spaces = call_json(demo, "demo-cloud", "GET", "/api/v1/spaces", "-q", "limit=100")
    assert name in [s["name"] for s in spaces["data"]]  # type: ignore[index]


def test_cloud_read_follows_the_redirect_without_csrf(demo: Demo) -> None:
    script = export(demo, "demo-cloud", "GET", "/api/v1/users/me")
    assert "csrf-token" not in script
    done = run_sh(script)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["subject"] == call_json(demo, "demo-cloud", "GET", "/api/v1/users/me")["subject"]  # type: ignore[index]


def test_https_profile_exports_its_ca_bundle(tls_demo: Demo) -> None:
    script = export(tls_demo, "demo-qseow", "GET", "/qrs/app/count")
    assert "--cacert" in script
    done = run_sh(script)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"value": 60}


def test_powershell_export_has_no_secret_and_splats_the_request(demo: Demo) -> None:
    script = export(demo, "demo-qseow", "POST", "/qrs/tag", "-d", '{"name": "O\u2019Brien\'s"}', flag="--powershell")
    assert "eyJ" not in script and "Invoke-RestMethod @request" in script
    assert "(qlik-tui --profiles" in script and "token -p 'demo-qseow')" in script
    assert "Body = '{\"name\": \"O\u2019\u2019Brien''s\"}'" in script  # both kinds of single quote doubled
    assert "'X-Qlik-Xrfkey' = $xrf" in script and "xrfkey=' + $xrf" in script


def test_curl_and_powershell_together_are_refused(demo: Demo) -> None:
    proc = run_cli("call", "--profiles", str(demo.profiles_path), "GET", "/qrs/about", "--curl", "--powershell")
    assert_clean_failure(proc)
    assert proc.returncode == 2


def test_https_cloud_write_passes_the_ca_to_every_step(tls_demo: Demo) -> None:
    script = export(tls_demo, "demo-cloud", "POST", "/api/v1/spaces", "-d", '{"name": "tls", "type": "shared"}')
    assert script.count("--cacert") == 3  # login, CSRF token, the call
    done = run_sh(script)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["name"] == "tls"


def test_no_secret_is_ever_in_curls_arguments(demo: Demo, tmp_path: Path) -> None:
    # A curl on PATH that writes down its arguments (what `ps` shows every user), then runs the real one.
    real = shutil.which("curl")
    shim = tmp_path / "bin" / "curl"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" >> {tmp_path}/argv.log\nexec {real} "$@"\n')
    shim.chmod(0o755)
    script = export(demo, "demo-cloud", "POST", "/api/v1/spaces", "-d", '{"name": "argv", "type": "shared"}')
    script += export(demo, "demo-qseow", "GET", "/qrs/about")
    done = run_sh(f"PATH={shim.parent}:$PATH\n{script}")
    assert done.returncode == 0, done.stderr
    argv = (tmp_path / "argv.log").read_text()
    assert "/login/jwt-session" in argv and "/api/v1/spaces" in argv and "/qrs/about" in argv  # all three curls ran
    assert "eyJ" not in argv and "Bearer" not in argv and "qlik-csrf-token:" not in argv


def test_a_file_body_is_read_by_the_printed_command_not_printed(demo: Demo, tmp_path: Path) -> None:
    app = tmp_path / "Sales Q1.qvf"
    app.write_bytes(bytes(range(256)) * 64)  # binary: never printed, never read by the export
    kind = "Content-Type: application/vnd.qlik.sense.app"
    script = export(demo, "demo-qseow", "POST", "/qrs/app/upload", "-q", "name=FromCurl", "-H", kind, "-d", f"@{app}")
    assert f"--data-binary '@{app}'" in script
    done = run_sh(script)
    assert done.returncode == 0, done.stderr
    uploaded = json.loads(done.stdout)
    assert uploaded["name"] == "FromCurl"
    assert demo.qseow.routes.app_files._file(uploaded["id"]).read_bytes() == app.read_bytes()
    stdin = run_cli(
        "call", "--profiles", str(demo.profiles_path), "-p", "demo-qseow", "POST", "/qrs/app/upload", "-d", "-", "--curl"
    )
    assert_clean_failure(stdin)
    assert "standard input" in stdin.stderr and "-d @FILE" in stdin.stderr
