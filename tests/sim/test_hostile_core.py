"""The core connection against hostile servers and the simulator's fault switches.

What `call` relies on, checked at the layer the TUI uses too: the deadline, the body cap,
429 waits, cut-short answers, expired certificates, clock skew and re-login back-off.
"""

from __future__ import annotations

import re
import resource
import ssl
import time
import zlib
from collections.abc import Iterable
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest
import trustme

from qlik_tui.core.auth.keys import GeneratedKeys
from qlik_tui.core.errors import BodyTooLarge, RequestFailed, TimeLimitExceeded
from qlik_tui.core.events import RATE_LIMITED, RELOGIN_BACKOFF
from qlik_tui.core.http.cloud import CloudConnection
from qlik_tui.core.http.connections import open_connection
from qlik_tui.core.http.deadline import Deadline
from qlik_tui.core.http.types import Request
from qlik_tui.core.profiles.loader import load_profiles
from qlik_tui.core.profiles.model import Profile
from qlik_tui.demo.environment import Demo
from tests.hostile_server import Action, Close, Received, answer, cloud_play, hostile_profiles, hostile_server, replies
from tests.sim.conftest import profile

GET = Request.build("GET", "/qrs/app")


def prof(tmp_path: Path, keys: GeneratedKeys, url: str, name: str = "h", extra: str = "") -> Profile:
    return load_profiles(hostile_profiles(tmp_path, keys, url, extra)).profiles[name]


def _drip(_: Received) -> Iterable[Action]:
    yield answer(200, b"", [("Content-Type", "application/json")], length=1000)
    for _ in range(100):
        yield b" "
        yield 0.2


async def test_deadline_bounds_a_slow_drip(tmp_path: Path, keys: GeneratedKeys) -> None:
    deadline = Deadline.after(1.0)
    with hostile_server(_drip) as server:
        async with open_connection(prof(tmp_path, keys, server.url), timeout=5) as conn:
            with pytest.raises(TimeLimitExceeded) as info:
                await conn.send(GET, deadline=deadline)
    assert 1.0 <= deadline.elapsed() < 10 and deadline.remaining() == 0.0  # the whole drip: 20 s
    assert info.value.seconds == 1.0 and "within 1 s" in info.value.message


