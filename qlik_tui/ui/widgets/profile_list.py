"""The profiles of the file; the active one is marked; Enter switches, d makes the default."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...core.profiles.model import ProfileSet


class ProfileList(OptionList):
    """Every profile, one line each."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("d", "make_default", "Make default", id="profile.default")]

    class Switch(Message):
        """The user chose a profile."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    class MakeDefault(Message):
        """The user wants the highlighted profile to be the file's default."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    def action_make_default(self) -> None:
        """d: make the highlighted profile the default (written into the file)."""
        if self.highlighted is not None:
            option = self.get_option_at_index(self.highlighted)
            if option.id:
                self.post_message(self.MakeDefault(option.id))

    def on_mount(self) -> None:
        self.border_title = "Profiles"

    def show(self, profile_set: ProfileSet, active: str | None) -> None:
        """List the profiles, marking `active`."""
        self.clear_options()
        for name, profile in profile_set.profiles.items():
            label = Text()
            label.append("● " if name == active else "  ", style="bold")
            label.append(name, style="bold" if name == active else "")
            label.append(f"  {'QSEoW' if profile.type == 'qseow' else 'Cloud'}", style="dim")
            if profile.tls_verification_off:
                label.append(" TLS off", style="bold")
            self.add_option(Option(label, id=name))
        if active in profile_set.profiles:
            self.highlighted = list(profile_set.profiles).index(active)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Switch(event.option.id))
