"""What a person sees in a real terminal (tmux): launch, F5, and what an idle app costs."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import APP_BYTES, Simulator


def child_tmux(mb: int) -> dict[str, Any]:
    """What a person sees: tmux running the real app; F5 to '200 OK' on screen, and start."""
    tmux = shutil.which("tmux")
    if tmux is None:
        return {"skipped": "tmux not installed"}
    sim = Simulator(max(1, int(mb * 1_000_000 / APP_BYTES)))
    name = f"qlik-bench-{os.getpid()}"
    try:
        started = time.perf_counter()
        cmd = sim.sandboxed(f"{sys.executable} -m qlik_tui --profiles {sim.profiles} --request 'GET /qrs/app/full' --max-body 0")
        subprocess.run([tmux, "new-session", "-d", "-s", name, "-x", "120", "-y", "40", cmd], check=True)
        _tmux_wait(tmux, name, "demo-qseow", 30)
        first_frame = time.perf_counter() - started
        subprocess.run([tmux, "send-keys", "-t", name, "F5"], check=True)  # warm-up
        _tmux_wait(tmux, name, "200 OK", 600)
        times = []
        for _ in range(3):
            subprocess.run([tmux, "send-keys", "-t", name, "F5"], check=True)
            _tmux_wait(tmux, name, "Esc cancels", 30, poll=0.005)
            started = time.perf_counter()
            _tmux_wait(tmux, name, "200 OK", 120, poll=0.01)
            times.append(time.perf_counter() - started)
        return {"first_frame": first_frame, "times": times}
    finally:
        subprocess.run([tmux, "kill-session", "-t", name], capture_output=True)
        sim.stop()


def child_tmux_start(runs: int, idle_seconds: float) -> dict[str, Any]:
    """Launch the real app in tmux (120x40): to a complete first frame (footer drawn), to the
    token shown; then what it writes to the terminal and the CPU it takes while idle."""
    tmux = shutil.which("tmux")
    if tmux is None:
        return {"skipped": "tmux not installed"}
    sim = Simulator(10)
    name = ""
    first, token, first_cpu, token_cpu = [], [], [], []
    keeper = f"qlik-bench-keeper-{os.getpid()}"  # keeps the tmux server up between runs
    subprocess.run([tmux, "new-session", "-d", "-s", keeper, "sleep 3600"], check=True)
    try:
        for run in range(runs):
            started = time.perf_counter()
            cmd = sim.sandboxed(f"{sys.executable} -m qlik_tui --profiles {sim.profiles}")
            name = f"qlik-bench-start-{os.getpid()}-{run}"  # a fresh name: a killed session may linger
            subprocess.run([tmux, "new-session", "-d", "-s", name, "-x", "120", "-y", "40", cmd], check=True)
            _tmux_wait(tmux, name, FOOTER_MARK, 30, poll=0.005)  # the footer: the last thing composed
            first.append(time.perf_counter() - started)
            pid = _app_pid(tmux, name)
            first_cpu.append(_cpu_seconds(pid))  # CPU, not wall: comparable on a loaded machine
            _tmux_wait(tmux, name, TOKEN_MARK, 30, poll=0.005)
            token.append(time.perf_counter() - started)
            token_cpu.append(_cpu_seconds(pid))
            if run < runs - 1:
                subprocess.run([tmux, "kill-session", "-t", name], capture_output=True)
        figures = {"first": first, "token": token, "first_cpu": first_cpu, "token_cpu": token_cpu}
        idle = _idle(tmux, name, idle_seconds)
        return {**figures, **idle, **_floors(tmux, runs)}
    finally:
        subprocess.run([tmux, "kill-session", "-t", name], capture_output=True)
        subprocess.run([tmux, "kill-session", "-t", keeper], capture_output=True)
        sim.stop()


def _floors(tmux: str, runs: int) -> dict[str, list[float]]:
    """The same launch, in the same run, of what no app can beat: the interpreter printing the
    footer's mark (tmux and the polling included), and a bare Textual app with Header/Footer."""
    bare_app = Path(__file__).with_name("bare_app.py")
    commands = {
        "python": f"{sys.executable} -c \"print('{FOOTER_MARK}')\"; sleep 30",
        "bare": f"{sys.executable} {bare_app}",
    }
    out: dict[str, list[float]] = {"floor_python": [], "floor_bare": [], "floor_bare_cpu": []}
    for kind, cmd in commands.items():
        for run in range(runs):
            name = f"qlik-bench-floor-{os.getpid()}-{kind}-{run}"
            started = time.perf_counter()
            subprocess.run([tmux, "new-session", "-d", "-s", name, "-x", "120", "-y", "40", cmd], check=True)
            try:
                _tmux_wait(tmux, name, FOOTER_MARK, 30, poll=0.005)
                out[f"floor_{kind}"].append(time.perf_counter() - started)
                if kind == "bare":
                    out["floor_bare_cpu"].append(_cpu_seconds(_app_pid(tmux, name, b"bare_app")))
            finally:
                subprocess.run([tmux, "kill-session", "-t", name], capture_output=True)
    return out


