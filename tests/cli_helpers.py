"""Run the real `qlik-tui` command line in a subprocess, as a user's shell would."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping


def run_cli(
    *args: str,
    stdin: str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
    close_stdin: bool = False,
) -> subprocess.CompletedProcess[str]:
    """`python -m qlik_tui ARGS`; returns the finished process with text stdout/stderr.

    `close_stdin` starts it with file descriptor 0 closed (a shell's `<&-`)."""
    base = {k: v for k, v in os.environ.items() if k not in ("QLIK_TUI_PROFILE", "QLIK_TUI_PROFILES")}
    full_env = {**base, "NO_COLOR": "1", **(env or {})}
    command = [sys.executable, "-m", "qlik_tui", *args]
    if close_stdin:
        command = ["sh", "-c", 'exec "$@" <&-', "sh", *command]
    return subprocess.run(
        command,
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
    )


def assert_clean_failure(proc: subprocess.CompletedProcess[str]) -> None:
    """A failure a user caused: non-zero exit, a message, and never a traceback."""
    assert proc.returncode != 0, proc.stdout
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout, proc.stderr
    assert proc.stderr.strip(), "no message on stderr"
