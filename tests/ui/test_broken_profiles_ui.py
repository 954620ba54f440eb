"""The TUI with a broken profile beside good ones, and a private key others can read."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.widgets import Static

from qlik_tui.demo.environment import DEMO_PROFILES, Demo
from qlik_tui.ui.launch import load_for_app
from qlik_tui.ui.widgets.profile_list import ProfileList
from qlik_tui.ui.widgets.token_panel import TokenPanel
from tests.ui.conftest import make_app, settle

BROKEN = """
[profiles.us]
type = "cloud"
url = "https://us.example.com"
key = "keys/private.pem"
key_id = "k"
issuer = "i"
lifetime = "2h"
[profiles.us.claims]
sub = "s"
name = "n"
email = "e@example.com"
email_verified = true
"""


def _with_broken(demo: Demo, default: str | None = None) -> Path:
    text = demo.profiles_path.read_text() + BROKEN
    if default:
        text = text.replace('default = "demo-qseow"', f'default = "{default}"')
    path = demo.profiles_path.with_name("mixed.toml")
    path.write_text(text)
    return path


async def test_broken_profile_is_listed_and_explains_itself(demo: Demo, tmp_path: Path) -> None:
    app = make_app(_with_broken(demo, default="us"), tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        # The default is broken: the app opens on the first usable profile instead.
        assert app.workspace is not None and app.workspace.active == "demo-qseow"
        plist = app.query_one(ProfileList)
        labels = [str(plist.get_option_at_index(i).prompt) for i in range(plist.option_count)]
        broken = len(DEMO_PROFILES)  # listed after the usable ones, in file order
        assert labels[broken] == "⚠ us  broken" and "demo-cloud" in labels[1]
        assert "Default profile skipped" in [n.title for n in app._notifications]
        plist.focus()
        plist.highlighted = broken
        await pilot.press("enter")
        await settle(pilot)
        assert app.workspace.active == "demo-qseow"  # Enter on a broken profile never switches
        messages = [n.message for n in app._notifications]
        titles = [n.title for n in app._notifications]
        assert "Profile 'us' cannot be used" in titles
        assert any("1-hour limit" in m for m in messages)


def test_all_profiles_broken_is_a_problem_for_the_welcome_screen(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(BROKEN)
    profile_set, problem = load_for_app(path)
    assert profile_set is None and problem is not None
    assert "no profile can be used" in problem.message and any("profile 'us'" in p for p in problem.problems)


async def test_token_panel_warns_about_an_open_key_until_it_is_fixed(demo: Demo, tmp_path: Path) -> None:
    key = demo.profiles_path.parent / "keys" / "open.pem"
    shutil.copy(demo.profiles_path.parent / "keys" / "private.pem", key)
    key.chmod(0o644)
    path = demo.profiles_path.with_name("open.toml")
    path.write_text(demo.profiles_path.read_text().replace('key = "keys/private.pem"', 'key = "keys/open.pem"'))
    app = make_app(path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        panel = app.query_one(TokenPanel)
        assert f"⚠ key mode 0644: chmod 600 {key}" in str(Static.render(panel))
        key.chmod(0o600)
        panel.refresh_text()
        assert "chmod" not in str(Static.render(panel))
