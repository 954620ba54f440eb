"""A body bigger than the simulator should build (500 MB): indexed and shown in-process."""

from __future__ import annotations

import json
import time
from typing import Any

from common import current_rss_mb, peak_rss_mb


async def child_big(mb: int) -> dict[str, Any]:
    """A body of `mb` MB (a generated QRS list, repeated): index it and show the tree, as
    the app does after the download; peak RSS growth from before the body existed."""
    import asyncio

    from textual.app import App, ComposeResult

    from qlik_tui.core.json.lazy import lazy_loads
    from qlik_tui.demo import qrs_data
    from qlik_tui.ui.widgets.json_tree import JsonTree

    objects = qrs_data.generate().objects
    rng = __import__("random").Random(7)
    apps = [
        qrs_data.make_app(rng, i, objects["user"], objects["stream"], objects["tag"], objects["custompropertydefinition"])
        for i in range(13_000)
    ]
    inner = json.dumps(apps, ensure_ascii=False).encode()[1:-1]
    del apps, objects
    baseline = current_rss_mb()
    copies = max(1, round(mb * 1_000_000 / len(inner)))
    body = b"[" + b",".join([inner] * copies) + b"]"

    class Bench(App[None]):
        def compose(self) -> ComposeResult:
            yield JsonTree()

    async with Bench().run_test(size=(120, 40)) as pilot:
        started = time.perf_counter()
        doc = await asyncio.to_thread(lazy_loads, body)
        tree = pilot.app.query_one(JsonTree)
        tree.show(doc)
        await pilot.pause()
        elapsed = time.perf_counter() - started
    return {"time": elapsed, "bytes": len(body), "rss": peak_rss_mb() - baseline, "items": len(doc)}