async def test_lying_content_length_uncapped_reads_what_arrives(tmp_path: Path, keys: GeneratedKeys) -> None:
    """The TUI's 'download anyway' path (no cap, progress shown) against a 5 GB lie."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    seen: list[tuple[int, int | None]] = []
    play = replies([answer(200, b'{"a": 1}', [("Content-Type", "application/json")], length=5_000_000_000), Close()])
    with hostile_server(play) as server:
        async with open_connection(prof(tmp_path, keys, server.url)) as conn:
            with pytest.raises(RequestFailed) as info:
                await conn.send(GET, progress=lambda done, total: seen.append((done, total)))
    assert "cut short after 8 bytes of the 5,000,000,000 announced (connection closed early)" in info.value.message
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024  # KiB: no 5 GB buffer


async def test_gzip_bomb_counts_decoded_bytes(tmp_path: Path, keys: GeneratedKeys) -> None:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    bomb = b"".join(packer.compress(b"\0" * 1048576) for _ in range(100)) + packer.flush()
    play = replies([answer(200, bomb, [("Content-Type", "application/json"), ("Content-Encoding", "gzip")])])
    with hostile_server(play) as server:
        async with open_connection(prof(tmp_path, keys, server.url)) as conn:
            conn.max_body = 5 * 1048576
            with pytest.raises(BodyTooLarge) as info:
                await conn.send(GET)
    assert len(bomb) < conn.max_body and info.value.cap == conn.max_body


@pytest.mark.parametrize("value", ["nan", "inf", "soon", "-1e999"])
async def test_unreadable_retry_after_is_a_short_wait_said(tmp_path: Path, keys: GeneratedKeys, value: str) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    ok = answer(200, b"{}", [("Content-Type", "application/json")])
    with hostile_server(replies([answer(429, b"", [("Retry-After", value)])], [ok])) as server:
        async with open_connection(prof(tmp_path, keys, server.url), sleep=sleep) as conn:
            assert (await conn.send(GET)).ok
            said = [e.detail for e in conn.events.history if e.kind == RATE_LIMITED]
    assert waits == [5.0]
    assert said == [f"429 with Retry-After: {value}; waiting 5 s since that is not understood, then try 2 of 4"]


async def test_retry_after_past_the_deadline_ends_at_once(tmp_path: Path, keys: GeneratedKeys) -> None:
    with hostile_server(replies([answer(429, b"", [("Retry-After", "30")])])) as server:
        async with open_connection(prof(tmp_path, keys, server.url)) as conn:
            started = time.monotonic()
            with pytest.raises(RequestFailed) as info:
                await conn.send(GET, deadline=Deadline.after(10))
    assert time.monotonic() - started < 20 and info.value.status == 429  # waiting would take 30 s
    assert "a wait of 30 s (Retry-After: 30) would go past the time limit" in info.value.message


async def test_expired_certificate_says_expired_and_when(tmp_path: Path, keys: GeneratedKeys) -> None:
    ca = trustme.CA()
    ca_path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_path))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    leaf = ca.issue_cert(
        "127.0.0.1",
        not_before=datetime(2020, 1, 1, tzinfo=timezone.utc),
        not_after=datetime(2021, 3, 4, 5, 6, tzinfo=timezone.utc),
    )
    leaf.configure_cert(context)
    with hostile_server(replies([answer(200, b"{}")]), tls=context) as server:
        profile_ = prof(tmp_path, keys, server.url, extra=f'ca_bundle = "{ca_path}"')
        async with open_connection(profile_) as conn:
            with pytest.raises(RequestFailed) as info:
                await conn.send(GET)
    assert "certificate expired on 2021-03-04 05:06 UTC" in info.value.message
    assert "ca_bundle will not help" in info.value.hint and "renew" in info.value.hint


def _date(offset: float) -> str:
    return format_datetime(datetime.fromtimestamp(time.time() + offset, timezone.utc), usegmt=True)


@pytest.mark.parametrize(
    ("behind", "said"), [(120, r"clock_skew = 12[5-9] in the profile"), (600, r"more than clock_skew can cover")]
)
async def test_401_with_a_server_clock_behind_names_clock_skew(
    tmp_path: Path, keys: GeneratedKeys, behind: int, said: str
) -> None:
    refused = answer(401, b"", [("Date", _date(-behind))])
    with hostile_server(replies([refused])) as server:
        async with open_connection(prof(tmp_path, keys, server.url)) as conn:
            response = await conn.send(GET)
    assert response.error is not None and response.status == 401
    assert re.search(rf"clock is ({behind}|{behind + 1}|{behind + 2}) s behind", response.error.hint) and re.search(
        said, response.error.hint
    )


async def test_cloud_login_refused_with_a_server_clock_ahead_says_so(tmp_path: Path, keys: GeneratedKeys) -> None:
    body = b'{"errors": [{"code": "LOGIN-1", "title": "Unauthorized"}]}'
    refused = answer(401, body, [("Content-Type", "application/json"), ("Date", _date(3600))])
    with hostile_server(replies([refused])) as server:
        async with open_connection(prof(tmp_path, keys, server.url, "c")) as conn:
            with pytest.raises(RequestFailed) as info:
                await conn.send(Request.build("GET", "/api/v1/users/me"))
    assert "refused the JWT login" in info.value.message
    assert re.search(r"clock is 3,(599|600) s ahead", info.value.hint) and "clock_skew" in info.value.hint


async def test_cloud_token_not_yet_valid_names_the_clock(demo: Demo) -> None:
    demo.cloud.config.clock_tolerance = -120  # the tenant's clock runs two minutes behind ours
    async with open_connection(profile(demo, "demo-cloud")) as conn:
        with pytest.raises(RequestFailed) as info:
            await conn.send(Request.build("GET", "/api/v1/users/me"))
    assert "token not yet valid" in info.value.message
    assert "clock" in info.value.hint and "clock_skew" in info.value.hint


async def test_cloud_session_refused_again_and_again_backs_off_then_stops(demo: Demo) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    demo.cloud.faults.session_uses = 1  # every session dies after its first request
    conn = open_connection(profile(demo, "demo-cloud"), sleep=sleep)
    assert isinstance(conn, CloudConnection)
    async with conn:
        with pytest.raises(RequestFailed) as info:
            for _ in range(20):
                await conn.send(Request.build("GET", "/api/v1/spaces"))
        said = [e.detail for e in conn.events.history if e.kind == RELOGIN_BACKOFF]
    assert waits == [1.0, 2.0] and len(said) == 2 and "waiting 2 s before logging in again" in said[1]
    assert demo.cloud.stats.jwt_logins == 4 and info.value.status == 401
    assert "refused the session 4 times in a row" in info.value.message


async def test_a_page_on_another_host_is_never_sent_the_session(tmp_path: Path, keys: GeneratedKeys) -> None:
    first = b'{"data": [1], "links": {"next": {"href": "http://localhost:9/api/v1/items?page=2"}}}'

    def api(req: Received) -> Iterable[Action]:
        return [answer(200, first, [("Content-Type", "application/json")])]

    with hostile_server(cloud_play(api)) as server:
        async with open_connection(prof(tmp_path, keys, server.url, "c")) as conn:
            with pytest.raises(RequestFailed) as info:
                await conn.send(Request.build("GET", "/api/v1/items"), all_pages=True)
    assert "another host (localhost:9)" in info.value.message
