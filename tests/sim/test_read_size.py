"""Big bodies arrive in 256 KB socket reads (core.http.read_size), byte for byte."""

from __future__ import annotations

import json

from qlik_tui.core.http.connections import open_connection
from qlik_tui.core.http.read_size import READ_BYTES, widen_reads
from qlik_tui.core.http.types import Request
from qlik_tui.demo.environment import Demo
from tests.sim.conftest import profile


async def test_a_big_body_arrives_whole_in_few_reads(demo: Demo) -> None:
    import httpcore._async.http11 as http11

    assert widen_reads() and http11.AsyncHTTP11Connection.READ_NUM_BYTES == READ_BYTES
    demo.qseow.faults.huge_apps = 3000  # about 4.5 MB
    reads: list[int] = []
    async with open_connection(profile(demo, "demo-qseow")) as conn:
        conn.lazy_json = True
        response = await conn.send(Request.build("GET", "/qrs/app/full"), progress=lambda got, total: reads.append(got))
    size = len(response.body)
    assert response.ok and size > 4_000_000 and reads[-1] == size
    assert len(reads) < size // (64 * 1024)  # fewer than httpcore's own 64 KB reads would take
    assert max(b - a for a, b in zip([0, *reads], reads, strict=False)) > 64 * 1024
    assert [app["id"] for app in json.loads(response.body)] == [app["id"] for app in response.json()]
