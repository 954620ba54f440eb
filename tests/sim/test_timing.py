"""The timing breakdown of a request, from httpx's trace hooks, over real loopback HTTP(S)."""

from __future__ import annotations

import asyncio

from qlik_tui.core.http.connections import open_connection
from qlik_tui.core.http.timing import Timing, TimingTrace
from qlik_tui.core.http.types import Request
from qlik_tui.demo.environment import Demo
from tests.cli_helpers import run_cli
from tests.sim.conftest import profile, variant


async def test_a_new_https_connection_has_every_phase_and_a_reused_one_only_the_exchange(tls_demo: Demo) -> None:
    # "localhost" rather than 127.0.0.1, so a name is resolved; the trustme certificate names both.
    port = tls_demo.qseow_server.port
    named = variant(tls_demo, "demo-qseow", url=f"https://localhost:{port}")
    async with open_connection(named) as conn:
        first = await conn.send(Request.build("GET", "/qrs/about"))
        second = await conn.send(Request.build("GET", "/qrs/about"))
    assert first.status == 200 and first.timing is not None
    t = first.timing
    assert t.dns is not None and t.connect is not None and t.tls is not None
    assert t.first_byte is not None and t.download is not None
    # The phases happen one after another inside the exchange: together no longer than it.
    assert t.dns + t.connect + t.tls + t.first_byte + t.download <= first.elapsed
    assert second.timing is not None and second.timing.connect is None and second.timing.tls is None
    assert second.timing.describe().startswith("reused connection · first byte ")


async def test_an_ip_address_needs_no_dns_and_plain_http_no_tls(demo: Demo) -> None:
    async with open_connection(profile(demo, "demo-qseow")) as conn:
        response = await conn.send(Request.build("GET", "/qrs/about"))
    assert response.timing is not None
    assert response.timing.dns is None and response.timing.tls is None and response.timing.connect is not None
    assert "DNS" not in response.timing.describe() and "connect " in response.timing.describe()


async def test_latency_shows_as_time_to_first_byte(demo: Demo) -> None:
    demo.qseow.faults.update({"latency": 0.3})
    async with open_connection(profile(demo, "demo-qseow")) as conn:
        await conn.send(Request.build("GET", "/qrs/about"))  # sign-in first: the session cookie
        response = await conn.send(Request.build("GET", "/qrs/about"))
    assert response.timing is not None and response.timing.first_byte is not None
    assert response.timing.first_byte >= 0.3


def test_describe_names_each_phase() -> None:
    timing = Timing(dns=0.0021, connect=0.0004, tls=0.012, first_byte=0.04, download=1.5)
    assert timing.describe() == "DNS 2 ms · connect <1 ms · TLS 12 ms · first byte 40 ms · download 1,500 ms"
    assert timing.describe(compact=True) == "dns 2 ms · tcp <1 ms · tls 12 ms · wait 40 ms · body 1,500 ms"


def test_a_name_that_does_not_resolve_gives_no_dns_figure() -> None:
    trace = TimingTrace("no-such-host.invalid", 443)
    asyncio.run(trace("connection.connect_tcp.started", {}))
    assert trace.dns is None and "connect_tcp.started" in trace.marks


def test_call_verbose_prints_the_timing(demo: Demo) -> None:
    proc = run_cli("call", "--profiles", str(demo.profiles_path), "-p", "demo-qseow", "GET", "/qrs/about", "-v")
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stderr.splitlines() if x.startswith("qlik-tui: timing: "))
    assert "connect " in line and "first byte " in line and "download " in line
