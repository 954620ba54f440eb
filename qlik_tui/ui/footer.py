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

    def compose(self) -> ComposeResult:
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
