"""Create, edit or duplicate a profile, with the same validation (and messages) as the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import tomli_w
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from ...core.profiles.loader import parse_toml_text, profile_to_toml, validate_profile
from ...core.profiles.model import Profile

FIELDS: tuple[tuple[str, str, str], ...] = (
    # key, label, which type shows it ("" both)
    ("url", "URL (scheme://host[:port])", ""),
    ("virtual_proxy", "Virtual proxy prefix", "qseow"),
    ("key", "Private key file (PEM)", ""),
    ("key_passphrase_env", "Passphrase env var (optional)", ""),
    ("cert", "Certificate file (optional)", ""),
    ("key_id", "IdP key id (kid)", "cloud"),
    ("issuer", "IdP issuer (iss)", "cloud"),
    ("algorithm", "Algorithm (RS256/RS384/RS512)", ""),
    ("audience", "Audience (optional)", "qseow"),
    ("lifetime", "Lifetime (90, 30m, 1h...)", ""),
    ("ca_bundle", "CA bundle (optional)", ""),
    ("clock_skew", "Clock skew in seconds (optional, default 5)", ""),
    ("catalog_files", "OpenAPI catalog files, comma-separated (optional)", ""),
)
CLAIM_EXAMPLES = {
    "qseow": 'userDirectory = "LAB"\nuserId = "alice"\n',
    "cloud": 'sub = "alice"\nname = "Alice"\nemail = "alice@example.com"\nemail_verified = true\n',
}


def _shown(value: Any) -> str:
    """A TOML value as the form shows it (lists comma-separated)."""
    return ", ".join(value) if isinstance(value, list) else str(value)


def _typed(key: str, text: str) -> Any:
    """A form value as the TOML type core validates (a bad number stays text: core says why)."""
    if key in ("lifetime", "clock_skew") and text.isdigit():
        return int(text)
    if key == "catalog_files":
        return [part.strip() for part in text.split(",") if part.strip()]
    return text


class ProfileEditor(ModalScreen["tuple[str, Profile] | None"]):
    """A form for every key of the profile format; Save validates before closing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="editor.cancel"),
        Binding("ctrl+s", "save", "Save", id="editor.save"),
    ]

    def __init__(self, base_dir: Path, existing: list[str], profile: Profile | None = None, name: str = "") -> None:
        super().__init__()
        self.base_dir = base_dir
        self.existing = existing
        self.original_name = name if profile is not None and name in existing else None
        self.raw: dict[str, Any] = (
            profile_to_toml(profile)
            if profile is not None
            else {"type": "qseow", "url": "https://", "virtual_proxy": "jwt", "lifetime": "1h"}
        )
        self.initial_name = name

    def compose(self) -> ComposeResult:
        kind = self.raw.get("type", "qseow")
        with VerticalScroll(classes="modal-box editor-box") as box:
            box.border_title = "Edit profile" if self.original_name else "New profile"
            box.border_subtitle = "ctrl+s save · Esc cancel"
            yield Label("Name")
            yield Input(self.initial_name, id="f-name")
            yield Label("Type")
            yield Select(
                [("QSEoW virtual proxy", "qseow"), ("Qlik Cloud tenant", "cloud")], value=kind, allow_blank=False, id="f-type"
            )
            for key, label, only in FIELDS:
                yield Label(label, classes=f"field-{key} only-{only or 'both'}")
                yield Input(_shown(self.raw.get(key, "")), id=f"f-{key}", classes=f"only-{only or 'both'}")
            yield Label("Verify TLS")
            verify = self.raw.get("verify_tls")
            yield Select(
                [("yes (default)", "default"), ("yes, explicitly", "true"), ("NO (lab only)", "false")],
                value="default" if verify is None else str(verify).lower(),
                allow_blank=False,
                id="f-verify_tls",
            )
            yield Label("Claims (TOML: name = value)")
            claims = self.raw.get("claims")
            yield TextArea(tomli_w.dumps(claims) if claims else CLAIM_EXAMPLES[kind], id="f-claims", soft_wrap=False)
            yield Static("", id="editor-problems")
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        self._show_type(str(self.raw.get("type", "qseow")))
        self.query_one("#f-name", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "f-type":
            self._show_type(str(event.value))

    def _show_type(self, kind: str) -> None:
        other = "cloud" if kind == "qseow" else "qseow"
        for widget in self.query(f".only-{other}"):
            widget.display = False
        for widget in self.query(f".only-{kind}"):
            widget.display = True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)

    def collect(self) -> tuple[str, dict[str, Any], list[str]]:
        """Name, raw profile table, and the problems found before core validation."""
        problems: list[str] = []
        name = self.query_one("#f-name", Input).value.strip()
        if not name:
            problems.append("name: a profile needs a name")
        elif name in self.existing and name != self.original_name:
            problems.append(f"name: a profile named '{name}' exists already")
        kind = str(self.query_one("#f-type", Select).value)
        raw: dict[str, Any] = {"type": kind}
        for key, _, only in FIELDS:
            if only and only != kind:
                continue
            value = self.query_one(f"#f-{key}", Input).value.strip()
            if value or key == "virtual_proxy":
                raw[key] = _typed(key, value)
        verify = str(self.query_one("#f-verify_tls", Select).value)
        if verify != "default":
            raw["verify_tls"] = verify == "true"
        try:
            raw["claims"] = parse_toml_text(self.query_one("#f-claims", TextArea).text)
        except ValueError as exc:
            problems.append(f"claims: TOML syntax error: {exc}")
            raw["claims"] = {}
        return name, raw, problems

    def action_save(self) -> None:
        """Validate with core's rules; close with the profile, or show every problem."""
        name, raw, problems = self.collect()
        profile, found = validate_profile(name or "?", raw, self.base_dir)
        problems += found
        panel = self.query_one("#editor-problems", Static)
        if problems or profile is None:
            panel.update(Text("\n".join(f"• {p}" for p in problems), style="bold"))
            panel.add_class("-visible")
            panel.scroll_visible()
            return
        self.dismiss((name, profile))
