"""Tabbed content whose hidden panes are filled the first time they are shown.

A pane nobody opens still cost start-up time: its widgets were composed, mounted and styled
before the first frame. Here a pane listed in `fillers` starts empty and gets its widget
when it first becomes active, by key, click, palette or code (all of them set `active`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.widget import AwaitMount, Widget
from textual.widgets import TabbedContent


class LazyTabbedContent(TabbedContent):
    """TabbedContent; panes named in `fillers` are filled on first show."""

    def __init__(self, *titles: Any, fillers: dict[str, Callable[[], Widget]], **kwargs: Any) -> None:
        super().__init__(*titles, **kwargs)
        self._fillers = dict(fillers)
        self._mounting: dict[str, AwaitMount] = {}

    def _watch_active(self, active: str) -> None:
        self.fill(active)  # before the switch: the pane is shown with its widget in it
        super()._watch_active(active)

    def fill(self, pane_id: str) -> None:
        """Give pane `pane_id` its widget now, if it has none yet (queries find it at once)."""
        make = self._fillers.pop(pane_id, None)
        if make is not None:
            self._mounting[pane_id] = self.get_pane(pane_id).mount(make())

    async def filled(self, pane_id: str) -> None:
        """Pane `pane_id` filled, its widget's own children composed (to focus one of them)."""
        self.fill(pane_id)
        mounting = self._mounting.pop(pane_id, None)
        if mounting is not None:
            await mounting
