"""The first screen when there is no profiles file yet (or it has problems): never an error wall."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

from ...core.errors import ProfileError
from ...core.profiles.model import Profile, ProfileSet
from ...core.profiles.store import put_profile
from .profile_editor import ProfileEditor


class WelcomeScreen(Screen[ProfileSet | None]):
    """Explains what to do; `n` opens the profile editor and saves a first profile."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New profile", id="welcome.new"),
        Binding("q,escape", "leave", "Quit", id="welcome.quit"),
    ]

    def __init__(self, path: Path, problem: ProfileError | None) -> None:
        super().__init__()
        self.path = path
        self.problem = problem

    def compose(self) -> ComposeResult:
        text = Text()
        if self.problem is None:
            text.append("Welcome to qlik-tui\n\n", style="bold")
            text.append(f"There is no profiles file at {self.path} yet.\n\n")
        else:
            text.append("The profiles file has problems\n\n", style="bold")
            for line in self.problem.lines():
                text.append(line + "\n")
            text.append("\nFix the file in an editor (it is not touched here), or quit.\n\n")
        text.append("• press n to create a profile here (saved with mode 0600)\n")
        text.append("• qlik-tui demo   tries everything against a built-in Qlik simulator\n")
        text.append("• qlik-tui keygen --dir DIR   makes a key and a certificate for the virtual proxy or IdP\n")
        text.append("• profiles.example.toml documents every key\n")
        with VerticalScroll(classes="welcome-box"):
            yield Static(text, id="welcome-text")
            with Horizontal(classes="buttons"):
                if self.problem is None:
                    yield Button("New profile (n)", id="new", variant="primary")
                yield Button("Quit (q)", id="quit")
        yield Footer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "new":
            self.action_new()
        else:
            self.action_leave()

    def action_leave(self) -> None:
        """Quit the app."""
        self.dismiss(None)

    def action_new(self) -> None:
        """Open the editor; a valid profile is saved into the file (which may have appeared meanwhile)."""
        if self.problem is not None:
            self.notify("Fix the file first: it is never overwritten while it has problems.", severity="warning")
            return
        self.app.push_screen(ProfileEditor(self.path.expanduser().resolve().parent, [], save=self._save), self._created)

    def _save(self, name: str, profile: Profile, overwrite: bool) -> ProfileSet:
        # put_profile re-reads the file: one written by an editor since this screen opened is
        # added to, never replaced; the first profile of a file becomes its default.
        return put_profile(self.path, name, profile, default_if_unset=True, overwrite=overwrite)

    def _created(self, result: tuple[str, ProfileSet] | None) -> None:
        if result is not None:
            self.dismiss(result[1])
