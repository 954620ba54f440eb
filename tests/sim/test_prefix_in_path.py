"""A path typed with the virtual proxy prefix already in it is sent once, with a warning."""

from __future__ import annotations

from dataclasses import replace

from qlik_tui.core.events import PREFIX_IN_PATH
from qlik_tui.core.http.connections import open_connection
from qlik_tui.core.http.qseow import QseowConnection
from qlik_tui.core.http.types import Request
from qlik_tui.demo.environment import Demo
from tests.cli_helpers import run_cli
from tests.sim.conftest import profile


async def test_prefix_typed_in_the_path_is_sent_once_with_a_warning(demo: Demo) -> None:
    async with open_connection(profile(demo, "demo-qseow")) as conn:
        plain = await conn.send(Request.build("GET", "/qrs/about"))
        typed = await conn.send(Request.build("GET", "/jwt/qrs/about"))
        again = await conn.send(Request.build("GET", "/jwt/qrs/about"))
    assert typed.status == again.status == 200 and typed.json() == plain.json()
    assert demo.qseow.stats.paths[-2:] == ["/jwt/qrs/about", "/jwt/qrs/about"]  # never /jwt/jwt/qrs/about
    warnings = [e.detail for e in conn.events.history if e.kind == PREFIX_IN_PATH]
    assert warnings == ["/jwt/qrs/about already holds the virtual proxy prefix 'jwt': sent as /qrs/about"]  # once per path


def test_a_path_that_only_looks_like_the_prefix_is_left_alone(demo: Demo) -> None:
    qrs_prefix = QseowConnection(replace(profile(demo, "demo-qseow"), virtual_proxy="qrs"))  # type: ignore[type-var]
    base = qrs_prefix.profile.url
    # a proxy named "qrs": /qrs/about is a QRS path (prefixed as usual), /qrs/qrs/about holds the prefix
    assert qrs_prefix.url_for(Request.build("GET", "/qrs/about"), "k" * 16) == f"{base}/qrs/qrs/about?xrfkey={'k' * 16}"
    assert qrs_prefix.url_for(Request.build("GET", "/qrs/qrs/about"), "k" * 16) == f"{base}/qrs/qrs/about?xrfkey={'k' * 16}"
    jwt = QseowConnection(profile(demo, "demo-qseow"))  # type: ignore[arg-type]
    assert "/jwt/jwtish/qrs/about?" in jwt.url_for(Request.build("GET", "/jwtish/qrs/about"), "k" * 16)
    assert jwt.url_for(Request.build("GET", "/JWT/qrs/about"), "k" * 16).startswith(f"{jwt.profile.url}/jwt/qrs/about?")
    assert not jwt.events.history[:-1]  # only the last one warned


def test_cli_warns_on_stderr_and_succeeds(demo: Demo) -> None:
    proc = run_cli("call", "--profiles", str(demo.profiles_path), "-p", "demo-qseow", "GET", "/jwt/qrs/about")
    assert proc.returncode == 0, proc.stderr
    assert "qlik-tui: warning: /jwt/qrs/about already holds the virtual proxy prefix 'jwt'" in proc.stderr
    assert '"buildVersion"' in proc.stdout
