"""Engine (QIX) figures for bench/run.py: connect + open app + layout, and `engine eval` as a process.

    python bench/engine_bench.py [RUNS]    # just these figures

Against `qlik-tui demo --serve --http` in its own process, as a real server would be.
"""

from __future__ import annotations

import asyncio
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


FLOOR_IMPORTS = "import asyncio, ssl, json, httpx, httpcore, anyio, websockets.asyncio.client"


def _wall(command: list[str]) -> float:
    started = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return time.perf_counter() - started


def _eval_process(profiles: Path, app: str, runs: int) -> dict[str, list[float]]:
    """`qlik-tui engine eval` as a whole process, kept session and cold, with the floor beside it.

    The runs interleave (one of each per round), so a busy machine slows every row alike."""
    base = [sys.executable, "-m", "qlik_tui", "engine", "--profiles", str(profiles)]
    commands = {
        "kept": [*base, "eval", app, "Sum(Sales)"],  # the session kept by the run before: no JWT
        "cold": [*base, "--no-session-cache", "eval", app, "Sum(Sales)"],  # mint + proxy session
        "python": [sys.executable, "-c", "pass"],
        "libraries": [sys.executable, "-c", FLOOR_IMPORTS],  # what any WebSocket + HTTP client loads
    }
    _wall(commands["kept"])  # sign in once, so the first kept run has a session to reuse
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(_wall(command))
    return times


def _stamp(ticks: list[float]) -> None:
    ticks.append(time.perf_counter())


async def _view_stalls(profiles: Path, runs: int) -> dict[str, list[float]]:
    """The Engine view fetching and showing the big app's 10,000-row page: the event loop's
    worst stall (run.py's probe: a 10 ms timer, the longest gap between its ticks) and the time
    from Enter to the rows in the view."""
    from functools import partial
    from itertools import pairwise

    from qlik_tui.demo.engine_apps import BIG_APP_NAME
    from qlik_tui.ui.app import QlikTuiApp
    from qlik_tui.ui.launch import load_for_app
    from qlik_tui.ui.screens.engine_picker import EnginePicker
    from qlik_tui.ui.screens.engine_view import EngineScreen
    from qlik_tui.ui.widgets.engine_outline import EngineOutline
    from qlik_tui.ui.widgets.response_view import ResponseView

    async with open_connection_for(profiles) as conn:
        from qlik_tui.core.engine import actions

        big = next(a["id"] for a in await actions.app_list(conn) if a["name"] == BIG_APP_NAME)
    profile_set, _ = load_for_app(profiles)
    app = QlikTuiApp(profiles, profile_set, history_dir=profiles.parent / "history")
    stalls, times = [], []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.press("f12")  # the picker: type the app's id, Enter
        while not isinstance(app.screen, EnginePicker):
            await pilot.pause(0.01)
        await pilot.press(*big, "enter")
        while not isinstance(app.screen, EngineScreen):
            await pilot.pause(0.01)
        screen = app.screen
        while screen.outline is None:
            await pilot.pause(0.01)
        outline = screen.query_one(EngineOutline)
        lines = next(n for n in _walk(outline.root) if str(n.label).startswith("Every order line"))
        lines.parent.expand()
        await pilot.pause()  # the outline's lines are laid out again: the cursor can go there
        view = screen.query_one(ResponseView)
        for _ in range(runs):
            before = view._doc
            ticks: list[float] = []
            timer = app.set_interval(0.01, partial(_stamp, ticks))  # the stall probe: a 10 ms timer
            started = time.perf_counter()
            outline.focus()
            outline.move_cursor(lines)
            await pilot.press("enter")
            while view._doc is before or not (isinstance(view._doc, dict) and "qHyperCube" in view._doc):
                await pilot.pause(0.005)
            await pilot.pause()  # one more frame: the tree is painted
            times.append(time.perf_counter() - started)
            timer.stop()
            stalls.append(max((b - a for a, b in pairwise(ticks)), default=0.0))
        await pilot.press("escape")
    return {"stalls": stalls, "times": times}


def _walk(node: Any) -> Any:
    for item in node.children:
        yield item
        yield from _walk(item)


def open_connection_for(profiles: Path) -> Any:
    """A connection for the demo's QSEoW profile."""
    from qlik_tui.core.http.connections import open_connection
    from qlik_tui.core.profiles.loader import load_profiles

    return open_connection(load_profiles(profiles).profiles["demo-qseow"])


def measure(runs: int) -> dict[str, Any]:
    """Start a simulator process, take the figures, stop it."""
    from bench.run import Simulator

    sim = Simulator(10)
    try:
        result = asyncio.run(_connect_open_layout(sim.profiles, runs))
        result["eval"] = _eval_process(sim.profiles, result["app"], runs)
        result["view"] = asyncio.run(_view_stalls(sim.profiles, runs))
        return result
    finally:
        sim.stop()


def rows(result: dict[str, Any], row: Any) -> list[str]:
    """The table rows bench/run.py prints."""
    cold, warm, ev = result["cold"], result["warm"], result["eval"]
    return [
        row("engine: connect + open app + layout (signing in)", "<= 0.2 s", cold, ok=statistics.median(cold) <= 0.2),
        row("engine: connect + open app + layout (signed in)", "<= 0.2 s", warm, ok=statistics.median(warm) <= 0.2),
        row("qlik-tui engine eval, process (kept session)", "<= 0.5 s", ev["kept"], ok=statistics.median(ev["kept"]) <= 0.5),
        row("qlik-tui engine eval, process (signing in)", "<= 0.5 s", ev["cold"], ok=statistics.median(ev["cold"]) <= 0.5),
        row("  floor: python -c pass", "", ev["python"]),
        row("  floor: python importing asyncio/ssl/httpx/websockets", "", ev["libraries"]),
        row("engine view: Enter to 10,000 rows shown", "", result["view"]["times"]),
        row(
            "  worst event-loop stall during it",
            "<= 0.1 s",
            result["view"]["stalls"],
            ok=statistics.median(result["view"]["stalls"]) <= 0.1,
        ),
    ]


if __name__ == "__main__":
    from bench.run import row as table_row

    figures = measure(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
    print("\n".join(rows(figures, table_row)))
