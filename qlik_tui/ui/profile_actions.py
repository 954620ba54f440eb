"""Create, edit, duplicate and delete profiles from the TUI, saved through core's atomic writer."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import ProfileConflict, ProfileError
from ..core.profiles.loader import load_profiles
from ..core.profiles.model import Profile, ProfileSet, resolve_path
from ..core.profiles.store import delete_profile, put_profile, set_default
from .app_protocol import AppHost
from .screens.profile_editor import ProfileEditor, Saver
from .screens.simple import ConfirmScreen
from .screens.welcome import WelcomeScreen
from .widgets.profile_list import ProfileList

if TYPE_CHECKING:
    from typing import TypeAlias

    from ..core.workspace import Workspace

    # The methods below annotate `self` with the app's old name: it now means this mixin,
    # which sees the app only through AppHost (app_protocol.py).
    QlikTuiApp: TypeAlias = "ProfileActions"


# The app's own actions that still mean something before any profile exists.
WITHOUT_A_PROFILE = frozenset({"help", "quit", "command_palette", "show_copied", "toggle_sidebar"})


class ProfileActions(AppHost):
    """Mixed into the app: the profile editor's four actions."""

    _workspace: Workspace | None = None

    @property  # type: ignore[override]
    def workspace(self) -> Workspace | None:
        """The profiles in use; None while the welcome screen asks for a first one."""
        return self._workspace

    @workspace.setter
    def workspace(self, value: Workspace | None) -> None:
        # Which app keys show depends on it (check_action): the footer must look again.
        had = self._workspace is not None
        self._workspace = value
        if had != (value is not None) and self._is_mounted:
            self.call_after_refresh(self.refresh_bindings)

    home_profiles: Path | None = None  # `qlik-tui demo`: the user's own profiles file, for new profiles

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No profile yet (the welcome screen): hide the app keys that need one, so the footer
        and F1 offer only what works there."""
        if self.workspace is None and action not in WITHOUT_A_PROFILE:
            return False
        return True

    def _base_dir(self: QlikTuiApp) -> Path:  # type: ignore[misc]
        return self.profiles_path.expanduser().resolve().parent

    def action_new_profile(self: QlikTuiApp) -> None:  # type: ignore[misc]
        """Open the editor on a blank profile."""
        names = self.workspace.profile_set.names() if self.workspace else []
        base = self._new_profile_file().expanduser().resolve().parent
        self.push_screen(ProfileEditor(base, names, save=self._saver(None, None)), lambda result: self._store(None, result))

    def action_edit_profile(self: QlikTuiApp) -> None:  # type: ignore[misc]
        """Open the editor on the active profile."""
        if self.workspace is None or self.workspace.active is None or not self._reload_if_changed():
            return
        name = self.workspace.active
        profile = self.workspace.profile_set.profiles[name]
        self.push_screen(
            ProfileEditor(self._base_dir(), self.workspace.profile_set.names(), profile, name, save=self._saver(name, profile)),
            lambda result: self._store(name, result),
        )

    def action_duplicate_profile(self: QlikTuiApp) -> None:  # type: ignore[misc]
        """Open the editor on a copy of the active profile, under a new name."""
        if self.workspace is None or self.workspace.active is None or not self._reload_if_changed():
            return
        name = self.workspace.active
        base = self._new_profile_file().expanduser().resolve().parent
        profile = portable(self.workspace.profile_set.profiles[name], base)
        names = self.workspace.profile_set.names()
        self.push_screen(
            ProfileEditor(base, names, profile, f"{name}-copy", save=self._saver(None, None)),
            lambda result: self._store(None, result),
        )

    def action_delete_profile(self: QlikTuiApp) -> None:  # type: ignore[misc]
        """Delete the active profile after a confirmation."""
        if self.workspace is None or self.workspace.active is None or not self._reload_if_changed():
            return
        name = self.workspace.active
        profile = self.workspace.profile_set.profiles[name]

        def delete(overwrite: bool) -> None:
            try:
                saved = delete_profile(self.profiles_path, name, base=profile, overwrite=overwrite)
            except ProfileConflict as exc:
                self.push_screen(ConfirmScreen(f"{exc.message}.\nDelete it anyway?"), lambda yes: delete(True) if yes else None)
                return
            except ProfileError as exc:
                self.notify("\n".join(exc.lines()), title="Profile not deleted", severity="error", timeout=12)
                return
            self._save(saved, None)

        question = f"Delete profile '{name}'? The file keeps a .bak of the previous version."
        self.push_screen(ConfirmScreen(question), lambda yes: delete(False) if yes else None)

    def on_profile_list_make_default(self: QlikTuiApp, message: ProfileList.MakeDefault) -> None:  # type: ignore[misc]
        """d in the profiles list: `default = NAME`, changed in place in the file."""
        try:
            saved = set_default(self.profiles_path, message.name)
        except ProfileError as exc:
            self.notify("\n".join(exc.lines()), title="Default not changed", severity="error", timeout=12)
            return
        self._save(saved, None)
        self.notify(f"'{message.name}' is the default profile now.")

    def _reload_if_changed(self: QlikTuiApp) -> bool:  # type: ignore[misc]
        """Before an edit: take in what changed in the file on disk. False if the active profile is gone."""
        assert self.workspace is not None
        try:
            fresh = load_profiles(self.profiles_path)
        except ProfileError:
            return True  # a file broken meanwhile is reported (and never overwritten) when saving
        if fresh == self.workspace.profile_set:
            return True
        active = self.workspace.active
        self._show_set(fresh, active if active in fresh.profiles else None)
        if active not in fresh.profiles:
            self.notify(f"'{active}' is no longer in the profiles file (changed on disk): reloaded.", severity="warning")
            return False
        self.notify("The profiles file changed on disk: reloaded before editing.")
        return True

    def _new_profile_file(self: QlikTuiApp) -> Path:  # type: ignore[misc]
        """Where new profiles go: the profiles file, or in the demo the user's own (the demo's is rebuilt)."""
        return self.home_profiles or self.profiles_path

    def _saver(self: QlikTuiApp, old_name: str | None, base: Profile | None) -> Saver:  # type: ignore[misc]
        """The editor's save: only this edit goes into the file as it is on disk now."""
        path = self.profiles_path if old_name is not None else self._new_profile_file()

        def save(name: str, profile: Profile, overwrite: bool) -> ProfileSet:
            return put_profile(path, name, profile, old_name=old_name, base=base, overwrite=overwrite)

        return save

    def _store(self: QlikTuiApp, old_name: str | None, result: tuple[str, ProfileSet] | None) -> None:  # type: ignore[misc]
        if result is None:
            return
        name, saved = result
        if saved.path != self.profiles_path:
            self.notify(
                f"Saved '{name}' to your profiles file {saved.path}: the demo's own file is rebuilt at each start. "
                "Run qlik-tui (without demo) to use it.",
                timeout=15,
            )
            return
        self._save(saved, name)

    def _save(self: QlikTuiApp, new_set: ProfileSet, activate: str | None) -> None:  # type: ignore[misc]
        """After a save: say so, and show what the file holds now."""
        if self.workspace is not None and new_set == self.workspace.profile_set:
            # core wrote nothing (no change): naming a .bak that was never made would be false.
            self.notify(f"No change: nothing to save, {self.profiles_path} left as it is.")
        else:
            self.notify(f"Saved {self.profiles_path} (previous version kept as .bak)")
        self._show_set(new_set, activate)

    def _show_set(self: QlikTuiApp, new_set: ProfileSet, activate: str | None) -> None:  # type: ignore[misc]
        """Show what the file holds now (the edit, and whatever else changed on disk)."""
        if self.workspace is None:
            from ..core.workspace import Workspace

            self.workspace = Workspace(new_set, self.history_dir, clock=self.clock, sessions=self.sessions)
        else:
            self.workspace.replace_profiles(new_set)
        if not new_set.profiles:
            # The last profile went: back to the first screen, which offers to create one.
            self.workspace = None
            self.push_screen(WelcomeScreen(self.profiles_path, None), self._after_welcome)
            return
        self.switch_profile(activate or self.workspace.active or new_set.default_name() or "")


def portable(profile: Profile, base_dir: Path) -> Profile:
    """`profile` with relative file paths made absolute when it is saved in another folder."""
    if base_dir == profile.base_dir:
        return profile

    def fixed(raw: str | None) -> str | None:
        if raw is None or raw.startswith(("~", "$")) or Path(raw).is_absolute():
            return raw
        return str(resolve_path(raw, profile.base_dir))

    return dataclasses.replace(
        profile,
        key=fixed(profile.key) or "",
        cert=fixed(profile.cert),
        ca_bundle=fixed(profile.ca_bundle),
        catalog_files=tuple(fixed(f) or f for f in profile.catalog_files),
        base_dir=base_dir,
    )
