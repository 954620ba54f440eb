"""Real jq over a response body, bounded in time, memory and output (see jq_worker).

The `jq` package is needed only here, and loaded only in the worker process and in
`check()`, so nothing else pays for it. `$`-rooted paths as `p` once copied them
(`$[0].owner.name`) are read as jq's `.[0].owner.name`.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from typing import Any

from ..errors import QlikTuiError, UsageError
from .jq_worker import EXIT_JQ_ERROR, EXIT_MEMORY, EXIT_NO_JQ, EXIT_TOO_MUCH
from .parse import loads

DEFAULT_TIME_LIMIT = 30.0  # seconds
MIN_MEMORY = 1024 * 1024 * 1024  # address space for the worker: Python, jq, and the parsed body
MEMORY_PER_BODY_BYTE = 16
HINT = "jq syntax: .[0].owner.name   .[] | select(.published) | .name   map(.id)   length"
_JSONPATH_ROOT = re.compile(r"^\s*\$(?=[.\[]|\s*$)")


class JqError(QlikTuiError):
    """jq refused the expression or failed on the body (its own message)."""

    exit_code = 2


def to_jq(expression: str) -> str:
    """`$[0].a` / `$.a` / `$` (JSONPath roots, as `p` once copied) as jq paths; jq's own `$vars` stay."""
    text = _JSONPATH_ROOT.sub("", expression, count=1) if _JSONPATH_ROOT.match(expression) else expression
    if text is not expression:
        text = text.strip()
        text = "." if not text else text if text.startswith(".") else "." + text
    return text


def _first_line(message: str) -> str:
    """jq's message without the caret drawing under it (one line fits a status bar and stderr)."""
    line = next((text.strip() for text in message.splitlines() if text.strip()), "jq failed")
    return line.rstrip(":")


def _missing() -> UsageError:
    return UsageError("jq is not installed for this Python", "pip install jq (qlik-tui lists it as a dependency)")


def check(expression: str) -> str:
    """The expression as jq reads it, compiled once to fail fast with jq's own message."""
    program = to_jq(expression)
    try:
        import jq
    except ImportError:
        raise _missing() from None
    try:
        jq.compile(program)
    except ValueError as exc:
        raise JqError(_first_line(str(exc)), HINT) from None
    return program


class JqStopper:
    """Stops a running `run` from another thread (Esc in the TUI, or a newer expression)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self.stopped = False

    def stop(self) -> None:
        """Kill the worker process now (or as soon as it starts)."""
        with self._lock:
            self.stopped = True
            if self._process is not None and self._process.poll() is None:
                self._process.kill()

    def _attach(self, process: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._process = process
            if self.stopped:
                process.kill()


def run(
    body: bytes,
    expression: str,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    max_output: int | None = None,
    stopper: JqStopper | None = None,
) -> list[Any]:
    """Every result of jq `expression` over `body` (JSON text), in a bounded worker process.

    `stopper.stop()` from another thread kills the process: JqError("jq was stopped").
    """
    program = to_jq(expression)
    cap = max_output if max_output is not None else max(64 * 1024 * 1024, 4 * len(body))
    memory = max(MIN_MEMORY, MEMORY_PER_BODY_BYTE * len(body))
    command = [sys.executable, "-m", "qlik_tui.core.json.jq_worker", program, str(cap), str(memory)]
    try:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as exc:
        raise JqError(f"jq could not start ({exc.strerror})", "check the Python installation") from None
    if stopper is not None:
        stopper._attach(process)
    try:
        stdout, stderr = process.communicate(body, timeout=time_limit)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise JqError(
            f"jq took longer than {time_limit:g} s and was stopped", "a simpler expression, or a filter on the request"
        ) from None
    except BrokenPipeError:  # killed (stopped) before it read the whole body
        stdout, stderr = b"", b""
        process.wait()
    if stopper is not None and stopper.stopped:
        raise JqError("jq was stopped", "run it again with Enter")
    done = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    message = done.stderr.decode("utf-8", "replace").strip()
    if done.returncode == EXIT_JQ_ERROR:
        line = _first_line(message)
        raise JqError(line if line.startswith("jq:") else f"jq: error: {line}", HINT)
    if done.returncode == EXIT_NO_JQ:
        raise _missing()
    if done.returncode == EXIT_TOO_MUCH:
        raise JqError(f"jq's results are over {cap / 1048576:,.0f} MB", "narrow the expression (select, limit, first)")
    if done.returncode != 0:
        # jq's C code aborts when malloc fails at the limit: a signal, or its own words on stderr
        out_of_memory = done.returncode in (EXIT_MEMORY, -6) or "memory" in message.lower()
        why = "ran out of memory" if out_of_memory else f"failed ({_first_line(message)})" if message else "failed"
        raise JqError(f"jq {why} (limit {memory / 1048576:,.0f} MB)", "a simpler expression, or a filter on the request")
    return [loads(line) for line in done.stdout.splitlines() if line.strip()]
