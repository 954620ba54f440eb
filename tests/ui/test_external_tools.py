"""$EDITOR for the request body and headers, $PAGER for the response: real tiny scripts as the programs."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from textual.widgets import Static, TabbedContent, TextArea

from qlik_tui.core.errors import UsageError
from qlik_tui.core.external_program import editor_command, pager_command, temp_text
from qlik_tui.demo.environment import Demo
from tests.ui.conftest import make_app, settle, wait_until
from tests.ui.test_app_flows import text_of, type_path


def script(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o700)
    return path


async def test_editor_edits_the_body_and_the_headers(demo: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = tmp_path / "seen"
    # The "editor" records what it was given (and the file's mode), then writes new text.
    editor = script(
        tmp_path,
        "editor",
        f'test "$1" = --wait || exit 9; f="$2"; stat -c %a "$f" > {seen}.mode; cat "$f" > {seen}; '
        'case "$f" in *headers*) printf "X-Edited: yes\\n" > "$f";; *) printf \'{"name": "edited"}\' > "$f";; esac\n',
    )
    monkeypatch.setenv("VISUAL", f"{editor} --wait")  # split like a shell: the flag reaches the script
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_path(pilot, "/qrs/tag")
        app.query_one("#body", TextArea).text = '{"name": "typed"}'
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: app.query_one("#body", TextArea).text == '{"name": "edited"}', what="the body")
        assert app.query_one("#request-tabs", TabbedContent).active == "tab-body"
        assert seen.read_text() == '{"name": "typed"}' and seen.with_suffix(".mode").read_text().strip() == "600"
        app.query_one("#request-tabs", TabbedContent).active = "tab-headers"
        app.query_one("#headers", TextArea).focus()
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: app.query_one("#headers", TextArea).text == "X-Edited: yes\n", what="the headers")
        assert app.query_one("#body", TextArea).text == '{"name": "edited"}'  # only the headers changed


async def test_a_failing_editor_leaves_the_body_alone(demo: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VISUAL", str(script(tmp_path, "editor", 'echo broken > "$1"; exit 3\n')))
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.query_one("#body", TextArea).text = "{}"
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert app.query_one("#body", TextArea).text == "{}"
        monkeypatch.setenv("VISUAL", str(tmp_path / "no-such-editor"))
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert app.query_one("#body", TextArea).text == "{}"


async def test_pager_gets_the_body_with_control_characters_made_visible(
    demo: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = tmp_path / "shown.txt"
    monkeypatch.setenv("PAGER", str(script(tmp_path, "pager", f'cat "$1" > {shown}\n')))
    # Plain text with raw control characters (pretty JSON would escape them as \u001b anyway).
    demo.qseow.faults.update({"bodies": {"/qrs/hostile": ["text/plain", "hello \x1b]52;c;owned\x07 world"]}})
    app = make_app(demo.profiles_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_path(pilot, "/qrs/hostile")
        await pilot.press("f5")
        await wait_until(pilot, lambda: "200" in text_of(app.query_one("#status-line", Static)), what="the response")
        await pilot.press("f4", "v")
        await wait_until(pilot, shown.exists, what="the pager ran")
    text = shown.read_text()
    assert text == "hello ␛]52;c;owned␇ world"


def test_commands_come_from_the_environment_split_like_a_shell(tmp_path: Path) -> None:
    assert editor_command({"VISUAL": "code --wait", "EDITOR": "vim"}) == ["code", "--wait"]
    assert editor_command({"EDITOR": "'my editor' -n"}) == ["my editor", "-n"]
    assert pager_command({"PAGER": "less -R"}) == ["less", "-R"]
    with pytest.raises(UsageError, match="cannot be read as a command"):
        editor_command({"EDITOR": "'unclosed"})
    with temp_text("secret body", "request-body.json") as path:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert not path.exists() and not path.parent.exists()
