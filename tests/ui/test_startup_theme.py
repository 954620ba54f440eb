"""A remembered theme is in place before the first styling: no second pass over every widget."""

from __future__ import annotations

import os
from pathlib import Path

from textual.color import Color

from qlik_tui.demo.environment import Demo
from qlik_tui.ui.app import QlikTuiApp
from qlik_tui.ui.launch import load_for_app
from tests.ui.conftest import settle


class CountingApp(QlikTuiApp):
    """The app, counting Textual's whole-stylesheet refreshes (a re-parse and a re-style of all)."""

    refreshes = 0

    def refresh_css(self, animate: bool = True) -> None:
        self.refreshes += 1
        super().refresh_css(animate)


async def test_a_remembered_theme_costs_no_restyle_at_start(demo: Demo, tmp_path: Path) -> None:
    # Set in on_mount, the theme re-parsed the CSS and re-styled every widget before the first
    # frame: 40% more work to it for everyone who ever picked a theme.
    folder = Path(os.environ["XDG_STATE_HOME"]) / "qlik-tui"
    folder.mkdir(parents=True)
    (folder / "theme").write_text("nord\n")
    profile_set, _ = load_for_app(demo.profiles_path)
    app = CountingApp(demo.profiles_path, profile_set, history_dir=tmp_path / "history")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.theme == "nord"
        assert app.refreshes == 0
        # ...and the screen is in nord's colours, as after choosing it live.
        nord = Color.parse(app.current_theme.background or "")
        assert app.screen.styles.background.rgb == nord.rgb
        assert app.has_class("-theme-nord") and app.has_class("-dark-mode")
        app.theme = "textual-light"
        await settle(pilot)
        assert app.refreshes == 1 and app.screen.styles.background.rgb != nord.rgb
        assert app.has_class("-light-mode") and not app.has_class("-theme-nord")
