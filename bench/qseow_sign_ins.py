"""What each QSEoW sign-in costs against the simulator over loopback TLS: first request, then the rest.

    python bench/qseow_sign_ins.py [--requests 50]

For the JWT, header and own-cookie proxies the first request signs in (a new proxy session)
and the rest ride the session cookie; the certificate port has no session, so every request
is a full TLS request with X-Qlik-User. Prints milliseconds per request and the proxy
sessions each run cost (it must be 1 for the proxies, whatever the cookie's name).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qlik_tui.core.http.connections import open_connection  # noqa: E402
from qlik_tui.core.http.types import Request  # noqa: E402
from qlik_tui.core.profiles.loader import load_profiles  # noqa: E402
from qlik_tui.demo.environment import DemoOptions, start_demo  # noqa: E402

PROFILES = (("demo-qseow", "jwt"), ("demo-qseow-header", "hdr"), ("demo-qseow-cookie", "custom"), ("demo-qseow-cert", None))


async def run(requests: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        demo = start_demo(DemoOptions(Path(folder) / "demo"))
        print(f"demo start (keys, QMC-like certificates, 3 listeners): {(time.perf_counter() - started) * 1000:.0f} ms")
        with demo:
            profiles = load_profiles(demo.profiles_path).profiles
            for name, prefix in PROFILES:
                async with open_connection(profiles[name]) as conn:
                    times = []
                    for _ in range(requests):
                        began = time.perf_counter()
                        response = await conn.send(Request.build("GET", "/qrs/app/count"))
                        times.append((time.perf_counter() - began) * 1000)
                        assert response.ok, response.error
                sessions = demo.qseow.session_count(prefix) if prefix else 0
                print(
                    f"{name:<18} first {times[0]:6.1f} ms   then median {statistics.median(times[1:]):5.1f} ms"
                    f"   p95 {sorted(times[1:])[int(len(times[1:]) * 0.95) - 1]:5.1f} ms   proxy sessions {sessions}"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    asyncio.run(run(parser.parse_args().requests))


if __name__ == "__main__":
    main()
