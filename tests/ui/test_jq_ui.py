"""The response filter (`f`) takes real jq; paths stay instant, jq's errors show in its words."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from qlik_tui.demo.environment import Demo
from qlik_tui.ui.widgets.json_tree import JsonTree
from tests.ui.conftest import make_app, settle, wait_until
from tests.ui.test_app_flows import text_of
from tests.ui.test_big_responses import send


async def filter_for(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("f")
    pilot.app.query_one("#find-input", Input).value = text
    await pilot.press("enter")


async def test_filter_runs_jq_and_shows_results_in_the_tree(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await send(pilot, "/qrs/app/full")
        tree = app.query_one("#json-tree", JsonTree)
        apps = tree.root.data.value  # type: ignore[union-attr]
        tree.focus()
        status = app.query_one("#find-status", Static)
        await filter_for(pilot, "[.[] | select(.published) | .name]")
        await wait_until(pilot, lambda: "(jq)" in text_of(status), what="jq's results")
        assert tree.root.data.value == [a["name"] for a in apps if a["published"]]  # type: ignore[union-attr]
        await filter_for(pilot, ".[")
        await wait_until(pilot, lambda: "syntax error" in text_of(status), what="jq's message")
        assert text_of(status).startswith("jq: error: syntax error")
        await filter_for(pilot, "$[0].owner.name")  # as p copies a path: still a plain, instant path
        await pilot.pause()
        assert tree.root.data.value == apps[0]["owner"]["name"]  # type: ignore[union-attr]
        await pilot.press("escape")
        await pilot.pause()
        assert tree.root.data.value is apps  # type: ignore[union-attr]


async def test_esc_stops_a_running_jq(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await send(pilot, "/qrs/app/full")
        tree = app.query_one("#json-tree", JsonTree)
        tree.focus()
        status = app.query_one("#find-status", Static)
        await filter_for(pilot, "last(range(1e12))")  # would run until the 30 s bound
        await wait_until(pilot, lambda: "Esc stops it" in text_of(status), what="jq running")
        view = app.query_one("ResponseView")
        stopper = view._jq_stopper  # type: ignore[attr-defined]
        await wait_until(pilot, lambda: stopper._process is not None, what="the jq process")
        process = stopper._process
        await pilot.press("escape")
        await wait_until(pilot, lambda: process.poll() is not None, seconds=10, what="the jq process killed")
        assert stopper.stopped and process.returncode < 0  # killed by a signal, not finished
        await wait_until(pilot, lambda: not [w for w in app.workers if w.group == "jq" and w.is_running], seconds=10)
        await filter_for(pilot, "last(range(1e12))")
        await wait_until(pilot, lambda: view._jq_stopper is not None and view._jq_stopper._process is not None)  # type: ignore[attr-defined]
        second = view._jq_stopper  # type: ignore[attr-defined]
        await filter_for(pilot, "length")  # a newer expression stops the older run (a bare word is jq's)
        await wait_until(pilot, lambda: "1 result (jq)" in text_of(status), what=f"the newer answer, not {text_of(status)!r}")
        assert second.stopped and second._process.poll() is not None
