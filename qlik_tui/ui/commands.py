"""Command palette providers: every profile and every endpoint, searchable."""

from __future__ import annotations

from functools import partial
from typing import Any, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from ..core.catalog.builtin import subsequence
from ..core.terminal_text import visible
from .app_protocol import QlikApp


class ProfilesProvider(Provider):
    """'Switch to profile NAME'."""

    def _app(self) -> QlikApp:
        return cast(QlikApp, self.app)

    def _commands(self) -> list[tuple[str, str, str]]:
        workspace = self._app().workspace
        if workspace is None:
            return []
        return [
            (f"Switch to profile {name}", f"{p.product} · {p.url}", name) for name, p in workspace.profile_set.profiles.items()
        ]

    def _actions(self) -> list[tuple[str, str, Any]]:
        from .screens.profile_check import check_commands

        app = self._app()
        switches = [(title, help_text, partial(app.switch_profile, name)) for title, help_text, name in self._commands()]
        active = app.workspace.active if app.workspace else None
        compares = [
            (f"Compare with profile {name}", "the editor's request on both profiles, diffed", partial(app.compare_with, name))
            for _, _, name in self._commands()
            if name != active
        ]
        return switches + compares + check_commands(app.workspace, app.push_screen)

    async def discover(self) -> Hits:
        for title, help_text, callback in self._actions():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._actions():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)


class EndpointsProvider(Provider):
    """Every endpoint of the active profile's product, by path and summary."""

    async def search(self, query: str) -> Hits:
        app = cast(QlikApp, self.app)
        workspace = app.workspace
        if workspace is None or workspace.active is None:
            return
        matcher = self.matcher(query)
        letters = "".join(query.lower().split())
        for endpoint in app.catalog_for(workspace.active):
            title = f"{endpoint.method} {endpoint.path}"
            # ~2,300 operations: a cheap in-order-letters test first, Textual's matcher only on candidates
            if not (subsequence(letters, title.lower()) or subsequence(letters, endpoint.summary.lower())):
                continue
            score = max(matcher.match(title), matcher.match(endpoint.summary) * 0.8)
            if score > 0:
                mark = endpoint.mark()
                # help is markup to Textual: escape it (a server's summary may hold [brackets])
                sign = "⚠" if endpoint.deprecation else "ℹ"
                help_text = escape(visible(endpoint.describe() + (f"  {sign} {mark}" if mark else "")))
                yield Hit(score, matcher.highlight(title), partial(app.load_endpoint, endpoint), help=help_text)
