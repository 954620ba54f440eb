"""Query rows and body belong to one operation: they do not travel to the next one (Pilot,
against the simulator)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select, TextArea

from qlik_tui.core.catalog.operations import find_operation
from qlik_tui.demo.environment import Demo
from qlik_tui.ui.widgets.json_tree import JsonTree
from tests.ui.conftest import make_app, settle
from tests.ui.test_app_flows import type_path
from tests.ui.test_navigation import endpoint


def rows(app: object) -> str:
    return app.query_one("#query", TextArea).text  # type: ignore[attr-defined,no-any-return]


def sent_query(app: object) -> dict[str, str]:
    return dict(app.workspace.state().request.query)  # type: ignore[attr-defined]


async def test_next_page_cursor_does_not_follow_to_another_endpoint(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2")  # the Cloud profile
        await settle(pilot)
        app.load_endpoint(endpoint("GET /api/v1/items", "cloud"))
        await settle(pilot)
        app.query_one("#query", TextArea).text = "limit=5"
        await pilot.press("f5")
        await settle(pilot)
        app.query_one("#json-tree", JsonTree).focus()
        await pilot.press("n")  # next page: the editor now holds next=<cursor>
        await settle(pilot)
        assert "next" in sent_query(app) and "next=" in rows(app)
        await type_path(pilot, "/api/v1/spaces")  # another endpoint, typed
        await pilot.pause()
        spaces = find_operation("GET", "/api/v1/spaces")
        assert spaces is not None
        assert rows(app) == "\n".join(f"{p}=" for p in spaces.params)  # its own (empty) rows
        await pilot.press("f5")
        await settle(pilot)
        assert app.workspace.state().request.path == "/api/v1/spaces"  # type: ignore[union-attr]
        assert sent_query(app) == {}  # before: next=<items cursor> went to /api/v1/spaces
        assert app.workspace.state().response.status == 200  # type: ignore[union-attr]


async def test_method_change_brings_that_operations_rows_and_body(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.load_endpoint(endpoint("GET /qrs/stream"))
        await settle(pilot)
        app.query_one("#query", TextArea).text = "filter=name eq 'Everyone'"
        await pilot.press("f5")
        await settle(pilot)
        assert sent_query(app) == {"filter": "name eq 'Everyone'"}
        await pilot.press("f5")  # the same operation again: what the person typed stays
        await settle(pilot)
        assert sent_query(app) == {"filter": "name eq 'Everyone'"}
        app.query_one("#method", Select).value = "POST"
        await pilot.pause()
        post = endpoint("POST /qrs/stream")
        assert rows(app) == "" and app.query_one("#body", TextArea).text == post.body
        app.query_one("#method", Select).value = "GET"
        await pilot.pause()
        assert rows(app) == "filter=\norderby=\nprivileges=" and app.query_one("#body", TextArea).text == ""


async def test_filling_an_id_keeps_the_rows_and_unsent_edits_are_kept(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.load_endpoint(endpoint("GET /qrs/app/full"))
        await settle(pilot)
        loaded = rows(app)
        await type_path(pilot, "/qrs/app/full")  # retyping the same operation changes nothing
        await pilot.pause()
        assert rows(app) == loaded
        app.query_one("#query", TextArea).text = "filter=name sw 'S'"  # typed, not sent yet
        await type_path(pilot, "/qrs/app")  # e.g. fixing the path before sending: kept
        await pilot.pause()
        assert rows(app) == "filter=name sw 'S'"
        await pilot.press("f5")
        await settle(pilot)
        assert sent_query(app) == {"filter": "name sw 'S'"}
        app.query_one("#path", Input).value = "/qrs/stream"  # sent rows do not travel
        await pilot.pause()
        assert "name sw" not in rows(app)


async def test_focused_method_select_is_reversed(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        label = app.query_one("#method", Select).query_one("SelectCurrent #label")
        app.query_one("#method", Select).focus()
        await pilot.pause()
        # a 5% tint was all: invisible in 16 colours and under NO_COLOR; reverse video is not
        assert any(s.style is not None and s.style.reverse for s in label.render_line(0) if s.text.strip())
        app.query_one("#path", Input).focus()
        await pilot.pause()
        assert not any(s.style is not None and s.style.reverse for s in label.render_line(0))
