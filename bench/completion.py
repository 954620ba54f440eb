"""How long a TAB waits for names: `qlik-tui __complete profiles|saved`, as the shell runs it.

    python bench/completion.py [--saved 500] [--runs 15]

Writes a profiles file with 20 profiles and a collection of N saved requests in 10 groups
(in a temp folder), then times the real command in a subprocess (interpreter start
included), and, for comparison, `qlik-tui --version` (the full argparse path). Prints the
median, min and max. Target: 0.3 s per TAB on the 2-core development machine.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(argv: list[str], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)
        out.append(time.perf_counter() - started)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saved", type=int, default=500, help="saved requests in the collection")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        profiles = "".join(f'[profiles.p{i}]\ntype = "qseow"\nurl = "https://h{i}"\n' for i in range(20))
        (root / "p.toml").write_text('collection = "req"\n' + profiles)
        for i in range(args.saved):
            group = root / "req" / f"group{i % 10}"
            group.mkdir(parents=True, exist_ok=True)
            (group / f"request {i}.toml").write_text(f'method = "GET"\npath = "/qrs/app/{i}"\n')
        base = [sys.executable, "-m", "qlik_tui"]
        names = [*base, "__complete"]
        where = ["--profiles", str(root / "p.toml")]
        rows = [
            ("python -c pass (floor)", timed([sys.executable, "-c", "pass"], args.runs)),
            ("__complete profiles (20)", timed([*names, "profiles", *where], args.runs)),
            (f"__complete saved ({args.saved})", timed([*names, "saved", *where], args.runs)),
            ("--version (full parser)", timed([*base, "--version"], args.runs)),
        ]
    print(f"{'target':<28} {'median':>8} {'min':>8} {'max':>8}")
    for name, values in rows:
        print(f"{name:<28} {statistics.median(values):>7.3f}s {min(values):>7.3f}s {max(values):>7.3f}s")


if __name__ == "__main__":
    main()
