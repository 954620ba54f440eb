"""Figures for jq and diff on QRS-shaped bodies (printed, never asserted).

    python bench/share_jq_diff.py [--apps 13000] [--runs 3]

Times `jq_filter.run` (a worker process: start, parse, program, results back) and the
structural diff of two /qrs/app/full-shaped lists where 1% of the apps differ.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qlik_tui.core.diff.structural import diff
from qlik_tui.core.json.jq_filter import run
from qlik_tui.demo.qrs_data import generate, make_app


def apps(count: int) -> list[dict[str, object]]:
    """QRS-shaped apps, as the simulator serves them for --huge-apps."""
    store = generate()
    objs = store.objects
    rng = random.Random(count)
    return [make_app(rng, i, objs["user"], objs["stream"], objs["tag"], objs["custompropertydefinition"]) for i in range(count)]


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--apps", type=int, default=13000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    left = apps(args.apps)
    body = json.dumps(left).encode()
    right = copy.deepcopy(left)
    for app in right[::100]:
        app["description"] = "changed"
    rows = [
        ("jq `length` on 2 bytes (process start)", timed(lambda: run(b"[]", "length"), args.runs)),
        (
            f"jq `[.[] | select(.published) | .name]` on {len(body) / 1048576:.0f} MB",
            timed(lambda: run(body, "[.[] | select(.published) | .name]"), args.runs),
        ),
        (f"jq `.` on {len(body) / 1048576:.0f} MB (every byte back)", timed(lambda: run(body, "."), args.runs)),
        (f"diff of two {args.apps:,}-app lists, 1% changed", timed(lambda: diff(left, right), args.runs)),
    ]
    print(f"{'target':<58} {'median':>8} {'min':>8} {'max':>8}")
    for name, times in rows:
        print(f"{name:<58} {statistics.median(times):>7.2f}s {min(times):>7.2f}s {max(times):>7.2f}s")


if __name__ == "__main__":
    main()
