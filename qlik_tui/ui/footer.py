"""Footers: the main one keeps F1 Help and the palette key pinned right, whatever the width;
modal screens get one of their own that shows their keys only."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

HELP_ACTION = "help"


class AppFooter(Footer):
    """The keys of what has focus; Help and the palette never scroll off at 80 columns."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(show_command_palette=False, **kwargs)
        # Keys from the first compose (the app's and the screen's): Textual's Footer waits for
        # the first bindings update and draws its keys a frame or two after the first one.
        self.set_reactive(Footer._bindings_ready, True)
        self._shown: tuple[Any, ...] | None = None  # the keys last composed
        self._pending = False  # a recompose is queued

    def bindings_changed(self, screen: Screen[Any]) -> None:
        """One recompose for a burst of updates, and none when the keys shown stay the same.

        Start-up publishes three updates in a row (each cost a recompose of ~10 keys: 0.1 s
        of CPU on the 2-core machine before the footer was complete)."""
        if not screen.app.app_focus or self._pending:
            return
        if self.is_attached and screen is self.screen:
            self._pending = True
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._pending = False
        if self.is_attached and self._keys() != self._shown:
            await self.recompose()

    def _keys(self) -> tuple[Any, ...]:
        """What the footer draws, as Textual's Footer picks it: the first shown binding of each
        action, and the palette key. Hidden bindings, and a second key for an action, come and
        go as focus moves (a focused input takes `?`, leaving F1 for Help): they must not cost
        a recompose (one came right after the first frame, with a layout of every widget)."""
        palette = self.app.COMMAND_PALETTE_BINDING
        drawn: dict[str, tuple[Any, ...]] = {}
        for key, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items():
            if binding.show or key == palette:
                drawn.setdefault(binding.action, (binding.key, binding.description, binding.group, enabled, tooltip))
        return tuple(drawn.items())

    def compose(self) -> ComposeResult:
        self._shown = self._keys()
        pinned: list[FooterKey] = []
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget.action == HELP_ACTION:
                widget.add_class("-pinned-key")
                pinned.append(widget)
            else:
                yield widget
        if not self._bindings_ready:
            return
        active = self.screen.active_bindings
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        if palette is not None and self.app.ENABLE_COMMAND_PALETTE:
            _, binding, enabled, _tooltip = palette
            key = FooterKey(binding.key, self.app.get_key_display(binding), "palette", binding.action, disabled=not enabled)
            pinned.append(key.data_bind(compact=Footer.compact))
        if pinned:
            yield HorizontalGroup(*pinned, id="footer-pinned")


def give_modal_footer(screen: Screen[Any]) -> None:
    """Give a modal screen without a footer one of its own (else the main screen's shows through)."""
    ours = type(screen).__module__.startswith("qlik_tui.")  # not Textual's own (command palette...)
    if ours and isinstance(screen, ModalScreen) and not screen.query(Footer):
        screen.mount(modal_footer())
        # A footer mounted late missed the screen's first bindings update: ask for another.
        screen.call_after_refresh(screen.refresh_bindings)


def modal_footer() -> Footer:
    """The footer a modal screen composes for itself: its keys, compact."""
    return Footer(compact=True, show_command_palette=False, classes="modal-footer")
