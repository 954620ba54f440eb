"""curl both ways from the keyboard at 80x24 (Pilot, against the simulator)."""

from __future__ import annotations

import json
from pathlib import Path

from textual import events
from textual.widgets import Input, Select, TextArea

from qlik_tui.demo.environment import Demo
from qlik_tui.ui.screens.simple import CopiedScreen
from tests.sim.test_share_export import run_sh
from tests.ui.conftest import make_app, settle, wait_until


async def test_pasted_curl_switches_profile_fills_the_editor_and_sends(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.workspace.active == "demo-qseow"  # type: ignore[union-attr]
        cloud = app.workspace.profile_set.profiles["demo-cloud"].url  # type: ignore[union-attr]
        paste = (
            f"curl -X POST '{cloud}/api/v1/spaces?x=1' \\\n"
            "  -H 'Authorization: Bearer eyJfake.token.here' -H 'X-Trace: 7' \\\n"
            '  --data-raw \'{"name": "From curl", "type": "shared"}\''
        )
        path = app.query_one("#path", Input)
        path.focus()
        path.post_message(events.Paste(paste))
        await wait_until(pilot, lambda: app.workspace.active == "demo-cloud", what="switch to the Cloud profile")  # type: ignore[union-attr]
        await pilot.pause()
        assert path.value == "/api/v1/spaces" and app.query_one("#method", Select).value == "POST"
        assert app.query_one("#query", TextArea).text == "x=1"
        assert app.query_one("#headers", TextArea).text == "X-Trace: 7"
        assert json.loads(app.query_one("#body", TextArea).text) == {"name": "From curl", "type": "shared"}
        await wait_until(pilot, lambda: "dropped" in str(app.query_one("#placeholder-note").render()), what="the note")
        note = str(app.query_one("#placeholder-note").render())
        assert "Authorization dropped" in note and "eyJ" not in note
        await pilot.press("f5")
        await wait_until(pilot, lambda: app.workspace.state().response is not None, what="the response")  # type: ignore[union-attr]
        response = app.workspace.state().response  # type: ignore[union-attr]
        assert response.status == 201 and response.json()["name"] == "From curl"


async def test_typed_http_line_imports_on_enter(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        qseow = app.workspace.profile_set.profiles["demo-qseow"].url  # type: ignore[union-attr]
        path = app.query_one("#path", Input)
        path.focus()
        path.value = f"http {qseow}/jwt/qrs/app/count filter==\"name eq 'x'\""
        await pilot.press("enter")
        await wait_until(pilot, lambda: path.value == "/qrs/app/count", what="the imported path")
        assert app.query_one("#query", TextArea).text == "filter=name eq 'x'"
        assert app.workspace.state().response is None  # type: ignore[union-attr]  # imported, not sent


async def test_a_url_entered_in_the_path_box_is_read_like_curl(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        cloud = app.workspace.profile_set.profiles["demo-cloud"].url  # type: ignore[union-attr]
        path = app.query_one("#path", Input)
        path.focus()
        path.post_message(events.Paste(f"{cloud}/api/v1/items?resourceType=app&limit=5"))
        await wait_until(pilot, lambda: path.value == "/api/v1/items", what="the URL read as a request")
        assert app.workspace.active == "demo-cloud"  # type: ignore[union-attr]
        assert app.query_one("#query", TextArea).text == "resourceType=app\nlimit=5"
        await settle(pilot)  # the new profile's token: minted before the app closes


async def test_f9_shows_and_copies_a_curl_that_runs(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        path = app.query_one("#path", Input)
        path.value = "/qrs/app/count"
        await pilot.press("f9")
        await wait_until(pilot, lambda: isinstance(app.screen, CopiedScreen), what="the export view")
        shown = app.screen.query_one("#copied-text", TextArea).text
        assert app.last_copied is not None and app.last_copied[1] == shown
        assert "$(qlik-tui --profiles" in shown and "eyJ" not in shown
        await pilot.press("escape")
        await pilot.press("shift+f9")
        await wait_until(pilot, lambda: isinstance(app.screen, CopiedScreen), what="the PowerShell view")
        assert "Invoke-RestMethod @request" in app.screen.query_one("#copied-text", TextArea).text
    done = run_sh(shown)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"value": 60}


async def test_f10_compares_with_the_other_profile_and_v_shows_volatile(tmp_path: Path) -> None:
    from textual.widgets import OptionList

    from qlik_tui.ui.screens.compare import CompareScreen, PickProfileScreen
    from tests.sim.test_cli_diff import two_sites_file

    with two_sites_file(tmp_path) as (path, test, prod):
        prod.qseow.store.objects["app"][0]["description"] = "changed on prod"
        prod.qseow.store.objects["app"][0]["modifiedDate"] = "2030-01-01T00:00:00.000Z"
        app = make_app(path, tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert app.workspace.active == "test"  # type: ignore[union-attr]
            app.query_one("#path", Input).value = "/qrs/app/full"
            await pilot.press("f10")  # the other profiles (one per sign-in method on each site): a picker first
            await wait_until(pilot, lambda: isinstance(app.screen, PickProfileScreen), what="the profile picker")
            picker = app.screen.query_one(OptionList)
            names = [str(picker.get_option_at_index(i).prompt) for i in range(picker.option_count)]
            assert "test" not in names and {"test-cloud", "prod", "prod-cloud"} <= set(names), names
            await pilot.press(*["down"] * names.index("prod"), "enter")
            await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen), what="the compare view")
            body = app.screen.query_one("#compare-body")
            await wait_until(pilot, lambda: "@@" in str(body.render()), what="the diff")
            text = str(body.render())
            first = test.qseow.store.objects["app"][0]["id"]
            assert text.startswith("--- test\n+++ prod\n") and f'.[id="{first}"].description @@ changed' in text
            assert "2030-01-01" not in text and "1 volatile field hidden" in text
            await pilot.press("v")
            await pilot.pause()
            assert "2030-01-01" in str(body.render())
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, CompareScreen)
            await pilot.press("f9")  # the export too: shown and copied, never written
            await wait_until(pilot, lambda: not isinstance(app.screen, CompareScreen) and app.last_copied is not None)
            secrets = [app.workspace.state(n).connection.tokens.token.token for n in ("test", "prod")]  # fmt: skip  # type: ignore[union-attr]
            cookies = [c.value for n in ("test", "prod") for c in app.workspace.state(n).connection.client.cookies.jar]  # type: ignore[union-attr]
        assert all(secrets) and cookies  # both sides signed in: there was something to leak
        for file in [p for p in tmp_path.rglob("*") if p.is_file() and "keys" not in p.parts]:
            data = file.read_bytes()
            assert not any(s.encode() in data for s in [*secrets, *cookies]), f"a secret in {file}"
