"""Drive the real `qlik-tui demo` in a real terminal (tmux) as a person would: keys in, screen out."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
if TMUX is None and os.environ.get("CI"):
    raise RuntimeError("tmux is required in CI for the end-to-end test (.ci/run installs it)")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


class Terminal:
    """A detached tmux session running one command."""

    def __init__(self, command: str, width: int = 100, height: int = 30) -> None:
        self.name = f"qlik-tui-e2e-{uuid.uuid4().hex[:8]}"
        subprocess.run([TMUX, "new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height), command], check=True)  # type: ignore[list-item]

    def screen(self) -> str:
        """The visible text."""
        done = subprocess.run([TMUX, "capture-pane", "-p", "-t", self.name], capture_output=True, text=True)  # type: ignore[list-item]
        return done.stdout

    def keys(self, *keys: str) -> None:
        """Type keys (tmux key names such as F5, C-q, Enter)."""
        subprocess.run([TMUX, "send-keys", "-t", self.name, *keys], check=True)  # type: ignore[list-item]

    def text(self, text: str) -> None:
        """Type literal text."""
        subprocess.run([TMUX, "send-keys", "-t", self.name, "-l", text], check=True)  # type: ignore[list-item]

    def wait_for(self, *needles: str, timeout: float = 30) -> str:
        """Poll the screen until every needle shows (or fail with the last screen)."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if all(n in screen for n in needles):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"never saw {needles!r} on screen:\n{screen}")

    def alive(self) -> bool:
        """Whether the session (and so the app) still runs."""
        return subprocess.run([TMUX, "has-session", "-t", self.name], capture_output=True).returncode == 0  # type: ignore[list-item]

    def close(self) -> None:
        subprocess.run([TMUX, "kill-session", "-t", self.name], capture_output=True)  # type: ignore[list-item]


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    env = f"XDG_STATE_HOME={shlex.quote(str(tmp_path / 'state'))} TEXTUAL_ANIMATIONS=none"
    command = f"env {env} {shlex.quote(sys.executable)} -m qlik_tui demo --dir {shlex.quote(str(tmp_path / 'demo'))}"
    term = Terminal(command)
    try:
        yield term
    finally:
        term.close()


def test_a_person_uses_the_demo(terminal: Terminal) -> None:
    screen = terminal.wait_for("demo-qseow", "⏱", "minted")
    assert "DEMO\\alice" in screen
    # QRS: type a path, send, read the tree
    terminal.text("/qrs/app/full")
    terminal.keys("F5")
    screen = terminal.wait_for("200 OK", "[Sales] =Sum([Amount])")
    assert "[60 items]" in screen
    # switch to the Cloud tenant with one key, send, read
    terminal.keys("F2")
    terminal.wait_for("demo-cloud", "Qlik Cloud")
    terminal.keys("C-l")
    terminal.text("/api/v1/users/me")
    terminal.keys("F5")
    screen = terminal.wait_for("200 OK", 'subject: "alice"')
    assert "logged in" in screen
    # a mistake: an unfilled placeholder is explained, the app lives on
    terminal.keys("C-l", "C-u")
    terminal.text("/api/v1/apps/{appId}")
    terminal.keys("F5")
    terminal.wait_for("fill in {appId}")
    # back to QSEoW: the last response is still there
    terminal.keys("F2")
    terminal.wait_for("demo-qseow", "[60 items]")
    terminal.keys("C-q")
    deadline = time.monotonic() + 10
    while terminal.alive() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not terminal.alive(), terminal.screen()
