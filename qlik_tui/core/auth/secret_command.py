"""Run a secret command (`<secret>_command`) with hard bounds on time and output.

`subprocess.run(timeout=...)` is not enough for a program we do not control: it kills only
the direct child, so a helper it left running with our stdout open keeps the pipe alive
(and `run` reads it until then); and it keeps all output in memory, so `yes` would fill it
for ten seconds. Here the command gets its own process group (killed whole on time-out, and
once it has answered), and reading stops past a byte cap.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import time
from dataclasses import dataclass

STDERR_KEEP = 4096  # enough for the first line of "not logged in"


@dataclass(frozen=True)
class CommandResult:
    """What a command gave: exit code (None if killed), bounded stdout/stderr, and why it stopped early."""

    returncode: int | None
    stdout: bytes
    stderr: bytes
    timed_out: bool = False
    too_much: bool = False


def run_bounded(argv: list[str], *, timeout: float, max_stdout: int) -> CommandResult:
    """Run `argv` without a shell or stdin; stop at `timeout` seconds or `max_stdout` bytes of output.

    Raises OSError (FileNotFoundError, PermissionError...) when the program cannot start.
    """
    if os.name != "posix":  # pragma: no cover - Windows cannot select() on pipes: the plain way, bounded in time
        return _run_plain(argv, timeout=timeout, max_stdout=max_stdout)
    process = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=os.name == "posix",  # a group of its own: its helpers die with it
    )
    assert process.stdout is not None and process.stderr is not None
    out, err = bytearray(), bytearray()
    deadline = time.monotonic() + timeout
    timed_out = too_much = False
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ, out)
        selector.register(process.stderr, selectors.EVENT_READ, err)
        while selector.get_map() and not too_much:
            exited = process.poll() is not None
            if exited and (not _registered(selector, process.stdout) or b"\n" in out):
                # The answer is complete (only its first line counts); a helper it left running may hold
                # the pipes open: read what is there now, no more.
                _read_ready(selector, out, err, 0, max_stdout)
                break
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            # Short waits: the exit is polled between them, so pipes a helper holds never make us wait.
            too_much = _read_ready(selector, out, err, min(left, 0.05), max_stdout)
    if not (timed_out or too_much):
        # Both pipes closed is not the end: a program may close them before it exits (coreutils
        # does), and killing it in that window would turn its success into "killed".
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            timed_out = True
    _kill_group(process)  # whatever it started and left behind
    try:
        code = process.wait(timeout=2)
    except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL does not wait for anyone
        code = None
    process.stdout.close()
    process.stderr.close()
    if timed_out or too_much:
        code = None
    return CommandResult(code, bytes(out), bytes(err), timed_out=timed_out, too_much=too_much)


def _run_plain(argv: list[str], *, timeout: float, max_stdout: int) -> CommandResult:  # pragma: no cover - Windows
    try:
        done = subprocess.run(argv, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        return CommandResult(None, b"", b"", timed_out=True)
    too_much = len(done.stdout) > max_stdout
    return CommandResult(None if too_much else done.returncode, done.stdout, done.stderr[:STDERR_KEEP], too_much=too_much)


def _read_ready(selector: selectors.BaseSelector, out: bytearray, err: bytearray, wait: float, cap: int) -> bool:
    """Read what the pipes have within `wait` seconds; True once stdout passed `cap` bytes."""
    for key, _ in selector.select(wait):
        chunk = os.read(key.fd, 65536)
        if not chunk:
            selector.unregister(key.fileobj)
        elif key.data is err:
            err += chunk[: max(0, STDERR_KEEP - len(err))]
        else:
            out += chunk
            if len(out) > cap:
                return True
    return False


def _registered(selector: selectors.BaseSelector, fileobj: object) -> bool:
    try:
        selector.get_key(fileobj)  # type: ignore[arg-type]
    except KeyError:
        return False
    return True


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the command and everything it started in its group (nothing if all are gone)."""
    if os.name != "posix":  # pragma: no cover - Windows: only the process itself
        if process.poll() is None:
            process.kill()
        return
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
