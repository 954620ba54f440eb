"""Snapshot tests of the key screens at 80x24 and 120x40 (fixed clock, no live server).

Update on purpose after a Textual bump or a deliberate UI change:
    python -m pytest tests/ui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from qlik_tui.core.auth.keys import GeneratedKeys
from qlik_tui.ui.app import QlikTuiApp
from tests.ui.conftest import make_app
from tests.ui.conftest import settle as settle_workers

FIXED_NOW = 1_800_000_000.0  # 2027-01-15T08:00:00Z

PROFILES = """
default = "prod"
[profiles.prod]
type = "qseow"
url = "http://127.0.0.1:9"
virtual_proxy = "jwt"
key = "{key}"
lifetime = "5m"
[profiles.prod.claims]
userDirectory = "LAB"
userId = "goran"

[profiles.eu]
type = "cloud"
url = "https://tenant.eu.qlikcloud.com"
key = "{key}"
key_id = "kid-1"
issuer = "https://issuer.example.com"
verify_tls = false
[profiles.eu.claims]
sub = "goran"
name = "Göran Sander"
email = "goran@example.com"
email_verified = true
"""


@pytest.fixture
def fixed_app(tmp_path: Path, keys: GeneratedKeys) -> QlikTuiApp:
    path = tmp_path / "profiles.toml"
    path.write_text(PROFILES.format(key=keys.key_path))
    return make_app(path, tmp_path, clock=lambda: FIXED_NOW)


async def settle(pilot: Pilot[int]) -> None:
    """Workers done and no blinking cursor: a snapshot must not depend on when it is taken."""
    for screen in pilot.app.screen_stack:
        for widget in screen.query("Input, TextArea"):
            widget.cursor_blink = False  # type: ignore[attr-defined]
    await settle_workers(pilot)


async def _settled(pilot: Pilot[int]) -> None:
    await steady(pilot)


async def steady(pilot: Pilot[int]) -> None:
    """Settle, then stop the cursor blinking: otherwise the picture depends on how long the
    app took to get here (a blink phase), not on what it shows."""
    await settle(pilot)
    for box in pilot.app.query(Input):
        box.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_main_screen(snap_compare: object, fixed_app: QlikTuiApp, size: tuple[int, int]) -> None:
    assert snap_compare(fixed_app, terminal_size=size, run_before=_settled)  # type: ignore[operator]


def test_token_details(snap_compare: object, fixed_app: QlikTuiApp) -> None:
    async def open_token(pilot: Pilot[int]) -> None:
        await steady(pilot)
        pilot.app.query_one("#endpoint-tree").focus()
        await pilot.press("ctrl+t")
        await settle(pilot)

    assert snap_compare(fixed_app, terminal_size=(100, 30), run_before=open_token)  # type: ignore[operator]


def test_error_view(snap_compare: object, fixed_app: QlikTuiApp) -> None:
    async def fail(pilot: Pilot[int]) -> None:
        await steady(pilot)
        await pilot.press(*"/qrs/about", "f5")
        await settle(pilot)

    assert snap_compare(fixed_app, terminal_size=(100, 30), run_before=fail)  # type: ignore[operator]


def test_cloud_profile_with_tls_off(snap_compare: object, fixed_app: QlikTuiApp) -> None:
    async def switch(pilot: Pilot[int]) -> None:
        await steady(pilot)
        await pilot.press("f2")
        await steady(pilot)

    assert snap_compare(fixed_app, terminal_size=(100, 30), run_before=switch)  # type: ignore[operator]
