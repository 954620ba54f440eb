"""Drive the real `qlik-tui demo` in a real terminal (tmux) as a person would: keys in, screen out."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
if TMUX is None and os.environ.get("CI"):
    raise RuntimeError("tmux is required in CI for the end-to-end test (.ci/run installs it)")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


class Terminal:
    """A detached session on a private tmux server running one command.

    Private (its own socket, no ~/.tmux.conf): on a shared server the command would get
    that server's environment and a person's key bindings, and a person's
    `tmux kill-server` would end the test."""

    def __init__(self, command: str, socket: Path, width: int = 100, height: int = 30) -> None:
        self.name = "e2e"
        self.tmux = [TMUX, "-f", os.devnull, "-S", str(socket)]
        started = self.run("new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height), command)
        assert started.returncode == 0, started.stderr

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """One tmux command on this server."""
        return subprocess.run([*self.tmux, *args], capture_output=True, text=True)  # type: ignore[list-item]

    def screen(self) -> str:
        """The visible text."""
        return self.run("capture-pane", "-p", "-t", self.name).stdout

    def keys(self, *keys: str) -> None:
        """Type keys (tmux key names such as F5, C-q, Enter)."""
        assert self.run("send-keys", "-t", self.name, *keys).returncode == 0, self.screen()

    def text(self, text: str) -> None:
        """Type literal text."""
        assert self.run("send-keys", "-t", self.name, "-l", text).returncode == 0, self.screen()

    def wait_for(self, *needles: str, timeout: float = 60) -> str:
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
        return self.run("has-session", "-t", self.name).returncode == 0

    def close(self) -> None:
        self.run("kill-server")


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    env = " ".join(
        f"{name}={shlex.quote(str(tmp_path / folder))}"
        for name, folder in (("XDG_STATE_HOME", "state"), ("XDG_CONFIG_HOME", "config"))
    )
    env += " TEXTUAL_ANIMATIONS=none"
    command = f"env {env} {shlex.quote(sys.executable)} -m qlik_tui demo --dir {shlex.quote(str(tmp_path / 'demo'))}"
    # A short path: a unix socket's path is limited to about 100 bytes, tmp_path can be longer.
    socket = Path(tempfile.mkdtemp(prefix="qlik-tui-e2e-")) / "tmux"
    term = Terminal(command, socket)
    try:
        yield term
    finally:
        term.close()
        shutil.rmtree(socket.parent, ignore_errors=True)


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
    terminal.wait_for("/api/v1/users/me")  # as a person looks before pressing F5
    terminal.keys("F5")
    screen = terminal.wait_for("200 OK", 'subject: "alice"')
    assert "logged in" in screen
    # a mistake: an unfilled placeholder is explained, the app lives on
    terminal.keys("C-l", "C-u")
    # The path box empty again (its placeholder shows), then the typed path in it: a person
    # looks before typing and before sending; keys lost by the app still fail here.
    terminal.wait_for("/qrs/about  or  /api/v1/users/me")
    terminal.text("/api/v1/apps/{appId}")
    terminal.wait_for("/api/v1/apps/{appId}")
    terminal.keys("F5")
    terminal.wait_for("fill in {appId}")
    # on round the other demo profiles (one per sign-in method) back to QSEoW: the last response is still there
    for _ in range(10):
        title = terminal.screen().splitlines()[0]
        terminal.keys("F2")
        deadline = time.monotonic() + 30
        while terminal.screen().splitlines()[0] == title and time.monotonic() < deadline:
            time.sleep(0.1)  # until the switch shows (a poll, as wait_for does)
        if "qlik-tui · demo-qseow —" in terminal.screen().splitlines()[0]:  # not demo-qseow-header...
            break
    terminal.wait_for("qlik-tui · demo-qseow —", "[60 items]")
    terminal.keys("C-q")
    deadline = time.monotonic() + 60
    while terminal.alive() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not terminal.alive(), terminal.screen()
