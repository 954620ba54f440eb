"""The endpoint browser: rows that fit 80 columns, a focus that shows without colour (Pilot)."""

from __future__ import annotations

from pathlib import Path

import tomli_w
from textual.widgets import Input

from qlik_tui.core.profiles.loader import parse_toml_text
from qlik_tui.demo.environment import Demo
from qlik_tui.ui.widgets.endpoint_browser import EndpointTree, fit_path
from tests.ui.conftest import make_app, settle


def row_text(tree: EndpointTree, y: int) -> str:
    return "".join(segment.text for segment in tree.render_line(y)).rstrip()


def test_fit_path_keeps_the_distinguishing_end() -> None:
    assert fit_path("/qrs/app/object/full", 40) == "/qrs/app/object/full"
    assert fit_path("/qrs/app/object/full", 17) == "…/app/object/full"  # the shared root goes first
    assert fit_path("/qrs/app/object/full", 12) == "/app…ct/full"  # then the middle: resource and end stay
    assert fit_path("/qrs/app/object/count", 12) == "/app…t/count"
    assert fit_path("/qrs/selection/{id}/app/object/count", 12) == "/sele…/count"
    assert fit_path("/qrs/app/object/full", 1) == "…"
    for width in range(1, 25):
        assert len(fit_path("/qrs/selection/{id}/app/object/count", width)) <= width


async def test_rows_at_80_columns_are_distinct_and_end_visibly(demo: Demo, tmp_path: Path) -> None:
    # One profile: the profile list stays short and leaves the endpoint tree its rows at 80x24.
    doc = parse_toml_text(demo.profiles_path.read_text())
    only = demo.profiles_path.with_name("one.toml")
    only.write_text(tomli_w.dumps({"profiles": {"demo-qseow": doc["profiles"]["demo-qseow"]}}))
    app = make_app(only, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.query_one("#endpoint-filter", Input).focus()
        await pilot.press(*"/qrs/app/object/ get")  # six GETs, among them /full and /count
        await pilot.pause()
        tree = app.query_one(EndpointTree)
        rows = [row_text(tree, y) for y in range(tree.size.height)]
        leaves = [r for r in rows if r.lstrip("│ ").startswith(("├", "└"))]
        assert len(leaves) >= 4
        assert len(set(leaves)) == len(leaves), leaves  # before: four rows read 'GET /qrs/app/object'
        assert any("…" in r and r.endswith("/full") for r in leaves), leaves
        assert any(r.endswith("/count") for r in leaves), leaves
        assert all(len(r) <= tree.size.width for r in rows)
        assert tree.virtual_size.width <= tree.size.width  # nothing hidden to the right


async def test_focused_cursor_row_is_reversed(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        tree = app.query_one(EndpointTree)
        tree.focus()
        tree.cursor_line = 0
        await pilot.pause()
        # reverse video shows in 16 colours and under NO_COLOR, where colour alone does not
        assert any(s.style is not None and s.style.reverse for s in tree.render_line(0))
        app.query_one("#path", Input).focus()
        await pilot.pause()
        assert not any(s.style is not None and s.style.reverse for s in tree.render_line(0))
