"""The save-body dialog: centred, keys shown, the full target path shown before saving,
nothing overwritten, and the saved file named with its absolute path (Pilot, simulator)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from qlik_tui.demo.environment import Demo
from qlik_tui.ui.screens.save_body import SaveBodyScreen
from qlik_tui.ui.widgets.json_tree import JsonTree
from tests.ui.conftest import make_app, settle
from tests.ui.test_app_flows import type_path


async def open_save_dialog(pilot, path: str) -> SaveBodyScreen:  # type: ignore[no-untyped-def]
    await type_path(pilot, path)
    await pilot.press("f5")
    await settle(pilot)
    pilot.app.query_one("#json-tree", JsonTree).focus()
    await pilot.press("s")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, SaveBodyScreen)
    return screen


async def test_save_to_downloads_shown_in_full_and_never_overwritten(
    demo: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    (home / "Downloads").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await open_save_dialog(pilot, "/qrs/about")
        target = home / "Downloads" / "qrs-about.json"
        assert screen.query_one("#save-path", Input).value == str(target)
        assert f"saves to {target}" in str(screen.query_one("#save-target", Static).render())
        box = screen.query_one(".modal-box")
        assert "Enter save" in str(box.border_subtitle) and "Esc cancel" in str(box.border_subtitle)
        # centred, not in the top left corner
        region, size = box.region, app.size
        assert abs((region.x + region.width / 2) - size.width / 2) <= 1
        assert abs((region.y + region.height / 2) - size.height / 2) <= 1
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, SaveBodyScreen)
        assert any(str(target) in n.message for n in app._notifications)
        saved = target.read_bytes()
        assert saved == app.workspace.state().response.body  # type: ignore[union-attr]
        assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
        # the same name again: said before Enter, refused on Enter, the file untouched
        screen = await open_save_dialog(pilot, "/qrs/about")
        assert "already exists" in str(screen.query_one("#save-problem", Static).render())
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SaveBodyScreen)
        await pilot.press("escape")
    assert target.read_bytes() == saved


async def test_without_downloads_the_start_folder_is_shown_and_relative_names_stay_in_it(
    demo: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "no-downloads-here"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await open_save_dialog(pilot, "/qrs/about")
        box = screen.query_one("#save-path", Input)
        assert box.value == str(work / "qrs-about.json")
        box.value = "about.json"
        await pilot.pause()
        assert f"saves to {work / 'about.json'}" in str(screen.query_one("#save-target", Static).render())
        await pilot.press("enter")
        await pilot.pause()
    assert (work / "about.json").exists()


def test_the_default_folder_survives_a_deleted_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qlik_tui.ui.screens.save_body import default_folder

    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no ~/Downloads
    gone.rmdir()
    assert default_folder() == tmp_path / "home"