FOOTER_MARK = "Help"  # the footer's pinned F1 key
TOKEN_MARK = "⏱"  # the token panel's countdown


def _idle(tmux: str, name: str, seconds: float) -> dict[str, Any]:
    """Bytes the app writes to its terminal per second, and its CPU share, doing nothing."""
    time.sleep(2)  # let start-up work (the catalog, the first mint) finish
    log = Path(tempfile.mkdtemp(prefix="qlik-bench-idle-")) / "pane.out"
    pid = _app_pid(tmux, name)
    subprocess.run([tmux, "pipe-pane", "-t", name, "-o", f"cat >> {log}"], check=True)
    time.sleep(0.5)
    before, cpu_before, started = _size(log), _cpu_seconds(pid), time.perf_counter()
    time.sleep(seconds)
    after, cpu_after, elapsed = _size(log), _cpu_seconds(pid), time.perf_counter() - started
    subprocess.run([tmux, "pipe-pane", "-t", name], check=True)  # stop piping
    shutil.rmtree(log.parent, ignore_errors=True)
    return {"idle_bytes": (after - before) / elapsed, "idle_cpu": (cpu_after - cpu_before) / elapsed * 100}


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _app_pid(tmux: str, name: str, mark: bytes = b"qlik_tui") -> int:
    """The python process in the pane (the pane's own process may be a shell around it)."""
    pid = int(subprocess.run([tmux, "display", "-p", "-t", name, "#{pane_pid}"], capture_output=True, text=True).stdout)
    for _ in range(3):
        if mark in Path(f"/proc/{pid}/cmdline").read_bytes():
            return pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pid = int(children[0])
    return pid


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _tmux_wait(tmux: str, name: str, text: str, timeout: float, poll: float = 0.02) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        screen = subprocess.run([tmux, "capture-pane", "-p", "-t", name], capture_output=True, text=True).stdout
        if text in screen:
            return
        time.sleep(poll)
    raise TimeoutError(f"{text!r} never showed in tmux")


def start_rows(start: dict[str, Any], row: Callable[..., str]) -> list[str]:
    """The launch and idle rows, each launch figure beside its floor from the same run."""
    if "skipped" in start:
        return []
    first, token = statistics.median(start["first"]), statistics.median(start["token"])
    idle_bytes, idle_cpu = start["idle_bytes"], start["idle_cpu"]
    return [
        row("tmux: launch to first frame, footer included", "<= 0.3 s", start["first"], ok=first <= 0.3),
        row("tmux: launch to token shown", "<= 0.45 s", start["token"], ok=token <= 0.45),
        row("  CPU seconds of the app to its first frame (load-independent)", "-", start["first_cpu"]),
        row("  CPU seconds of the app to the token shown", "-", start["token_cpu"]),
        row("  floor: bare Textual app (Header + Footer) to its footer", "-", start["floor_bare"]),
        row("  floor: CPU seconds of that bare app to its footer", "-", start["floor_bare_cpu"]),
        row("  floor: `python -c print(...)` to its text in tmux", "-", start["floor_python"]),
        row("  floor: `python -c pass` (whole process, no tmux)", "-", start["python_pass"]),
        row("tmux: bytes to the terminal per second, idle", "<= 200", [idle_bytes], unit="B/s", ok=idle_bytes <= 200),
        row("tmux: CPU while idle (% of a core)", "<= 1", [idle_cpu], unit="%", ok=idle_cpu <= 1),
    ]
