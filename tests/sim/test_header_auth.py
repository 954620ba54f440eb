"""Header-authentication virtual proxies: static and dynamic directories, refusals, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qlik_tui.core.auth.tokens import mint
from qlik_tui.core.errors import TokenError
from qlik_tui.core.http.connections import open_connection
from qlik_tui.core.http.types import Request
from qlik_tui.core.profiles.model import QseowProfile
from qlik_tui.demo.environment import Demo
from tests.cli_helpers import assert_clean_failure, run_cli
from tests.sim.conftest import variant

COUNT = Request.build("GET", "/qrs/app/count")


async def test_static_directory_proxy_takes_the_bare_user_id(demo: Demo) -> None:
    static = variant(demo, "demo-qseow-header", virtual_proxy="hdrstatic", user="alice")
    async with open_connection(static) as conn:
        response = await conn.send(COUNT)
    assert response.ok, response.error
    assert demo.qseow.session_count("hdrstatic") == 1


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"user": "DEMO\\mallory"}, "DEMO\\mallory is not a user of this site"),
        ({"user": "LAB\\former"}, "LAB\\former is inactive"),
        ({"user": "alice"}, "must be DIRECTORY\\userid on this proxy"),  # a static form on a dynamic proxy
        ({"header_name": "X-Other-Header"}, "no X-Qlik-Demo-User header"),
    ],
)
async def test_a_refused_header_names_the_user_and_the_fix(demo: Demo, changes: dict[str, str], said: str) -> None:
    refused = variant(demo, "demo-qseow-header", **changes)
    async with open_connection(refused) as conn:
        response = await conn.send(COUNT)
    assert response.status == 401 and response.error is not None
    assert said in response.error.message and refused.user in response.error.message
    assert "header_name" in response.error.hint and "DIRECTORY\\\\userid" in response.error.hint
    assert demo.qseow.stats.refused_tokens == 1  # sent once: a refused header is not retried


async def test_a_wrong_prefix_on_a_header_profile_says_header_authentication(demo: Demo) -> None:
    async with open_connection(variant(demo, "demo-qseow-header", virtual_proxy="nope")) as conn:
        response = await conn.send(COUNT)
    assert response.status == 302 and response.error is not None
    assert "header authentication" in response.error.hint


def test_a_header_profile_mints_no_token() -> None:
    header = QseowProfile(name="h", url="https://q", base_dir=Path("."), auth="header")
    with pytest.raises(TokenError, match='auth = "header"'):
        mint(header)


@pytest.mark.parametrize("name", ["demo-qseow-header", "demo-qseow-cookie"])
def test_cli_call_through_each_proxy(demo: Demo, name: str) -> None:
    proc = run_cli("call", "--profiles", str(demo.profiles_path), "-p", name, "GET", "/qrs/app/count", "-v")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"value": 60}
    assert "session started" in proc.stderr


def test_cli_call_with_a_refused_header_fails_cleanly(demo: Demo) -> None:
    refused = variant(demo, "demo-qseow-header", user="DEMO\\mallory")
    path = demo.profiles_path.with_name(f"variant-{refused.name}.toml")
    proc = run_cli("call", "--profiles", str(path), "-p", refused.name, "GET", "/qrs/about")
    assert_clean_failure(proc)
    assert "refused X-Qlik-Demo-User: DEMO\\mallory" in proc.stderr and "hint:" in proc.stderr


def test_cli_warns_when_the_pinned_session_cookie_never_comes(demo: Demo) -> None:
    pinned = variant(demo, "demo-qseow-cookie", session_cookie="X-Qlik-Session-custom")
    path = demo.profiles_path.with_name(f"variant-{pinned.name}.toml")
    proc = run_cli("call", "--profiles", str(path), "-p", pinned.name, "GET", "/qrs/about")
    assert proc.returncode == 0, proc.stderr
    assert "qlik-tui: warning: no cookie named X-Qlik-Session-custom" in proc.stderr
    assert "QlikSessionCustom-HTTP" in proc.stderr and "=" not in proc.stderr.split("set:", 1)[1]  # names, never values
