"""Per-profile history: persisted 0600, secrets masked, read once, damaged lines skipped."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from qlik_tui.core.history import History
from qlik_tui.core.http.types import Request


def test_history_masks_and_caches(tmp_path: Path) -> None:
    history = History("prod/eu", tmp_path)
    body = json.dumps({"name": "conn", "password": "hunter2", "nested": {"apiKey": "k"}}).encode()
    history.add(Request.build("POST", "/qrs/dataconnection", [("privileges", "true")], body), 201, 0.1)
    text = history.path.read_text()
    assert "hunter2" not in text and '"k"' not in text and history.path.name == "prod_eu.jsonl"
    assert stat.S_IMODE(os.stat(history.path).st_mode) == 0o600
    history.path.write_text(text + "not json\n")  # damage after the first read
    assert [e.status for e in history.entries()] == [201]  # served from memory
    history.add(Request.build("GET", "/qrs/about"), None, None)
    assert [e.label() for e in history.entries()] == ["201 POST /qrs/dataconnection?privileges=true", "ERR GET /qrs/about"]
    fresh = History("prod/eu", tmp_path)
    assert len(fresh.entries()) == 2  # the damaged line is skipped, the rest kept


def test_history_keeps_no_secret_a_user_typed(tmp_path: Path) -> None:
    import jwt

    from qlik_tui.core.http.redact import redact_url

    token = jwt.encode({"sub": "alice", "exp": 4102444800}, "not-a-real-key-but-real-hmac-0123456789", algorithm="HS256")
    api_key = jwt.encode(
        {"sub": "bot", "subType": "user"}, "another-hmac-key-for-this-test-98765-long-enough-for-hs384", algorithm="HS384"
    )
    secrets = ["s3cr3t-access", "hunter2", "k3y-value", "c0de-xyz", "XRFKEY0123456789", "tok-123", "csec-456", token, api_key]
    query = [
        ("access_token", "s3cr3t-access"),
        ("password", "hunter2"),
        ("apikey", "k3y-value"),
        ("code", "c0de-xyz"),
        ("xrfkey", "XRFKEY0123456789"),
        ("filter", f"name eq '{token}'"),  # a JWT pasted into an innocent parameter
        ("countryCode", "SE"),
    ]
    body = {
        "grant_type": "client_credentials",
        "client_secret": "csec-456",
        "headers": {"Authorization": f"Bearer {token}"},
        "nested": [{"jwt": "x"}, {"note": f"see {api_key} here"}, {"token": "tok-123"}],
        "name": "kept",
    }
    history = History("cloud", tmp_path)
    history.add(Request.build("POST", f"/api/v1/things/{api_key}", query, json.dumps(body).encode()), 200, 0.2)
    text = history.path.read_text()
    for secret in secrets:
        assert secret not in text, secret
    entry = History("cloud", tmp_path).entries()[0]
    assert ("countryCode", "SE") in entry.query and entry.body is not None and '"kept"' in entry.body
    assert dict(entry.query)["filter"] == "name eq '••••••'"
    assert entry.path == "/api/v1/things/••••••"
    url = redact_url(f"https://t/api/v1/x?access_token=abc&xrfkey=K&limit=5&q={token}")
    assert url == "https://t/api/v1/x?access_token=••••••&xrfkey=••••••&limit=5&q=••••••"


def test_history_survives_a_deeply_nested_body(tmp_path: Path) -> None:
    history = History("deep", tmp_path)
    for depth in (1_000, 10_000, 100_000):
        body = ('{"password": "hunter2", "a":' + "[" * depth + "1" + "]" * depth + "}").encode()
        history.add(Request.build("POST", "/qrs/x", [], body), 200, 0.1)
    assert "hunter2" not in history.path.read_text() and len(History("deep", tmp_path).entries()) == 3


def test_state_folder_is_private_and_an_existing_loose_one_is_tightened(tmp_path: Path, monkeypatch: object) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))  # type: ignore[attr-defined]
    History("prod").add(Request.build("GET", "/qrs/about"), 200, 0.1)
    state = tmp_path / "state" / "qlik-tui"
    assert stat.S_IMODE(os.stat(state).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(state / "history").st_mode) == 0o700
    state.chmod(0o755)  # made by an older version
    History("eu").add(Request.build("GET", "/qrs/about"), 200, 0.1)
    assert stat.S_IMODE(os.stat(state).st_mode) == 0o700


def test_a_damaged_history_file_loses_only_its_bad_lines(tmp_path: Path) -> None:
    # A line nested 5,000 deep raised RecursionError and a byte that is not UTF-8 raised
    # UnicodeDecodeError: both out of entries(), which the TUI calls when a profile opens.
    history = History("p", tmp_path)
    good = b'{"at": 1, "method": "GET", "path": "/qrs/about", "query": []}\n'
    history.path.write_bytes(good + b"[" * 5000 + b"]" * 5000 + b"\n" + good.replace(b"about", b"app\xff") + good)
    entries = History("p", tmp_path).entries()
    assert [e.path for e in entries] == ["/qrs/about", "/qrs/app\ufffd", "/qrs/about"]


def test_a_fifo_in_place_of_the_history_file_is_not_waited_on(tmp_path: Path) -> None:
    history = History("p", tmp_path)
    os.mkfifo(history.path)
    assert history.entries() == []


def test_a_path_with_half_a_surrogate_pair_is_kept(tmp_path: Path) -> None:
    # A next-page href from a server ("\ud800" in its JSON) becomes the request's path: writing
    # it as UTF-8 raised UnicodeEncodeError in the TUI's answer handler.
    History("p", tmp_path).add(Request.build("GET", "/api/v1/x\ud800", [("a", "\udc80")]), None, None)
    [entry] = History("p", tmp_path).entries()
    assert entry.path == "/api/v1/x\ud800" and entry.query == [("a", "\udc80")]
