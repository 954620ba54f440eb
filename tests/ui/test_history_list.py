"""History rows read as a person typed them: decoded, with control characters made visible."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import OptionList, Static, TextArea

from qlik_tui.demo.environment import Demo
from qlik_tui.ui.widgets.response_view import ResponseView
from tests.ui.conftest import make_app, settle, wait_until
from tests.ui.test_app_flows import type_path


def history_rows(app: object) -> list[str]:
    history = app.query_one("#history", OptionList)  # type: ignore[attr-defined]
    return [str(history.get_option_at_index(i).prompt) for i in range(history.option_count)]


async def test_history_shows_decoded_query(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await type_path(pilot, "/qrs/app")
        app.query_one("#query", TextArea).text = "filter=name eq 'Sales & Co'"
        await pilot.press("f5")
        await settle(pilot)
        app.query_one("#side-tabs").active = "tab-history"  # type: ignore[attr-defined]
        await settle(pilot)  # the tab is filled when first opened
        rows = history_rows(app)
        history = app.query_one("#history", OptionList)
        history.focus()

        def underlined() -> bool:
            pieces = [s for s in history.render_line(0) if s.text.strip()]
            return bool(pieces) and all(s.style is not None and s.style.underline for s in pieces)

        # the highlighted row is underlined: visible in 16 colours and under NO_COLOR
        await wait_until(pilot, underlined, what="the highlighted row underlined")
    assert rows[0].endswith("200 GET /qrs/app?filter=name eq 'Sales & Co'"), rows
    assert "%20" not in rows[0] and "%27" not in rows[0]


async def test_history_filled_on_first_open_then_kept_current(demo: Demo, tmp_path: Path) -> None:
    # Composed when first opened (not before the first frame): it must then show what the
    # profile already sent, and follow every later request as before.
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert not app.query("#history")  # not composed at start-up
        await type_path(pilot, "/qrs/about")
        await pilot.press("f5")
        await settle(pilot)
        app.query_one("#side-tabs").active = "tab-history"  # type: ignore[attr-defined]
        await settle(pilot)
        assert [row.split(" ", 1)[1] for row in history_rows(app)] == ["200 GET /qrs/about"]
        await type_path(pilot, "/qrs/app/count")
        await pilot.press("f5")
        await settle(pilot)
        assert [row.split(" ", 1)[1] for row in history_rows(app)] == ["200 GET /qrs/app/count", "200 GET /qrs/about"]


async def test_history_from_a_file_cannot_drive_the_terminal(demo: Demo, tmp_path: Path) -> None:
    # A next-page link from a server lands in the history as a path: it is shown, never obeyed.
    folder = tmp_path / "history"
    folder.mkdir()
    entry = {
        "at": 1_800_000_000.0,
        "method": "GET",
        "path": "/api/v1/items%1b]0;owned%07",
        "query": [["next", "a\x1b[2Jb"]],
        "body": None,
        "status": 200,
        "elapsed": 0.1,
    }
    (folder / "demo-qseow.jsonl").write_text(json.dumps(entry) + "\n")
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        app.query_one("#side-tabs").active = "tab-history"  # type: ignore[attr-defined]
        await settle(pilot)
        rows = history_rows(app)
    assert rows[0].endswith("200 GET /api/v1/items␛]0;owned␇?next=a␛[2Jb"), rows
    assert "\x1b" not in rows[0] and "\x07" not in rows[0]


async def test_a_masked_history_entry_is_not_sent_with_the_mask(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await type_path(pilot, "/qrs/app")
        app.query_one("#query", TextArea).text = "filter=name eq 'x'\npassword=hunter2"
        await pilot.press("f5")
        await settle(pilot)
        app.query_one("#side-tabs").active = "tab-history"  # type: ignore[attr-defined]
        await settle(pilot)  # the tab is filled when first opened
        assert "password=••••••" in history_rows(app)[0]  # the history keeps no secret
        sent = demo.qseow.stats.requests
        history = app.query_one("#history", OptionList)
        history.focus()
        history.highlighted = 0
        await pilot.press("enter")  # re-run from the history: loaded, not sent
        await wait_until(pilot, lambda: "••••••" in app.query_one("#query", TextArea).text, what="the entry loaded")
        panel = app.query_one("#error-panel", Static)
        await wait_until(pilot, lambda: "masked in the history" in str(panel.render()), what="the refusal")
        assert "the query still holds" in str(panel.render()) and "type the real value" in str(panel.render())
        await settle(pilot)
        assert demo.qseow.stats.requests == sent
        app.query_one(ResponseView).show_idle("cleared")
        await pilot.press("f5")  # sent from the editor: refused the same way
        await wait_until(pilot, lambda: "masked in the history" in str(panel.render()), what="the refusal")
        await settle(pilot)
        assert demo.qseow.stats.requests == sent  # nothing went to the server
        app.query_one("#query", TextArea).text = "filter=name eq 'x'\npassword=hunter2"
        await pilot.press("f5")  # filled in: it goes
        await wait_until(pilot, lambda: demo.qseow.stats.requests == sent + 1, what="the filled-in request sent")


async def test_shift_f11_jumps_to_the_history_and_enter_sends_again(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_path(pilot, "/qrs/about")
        await pilot.press("f5")
        await settle(pilot)
        sent = demo.qseow.stats.requests
        await pilot.press("shift+f11")  # from the path box: the tab opens, its list has the focus
        await settle(pilot)
        history = app.query_one("#history", OptionList)
        assert app.focused is history and "/qrs/about" in history_rows(app)[0]
        history.highlighted = 0
        await pilot.press("enter")
        await wait_until(pilot, lambda: demo.qseow.stats.requests > sent, what="the request sent again")
