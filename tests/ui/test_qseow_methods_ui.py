"""The TUI with QSEoW profiles that sign in without a JWT: no minting, requests go through."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from qlik_tui.demo.environment import Demo
from qlik_tui.ui.widgets.json_tree import JsonTree
from tests.ui.conftest import make_app, settle, wait_until


async def test_certificate_and_header_profiles_send_without_a_token(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for name in ("demo-qseow-header", "demo-qseow-cert"):
            while name not in app.title:
                await pilot.press("f2")
                await settle(pilot)
            box = app.query_one("#path", Input)
            box.focus()
            box.value = ""
            await pilot.press(*"/qrs/app/count")
            await pilot.press("f5")
            await wait_until(pilot, lambda: "200 OK" in str(app.query_one("#status-line", Static).render()), what=name)
            assert app.query_one("#json-tree", JsonTree).root.data.value == {"value": 60}  # type: ignore[union-attr]
            # No "Cannot mint a token" for a profile that mints none.
            assert not [n for n in app._notifications if "mint" in str(n.title).lower()]
    assert demo.qseow.stats.header_logins == 1 and demo.qseow.stats.jwt_logins == 0
