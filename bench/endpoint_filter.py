"""How fast the endpoint browser filters a large catalog: keystroke to redrawn screen.

    python bench/endpoint_filter.py [--entries 2000] [--size 80x24]

A synthetic catalog shaped like a discovered QRS one (about 100 resources of 20 operations
each) is shown in the real EndpointBrowser inside a headless app; each keystroke of a few
filter words is timed from the key press until the frame after the rebuilt tree is drawn.
Target: 50 ms per keystroke at 2,000 entries.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textual import events  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.widgets import Input  # noqa: E402

from qlik_tui.core.catalog.builtin import Endpoint  # noqa: E402
from qlik_tui.ui.widgets.endpoint_browser import EndpointBrowser  # noqa: E402

TAILS = ("", "/full", "/count", "/{id}", "/many", "/table", "/{id}/copy", "/{id}/export", "/{id}/reload", "/{id}/publish")
METHODS = ("GET", "GET", "GET", "GET", "POST", "POST", "POST", "GET", "POST", "PUT")
WORDS = ("resource", "object", "full", "app", "xyz", "reload task")  # "r" matches every entry


def synthetic(entries: int) -> list[Endpoint]:
    """`entries` operations over entries/20 resources (`/qrs/resource42/object/full`...)."""
    out: list[Endpoint] = []
    resource = 0
    while len(out) < entries:
        for sub in ("", "/object"):
            for tail, method in zip(TAILS, METHODS, strict=True):
                path = f"/qrs/resource{resource}{sub}{tail}"
                out.append(Endpoint(method, path, f"{method} resource {resource}{sub}{tail}", f"Resource {resource}"))
        resource += 1
    return out[:entries]


class TimedBrowser(EndpointBrowser):
    """The real browser; after each rebuild it signals once the next frame is drawn."""

    drawn: asyncio.Event | None = None

    def _rebuild(self, query: str) -> None:
        super()._rebuild(query)
        if self.drawn is not None:
            self.call_after_refresh(self.drawn.set)


class Bench(App[None]):
    def __init__(self, endpoints: list[Endpoint]) -> None:
        super().__init__()
        self.endpoints = endpoints

    def compose(self) -> ComposeResult:
        yield TimedBrowser(id="endpoints")

    def on_mount(self) -> None:
        self.query_one(EndpointBrowser).styles.width = 28  # the sidebar at 80 columns
        self.query_one(EndpointBrowser).show(self.endpoints)


async def measure(entries: int, size: tuple[int, int]) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per keystroke (CPU time is what the machine's load
    cannot inflate: on a busy machine the wall clock also counts other processes)."""
    app = Bench(synthetic(entries))
    timings: list[float] = []
    cpu: list[float] = []
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        browser = app.query_one(TimedBrowser)
        box = app.query_one("#endpoint-filter", Input)
        box.focus()
        for word in WORDS:
            box.value = ""
            await pilot.pause()
            for char in word:
                # The key goes straight to the filter box (no Pilot waits in the figure);
                # the clock stops when the frame after the rebuilt tree has been drawn.
                browser.drawn = asyncio.Event()
                started, cpu_started = time.perf_counter(), time.process_time()
                box.post_message(events.Key(char, char))
                await browser.drawn.wait()
                timings.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
                await pilot.pause()
    return timings, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--size", default="80x24")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    timings, cpu = asyncio.run(measure(args.entries, (width, height)))
    for name, figures in (("wall", sorted(timings)), ("cpu", sorted(cpu))):
        print(
            f"{args.entries:,} entries, {len(figures)} keystrokes, {name}: median {statistics.median(figures):.1f} ms, "
            f"p90 {figures[int(len(figures) * 0.9)]:.1f} ms, max {figures[-1]:.1f} ms (target 50 ms)"
        )


if __name__ == "__main__":
    main()
