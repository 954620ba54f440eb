"""Create, edit or duplicate a profile, with the same validation (and messages) as the CLI.

The editor saves before it closes: a save that fails (disk full, read-only folder, the file
changed meanwhile) leaves it open with everything typed, and says why.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import tomli_w
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from ...core.errors import ProfileConflict, QlikTuiError
from ...core.profiles.loader import parse_toml_text, profile_to_toml, validate_profile
from ...core.profiles.model import Profile, ProfileSet
from .simple import ConfirmScreen

FIELDS: tuple[tuple[str, str, str, str], ...] = (
    # key, label, placeholder, which type shows it ("" both)
    ("url", "URL", "https://host[:port]", ""),
    ("virtual_proxy", "Virtual proxy", 'prefix, e.g. jwt ("" for the root proxy)', "qseow"),
    ("key", "Private key", "PEM file (ctrl+g makes a key pair)", ""),
    ("key_passphrase_env", "Passphrase env", "env var holding the passphrase (optional)", ""),
    ("cert", "Certificate", "PEM file (optional)", ""),
    ("key_id", "Key id (kid)", "the IdP's key id", "cloud"),
    ("issuer", "Issuer (iss)", "the IdP's issuer", "cloud"),
    ("algorithm", "Algorithm", "RS256 (RS384, RS512 for QSEoW)", ""),
    ("audience", "Audience", "optional", "qseow"),
    ("lifetime", "Lifetime", "90, 30m, 1h...", ""),
    ("ca_bundle", "CA bundle", "optional", ""),
    ("clock_skew", "Clock skew (s)", "optional, default 5", ""),
    ("catalog_files", "Catalog files", "OpenAPI files, comma-separated (optional)", ""),
)
CLAIM_EXAMPLES = {
    "qseow": 'userDirectory = "LAB"\nuserId = "alice"\n',
    "cloud": 'sub = "alice"\nname = "Alice"\nemail = "alice@example.com"\nemail_verified = true\n',
}
# A profile key or claim named in a problem, and the field that holds it.
_PROBLEM_KEY = re.compile(r"^(?:profile '.*?', )?(?:key `(\w+)`|(name):|(claims?)\b|`(claims)`)")
# Saves the profile (name, profile, overwrite) and returns the file's profiles, or raises.
Saver = Callable[[str, Profile, bool], ProfileSet]


def _shown(value: Any) -> str:
    """A TOML value as the form shows it (lists comma-separated)."""
    return ", ".join(value) if isinstance(value, list) else str(value)


def _typed(key: str, text: str) -> Any:
    """A form value as the TOML type core validates (a bad number stays text: core says why)."""
    if key in ("lifetime", "clock_skew") and text.isdigit():
        return int(text)
    if key == "catalog_files":
        return [part.strip() for part in text.split(",") if part.strip()]
    if key == "url" and text and "://" not in text:
        return f"https://{text}"  # people type the host; the scheme is added, not demanded
    return text


def field_of(problem: str) -> str | None:
    """The id of the form field a problem is about ("f-lifetime"...), if it names one."""
    match = _PROBLEM_KEY.match(problem)
    if match is None:
        return None
    key = next(group for group in match.groups() if group)
    return "f-claims" if key.startswith("claim") else f"f-{key}"


class ProfileEditor(ModalScreen["tuple[str, ProfileSet] | None"]):
    """A form for every key of the profile format; Save validates, saves, then closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="editor.cancel"),
        Binding("ctrl+s", "save", "Save", id="editor.save"),
        Binding("ctrl+g", "keygen", "Generate keys", id="editor.keygen"),
    ]
    KEYGEN_BITS = 4096  # as `qlik-tui keygen`

    def __init__(
        self, base_dir: Path, existing: list[str], profile: Profile | None = None, name: str = "", *, save: Saver
    ) -> None:
        super().__init__()
        self.base_dir = base_dir
        self.existing = existing
        self.save = save
        self.original_name = name if profile is not None and name in existing else None
        self.raw: dict[str, Any] = (
            profile_to_toml(profile) if profile is not None else {"type": "qseow", "virtual_proxy": "jwt", "lifetime": "1h"}
        )
        self.initial_name = name
        self.kind = str(self.raw.get("type", "qseow"))

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="modal-box editor-box") as box:
            box.border_title = "Edit profile" if self.original_name else "New profile"
            box.border_subtitle = "ctrl+s save · ctrl+g keys · Esc cancel"
            with Horizontal(classes="field-row"):
                yield Label("Name", classes="field-label")
                yield Input(self.initial_name, id="f-name", compact=True, placeholder="e.g. prod")
            with Horizontal(classes="field-row"):
                yield Label("Type", classes="field-label")
                choices = [("QSEoW virtual proxy", "qseow"), ("Qlik Cloud tenant", "cloud")]
                yield Select(choices, value=self.kind, allow_blank=False, id="f-type", compact=True)
            for key, label, placeholder, only in FIELDS:
                with Horizontal(classes=f"field-row only-{only or 'both'}"):
                    yield Label(label, classes="field-label")
                    value = _shown(self.raw.get(key, ""))
                    yield Input(value, id=f"f-{key}", placeholder=placeholder, compact=True, select_on_focus=False)
            with Horizontal(classes="field-row"):
                yield Label("Verify TLS", classes="field-label")
                verify = self.raw.get("verify_tls")
                yield Select(
                    [("yes (default)", "default"), ("yes, explicitly", "true"), ("NO (lab only)", "false")],
                    value="default" if verify is None else str(verify).lower(),
                    allow_blank=False,
                    id="f-verify_tls",
                    compact=True,
                )
            yield Label("Claims (TOML: name = value)")
            claims = self.raw.get("claims")
            yield TextArea(
                tomli_w.dumps(claims) if claims else CLAIM_EXAMPLES[self.kind], id="f-claims", soft_wrap=False, compact=True
            )
            yield Static("", id="editor-problems")
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary", compact=True)
                yield Button("Generate keys (ctrl+g)", id="keygen", compact=True)
                yield Button("Cancel (Esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        self._show_type(self.kind)
        self.query_one("#f-name", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "f-type" or str(event.value) == self.kind:
            return
        claims = self.query_one("#f-claims", TextArea)
        if claims.text == CLAIM_EXAMPLES[self.kind]:  # still the other product's template: not the user's text
            claims.text = CLAIM_EXAMPLES[str(event.value)]
        self.kind = str(event.value)
        self._show_type(self.kind)

    def _show_type(self, kind: str) -> None:
        other = "cloud" if kind == "qseow" else "qseow"
        for widget in self.query(f".only-{other}"):
            widget.display = False
        for widget in self.query(f".only-{kind}"):
            widget.display = True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {"save": self.action_save, "keygen": self.action_keygen}
        actions.get(str(event.button.id), self.action_cancel)()

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
        for key, _, _, only in FIELDS:
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
        if "vars" in self.raw:  # no field here for saved-request variables: keep the file's, never drop them
            raw["vars"] = self.raw["vars"]
        return name, raw, problems

    def action_save(self) -> None:
        """Validate with core's rules, then save; close only once the file is written."""
        name, raw, problems = self.collect()
        profile, found = validate_profile(name or "?", raw, self.base_dir)
        problems += found
        for widget in self.query(".-invalid"):
            widget.remove_class("-invalid")
        if problems or profile is None:
            self._show_problems(problems)
            return
        self._save(name, profile, overwrite=False)

    def _save(self, name: str, profile: Profile, overwrite: bool) -> None:
        try:
            saved = self.save(name, profile, overwrite)
        except ProfileConflict as exc:

            def answer(replace: bool | None) -> None:
                if replace:
                    self._save(name, profile, overwrite=True)

            self.app.push_screen(ConfirmScreen(f"{exc.message}.\n\nReplace it with your version? (No keeps editing)"), answer)
            return
        except QlikTuiError as exc:
            self._show_problems([line.strip() for line in exc.lines()], focus=False)  # nothing typed is lost
            return
        self.dismiss((name, saved))

    def _show_problems(self, problems: list[str], focus: bool = True) -> None:
        """List every problem; focus (and scroll to) the first field in error, in form order."""
        panel = self.query_one("#editor-problems", Static)
        panel.update(Text("\n".join(f"• {p}" for p in problems), style="bold"))
        panel.add_class("-visible")
        fields = {f for f in map(field_of, problems) if f} if focus else set()
        inputs: list[Widget] = [w for w in self.query("Input, Select, TextArea") if w.id in fields and w.parent.display]  # type: ignore[union-attr]
        for widget in inputs:
            widget.add_class("-invalid")
        if inputs:
            inputs[0].focus()
            self.call_after_refresh(inputs[0].scroll_visible)
            # The list is below the form, off screen on a small terminal: say the reasons where they are seen.
            self.notify("\n".join(problems), title="Not saved", severity="error", timeout=10)
        else:
            self.call_after_refresh(panel.scroll_visible)

    def action_keygen(self) -> None:
        """Generate a key pair next to the profiles file and fill in the key and certificate paths."""
        name = self.query_one("#f-name", Input).value.strip() or "profile"
        relative = Path("keys") / re.sub(r"[^A-Za-z0-9._-]", "_", name)
        if (self.base_dir / relative / "private.pem").exists():
            self.notify(f"{relative}/private.pem exists already: it is not replaced. Type its path, or rename the profile.")
            return
        self.notify(f"Generating a {self.KEYGEN_BITS}-bit key pair in {self.base_dir / relative}...")
        self._generate(relative)

    @work(thread=True, group="keygen", exclusive=True, exit_on_error=False, description="generate a key pair")
    def _generate(self, relative: Path) -> None:
        from ...core.auth.keys import generate_keypair  # the crypto stack, only when asked for

        try:
            generate_keypair(self.base_dir / relative, bits=self.KEYGEN_BITS, common_name=f"qlik-tui {relative.name}")
        except QlikTuiError as exc:
            self.app.call_from_thread(self.notify, "\n".join(exc.lines()), title="No key pair", severity="error")
            return
        self.app.call_from_thread(self._generated, relative)

    def _generated(self, relative: Path) -> None:
        self.query_one("#f-key", Input).value = str(relative / "private.pem")
        self.query_one("#f-cert", Input).value = str(relative / "cert.pem")
        where = "the virtual proxy's JWT certificate (QMC)" if self.kind == "qseow" else "the IdP's public key (Qlik Cloud)"
        self.notify(f"Key pair written. Paste {relative / 'cert.pem'} into {where}.", timeout=12)
