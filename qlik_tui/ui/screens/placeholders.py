"""Ask for the values of a path's {placeholders}, offering ids seen in earlier responses."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ...core.catalog.builtin import placeholders_in
from ...core.catalog.seen_ids import SeenId, SeenIds, resource_for_placeholder
from ...core.terminal_text import visible
from ..plural import count

MAX_SHOWN = 40  # ids of the wanted type
MAX_OTHERS = 20  # then ids of other types, still offered: the type guess can be wrong


def _resource_name(resource: str) -> str:
    return resource or "unknown type"


class PlaceholderScreen(ModalScreen["dict[str, str] | None"]):
    """One input per placeholder; Enter in the list fills the focused input. Ids seen under
    the resource the path wants come first; the others follow, marked with their type."""

    DEFAULT_CSS = """
    PlaceholderScreen {
        align: center middle;
    }
    /* visible without colour (16 colours, NO_COLOR), as in the history list */
    PlaceholderScreen OptionList:focus > .option-list--option-highlighted {
        text-style: bold underline;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="placeholders.cancel"),
        Binding("ctrl+s", "done", "Use these", id="placeholders.done"),
    ]

    def __init__(self, path: str, seen: SeenIds) -> None:
        super().__init__()
        self.path = path
        self.names = placeholders_in(path)
        self.seen = seen
        self._target = 0

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="modal-box placeholder-box") as box:
            box.border_title = "Fill in the path"
            box.border_subtitle = "Enter: next / send · Esc cancel"
            yield Static(Text(self.path, style="bold"))
            for index, name in enumerate(self.names):
                yield Label(f"{{{name}}}")
                values = [s.value for s in self.seen.for_placeholder(name, self.path)]
                yield Input(
                    id=f"ph-{index}",
                    placeholder=f"{name} (or pick one below)",
                    suggester=SuggestFromList(values, case_sensitive=True),
                )
            yield Label("Seen in responses:")
            yield OptionList(id="seen-list")

    def on_mount(self) -> None:
        self._show_candidates(0)
        self.query_one("#ph-0", Input).focus()

    def _show_candidates(self, index: int) -> None:
        self._target = index
        options = self.query_one("#seen-list", OptionList)
        options.clear_options()
        name = self.names[index]
        wanted = resource_for_placeholder(self.path, name)
        matching, others = self.seen.candidates(name, self.path)
        for item in matching[:MAX_SHOWN]:
            options.add_option(Option(self._label(item), id=item.value))
        if others:
            what = f"not seen as {_resource_name(wanted)}" if wanted else "others"
            options.add_option(Option(Text(f"── {count(len(others), 'other id')}, {what} ──", style="dim"), disabled=True))
            for item in others[:MAX_OTHERS]:
                options.add_option(Option(self._label(item, mark=True), id=item.value))
        if options.option_count:
            options.highlighted = 0 if matching else 1

    @staticmethod
    def _label(item: SeenId, mark: bool = False) -> Text:
        """'<id>  key  name', and for an id of another type, that type first (in brackets)."""
        label = Text()
        if mark:
            label.append(f"[{_resource_name(item.resource)}] ", style="italic")
        label.append(visible(item.value), style="dim" if mark else "bold")
        label.append(f"  {visible(item.key)}", style="dim")
        if item.label:
            label.append(f"  {visible(item.label)}")
        return label

    def on_descendant_focus(self, event: object) -> None:
        focused = self.focused
        if isinstance(focused, Input) and focused.id and focused.id.startswith("ph-"):
            self._show_candidates(int(focused.id[3:]))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        box = self.query_one(f"#ph-{self._target}", Input)
        box.value = event.option.id or ""
        self._advance(self._target)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id and event.input.id.startswith("ph-"):
            self._advance(int(event.input.id[3:]))

    def _advance(self, index: int) -> None:
        if index + 1 < len(self.names):
            self.query_one(f"#ph-{index + 1}", Input).focus()
        else:
            self.action_done()

    def action_done(self) -> None:
        """Close with the values (all must be filled)."""
        values = {name: self.query_one(f"#ph-{i}", Input).value.strip() for i, name in enumerate(self.names)}
        missing = [n for n, v in values.items() if not v]
        if missing:
            self.notify("Fill in: " + ", ".join("{" + n + "}" for n in missing), severity="warning")
            self.query_one(f"#ph-{self.names.index(missing[0])}", Input).focus()
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        """Close without filling."""
        self.dismiss(None)
