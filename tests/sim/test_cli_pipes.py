"""`qlik-tui ... | head`: when the reader has left, the command stops quietly (no traceback)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from qlik_tui.demo.environment import Demo


def run_into_a_closed_pipe(*args: str) -> tuple[int, str]:
    """The command with stdout a pipe whose reader is already gone (`qlik-tui ... | true`)."""
    env = {k: v for k, v in os.environ.items() if k not in ("QLIK_TUI_PROFILE", "QLIK_TUI_PROFILES")}
    read_end, write_end = os.pipe()
    os.close(read_end)  # before the command writes: its first write fails with EPIPE, every time
    try:
        done = subprocess.run(
            [sys.executable, "-m", "qlik_tui", *args], stdout=write_end, stderr=subprocess.PIPE, env=env, timeout=60
        )
    finally:
        os.close(write_end)
    return done.returncode, done.stderr.decode()


@pytest.mark.parametrize("kind", ["endpoints", "call", "token"])
def test_a_reader_that_left_ends_the_command_quietly(demo: Demo, kind: str) -> None:
    files = ("--profiles", str(demo.profiles_path))
    args = {
        "endpoints": ("endpoints", "--type", "cloud", "--json"),  # line by line
        "call": ("call", *files, "-p", "demo-qseow", "GET", "/qrs/app/full"),  # the body in one write
        "token": ("token", *files, "-p", "demo-qseow"),  # print()
    }[kind]
    code, stderr = run_into_a_closed_pipe(*args)
    assert "Traceback" not in stderr and stderr.strip() == "", stderr
    assert code == 141  # as a process stopped by SIGPIPE: `set -o pipefail` still sees it
