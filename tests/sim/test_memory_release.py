"""Big responses one after another leave the TUI's connection holding about one body, not
one per response (a frozen reference cycle kept each) nor the read buffers they freed
(core/memory.py): measured in a fresh client process against the simulator, as resident
memory (what `top` shows a server's admin)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from qlik_tui.demo.environment import Demo

CLIENT = """
import asyncio, os, sys
from pathlib import Path
from qlik_tui.core.http.connections import open_connection
from qlik_tui.core.http.types import Request
from qlik_tui.core.profiles.loader import load_profiles

def rss() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

async def main() -> None:
    async with open_connection(load_profiles(Path(sys.argv[1])).profiles["demo-qseow"]) as conn:
        conn.lazy_json = conn.freeze_gc_after_parse = True  # as the TUI sets them
        assert (await conn.send(Request.build("GET", "/qrs/about"))).ok  # HTTP, TLS and JSON code loaded
        before = rss()
        for _ in range(3):  # F5 again and again: each answer replaces the one before
            response = await conn.send(Request.build("GET", "/qrs/app/full"))
            assert response.ok and len(response.json()) > 10_000
            del response
        response = await conn.send(Request.build("GET", "/qrs/app/full"))
        print(len(response.body), rss() - before)

asyncio.run(main())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="resident memory read from /proc; malloc_trim is glibc's")
def test_four_20_mb_responses_in_a_row_keep_about_one_body_resident(demo: Demo) -> None:
    demo.qseow.faults.huge_apps = 12_500  # about 19 MB
    done = subprocess.run([sys.executable, "-c", CLIENT, str(demo.profiles_path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    body, grown = map(int, done.stdout.split())
    assert body > 15_000_000
    # Measured: 1.8x (the live body, and a freed one the allocator holds while the next
    # arrives); 3.4x without giving freed buffers back; 5.4x when each response was frozen
    # in a reference cycle and never freed.
    assert grown < 2.5 * body, f"resident memory grew {grown / body:.2f}x the body"
