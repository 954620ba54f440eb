"""Create, edit or duplicate a profile, with the same validation (and messages) as the CLI.

The editor saves before it closes: a save that fails (disk full, read-only folder, the file
changed meanwhile) leaves it open with everything typed, and says why.
"""

from __future__ import annotations

import re
import shlex
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

_JWT = ("qseow:jwt", "cloud:jwt")
_PASSPHRASE = (*_JWT, "qseow:certificate")
# Where each secret's source is typed: never the secret itself, only where it is read from.
SECRET_FIELDS = {"key_passphrase": _PASSPHRASE, "api_key": ("cloud:api_key",), "client_secret": ("cloud:oauth",)}
SECRET_LABELS = {"key_passphrase": "Passphrase from", "api_key": "API key from", "client_secret": "Secret from"}
SOURCE_CHOICES = [("variable", "env"), ("file (600)", "file"), ("command", "command")]
SOURCE_HINTS = {"env": "QLIK_VAR", "file": "~/.secrets/eu (chmod 600)", "command": "pass show qlik/eu"}
FIELDS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    # key, label, placeholder, the "type:auth" pairs that show it (() all)
    ("url", "URL", "https://host[:port] (certificates: https://host:4242)", ()),
    ("virtual_proxy", "Virtual proxy", 'prefix, e.g. jwt ("" for the root proxy)', ("qseow:jwt", "qseow:header")),
    ("header_name", "Header name", "the header the proxy trusts, e.g. X-Qlik-User-Header", ("qseow:header",)),
    ("user", "User", "userid, or DIRECTORY\\userid", ("qseow:header", "qseow:certificate")),
    ("client_cert", "Client cert", "QMC's client.pem", ("qseow:certificate",)),
    ("client_key", "Client key", "QMC's client_key.pem", ("qseow:certificate",)),
    ("client_id", "Client id", "the OAuth client's id", ("cloud:oauth",)),
    ("scopes", "Scopes", "optional, e.g. user_default", ("cloud:oauth",)),
    ("key", "Private key", "PEM file (ctrl+g makes a key pair)", _JWT),
    ("cert", "Certificate", "PEM file (optional)", _JWT),
    ("key_id", "Key id (kid)", "the IdP's key id", ("cloud:jwt",)),
    ("issuer", "Issuer (iss)", "the IdP's issuer", ("cloud:jwt",)),
    ("algorithm", "Algorithm", "RS256 (RS384, RS512 for QSEoW)", _JWT),
    ("audience", "Audience", "optional", ("qseow:jwt",)),
    ("lifetime", "Lifetime", "90, 30m, 1h...", _JWT),
    ("session_cookie", "Session cookie", "optional: pin the proxy's cookie name", ("qseow:jwt", "qseow:header")),
    ("ca_bundle", "CA bundle", "optional (certificates: QMC's root.pem)", ()),
    ("clock_skew", "Clock skew (s)", "optional, default 5", _JWT),
    ("catalog_files", "Catalog files", "OpenAPI files, comma-separated (optional)", ()),
)
METHODS = {
    "qseow": [("JWT", "jwt"), ("header (virtual proxy)", "header"), ("client certificate (QRS)", "certificate")],
    "cloud": [("JWT", "jwt"), ("API key", "api_key"), ("OAuth client", "oauth")],
}
CLAIM_EXAMPLES = {
    "qseow": 'userDirectory = "LAB"\nuserId = "alice"\n',
    "cloud": 'sub = "alice"\nname = "Alice"\nemail = "alice@example.com"\nemail_verified = true\n',
}
# A profile key or claim named in a problem, and the field that holds it.
_PROBLEM_KEY = re.compile(r"^(?:profile '.*?', )?(?:keys? `(\w+)`|(name):|(claims?)\b|`(claims)`)")
_SECRET_KEY = re.compile(r"^(api_key|client_secret|key_passphrase)(?:_(?:env|file|command))?$")
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
    if key == "scopes":  # OAuth writes scopes space-separated; people also type commas
        return text.replace(",", " ").split()
    if key == "url" and text and "://" not in text:
        return f"https://{text}"  # people type the host; the scheme is added, not demanded
    return text


def field_of(problem: str) -> str | None:
    """The id of the form field a problem is about ("f-lifetime"...), if it names one."""
    match = _PROBLEM_KEY.match(problem)
    if match is None:
        return None
    key = next(group for group in match.groups() if group)
    secret = _SECRET_KEY.match(key)
    if secret:
        return f"f-{secret.group(1)}"
    return "f-claims" if key.startswith("claim") else f"f-{key}"


def _shows(where: tuple[str, ...], kind: str, auth: str) -> bool:
    return not where or f"{kind}:{auth}" in where


