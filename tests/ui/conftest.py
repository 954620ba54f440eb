"""UI fixtures: the simulator (reused from tests/sim) and helpers for Pilot."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from qlik_tui.ui.app import QlikTuiApp
from qlik_tui.ui.launch import load_for_app
from tests.sim.conftest import demo, trust  # noqa: F401 - fixtures shared with the simulator tests


async def settle(pilot: Pilot[int]) -> None:
    """Wait for every worker and the messages they posted (no sleeps)."""
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def wait_until(pilot: Pilot[int], condition: Callable[[], object], seconds: float = 30.0, what: str = "") -> None:
    """Pause between frames until `condition()` holds; fail naming `what` after `seconds`.

    A bound, not a sleep: it returns as soon as the condition holds, so it costs nothing on
    a quiet machine and is generous on one where eight test runs share two cores."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not within {seconds:g} s: {what or condition}"
        await pilot.pause(0.05)


def make_app(path: Path, tmp_path: Path, **kwargs: object) -> QlikTuiApp:
    """The app on a profiles file, with history in a tmp folder."""
    profile_set, problem = load_for_app(path)
    return QlikTuiApp(path, profile_set, problem=problem, history_dir=tmp_path / "history", **kwargs)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _no_user_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read or write the real user's config or state."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
