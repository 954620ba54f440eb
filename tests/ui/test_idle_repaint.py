"""Idle, the app repaints only what changes: the countdown's cells, once a second.

Over SSH every repaint is bandwidth: a whole-panel repaint with a layout pass each second,
a blinking cursor and a 10 Hz ticker cost ~2.6 KB/s and 1.6-3% of a core doing nothing
(bench/run.py --tmux measures it; these tests pin the mechanisms down).
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets import Input, TextArea

from qlik_tui.core.auth.tokens import MintedToken
from qlik_tui.core.events import ConnectionEvent
from qlik_tui.demo.environment import Demo
from qlik_tui.ui.widgets.token_panel import TokenPanel

from .conftest import make_app, settle, wait_until

NOW = 1_800_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


class PanelApp(App[None]):
    def __init__(self, clock: Clock) -> None:
        super().__init__()
        self.clock = clock

    def compose(self) -> ComposeResult:
        yield TokenPanel(self.clock, id="token")


def _token() -> MintedToken:
    return MintedToken("x.y.z", {"alg": "RS256"}, {"iat": NOW - 5, "exp": NOW + 295})


async def test_a_countdown_tick_repaints_only_the_cells_that_changed() -> None:
    clock = Clock()
    app = PanelApp(clock)
    async with app.run_test(size=(60, 12)) as pilot:
        panel = app.query_one(TokenPanel)
        panel.token = _token()
        await pilot.pause()
        assert "⏱ 4:55" in str(panel.render())
        clock.now += 1
        panel.refresh_text()
        # "⏱ 4:55" -> "⏱ 4:54": one cell of one row (the first: no profile) is dirty, no layout pass
        assert panel._repaint_regions == {Region(5, 0, 1, 1).translate(panel.content_offset)}
        assert not panel._layout_required
        await pilot.pause()
        shown = panel.render_line(panel.content_offset.y).text  # the line as the screen has it now
        assert "⏱ 4:54" in shown and "4:55" not in shown
        clock.now += 5 * 60  # expired: the colour changes, so the whole panel is repainted
        panel.refresh_text()
        assert panel.has_class("-expired") and len(panel._repaint_regions) == 1
        assert next(iter(panel._repaint_regions)) == panel.outer_size.region
        panel.last_event = ConnectionEvent("minted", "a new token", clock.now)  # a line more: a layout pass
        assert panel._layout_required


async def test_idle_the_app_neither_ticks_ten_times_a_second_nor_blinks(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        boxes = list(app.query(Input)) + list(app.query(TextArea))
        assert boxes and not any(box.cursor_blink for box in boxes)
        assert app._ticker._active.is_set() is False  # paused: nothing runs
        demo.qseow.faults.latency = 1.0
        app.query_one("#path", Input).value = "/qrs/about"
        await pilot.press("f5")
        assert app._ticker._active.is_set()  # a request runs: the elapsed time ticks
        await wait_until(pilot, lambda: "200 OK" in str(app.query_one("#status-line").render()), what="200 OK")
        await wait_until(pilot, lambda: not app._ticker._active.is_set(), what="the ticker paused again")
