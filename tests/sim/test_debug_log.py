"""--debug and QLIK_TUI_DEBUG=1: a 0600 log of requests, events and errors with no secret in it."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

from qlik_tui.core.profiles.loader import load_profiles
from qlik_tui.demo.environment import Demo
from tests.cli_helpers import assert_clean_failure, run_cli


def log_path(stderr: str) -> Path:
    found = re.search(r"^qlik-tui: debug log: (.+)$", stderr, re.MULTILINE)
    assert found, stderr
    return Path(found.group(1))


def secrets_of(demo: Demo, log: str) -> list[str]:
    """Every secret value a run against the simulators could have leaked."""
    values = [*demo.qseow.stats.xrfkeys, *demo.qseow._sessions]
    for sid, session in demo.cloud._sessions.items():
        values += [sid, session.csrf]
    for profile in load_profiles(demo.profiles_path).profiles.values():
        if profile.signs_jwts:  # the others have no signing key
            key = profile.key_path.read_text()
            values += [line for line in key.splitlines() if line and not line.startswith("-----")][:3]
    # the API keys and the OAuth client secret of the demo's other sign-ins
    values += [p.read_text().strip() for p in (demo.profiles_path.parent / "secrets").iterdir()]
    return [v for v in values if v and v in log]


def test_debug_log_records_requests_and_events_without_secrets(demo: Demo, tmp_path: Path) -> None:
    env = {"XDG_STATE_HOME": str(tmp_path / "state")}
    base = ["--profiles", str(demo.profiles_path), "--debug"]
    qseow = run_cli("call", *base, "-p", "demo-qseow", "GET", "/qrs/app", "-q", "access_token=hunter2", env=env)
    assert qseow.returncode == 0, qseow.stderr
    cloud = run_cli(
        "call",
        *base,
        "-p",
        "demo-cloud",
        "POST",
        "/api/v1/spaces",
        "-d",
        json.dumps({"name": "x", "password": "hunter3"}),
        env=env,
    )
    first, second = log_path(qseow.stderr), log_path(cloud.stderr)
    assert first != second and first.parent == tmp_path / "state" / "qlik-tui" / "debug"
    for path in (first, second):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(first.parent.stat().st_mode) == 0o700
    log = first.read_text() + second.read_text()
    assert "demo-qseow: GET /qrs/app?access_token=•••••• -> 200 OK" in log
    assert "minted" in log and "session started" in log and "logged in" in log  # the connections' events
    assert "timing: " in log and "POST /api/v1/spaces" in log and '"password": "••••••"' in log
    assert "eyJ" not in log  # no token, whole or in part
    assert "hunter2" not in log and "hunter3" not in log
    assert secrets_of(demo, log) == []
    assert demo.qseow.stats.xrfkeys and demo.cloud._sessions  # the values looked for were really there


def test_env_variable_turns_it_on_and_errors_are_logged(demo: Demo, tmp_path: Path) -> None:
    env = {"XDG_STATE_HOME": str(tmp_path / "state"), "QLIK_TUI_DEBUG": "1"}
    proc = run_cli("call", "--profiles", str(demo.profiles_path), "-p", "nope", "GET", "/qrs/about", env=env)
    assert_clean_failure(proc)
    log = log_path(proc.stderr).read_text()
    assert "error    " in log and "no profile named 'nope'" in log and "hint: pass -p with one of those names" in log


def test_no_debug_no_log(demo: Demo, tmp_path: Path) -> None:
    env = {"XDG_STATE_HOME": str(tmp_path / "state"), "QLIK_TUI_DEBUG": "0"}
    proc = run_cli("call", "--profiles", str(demo.profiles_path), "-p", "demo-qseow", "GET", "/qrs/about", env=env)
    assert proc.returncode == 0 and "debug log" not in proc.stderr
    assert not (tmp_path / "state" / "qlik-tui" / "debug").exists()
