"""The Engine view signed in every way the CLI is: API key and OAuth (Bearer on the upgrade),
the header proxy (session + CSRF) and the client certificate (the Engine's own TLS port);
real loopback WebSockets (the certificate over TLS, as Qlik uses it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qlik_tui.demo.engine_apps import generate_rows
from qlik_tui.demo.environment import Demo
from qlik_tui.ui.screens.engine_view import EngineScreen
from qlik_tui.ui.widgets.engine_eval import EngineEval
from tests.ui.conftest import make_app, settle, wait_until
from tests.ui.test_engine_view import open_view_from_picker


@pytest.mark.parametrize(
    ("profile", "side"),
    [("demo-cloud-apikey", "cloud"), ("demo-cloud-oauth", "cloud"), ("demo-qseow-header", "qseow"), ("demo-qseow-cert", "qseow")],
)
async def test_the_view_opens_evaluates_and_closes_with_every_sign_in(
    demo: Demo, tmp_path: Path, profile: str, side: str
) -> None:
    simulator = demo.cloud if side == "cloud" else demo.qseow
    app_id = next(iter(demo.cloud.store.apps)) if side == "cloud" else str(demo.qseow.store.objects["app"][0]["id"])
    app = make_app(demo.profiles_path, tmp_path, active=profile)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_view_from_picker(pilot, demo, app_id)
        assert simulator.engine.live_count() == 1
        await pilot.press("ctrl+e", *"Count(OrderID)", "enter")
        bar = screen.query_one(EngineEval)
        await wait_until(pilot, lambda: len(bar.results) == 1, what="the answer")
        expression, _, number, error = bar.results[0]
        assert (expression, number, error) == ("Count(OrderID)", len(generate_rows(app_id)), False)
        await pilot.press("escape", "escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, EngineScreen), what="back")
        await wait_until(pilot, lambda: simulator.engine.live_count() == 0, what="the Engine session ends")