def _secret_source(raw: dict[str, Any], name: str) -> tuple[str, str]:
    """(source kind, where) of secret `name` in a profile table: ("env", "") when it names none."""
    for kind in ("env", "file", "command"):
        value = raw.get(f"{name}_{kind}")
        if value is not None:
            return kind, shlex.join(value) if isinstance(value, list) else str(value)
    return "env", ""


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
        self.auth = str(self.raw.get("auth", "jwt"))

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="modal-box editor-box") as box:
            box.border_title = "Edit profile" if self.original_name else "New profile"
            box.border_subtitle = "ctrl+s save · ctrl+g keys · Esc cancel"
            with Horizontal(classes="field-row"):
                yield Label("Name", classes="field-label")
                yield Input(self.initial_name, id="f-name", compact=True, placeholder="e.g. prod")
            with Horizontal(classes="field-row"):
                yield Label("Type", classes="field-label")
                choices = [("QSEoW (Qlik Sense Enterprise)", "qseow"), ("Qlik Cloud tenant", "cloud")]
                yield Select(choices, value=self.kind, allow_blank=False, id="f-type", compact=True)
            with Horizontal(classes="field-row"):
                yield Label("Sign-in", classes="field-label")
                yield Select(METHODS[self.kind], value=self.auth, allow_blank=False, id="f-auth", compact=True)
            for key, label, placeholder, _ in FIELDS:
                with Horizontal(classes="field-row", id=f"row-{key}"):
                    yield Label(label, classes="field-label")
                    value = _shown(self.raw.get(key, ""))
                    yield Input(value, id=f"f-{key}", placeholder=placeholder, compact=True, select_on_focus=False)
            for name in SECRET_FIELDS:
                source, where = _secret_source(self.raw, name)
                with Horizontal(classes="field-row", id=f"row-{name}"):
                    yield Label(SECRET_LABELS[name], classes="field-label")
                    yield Select(SOURCE_CHOICES, value=source, allow_blank=False, id=f"f-{name}-source", compact=True)
                    yield Input(where, id=f"f-{name}", placeholder=SOURCE_HINTS[source], compact=True, select_on_focus=False)
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
            yield Label("Claims (TOML: name = value)", id="claims-label")
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
        self._show_fields()
        self.query_one("#f-name", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        select_id = str(event.select.id)
        if select_id.endswith("-source"):
            field = self.query_one(f"#{select_id.removesuffix('-source')}", Input)
            field.placeholder = SOURCE_HINTS[str(event.value)]
            return
        if select_id == "f-auth":
            self.auth = str(event.value)
            self._show_fields()
            return
        if select_id != "f-type" or str(event.value) == self.kind:
            return
        claims = self.query_one("#f-claims", TextArea)
        if claims.text == CLAIM_EXAMPLES[self.kind]:  # still the other product's template: not the user's text
            claims.text = CLAIM_EXAMPLES[str(event.value)]
        self.kind = str(event.value)
        methods = METHODS[self.kind]
        if self.auth not in {value for _, value in methods}:
            self.auth = "jwt"  # header/certificate are QSEoW's, API keys/OAuth Cloud's
        self.query_one("#f-auth", Select).set_options(methods)
        self.query_one("#f-auth", Select).value = self.auth
        self._show_fields()

    def _show_fields(self) -> None:
        """Only the fields of the chosen product and sign-in method."""
        for key, _, _, where in FIELDS:
            self.query_one(f"#row-{key}").display = _shows(where, self.kind, self.auth)
        for name, where in SECRET_FIELDS.items():
            self.query_one(f"#row-{name}").display = _shows(where, self.kind, self.auth)
        jwt = self.auth == "jwt"
        self.query_one("#claims-label").display = jwt
        self.query_one("#f-claims").display = jwt
        self.query_one("#keygen").display = jwt

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
        auth = str(self.query_one("#f-auth", Select).value)
        raw: dict[str, Any] = {"type": kind}
        if auth != "jwt":
            raw["auth"] = auth
        for key, _, _, where in FIELDS:
            if not _shows(where, kind, auth):
                continue
            value = self.query_one(f"#f-{key}", Input).value.strip()
            if value or key == "virtual_proxy":
                raw[key] = _typed(key, value)
        for secret, where in SECRET_FIELDS.items():
            value = self.query_one(f"#f-{secret}", Input).value.strip()
            if value and _shows(where, kind, auth):
                raw[f"{secret}_{self.query_one(f'#f-{secret}-source', Select).value}"] = value
        verify = str(self.query_one("#f-verify_tls", Select).value)
        if verify != "default":
            raw["verify_tls"] = verify == "true"
        for kept in ("vars", "session_cache"):  # keys the form has no field for: kept as they are, never dropped
            if kept in self.raw:
                raw[kept] = self.raw[kept]
        if auth != "jwt":
            return name, raw, problems
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
        if self.auth != "jwt":
            self.notify("Key pairs are for JWT sign-in; this method uses files from Qlik (or a secret's source).")
            return
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
