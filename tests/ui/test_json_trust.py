"""Hostile and odd bodies in the TUI (Pilot, simulator over loopback): deep nesting, control
characters and markup in keys and values, paging links of the wrong shape, paths that copy
and filter alike, the find bar's modes, and '1 item'."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static

from qlik_tui.demo.environment import Demo
from qlik_tui.ui.widgets.json_tree import MAX_LEVELS, JsonTree
from qlik_tui.ui.widgets.raw_view import RawView
from tests.ui.conftest import make_app, settle
from tests.ui.test_app_flows import text_of, type_path

CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def serve(demo: Demo, bodies: dict[str, Any], cloud: bool = False) -> None:
    """Canned answers: path -> body (JSON-encoded unless bytes) or (content type, bytes[, status])."""
    canned = {}
    for path, body in bodies.items():
        if isinstance(body, tuple):
            canned[path] = body
        else:
            canned[path] = ("application/json", body if isinstance(body, bytes) else json.dumps(body).encode())
    (demo.cloud if cloud else demo.qseow).faults.bodies = canned


async def send(pilot, path: str) -> None:  # type: ignore[no-untyped-def]
    await type_path(pilot, path)
    await pilot.press("f5")
    await settle(pilot)


async def search(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    pilot.app.query_one("#json-tree", JsonTree).focus()
    await pilot.press("slash")
    pilot.app.query_one("#find-input", Input).value = text
    await pilot.press("enter")
    await settle(pilot)


def tree_labels(tree: JsonTree) -> list[str]:
    out, stack = [], [tree.root]
    while stack:
        node = stack.pop()
        out.append(str(node.label))
        stack.extend(node.children)
    return out


def raw_lines(raw: RawView) -> list[str]:
    return ["".join(seg.text for seg in raw.render_line(y)) for y in range(min(raw.line_count, raw.size.height))]


@pytest.mark.parametrize("shape", ["[", '{"a":'])
async def test_deep_bodies_in_the_tree_raw_view_and_search(demo: Demo, tmp_path: Path, shape: str) -> None:
    closing, key = ("]", 0) if shape == "[" else ("}", "a")
    depths = (1_000, 10_000, 100_000)
    serve(demo, {f"/qrs/deep{d}": (shape * d + '"needle"' + closing * d).encode() for d in depths})
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        tree = app.query_one("#json-tree", JsonTree)
        raw = app.query_one("#raw", RawView)
        for depth in depths[:2]:
            await send(pilot, f"/qrs/deep{depth}")
            assert "✓ 200" in text_of(app.query_one("#status-line", Static))
            await search(pilot, "needle")
            node = tree.cursor_node
            assert node is not None and tree.path_of(node) == (key,) * depth  # found at the bottom
            assert str(node.label).endswith('"needle"')
            await pilot.press("escape", "p")
            assert app.clipboard == (".[0]" if key == 0 else ".a") + ("[0]" if key == 0 else ".a") * (depth - 1)
            # the "up" line moves the top back towards the document's top
            up = tree.root.children[0]
            assert "up" in str(up.label)
            tree.move_cursor(up)
            await pilot.press("enter")
            await pilot.pause()
            assert len(tree.path_of(tree.root)) == depth - MAX_LEVELS // 2 - (MAX_LEVELS - 1)
            app.query_one("#response-tabs").active = "tab-raw"  # type: ignore[attr-defined]
            await settle(pilot)
            assert raw.line_count == 2 * depth + 1 and raw.line(depth).strip().endswith('"needle"')
            app.query_one("#response-tabs").active = "tab-tree"  # type: ignore[attr-defined]
        await send(pilot, "/qrs/deep100000")
        assert app.is_running
        assert "nested more than 10,000 levels" in str(tree.root.label)
        assert "nested more than 10,000 levels" in text_of(app.query_one("#error-panel", Static))
        assert raw.line_count == 1 and raw.line(0).startswith(shape * 100)


async def test_deeper_levels_line_moves_the_top_down(demo: Demo, tmp_path: Path) -> None:
    serve(demo, {"/qrs/deep": ("[" * 100 + "1" + "]" * 100).encode()})
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        await send(pilot, "/qrs/deep")
        tree = app.query_one("#json-tree", JsonTree)
        node = tree.root
        for _ in range(MAX_LEVELS):
            node = node.children[0]
            node.expand()
            await pilot.pause()  # children are built when the expansion is handled
        deeper = node.children[0]
        assert "deeper levels" in str(deeper.label)
        tree.focus()
        tree.move_cursor(deeper)
        await pilot.press("enter")
        await pilot.pause()
        assert tree.path_of(tree.root) == (0,) * MAX_LEVELS and ".[0][0]" in str(tree.root.label)


async def test_server_text_is_shown_never_obeyed(demo: Demo, tmp_path: Path) -> None:
    osc52, clear = "\x1b]52;c;ZXZpbA==\x07", "\x1b[2J"
    doc = {f"{osc52}key [/x]": f"{clear} value \x9b31m [bold red]x[/] \u202eevil", "items": [f"{osc52}"]}
    error = {"errors": [{"code": "X-1", "title": f"{osc52}bad [b]title", "status": 404}]}
    serve(
        demo,
        {
            "/qrs/evil": json.dumps(doc, ensure_ascii=False).encode(),
            "/qrs/evil-text": ("text/plain", f"hello {osc52} world\r\nline2{clear}\tend".encode()),
            "/qrs/evil-error": ("application/json", json.dumps(error).encode(), 404),
        },
    )
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        await send(pilot, "/qrs/evil")
        tree = app.query_one("#json-tree", JsonTree)
        tree.root.children[1].expand()
        await pilot.pause()
        labels = tree_labels(tree)
        assert not any(CONTROL.search(label) for label in labels), labels
        assert any("␛]52;c;ZXZpbA==␇key [/x]" in label for label in labels)  # markup shown as typed
        assert any("[bold red]x[/]" in label and "\\x9b31m" in label and "\\u202e" in label for label in labels)
        raw = app.query_one("#raw", RawView)
        for path in ("/qrs/evil", "/qrs/evil-text"):
            await send(pilot, path)
            app.query_one("#response-tabs").active = "tab-raw"  # type: ignore[attr-defined]
            await settle(pilot)
            lines = raw_lines(raw)
            assert lines and not any(CONTROL.search(line) for line in lines), lines
        assert lines[0].rstrip() == "hello ␛]52;c;ZXZpbA==␇ world" and lines[1].rstrip() == "line2␛[2J   end"
        await send(pilot, "/qrs/evil-error")
        panel = text_of(app.query_one("#error-panel", Static))
        assert "X-1: ␛]52;c;ZXZpbA==␇bad [b]title" in panel and not CONTROL.search(panel.replace("\n", ""))


async def test_copied_path_is_what_filter_and_search_take(demo: Demo, tmp_path: Path) -> None:
    serve(demo, {"/qrs/odd": [{"owner": {"a b": {"x.y": "needle-v"}}}, {"owner": {"name": "one"}}]})
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        await send(pilot, "/qrs/odd")
        tree = app.query_one("#json-tree", JsonTree)
        await search(pilot, "needle-v")
        await pilot.press("escape", "p")
        copied = app.clipboard
        assert copied == '.[0].owner["a b"]["x.y"]'
        for typed in (copied, "$" + copied[1:]):
            await pilot.press("f")
            app.query_one("#find-input", Input).value = typed
            await pilot.press("enter")
            await settle(pilot)  # the filter runs in a worker
            assert tree.root.data.value == "needle-v"  # type: ignore[union-attr]
            await pilot.press("escape")
            await pilot.pause()
        await search(pilot, ".[1].owner.name")  # a path typed into search goes to its node
        assert tree.cursor_node is not None and tree.path_of(tree.cursor_node) == (1, "owner", "name")


async def test_find_bar_resets_per_mode(demo: Demo, tmp_path: Path) -> None:
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        await send(pilot, "/qrs/app/full")
        await search(pilot, "a")
        box, status = app.query_one("#find-input", Input), app.query_one("#find-status", Static)
        assert "1 of" in text_of(status)
        await pilot.press("escape", "f")
        assert box.value == "" and text_of(status) == ""
        box.value = "[*].name"
        await pilot.press("enter", "escape", "slash")
        await pilot.pause()
        assert box.value == "a" and text_of(status) == ""


async def test_odd_paging_links_notify_and_never_end_the_app(demo: Demo, tmp_path: Path) -> None:
    base = demo.cloud_server.url
    serve(
        demo,
        {
            "/api/v1/next-string": {"data": [{"id": "1"}], "links": {"next": f"{base}/api/v1/x"}},
            "/api/v1/links-list": {"data": [{"id": "1"}], "links": [{"next": f"{base}/api/v1/x"}]},
            "/api/v1/odd": {"data": [{"id": "1"}], "links": {"next": {"href": f"{base}/api/v1/odd-2"}}},
            "/api/v1/odd-2": ("text/html", b"<html>login</html>"),
        },
        cloud=True,
    )
    app = make_app(demo.profiles_path, tmp_path, active="demo-cloud")
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        for path, says in (("/api/v1/next-string", "links.next is a string"), ("/api/v1/links-list", "links is a list")):
            await send(pilot, path)
            assert "1 item" in text_of(app.query_one("#status-line", Static))
            app.query_one("#json-tree", JsonTree).focus()
            await pilot.press("n")
            await settle(pilot)
            assert app.is_running
            assert any(says in n.message for n in app._notifications), [n.message for n in app._notifications]
        await send(pilot, "/api/v1/odd")
        app.query_one("#json-tree", JsonTree).focus()
        await pilot.press("a")
        await settle(pilot)
        assert app.is_running
        assert "page 2: the answer is not JSON" in text_of(app.query_one("#error-panel", Static))


class _Gzip:
    """A stdlib server that answers every request with a gzip body (Content-Length: compressed)."""

    def __init__(self, decoded: bytes) -> None:
        import gzip
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        packed = gzip.compress(decoded, compresslevel=9)

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(packed)))
                self.end_headers()
                self.wfile.write(packed)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize(
    ("kind", "says"),
    [
        ("big", "MB compressed (gzip), over the 1 MB cap; decoded it is larger"),
        ("bomb", "decodes to more than the 1 MB cap (gzip, 0.0 MB compressed)"),
    ],
)
async def test_size_prompt_says_what_is_compressed(demo: Demo, tmp_path: Path, kind: str, says: str) -> None:
    import os

    # 'big': 3 MB of random hex, ~1.5 MB gzipped (Content-Length over the cap); 'bomb': 10 MB
    # of zeros in ~10 KB (Content-Length well under the cap, the decoded body far over it)
    decoded = json.dumps(os.urandom(1_500_000).hex()).encode() if kind == "big" else b"[" + b"0," * 5_000_000 + b"0]"
    from qlik_tui.ui.screens.simple import ConfirmScreen
    from tests.sim.conftest import variant

    server = _Gzip(decoded)
    try:
        variant(demo, "demo-qseow", url=server.url)
        app = make_app(demo.profiles_path.with_name("variant-demo-qseow.toml"), tmp_path, max_body=1024 * 1024)
        async with app.run_test(size=(110, 40)) as pilot:
            await settle(pilot)
            await send(pilot, "/qrs/app/full")
            assert isinstance(app.screen, ConfirmScreen), app.screen
            assert says in app.screen.question and "Download it anyway?" in app.screen.question
            await pilot.press("n")
            await settle(pilot)
            assert says in text_of(app.query_one("#error-panel", Static))
    finally:
        server.close()


async def test_next_links_that_are_no_url_or_relative_are_handled_like_all_pages(demo: Demo, tmp_path: Path) -> None:
    # urlsplit("http://[::1/x") raised ValueError inside the key handler (the app ended), and a
    # relative href (which --all-pages follows) was refused as "another host ()".
    serve(
        demo,
        {
            "/api/v1/no-url": {"data": [{"id": "1"}], "links": {"next": {"href": "http://[::1/x"}}},
            "/api/v1/relative": {"data": [{"id": "1"}], "links": {"next": {"href": "/api/v1/relative-2?next=p2"}}},
            "/api/v1/relative-2": {"data": [{"id": "2"}, {"id": "3"}]},
        },
        cloud=True,
    )
    app = make_app(demo.profiles_path, tmp_path, active="demo-cloud")
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        await send(pilot, "/api/v1/no-url")
        app.query_one("#json-tree", JsonTree).focus()
        await pilot.press("n")
        await settle(pilot)
        assert app.is_running
        assert any("is not a URL" in n.message for n in app._notifications), [n.message for n in app._notifications]
        await send(pilot, "/api/v1/relative")
        app.query_one("#json-tree", JsonTree).focus()
        await pilot.press("n")
        await settle(pilot)
        assert "2 items" in text_of(app.query_one("#status-line", Static))
