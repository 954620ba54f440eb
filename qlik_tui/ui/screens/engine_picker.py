"""Which app to open in the Engine view: F12 on an app id in the response tree opens it at
once; elsewhere F12 asks here, offering the app ids seen in responses (QRS apps, Cloud items'
`resourceId`) and the Engine's own list of apps (fetched in a worker), or a typed id.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ...core.catalog.seen_ids import SeenIds
from ...core.engine import actions
from ...core.errors import QlikTuiError
from ...core.http.connection import Connection
from ...core.terminal_text import visible
from ..widgets.json_tree import JsonNode, JsonTree

APP_RESOURCES = ("app", "apps")  # what SeenIds calls a QRS app and a Cloud app
MAX_CHOICES = 500

Choice = tuple[str, str]  # (app id, label)


def seen_apps(seen: SeenIds) -> list[Choice]:
    """App ids seen in responses, newest first, with their names when known."""
    return [(s.value, s.label) for s in seen.for_placeholder("appId") if s.resource in APP_RESOURCES]


def app_under_cursor(tree: JsonTree, seen: SeenIds) -> Choice | None:
    """The app the response tree's selected line is (or is about): an app id seen as one, an
    app object (`id` + `name`), or a Cloud item of resourceType app; None otherwise."""
    node = tree.cursor_node
    data: JsonNode | None = node.data if node is not None else None
    if data is None:
        return None
    known = dict(seen_apps(seen))
    value = data.value
    if isinstance(value, str) and value in known:
        return value, known[value] or (str(data.parent.get("name") or "") if isinstance(data.parent, dict) else "")
    holder = value if isinstance(value, dict) else data.parent if isinstance(data.parent, dict) else None
    if holder is None:
        return None
    resource_id = holder.get("resourceId")
    if str(holder.get("resourceType") or "").lower() == "app" and isinstance(resource_id, str) and resource_id:
        return resource_id, str(holder.get("name") or "")
    obj_id = holder.get("id")
    if isinstance(obj_id, str) and obj_id in known:
        return obj_id, str(holder.get("name") or known[obj_id])
    return None


def _line(app_id: str, label: str, source: str) -> Text:
    text = Text(visible(label or "(no name)"), style="bold")
    text.append(f"  {visible(app_id)}  ", style="")
    text.append(source, style="dim")
    return text


class EnginePicker(ModalScreen[Choice | None]):
    """Pick (or type) the app to open in the Engine view."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_picker", "Close", id="engine_picker.close"),
        Binding("down", "to_list", "To the list", id="engine_picker.to_list", show=False),
    ]

    def __init__(self, connection: Connection, seen: list[Choice]) -> None:
        super().__init__()
        self.connection = connection
        self.choices: list[Choice] = list(seen[:MAX_CHOICES])

    def compose(self) -> ComposeResult:
        with Vertical(id="engine-picker"):
            yield Static("Open an app in the Engine view: pick one (Enter), or type its id and press Enter.")
            yield Input(placeholder="app id", id="engine-picker-id")
            yield OptionList(*[Option(_line(i, n, "seen"), id=f"seen:{i}") for i, n in self.choices], id="engine-picker-list")
            yield Static("asking the server for its apps…", id="engine-picker-status")

    def on_mount(self) -> None:
        self.query_one("#engine-picker", Vertical).border_title = "Engine view"
        self.query_one(Input).focus()
        self._load_apps()

    @work(group="engine-apps", exclusive=True, exit_on_error=False, description="list the apps the user can open")
    async def _load_apps(self) -> None:
        status = self.query_one("#engine-picker-status", Static)
        try:
            apps = await actions.app_list(self.connection)
        except QlikTuiError as exc:
            status.update(Text(visible(f"apps not listed: {exc.message} (hint: {exc.hint})")))
            return
        known = {i for i, _ in self.choices}
        fresh = [(str(a.get("id") or ""), str(a.get("name") or "")) for a in apps if a.get("id") and a.get("id") not in known]
        fresh = fresh[: max(0, MAX_CHOICES - len(self.choices))]
        self.choices.extend(fresh)
        self.query_one(OptionList).add_options([Option(_line(i, n, "engine"), id=f"engine:{i}") for i, n in fresh])
        status.update(f"{len(apps)} app{'s' * (len(apps) != 1)} on the server · {len(self.choices)} to pick from")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        typed = event.value.strip()
        if typed:
            self.dismiss((typed, dict(self.choices).get(typed, "")))
        elif self.choices:
            self.action_to_list()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.choices):
            self.dismiss(self.choices[event.option_index])

    def action_to_list(self) -> None:
        """↓ from the box: into the list."""
        options = self.query_one(OptionList)
        if options.option_count:
            options.focus()
            if options.highlighted is None:
                options.highlighted = 0

    def action_dismiss_picker(self) -> None:
        """Esc: open nothing."""
        self.dismiss(None)


def picker_label(choice: Any) -> str:
    """The title the view shows for a picked app."""
    app_id, label = choice
    return f"{label} ({app_id})" if label else str(app_id)
