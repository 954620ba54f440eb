"""The profiles of the file; the active one is marked; Enter switches, d makes the default.

Profiles that failed validation are listed too, marked, after the usable ones: Enter on one
shows its problems instead of switching, so one typo never hides a profile.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...core.profiles.model import ProfileSet
from ...core.terminal_text import visible


class ProfileList(OptionList):
    """Every profile, one line each."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("d", "make_default", "Make default", id="profile.default")]

    class Switch(Message):
        """The user chose a profile."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.broken: dict[str, list[str]] = {}
        self._told_default = False
        self._labels: list[tuple[str, str, Text]] = []  # (marker, name, product and flags) per option

    class MakeDefault(Message):
        """The user wants the highlighted profile to be the file's default."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    def action_make_default(self) -> None:
        """d: make the highlighted profile the default (written into the file)."""
        if self.highlighted is not None:
            option = self.get_option_at_index(self.highlighted)
            if option.id and option.id not in self.broken:
                self.post_message(self.MakeDefault(option.id))

    def on_mount(self) -> None:
        self.border_title = "Profiles"

    def show(self, profile_set: ProfileSet, active: str | None) -> None:
        """List the profiles, marking `active` and the broken ones."""
        self.clear_options()
        self.broken = dict(profile_set.broken)
        self._labels = []
        for name, profile in profile_set.profiles.items():
            tail = Text()
            tail.append(f"  {'QSEoW' if profile.type == 'qseow' else 'Cloud'}", style="dim")
            if profile.tls_verification_off:
                tail.append(" TLS off", style="bold")
            self._labels.append(("● " if name == active else "  ", name, tail))
        for name in self.broken:
            broken = Text()
            broken.append("  broken", style="bold")
            self._labels.append(("⚠ ", name, broken))
        width = self._room()
        for marker, name, tail in self._labels:
            self.add_option(Option(self._label(marker, name, tail, width, active), id=name))
        if active in profile_set.profiles:
            self.highlighted = list(profile_set.profiles).index(active)
        if profile_set.default in self.broken and not self._told_default:
            self._told_default = True  # once per run, not on every switch
            self.notify(
                f"The default profile '{visible(profile_set.default)}' is broken (Enter on it shows why); "
                f"opened '{visible(active or '')}' instead.",
                title="Default profile skipped",
                severity="warning",
                timeout=10,
                markup=False,
            )

    def _room(self) -> int:
        """Cells a line may use (0 before the first layout: nothing is cut then)."""
        return self.scrollable_content_region.width

    def _label(self, marker: str, name: str, tail: Text, width: int, active: str | None) -> Text:
        """One line: the name cut with an ellipsis so the product label stays on the line."""
        style = "strike" if marker == "⚠ " else "bold" if name == active else ""
        shown = Text(visible(name), style=style)
        if width:  # in cells: wide characters count twice
            shown.truncate(max(width - Text(marker).cell_len - tail.cell_len, 4), overflow="ellipsis")
        return Text.assemble(Text(marker, style="bold"), shown, tail)

    def on_resize(self) -> None:
        """Fit the names to the new width (a long name would wrap its product label otherwise)."""
        width = self._room()
        active = next((n for m, n, _ in self._labels if m == "● "), None)
        for index, (marker, name, tail) in enumerate(self._labels[: self.option_count]):
            self.replace_option_prompt_at_index(index, self._label(marker, name, tail, width, active))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        name = event.option.id
        if name in self.broken:
            problems = "\n".join(f"• {visible(p)}" for p in self.broken[name])
            self.notify(
                f"{problems}\nFix it in the profiles file; the other profiles keep working.",
                title=f"Profile '{visible(name)}' cannot be used",
                severity="error",
                timeout=15,
                markup=False,  # problems quote the file: `[profiles.x]` is text, not markup
            )
        elif name:
            self.post_message(self.Switch(name))
