"""Sessions kept between runs: real `qlik-tui call` processes against the simulators.

Each test has its own XDG_RUNTIME_DIR (tests/conftest.py), so the cache starts empty.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest
import tomli_w

from qlik_tui.core.auth.session_cache import SessionCache, default_folder
from qlik_tui.core.events import CACHED_SESSION_REFUSED, LOGGED_IN, SESSION_RESTORED
from qlik_tui.core.http.cloud import CloudConnection
from qlik_tui.core.http.connections import open_connection
from qlik_tui.core.http.types import Request
from qlik_tui.core.profiles.loader import load_profiles, parse_toml_text
from qlik_tui.core.workspace import Workspace
from qlik_tui.demo.environment import Demo
from tests.cli_helpers import run_cli
from tests.sim.conftest import profile

PATHS = {"demo-qseow": "/qrs/about", "demo-cloud": "/api/v1/users/me"}


def post_space(demo: Demo, space: str) -> subprocess.CompletedProcess[str]:
    body = json.dumps({"name": space, "type": "shared"})
    return run_cli("call", "--profiles", str(demo.profiles_path), "-p", "demo-cloud", "POST", "/api/v1/spaces", "-d", body)


def call(demo: Demo, name: str, *extra: str, profiles: Path | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli("call", "--profiles", str(profiles or demo.profiles_path), "-p", name, "GET", PATHS[name], *extra)


def cache_files() -> list[Path]:
    return sorted(default_folder().glob("session-*.json"))


def test_cache_lives_in_the_runtime_dir(private_runtime_dir: Path) -> None:
    assert default_folder() == private_runtime_dir / "qlik-tui"


def test_three_calls_cost_one_proxy_session_and_one_cloud_login(demo: Demo) -> None:
    for _ in range(3):
        for name in PATHS:
            proc = call(demo, name)
            assert proc.returncode == 0, proc.stderr
    assert demo.qseow.stats.jwt_logins == 1 and demo.qseow.session_count() == 1
    assert demo.cloud.stats.jwt_logins == 1
    proc = call(demo, "demo-cloud", "-v")
    assert "session restored" in proc.stderr and "logged in" not in proc.stderr and "minted" not in proc.stderr


def test_cache_files_are_private_and_hold_no_secret(demo: Demo) -> None:
    for name in PATHS:
        assert call(demo, name).returncode == 0
    # a Cloud write: the CSRF token is kept too
    proc = run_cli(
        "call",
        "--profiles",
        str(demo.profiles_path),
        "-p",
        "demo-cloud",
        "POST",
        "/api/v1/spaces",
        "-d",
        '{"name": "s", "type": "shared"}',
    )
    assert proc.returncode == 0, proc.stderr
    folder = default_folder()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files = cache_files()
    assert len(files) == 2
    text = "".join(f.read_text() for f in files)
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key_pem = (demo.profiles_path.parent / "keys" / "private.pem").read_text()
    key_lines = [line for line in key_pem.splitlines() if line and not line.startswith("-----")]
    assert not any(line in text for line in key_lines)
    assert "eyJ" not in text  # no JWT (nor its header) is ever kept: qlik-tui can mint one
    token = run_cli("token", "--profiles", str(demo.profiles_path), "-p", "demo-cloud").stdout.strip()
    assert token and token.split(".")[1] not in text
    assert demo.cloud._secret.hex() not in text  # the tenant's signing secret never left it
    docs = [json.loads(f.read_text()) for f in files]
    qseow = next(d for d in docs if d["profile"] == "demo-qseow")
    assert qseow["state"]["session_names"] == ["X-Qlik-Session-jwt-HTTP"]  # whatever the proxy named it
    cloud = next(d for d in docs if d["profile"] == "demo-cloud")
    assert {c["name"] for c in cloud["state"]["cookies"]} == {"eas.sid", "eas.sid.sig", "_csrfToken", "_csrfToken.sig"}
    assert cloud["state"]["csrf"]  # so the next run's POST needs no CSRF fetch
    csrf_before = demo.cloud.stats.csrf_fetches
    proc = run_cli(
        "call",
        "--profiles",
        str(demo.profiles_path),
        "-p",
        "demo-cloud",
        "POST",
        "/api/v1/spaces",
        "-d",
        '{"name": "t", "type": "shared"}',
    )
    assert proc.returncode == 0, proc.stderr
    assert demo.cloud.stats.csrf_fetches == csrf_before and demo.cloud.stats.jwt_logins == 1


def _edited(demo: Demo, profile_name: str, claims: dict[str, object]) -> Path:
    """The demo's profiles file with a profile's claims changed, in the same folder (same cache file)."""
    doc = parse_toml_text(demo.profiles_path.read_text())
    doc["profiles"][profile_name]["claims"].update(claims)
    path = demo.profiles_path.with_name("edited.toml")
    path.write_text(tomli_w.dumps(doc))
    return path


@pytest.mark.parametrize("name", list(PATHS))
def test_editing_the_claims_discards_the_kept_session(demo: Demo, name: str) -> None:
    assert call(demo, name).returncode == 0
    simulator = demo.qseow if name == "demo-qseow" else demo.cloud
    assert simulator.stats.jwt_logins == 1
    edited = _edited(demo, name, {"name": "Alice B. Andersson"})
    # the same folder and profile name: the same cache file, now for another identity
    assert SessionCache().path(load_profiles(edited).profiles[name]) == SessionCache().path(profile(demo, name))
    proc = call(demo, name, "-v", profiles=edited)
    assert proc.returncode == 0, proc.stderr
    assert "cached session discarded" in proc.stderr and "session restored" not in proc.stderr
    assert simulator.stats.jwt_logins == 2


@pytest.mark.parametrize("name", list(PATHS))
def test_a_session_killed_on_the_server_is_replaced_once_quietly(demo: Demo, name: str) -> None:
    assert call(demo, name).returncode == 0
    simulator = demo.qseow if name == "demo-qseow" else demo.cloud
    simulator.drop_sessions()
    proc = call(demo, name)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr  # quietly
    assert simulator.stats.jwt_logins == 2
    proc = call(demo, name, "-v")  # and the new session is the one kept
    assert "session restored" in proc.stderr and simulator.stats.jwt_logins == 2


@pytest.mark.parametrize("where", ["before", "after"])
def test_no_session_cache_neither_uses_nor_keeps(demo: Demo, where: str) -> None:
    flag = ["--no-session-cache"]
    for _ in range(2):
        args = ["call", "--profiles", str(demo.profiles_path), "-p", "demo-cloud", "GET", "/api/v1/users/me"]
        proc = run_cli(*(flag + args if where == "before" else args + flag))
        assert proc.returncode == 0, proc.stderr
    assert demo.cloud.stats.jwt_logins == 2 and cache_files() == []


def test_session_cache_false_in_the_profile_opts_out(demo: Demo) -> None:
    doc = parse_toml_text(demo.profiles_path.read_text())
    doc["profiles"]["demo-qseow"]["session_cache"] = False
    path = demo.profiles_path.with_name("no-cache.toml")
    path.write_text(tomli_w.dumps(doc))
    for _ in range(2):
        assert call(demo, "demo-qseow", profiles=path).returncode == 0
    assert demo.qseow.stats.jwt_logins == 2 and cache_files() == []


def test_session_cache_false_set_later_removes_the_kept_session(demo: Demo) -> None:
    assert call(demo, "demo-qseow").returncode == 0 and len(cache_files()) == 1
    doc = parse_toml_text(demo.profiles_path.read_text())
    doc["profiles"]["demo-qseow"]["session_cache"] = False
    path = demo.profiles_path.with_name("no-cache.toml")  # same folder: the same profile to the cache
    path.write_text(tomli_w.dumps(doc))
    proc = call(demo, "demo-qseow", "-v", profiles=path)
    assert proc.returncode == 0, proc.stderr
    assert "kept session removed: the profile says session_cache = false" in proc.stderr
    assert cache_files() == [] and demo.qseow.stats.jwt_logins == 2


def test_diff_and_discover_use_the_kept_sessions(demo: Demo) -> None:
    files = ("--profiles", str(demo.profiles_path))
    for _ in range(2):
        proc = run_cli("diff", "demo-qseow", "demo-qseow-header", "GET", "/qrs/about", *files)
        assert proc.returncode in (0, 1), proc.stderr
        found = run_cli("endpoints", "-p", "demo-qseow", "--discover", "--refresh", *files)
        assert found.returncode == 0, found.stderr
    assert demo.qseow.stats.jwt_logins == 1  # diff signed in once; the rest reused that session
    for where in (("--no-session-cache", "diff"), ("diff", "--no-session-cache")):
        proc = run_cli(*where, "demo-qseow", "demo-qseow-header", "GET", "/qrs/about", *files)
        assert proc.returncode in (0, 1), proc.stderr
    found = run_cli("endpoints", "-p", "demo-qseow", "--discover", "--refresh", "--no-session-cache", *files)
    assert found.returncode == 0, found.stderr
    assert demo.qseow.stats.jwt_logins == 4


def test_logout_forgets_and_says_which(demo: Demo) -> None:
    for name in PATHS:
        assert call(demo, name).returncode == 0
    proc = run_cli("logout", "--profiles", str(demo.profiles_path), "-p", "demo-qseow")
    assert proc.returncode == 0 and "forgot the kept session of 'demo-qseow'" in proc.stdout
    assert len(cache_files()) == 1
    proc = run_cli("logout", "-p", "demo-qseow", "--profiles", str(demo.profiles_path))
    assert proc.returncode == 0 and "no kept session for 'demo-qseow'" in proc.stdout
    proc = run_cli("logout", "--all")
    assert proc.returncode == 0 and "forgot 1 kept session: 'demo-cloud'" in proc.stdout and cache_files() == []
    assert call(demo, "demo-cloud").returncode == 0 and demo.cloud.stats.jwt_logins == 2  # signed in afresh
    proc = run_cli("logout", "--all", "-p", "demo-cloud")
    assert proc.returncode == 2 and "not both" in proc.stderr


@pytest.mark.parametrize("damage", ["garbage", "deep", "loose mode", "symlink", "hostile cookie"])
def test_a_damaged_cache_file_is_ignored_and_replaced(demo: Demo, damage: str, tmp_path: Path) -> None:
    assert call(demo, "demo-qseow").returncode == 0
    (path,) = cache_files()
    if damage == "garbage":
        path.write_bytes(b"\x00\xff not json")
    elif damage == "deep":
        path.write_text("[" * 100_000)
    elif damage == "loose mode":
        path.chmod(0o644)
    elif damage == "symlink":
        elsewhere = tmp_path / "elsewhere.json"
        elsewhere.write_text(path.read_text())
        elsewhere.chmod(0o600)
        path.unlink()
        path.symlink_to(elsewhere)
    else:
        doc = json.loads(path.read_text())
        doc["state"]["cookies"][0]["value"] = "x\r\nX-Injected: 1"
        path.write_text(json.dumps(doc))
    proc = call(demo, "demo-qseow")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert demo.qseow.stats.jwt_logins == 2  # not used: signed in afresh
    (path,) = cache_files()
    assert not path.is_symlink() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["profile"] == "demo-qseow"  # replaced by a good one


async def test_a_refused_kept_cloud_session_is_no_quick_loss(demo: Demo) -> None:
    cache = SessionCache()
    async with open_connection(profile(demo, "demo-cloud"), sessions=cache) as first:
        assert (await first.send(Request.build("GET", "/api/v1/users/me"))).ok
    demo.cloud.drop_sessions()
    async with open_connection(profile(demo, "demo-cloud"), sessions=cache) as second:
        assert isinstance(second, CloudConnection)
        assert second.events.count(SESSION_RESTORED) == 1
        response = await second.send(Request.build("GET", "/api/v1/users/me"))
        assert response.ok
        assert second.quick_losses == 0 and second.events.count(CACHED_SESSION_REFUSED) == 1
        assert second.events.count(LOGGED_IN) == 1 and second.events.count("session lost") == 0
    assert demo.cloud.stats.jwt_logins == 2


async def test_the_tui_workspace_uses_the_session_a_call_kept(demo: Demo, tmp_path: Path) -> None:
    assert call(demo, "demo-qseow").returncode == 0 and call(demo, "demo-cloud").returncode == 0
    workspace = Workspace(load_profiles(demo.profiles_path), tmp_path / "history", sessions=SessionCache())
    try:
        for name in PATHS:
            connection = workspace.state(name).connect()
            assert (await connection.send(Request.build("GET", PATHS[name]))).ok
            assert connection.events.count(SESSION_RESTORED) == 1
    finally:
        await workspace.aclose()
    assert demo.qseow.stats.jwt_logins == 1 and demo.cloud.stats.jwt_logins == 1


def test_a_cache_folder_of_another_shape_is_not_used(demo: Demo) -> None:
    folder = default_folder()
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("not a folder")
    assert call(demo, "demo-qseow").returncode == 0
    assert call(demo, "demo-qseow").returncode == 0
    assert demo.qseow.stats.jwt_logins == 2 and folder.read_text() == "not a folder"
    os.unlink(folder)


def test_kept_sessions_over_tls_carry_their_secure_cookies(tls_demo: Demo) -> None:
    for _ in range(3):
        for name in PATHS:
            proc = call(tls_demo, name)
            assert proc.returncode == 0, proc.stderr
    assert tls_demo.qseow.stats.jwt_logins == 1 and tls_demo.cloud.stats.jwt_logins == 1
    docs = [json.loads(f.read_text()) for f in cache_files()]
    assert docs and all(c["secure"] is True for d in docs for c in d["state"]["cookies"])
    assert any(c["name"] == "X-Qlik-Session-jwt" for d in docs for c in d["state"]["cookies"])  # no -HTTP over TLS
