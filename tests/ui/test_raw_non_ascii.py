"""The Raw tab of a big non-ASCII body: its text is kept as UTF-8 bytes and only the lines
drawn are decoded; lines, columns of search hits and their highlight are the characters'
(Pilot; the response is shown as the connection hands it over)."""

from __future__ import annotations

import json
from pathlib import Path

from rich.style import Style
from textual.widgets import Static

from qlik_tui.core.http.types import Response
from qlik_tui.demo.environment import Demo
from qlik_tui.ui.widgets.json_tree import JsonTree
from qlik_tui.ui.widgets.raw_search_view import RawSearchView
from qlik_tui.ui.widgets.response_view import ResponseView
from tests.ui.conftest import make_app, settle, wait_until
from tests.ui.test_app_flows import text_of
from tests.ui.test_big_responses import send

NAMES = ["Café Ünïcode", "ΟΔΟΣ straße", "😀 emoji İstanbul", "plain"]


def big_body() -> tuple[bytes, list[dict[str, object]]]:
    records = [{"id": i, "name": f"{NAMES[i % 4]} {i}", "note": f"ÉTÉ {i} Needle été"} for i in range(6_000)]
    return json.dumps(records, ensure_ascii=False).encode(), records  # > 256 KB: built in a thread, in C


async def test_raw_lines_and_hits_of_a_non_ascii_body_are_characters(demo: Demo, tmp_path: Path) -> None:
    body, records = big_body()
    assert len(body) > 256 * 1024
    lines = json.dumps(records, indent=2, ensure_ascii=False).splitlines()
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await send(pilot, "/qrs/about")  # the app as after any request; then the big answer
        headers = [("Content-Type", "application/json; charset=utf-8")]
        response = Response("GET", "https://x/qrs/app/full", 200, "OK", headers, body, 0.1)
        app.query_one(ResponseView).show(response)
        app.query_one("#json-tree", JsonTree).focus()
        await pilot.press("2")
        raw = app.query_one("#raw", RawSearchView)
        await wait_until(pilot, lambda: raw.line_count == len(lines), what="the whole raw text")
        assert isinstance(raw._text, bytes)  # one UTF-8 copy: no decoded str beside it
        assert [raw.line(i) for i in (0, 2, 3, 7, 8, len(lines) - 1)] == [lines[i] for i in (0, 2, 3, 7, 8, len(lines) - 1)]

        await pilot.press("slash", *"été", "enter")  # a non-ASCII query finds ÉTÉ and été
        await settle(pilot)
        expected = [(i, c) for i, line in enumerate(lines) for c in _starts(line.lower(), "été")]
        assert raw.hits[:50] == expected[:50] and len(raw.hits) == min(len(expected), 10_000)
        await pilot.press("escape", "escape")
        await pilot.press("slash", *"NEEDLE", "enter")  # after ÉTÉ on the same line: a character column
        await settle(pilot)
        line, column = raw.hits[0]
        assert (line, column) == (4, lines[4].index("Needle")) and lines[4].startswith('    "note": "ÉTÉ 0')
        assert text_of(app.query_one("#find-status", Static)).startswith("1 of 6,000")
        y = line - int(raw.scroll_y)
        marked = [s.text for s in raw.render_line(y) if isinstance(s.style, Style) and s.style.reverse]
        assert marked == ["Needle"]  # the highlight lands on the hit, not bytes off it


def _starts(line: str, query: str) -> list[int]:
    found, at = [], line.find(query)
    while at != -1:
        found.append(at)
        at = line.find(query, at + len(query))
    return found
