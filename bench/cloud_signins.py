"""What each Qlik Cloud sign-in costs: per-request time and server-side sign-ins for N requests.

    python bench/cloud_signins.py [--requests 200] [--concurrency 1]

Runs the demo tenant over loopback HTTPS and sends N GET /api/v1/spaces with each of the
three Cloud profiles (JWT session, API key, OAuth client). Prints the median and p95 time
per request and what the tenant counted: JWT logins, OAuth token fetches, CSRF fetches.
The point of the figures: one sign-in per run, whatever N, and no per-request overhead for
a Bearer beyond the header itself.
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

PROFILES = ("demo-cloud", "demo-cloud-apikey", "demo-cloud-oauth")


async def _run(profiles_path: Path, name: str, count: int, concurrency: int) -> list[float]:
    profile = load_profiles(profiles_path).profiles[name]
    times: list[float] = []
    async with open_connection(profile) as connection:
        gate = asyncio.Semaphore(concurrency)

        async def one() -> None:
            async with gate:
                started = time.perf_counter()
                response = await connection.send(Request.build("GET", "/api/v1/spaces"))
                times.append(time.perf_counter() - started)
                if not response.ok:
                    raise SystemExit(f"{name}: {response.status} {response.error}")

        await asyncio.gather(*(one() for _ in range(count)))
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, start_demo(DemoOptions(Path(folder) / "demo")) as demo:
        print(f"{args.requests} x GET /api/v1/spaces over loopback HTTPS, concurrency {args.concurrency}")
        print(f"{'profile':<20} {'median ms':>10} {'p95 ms':>8} {'logins':>7} {'token fetches':>14} {'csrf':>5}")
        for name in PROFILES:
            stats = demo.cloud.stats
            before = (stats.jwt_logins, stats.oauth_token_fetches, stats.csrf_fetches)
            times = sorted(asyncio.run(_run(demo.profiles_path, name, args.requests, args.concurrency)))
            p95 = times[int(len(times) * 0.95) - 1]
            after = (stats.jwt_logins, stats.oauth_token_fetches, stats.csrf_fetches)
            logins, fetches, csrf = (b - a for a, b in zip(before, after, strict=True))
            print(f"{name:<20} {statistics.median(times) * 1000:>10.2f} {p95 * 1000:>8.2f} {logins:>7} {fetches:>14} {csrf:>5}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
