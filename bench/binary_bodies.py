"""Binary bodies and kept sessions: print figures (never asserted in tests).

    python bench/binary_bodies.py               # a 300 MB app up and down, 5 calls with/without kept sessions
    python bench/binary_bodies.py --size-mb 1000

Runs `qlik-tui call` as a user would, against the simulator in this process (plain HTTP on
loopback), and reports MB/s and the qlik-tui process's peak RSS for `-d @FILE` and `-o FILE`,
then the wall time of repeated calls with and without the session cache.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
MB = 1024 * 1024
PROBE = (
    "import resource, subprocess, sys\n"
    "p = subprocess.run([sys.executable, '-m', 'qlik_tui', *sys.argv[1:]], stdout=subprocess.PIPE)\n"
    "sys.stdout.buffer.write(p.stdout)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(p.returncode)\n"
)


def measured(env: dict[str, str], *args: str) -> tuple[bytes, float, int]:
    """stdout, wall seconds and peak RSS (KiB) of one `qlik-tui` run."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, env=env, timeout=900, check=False)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"qlik-tui {' '.join(args[:6])} failed: {proc.stderr.decode()[-500:]}")
    return proc.stdout, elapsed, int(proc.stderr.decode().strip().splitlines()[-1])


def _digest(path: Path) -> bytes:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(MB):
            digest.update(chunk)
    return digest.digest()


def main() -> None:
    """Run and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=int, default=300)
    parser.add_argument("--calls", type=int, default=5)
    options = parser.parse_args()
    from qlik_tui.demo.environment import DemoOptions, start_demo

    with tempfile.TemporaryDirectory(prefix="qlik-bench-") as tmp:
        folder = Path(tmp)
        (folder / "run").mkdir(mode=0o700)
        env = {**os.environ, "XDG_RUNTIME_DIR": str(folder / "run")}
        with start_demo(DemoOptions(folder / "demo", tls=False)) as demo:
            base = ["call", "--profiles", str(demo.profiles_path), "-p", "demo-qseow"]
            source = folder / "big.qvf"
            block = os.urandom(MB)
            with source.open("wb") as out:
                for i in range(options.size_mb):
                    out.write(i.to_bytes(8, "big") + block[8:])
            app_type = "Content-Type: application/vnd.qlik.sense.app"
            out_b, up_s, up_rss = measured(
                env, *base, "POST", "/qrs/app/upload", "-q", "name=Bench", "-H", app_type, "-d", f"@{source}"
            )
            app = json.loads(out_b)
            token = str(uuid.uuid4())
            ticket_b, _, _ = measured(env, *base, "POST", f"/qrs/app/{app['id']}/export/{token}")
            target = folder / "back.qvf"
            _, down_s, down_rss = measured(env, *base, "GET", json.loads(ticket_b)["downloadPath"], "-o", str(target))
            same = _digest(source) == _digest(target)
            timings = {}
            for label, extra in (("kept sessions", []), ("--no-session-cache", ["--no-session-cache"])):
                logins = demo.qseow.stats.jwt_logins
                started = time.perf_counter()
                for _ in range(options.calls):
                    measured(env, *base, "GET", "/qrs/about", *extra)
                timings[label] = ((time.perf_counter() - started) / options.calls, demo.qseow.stats.jwt_logins - logins)
    size = options.size_mb
    print(f"| figure | {size} MB app |")
    print("|---|---|")
    print(f"| -d @FILE upload | {size / up_s:,.0f} MB/s, peak RSS {up_rss / 1024:,.0f} MB |")
    print(f"| -o FILE download | {size / down_s:,.0f} MB/s, peak RSS {down_rss / 1024:,.0f} MB |")
    print(f"| byte for byte | {'yes' if same else 'NO'} |")
    for label, (per_call, logins) in timings.items():
        print(f"| {options.calls} calls, {label} | {per_call:.2f} s per call, {logins} new proxy sessions |")
    print(f"(this process: peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB, the simulator included)")


if __name__ == "__main__":
    main()
