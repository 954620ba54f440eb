"""The app's keys: help, palette, modal footers, copy, maximise, focus, theme."""

from __future__ import annotations

from pathlib import Path

from qlik_tui.demo.environment import Demo
from tests.ui.conftest import make_app, settle


async def test_palette_runs_the_same_action_as_the_key(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        first = app.workspace.active  # type: ignore[union-attr]
        await pilot.press("ctrl+p")
        await pilot.press(*"Next profile")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert app.workspace.active != first  # type: ignore[union-attr]
        assert app.title == f"qlik-tui · {app.workspace.active}"  # type: ignore[union-attr]
