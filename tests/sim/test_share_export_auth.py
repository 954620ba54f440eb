"""Exports for the other sign-in methods (API key, OAuth, header, client certificate), run by a
real sh and curl against a loopback server that records what arrives: the secret reaches the
server, read from where the profile keeps it, and is never in a program's arguments."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from qlik_tui.core.http.types import Request
from qlik_tui.core.profiles.loader import load_profiles
from qlik_tui.core.profiles.model import Profile
from qlik_tui.core.share.curl_export import to_curl
from qlik_tui.core.share.powershell_export import to_powershell
from qlik_tui.core.share.target import Target

pytestmark = pytest.mark.skipif(not (shutil.which("curl") and shutil.which("jq")), reason="curl and jq run the exports")
SECRET = "s3cr3t-'quote\"-$HOME-`x`"


class Recorder(BaseHTTPRequestHandler):
    """Answers JSON; /oauth/token hands out a fixed access token. Everything received is kept."""

    seen: list[dict[str, Any]]

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        self.seen.append({"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body})
        doc = {"access_token": "AT-123", "expires_in": 300} if self.path == "/oauth/token" else {"ok": True}
        data = json.dumps(doc).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    seen: list[dict[str, Any]] = []
    handler = type("H", (Recorder,), {"seen": seen})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    httpd.shutdown()
    httpd.server_close()


def profile(tmp_path: Path, url: str, table: str) -> Profile:
    path = tmp_path / "profiles.toml"
    path.write_text(f'[profiles.p]\nurl = "{url}"\n{table}')
    loaded = load_profiles(path)
    assert not loaded.broken, loaded.broken
    return loaded.profiles["p"]


def run_sh(script: str, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], str]:
    """The export in sh, with curl and jq wrapped to write down their arguments (what ps shows)."""
    log = tmp_path / "argv.log"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for tool in ("curl", "jq"):
        shim = bin_dir / tool
        shim.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" >> {log}\nexec {shutil.which(tool)} "$@"\n')
        shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "QLIK_P_SECRET": SECRET}
    done = subprocess.run(["sh", "-c", script], capture_output=True, text=True, env=env, timeout=60)
    return done, log.read_text() if log.exists() else ""


@pytest.mark.parametrize("source", ["env", "file", "command"])
def test_api_key_from_each_source_reaches_the_server_as_a_bearer(server: Any, tmp_path: Path, source: str) -> None:
    url, seen = server
    (tmp_path / "key.txt").write_text(SECRET + "\n")
    (tmp_path / "key.txt").chmod(0o600)
    where = {
        "env": 'api_key_env = "QLIK_P_SECRET"',
        "file": 'api_key_file = "key.txt"',
        "command": f'api_key_command = ["cat", "{tmp_path}/key.txt"]',
    }[source]
    p = profile(tmp_path, url, f'type = "cloud"\nauth = "api_key"\n{where}\n')
    script = to_curl(Target(p, Request.build("GET", "/api/v1/users/me")))
    done, argv = run_sh(script, tmp_path)
    assert done.returncode == 0, done.stderr
    assert seen[-1]["path"] == "/api/v1/users/me" and seen[-1]["headers"]["Authorization"] == f"Bearer {SECRET}"
    assert SECRET not in script and SECRET not in argv and "Bearer" not in argv


def test_oauth_buys_a_token_with_the_secret_then_calls_with_it(server: Any, tmp_path: Path) -> None:
    url, seen = server
    p = profile(
        tmp_path,
        url,
        'type = "cloud"\nauth = "oauth"\nclient_id = "cid"\nscopes = ["user_default"]\nclient_secret_env = "QLIK_P_SECRET"\n',
    )
    script = to_curl(Target(p, Request.build("GET", "/api/v1/spaces")))
    done, argv = run_sh(script, tmp_path)
    assert done.returncode == 0, done.stderr
    token_request, call = seen[-2], seen[-1]
    assert token_request["path"] == "/oauth/token"
    assert json.loads(token_request["body"]) == {
        "grant_type": "client_credentials",
        "client_id": "cid",
        "client_secret": SECRET,
        "scope": "user_default",
    }
    assert call["path"] == "/api/v1/spaces" and call["headers"]["Authorization"] == "Bearer AT-123"
    assert SECRET not in argv and "AT-123" not in argv


def test_header_auth_names_the_user_and_sends_a_fresh_xrfkey(server: Any, tmp_path: Path) -> None:
    url, seen = server
    p = profile(
        tmp_path,
        url,
        'type = "qseow"\nauth = "header"\nvirtual_proxy = "hdr"\nheader_name = "X-Qlik-User-Header"\nuser = "LAB\\\\anna"\n',
    )
    done, _ = run_sh(to_curl(Target(p, Request.build("GET", "/qrs/about"))), tmp_path)
    assert done.returncode == 0, done.stderr
    got = seen[-1]
    key = got["headers"]["X-Qlik-Xrfkey"]
    assert got["path"] == f"/hdr/qrs/about?xrfkey={key}" and len(key) == 16
    assert got["headers"]["X-Qlik-User-Header"] == "LAB\\anna"


def test_certificate_export_names_the_pem_files_and_the_user(tmp_path: Path) -> None:
    for name in ("client.pem", "client_key.pem"):
        (tmp_path / name).write_text("-----BEGIN X-----\n")
        (tmp_path / name).chmod(0o600)
    p = profile(
        tmp_path,
        "https://qlik.example.com:4242",
        'type = "qseow"\nauth = "certificate"\nclient_cert = "client.pem"\nclient_key = "client_key.pem"\nuser = "LAB\\\\svc"\n',
    )
    request = Request.build("GET", "/qrs/app")
    script = to_curl(Target(p, request))
    assert "'https://qlik.example.com:4242/qrs/app?xrfkey='\"$xrf\"" in script
    assert f"--cert {tmp_path}/client.pem" in script and f"--key {tmp_path}/client_key.pem" in script
    assert "-H 'X-Qlik-User: UserDirectory=LAB; UserId=svc'" in script
    assert subprocess.run(["sh", "-n", "-c", script], check=False).returncode == 0
    ps = to_powershell(Target(p, request))
    assert f"CreateFromPemFile('{tmp_path}/client.pem', '{tmp_path}/client_key.pem')" in ps
    assert "Certificate = $certificate" in ps and "'X-Qlik-User' = 'UserDirectory=LAB; UserId=svc'" in ps


def test_powershell_reads_secrets_where_the_profile_keeps_them(tmp_path: Path) -> None:
    p = profile(tmp_path, "https://t.example.com", 'type = "cloud"\nauth = "api_key"\napi_key_env = "QLIK_EU_KEY"\n')
    assert "'Authorization' = 'Bearer ' + $env:QLIK_EU_KEY" in to_powershell(Target(p, Request.build("GET", "/api/v1/users/me")))
    o = profile(
        tmp_path,
        "https://t.example.com",
        'type = "cloud"\nauth = "oauth"\nclient_id = "cid"\nclient_secret_command = ["pass", "show", "q"]\n',
    )
    ps = to_powershell(Target(o, Request.build("GET", "/api/v1/spaces")))
    assert "client_secret = (& 'pass' 'show' 'q' | Select-Object -First 1)" in ps and "/oauth/token" in ps
