"""The command palette's saved requests: 'Saved: NAME' loads one, 'Run saved: NAME' sends it."""

from __future__ import annotations

from functools import partial
from typing import Any, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from ..core.terminal_text import visible
from .app_protocol import QlikApp


class SavedProvider(Provider):
    """Every saved request of the collection, by name, path and description."""

    def _commands(self) -> list[tuple[str, str, Any]]:
        app = cast(QlikApp, self.app)
        out = []
        for saved in app.saved_requests():
            # Titles and help are markup to Textual: a file's [brackets] must stay text.
            about = escape(visible(f"{saved.target()}  {saved.description}".strip()))
            out.append((f"Saved: {visible(saved.name)}", about, partial(app.load_saved, saved)))
            out.append((f"Run saved: {visible(saved.name)}", about, partial(app.load_saved, saved, True)))
        return out

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            if title.startswith("Saved: "):
                yield DiscoveryHit(escape(title), callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = max(matcher.match(title), matcher.match(help_text) * 0.7)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
