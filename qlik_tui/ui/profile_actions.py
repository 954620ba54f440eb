"""Create, edit, duplicate and delete profiles from the TUI, saved through core's atomic writer."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import ProfileError
from ..core.profiles.model import Profile, ProfileSet
from ..core.profiles.store import save_profiles
from .app_protocol import AppHost
from .screens.profile_editor import ProfileEditor
from .screens.simple import ConfirmScreen
from .screens.welcome import WelcomeScreen

if TYPE_CHECKING:
    from typing import TypeAlias

    from ..core.workspace import Workspace

    # The methods below annotate `self` with the app's old name: it now means this mixin,
    # which sees the app only through AppHost (app_protocol.py).
    QlikTuiApp: TypeAlias = "ProfileActions"


class ProfileActions(AppHost):
    """Mixed into the app: the profile editor's four actions."""

    workspace: Workspace | None  # assigned below: declared here so the type checker knows it

    def _base_dir(self: QlikTuiApp) -> Path:  # type: ignore[misc]
        return self.profiles_path.expanduser().resolve().parent

    def action_new_profile(self: QlikTuiApp) -> None:  # type: ignore[misc]
        """Open the editor on a blank profile."""
        names = self.workspace.profile_set.names() if self.workspace else []
        self.push_screen(ProfileEditor(self._base_dir(), names), lambda result: self._store(None, result))

    def action_edit_profile(self: QlikTuiApp) -> None:  # type: ignore[misc]
        """Open the editor on the active profile."""
        if self.workspace is None or self.workspace.active is None:
            return
        name = self.workspace.active
        profile = self.workspace.profile_set.profiles[name]
        self.push_screen(
            ProfileEditor(self._base_dir(), self.workspace.profile_set.names(), profile, name),
            lambda result: self._store(name, result),
        )

    def action_duplicate_profile(self: QlikTuiApp) -> None:  # type: ignore[misc]
        """Open the editor on a copy of the active profile, under a new name."""
        if self.workspace is None or self.workspace.active is None:
            return
        name = self.workspace.active
        profile = self.workspace.profile_set.profiles[name]
        names = self.workspace.profile_set.names()
        self.push_screen(
            ProfileEditor(self._base_dir(), names, profile, f"{name}-copy"), lambda result: self._store(None, result)
        )

    def action_delete_profile(self: QlikTuiApp) -> None:  # type: ignore[misc]
        """Delete the active profile after a confirmation."""
        if self.workspace is None or self.workspace.active is None:
            return
        name = self.workspace.active

        def answer(yes: bool | None) -> None:
            if yes:
                profiles = {n: p for n, p in self.workspace.profile_set.profiles.items() if n != name}  # type: ignore[union-attr]
                self._save(profiles, None)

        self.push_screen(ConfirmScreen(f"Delete profile '{name}'? The file keeps a .bak of the previous version."), answer)

    def _store(self: QlikTuiApp, old_name: str | None, result: tuple[str, Profile] | None) -> None:  # type: ignore[misc]
        if result is None:
            return
        new_name, profile = result
        current = dict(self.workspace.profile_set.profiles) if self.workspace else {}
        merged: dict[str, Profile] = {}
        for name, existing in current.items():
            merged[new_name if name == old_name else name] = profile if name == old_name else existing
        merged.setdefault(new_name, profile)
        self._save(merged, new_name, renamed=(old_name, new_name) if old_name else None)

    def _save(  # type: ignore[misc]
        self: QlikTuiApp, profiles: dict[str, Profile], activate: str | None, renamed: tuple[str, str] | None = None
    ) -> None:
        old = self.workspace.profile_set if self.workspace else None
        default = old.default if old else None
        if renamed and default == renamed[0]:
            default = renamed[1]  # renaming the default profile keeps it the default
        if default not in profiles:
            default = None
        new_set = ProfileSet(self.profiles_path, profiles, default)
        try:
            save_profiles(new_set)
        except ProfileError as exc:
            self.notify("\n".join(exc.lines()), title="Profile not saved", severity="error", timeout=12)
            return
        self.notify(f"Saved {self.profiles_path} (previous version kept as .bak)")
        if self.workspace is None:
            from ..core.workspace import Workspace

            self.workspace = Workspace(new_set, self.history_dir, clock=self.clock)
        else:
            self.workspace.replace_profiles(new_set)
        if not new_set.profiles:
            # The last profile went: back to the first screen, which offers to create one.
            self.workspace = None
            self.push_screen(WelcomeScreen(self.profiles_path, None), self._after_welcome)
            return
        self.switch_profile(activate or self.workspace.active or new_set.default_name() or "")
