"""Engine (QIX) figures for bench/run.py: connect + open app + layout, and `engine eval` as a process.

    python bench/engine_bench.py [RUNS]    # just these figures

Against `qlik-tui demo --serve --http` in its own process, as a real server would be.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


async def _connect_open_layout(profiles: Path, runs: int) -> dict[str, Any]:
    from qlik_tui.core.engine import actions
    from qlik_tui.core.engine.session import EngineSession
    from qlik_tui.core.http.connections import open_connection
    from qlik_tui.core.profiles.loader import load_profiles

    profile = load_profiles(profiles).profiles["demo-qseow"]
    cold, warm = [], []
    async with open_connection(profile) as conn:
        app = (await actions.app_list(conn))[0]["id"]
    for _ in range(runs):
        async with open_connection(profile) as conn:
            for times in (cold, warm):  # cold: mint + proxy session + csrf + upgrade; warm: the session exists
                started = time.perf_counter()
                async with await EngineSession.open(conn, app) as engine:
                    doc = await engine.open_doc()
                    layout = await actions.app_layout(engine, doc)
                    assert layout["qTitle"]
                times.append(time.perf_counter() - started)
    return {"cold": cold, "warm": warm, "app": app}


def _eval_process(profiles: Path, app: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "qlik_tui", "engine", "--profiles", str(profiles), "eval", app, "Sum(Sales)"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        times.append(time.perf_counter() - started)
        assert proc.returncode == 0, proc.stderr
    return times


def measure(runs: int) -> dict[str, Any]:
    """Start a simulator process, take the figures, stop it."""
    from bench.run import Simulator

    sim = Simulator(10)
    try:
        result = asyncio.run(_connect_open_layout(sim.profiles, runs))
        result["eval"] = _eval_process(sim.profiles, result["app"], runs)
        return result
    finally:
        sim.stop()


def rows(result: dict[str, Any], row: Any) -> list[str]:
    """The table rows bench/run.py prints."""
    cold, warm, ev = result["cold"], result["warm"], result["eval"]
    return [
        row("engine: connect + open app + layout (signing in)", "<= 0.2 s", cold, ok=statistics.median(cold) <= 0.2),
        row("engine: connect + open app + layout (signed in)", "<= 0.2 s", warm, ok=statistics.median(warm) <= 0.2),
        row("qlik-tui engine eval (whole process)", "<= 0.5 s", ev, ok=statistics.median(ev) <= 0.5),
    ]


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 5), indent=1))
