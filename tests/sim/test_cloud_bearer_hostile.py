"""API-key and OAuth connections against servers that misbehave: HTML token answers, huge ones, Bearers led elsewhere."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pytest

from qlik_tui.core.errors import RequestFailed
from qlik_tui.core.http.connections import open_connection
from qlik_tui.core.http.types import Request
from qlik_tui.core.profiles.loader import load_profiles
from qlik_tui.core.profiles.model import Profile
from tests.hostile_server import Action, Received, answer, hostile_server

SECRET = "s3cret-p10-cloud-value"
KEY = "eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJhbGljZSJ9.c2ln"  # shaped like a key; no expiry in it


def bearer_profile(folder: Path, url: str, auth: str) -> Profile:
    secret = folder / "secret"
    secret.write_text((SECRET if auth == "oauth" else KEY) + "\n")
    secret.chmod(0o600)
    method = (
        'auth = "oauth"\nclient_id = "cid"\nclient_secret_file = "secret"'
        if auth == "oauth"
        else 'auth = "api_key"\napi_key_file = "secret"'
    )
    path = folder / "profiles.toml"
    path.write_text(f'[profiles.b]\ntype = "cloud"\nurl = "{url}"\n{method}\n')
    return load_profiles(path).profiles["b"]


def token_play(token_answer: bytes) -> object:
    def play(req: Received) -> Iterable[Action]:
        if req.path == "/oauth/token":
            return [token_answer]
        return [answer(200, b'{"ok": true}', [("Content-Type", "application/json")])]

    return play


@pytest.mark.parametrize(
    ("token_answer", "said"),
    [
        (answer(200, b"<!DOCTYPE html><html><body>Sign in</body></html>", [("Content-Type", "text/html")]), "HTML page"),
        (answer(200, b'{"token_type": "bearer"}', [("Content-Type", "application/json")]), "without a usable access_token"),
        (answer(400, b'{"error": "invalid_client", "error_description": "bad \\u001b[2J"}', []), "invalid_client"),
        (answer(200, b"x" * (600 * 1024), [("Content-Type", "application/json")]), "expected about 1 kB"),
    ],
)
async def test_token_answers_that_are_no_token_end_in_one_message(tmp_path: Path, token_answer: bytes, said: str) -> None:
    with hostile_server(token_play(token_answer)) as server:  # type: ignore[arg-type]
        async with open_connection(bearer_profile(tmp_path, server.url, "oauth")) as conn:
            with pytest.raises(RequestFailed) as caught:
                await conn.send(Request.build("GET", "/api/v1/spaces"))
        token_request = server.received[0]
    assert said in caught.value.message and caught.value.hint
    assert SECRET not in caught.value.message + caught.value.hint
    assert token_request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert b"grant_type=client_credentials" in token_request.body and b"client_id=cid" in token_request.body


async def test_an_rfc_style_answer_with_expires_in_is_used(tmp_path: Path) -> None:
    doc = {"access_token": "opaque-token-1", "token_type": "Bearer", "expires_in": 3600}
    with hostile_server(token_play(answer(200, json.dumps(doc).encode(), [("Content-Type", "application/json")]))) as server:  # type: ignore[arg-type]
        async with open_connection(bearer_profile(tmp_path, server.url, "oauth")) as conn:
            response = await conn.send(Request.build("GET", "/api/v1/spaces"))
            info = conn.credential_info()
        api_call = server.received[1]
    assert response.ok and api_call.headers["authorization"] == "Bearer opaque-token-1"
    assert info is not None and info.expires_at is not None and info.issued_at is not None
    assert info.expires_at - info.issued_at == pytest.approx(3600)


@pytest.mark.parametrize("auth", ["api_key", "oauth"])
async def test_the_bearer_never_follows_a_redirect_to_another_site(tmp_path: Path, auth: str) -> None:
    token = {"access_token": "opaque-token-2", "token_type": "bearer", "expires_in": 600}
    with hostile_server(lambda req: [answer(200, b"{}", [("Content-Type", "application/json")])]) as elsewhere:

        def play(req: Received) -> Iterable[Action]:
            if req.path == "/oauth/token":
                return [answer(200, json.dumps(token).encode(), [("Content-Type", "application/json")])]
            if req.path == "/api/v1/users/me":
                return [answer(302, b"", [("Location", "/api/v1/users/1")])]
            if req.path == "/api/v1/users/1":
                return [answer(302, b"", [("Location", f"{elsewhere.url}/steal")])]
            return [answer(404, b"")]

        with hostile_server(play) as server:
            async with open_connection(bearer_profile(tmp_path, server.url, auth)) as conn:
                response = await conn.send(Request.build("GET", "/api/v1/users/me", headers=[("authorization", "Bearer mine")]))
            hops = [r for r in server.received if r.path.startswith("/api/")]
    assert response.status == 302 and elsewhere.received == []
    expected = "Bearer opaque-token-2" if auth == "oauth" else f"Bearer {KEY}"
    assert [r.headers["authorization"] for r in hops] == [expected, expected]  # the same-origin hop kept it
