"""The F5-to-tree child of bench/run.py: send, painted tree, stalls, search and the Raw tab."""

from __future__ import annotations

import time
from functools import partial
from itertools import pairwise
from typing import Any

from common import APP_BYTES, Simulator, current_rss_mb, peak_rss_mb, peak_rss_since_reset_mb, reset_peak_rss


async def _settle(pilot: Any) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def child_tree(mb: int, runs: int) -> dict[str, Any]:
    """Send -> painted tree for /qrs/app/full of `mb` MB; the event loop's worst stall."""
    from textual.widgets import Input, Static

    from qlik_tui.ui.app import QlikTuiApp
    from qlik_tui.ui.launch import load_for_app
    from qlik_tui.ui.widgets.json_tree import JsonTree
    from qlik_tui.ui.widgets.response_view import ResponseView

    sim = Simulator(max(1, int(mb * 1_000_000 / APP_BYTES)))
    try:
        profile_set, _ = load_for_app(sim.profiles)
        app = QlikTuiApp(sim.profiles, profile_set, history_dir=sim.folder / "history", max_body=None)
        times: list[float] = []
        idle: list[float] = []
        stalls: list[float] = []
        size = 0
        async with app.run_test(size=(120, 40)) as pilot:
            await _settle(pilot)
            box = app.query_one("#path", Input)
            box.value = "/qrs/about"  # a small request first: the HTTP and crypto stacks load now
            box.focus()
            await pilot.press("f5")
            await _wait_for(pilot, app, "200 OK", 60)
            await _settle(pilot)
            baseline = current_rss_mb()
            app.query_one("#status-line", Static).update("")
            box.value = "/qrs/app/full"
            box.focus()
            await pilot.press("f5")  # warm-up: the simulator builds and caches the body once
            await _wait_for(pilot, app, "200 OK", 600)
            await _settle(pilot)
            first_load = peak_rss_mb() - baseline  # one response on screen, from an idle app
            held = current_rss_mb() - baseline  # what that one response keeps once shown
            shown, frames = _frame_clock(app)
            for _ in range(runs):
                app.query_one("#status-line", Static).update("")
                ticks: list[float] = []
                timer = app.set_interval(0.01, partial(_tick, ticks))
                shown.clear()
                started = time.perf_counter()
                await pilot.press("f5")
                await _wait_for(pilot, app, "200 OK", 120)
                tree = app.query_one("#json-tree", JsonTree)
                assert tree.root.data is not None and len(tree.root.data.value) > 0
                await pilot.pause()  # one more frame: the tree is painted
                idle.append(time.perf_counter() - started)
                # the first frame the compositor drew after the tree was filled (Pilot's press
                # also waits for work started after it, such as gathering ids)
                times.append(min(t for t in frames if t > shown[-1]) - started)
                timer.stop()
                gaps = [b - a for a, b in pairwise(ticks)]
                stalls.append(max(gaps, default=0.0))
                size = len(app.workspace.state().response.body)  # type: ignore[union-attr]
            rss = peak_rss_mb()
            search = _time_search(app.query_one(ResponseView)._doc, runs)
            raw, raw_whole, raw_idle, raw_own = await _time_raw(pilot, app, frames)
        return {
            "times": times,
            "idle": idle,
            "stalls": stalls,
            "bytes": size,
            "rss": rss,
            "baseline": baseline,
            "first": first_load,
            "raw": raw,
            "raw_idle": raw_idle,
            "raw_whole": raw_whole,
            "raw_rss": peak_rss_mb() - baseline,
            "raw_own": raw_own,  # the Raw tab's own peak growth, from the RSS when '2' is pressed
            "held": held,
            **search,
        }
    finally:
        sim.stop()


def _frame_clock(app: Any) -> tuple[list[float], list[float]]:
    """When the response view was last filled, and when each frame was drawn since."""
    from qlik_tui.ui.widgets.response_view import ResponseView

    shown: list[float] = []
    frames: list[float] = []
    view, display = app.query_one(ResponseView), app._display
    show = view.show
    view.show = lambda response: (show(response), shown.append(time.perf_counter()))[0]
    app._display = lambda screen, renderable: (frames.append(time.perf_counter()), display(screen, renderable))[1]
    return shown, frames


def _time_search(doc: Any, runs: int) -> dict[str, list[float]]:
    """Search all of the body (core, as the search worker runs it): no hit (every element's
    bytes read), and a word in a quarter of the names (stops at 10,000 hits)."""
    from qlik_tui.core.json.search import find

    out: dict[str, list[float]] = {"search_none": [], "search_some": []}
    for _ in range(runs):
        for key, query in (("search_none", "zz-no-such-text"), ("search_some", "monitor")):
            started = time.perf_counter()
            find(doc, query)
            out[key].append(time.perf_counter() - started)
    return out


async def _time_raw(pilot: Any, app: Any, frames: list[float]) -> tuple[float, float, float, float]:
    """'2': the Raw tab, to the first frame drawn with text, to the first with the whole text,
    and to the app idle again (Pilot's view); and its own peak RSS growth (MiB, -1 when the
    peak cannot be reset: then the reloads' peak would hide it)."""
    from qlik_tui.ui.widgets.raw_view import RawView

    app.query_one("#json-tree").focus()
    await _settle(pilot)
    raw = app.query_one("#raw", RawView)
    filled: list[float] = []
    set_text = raw.set_text
    raw.set_text = lambda *a, **k: (set_text(*a, **k), filled.append(time.perf_counter()) if raw.line_count > 1 else None)[0]
    before = current_rss_mb()
    own = reset_peak_rss()
    started = time.perf_counter()
    await pilot.press("2")
    while raw.line_count <= 1:
        await pilot.pause(0.005)
    await pilot.pause()
    await _settle(pilot)  # the whole text, built in a thread
    await pilot.pause()
    idle = time.perf_counter() - started
    first = min(t for t in frames if t > filled[0]) - started
    growth = peak_rss_since_reset_mb() - before if own else -1.0
    return first, min(t for t in frames if t > filled[-1]) - started, idle, growth


def _tick(ticks: list[float]) -> None:
    ticks.append(time.perf_counter())


async def _wait_for(pilot: Any, app: Any, text: str, timeout: float) -> None:
    from textual.widgets import Static

    deadline = time.perf_counter() + timeout
    while text not in str(app.query_one("#status-line", Static).render()):
        if time.perf_counter() > deadline:
            raise TimeoutError(f"no {text!r} within {timeout} s")
        await pilot.pause(0.005)
