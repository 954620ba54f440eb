"""What the benchmark children share: the simulator process and memory figures."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP_BYTES = 1530  # one generated QRS App object, as JSON


class Simulator:
    """`qlik-tui demo --serve` in a child process, serving N generated apps."""

    def __init__(self, apps: int) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="qlik-bench-"))
        cmd = [sys.executable, "-m", "qlik_tui", "demo", "--serve", "--http", "--dir", str(self.folder), "--huge-apps", str(apps)]
        self.process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
        assert self.process.stdout is not None
        self.profiles = Path(self.process.stdout.readline().strip())

    def sandboxed(self, command: str) -> str:
        """`command` (a shell line) with its history and kept sessions in this simulator's
        folder: a benchmark never writes into the user's own."""
        return f"XDG_STATE_HOME={self.folder}/state XDG_CACHE_HOME={self.folder}/cache {command}"  # sh -c: no extra exec

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


def current_rss_mb() -> float:
    """This process's resident set size now, in MiB (Linux)."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1_048_576


def peak_rss_mb() -> float:
    """This process's peak resident set size in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak_rss() -> bool:
    """Start this process's peak RSS (VmHWM) afresh (Linux 4.0+), so a step's own peak can be read."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


def peak_rss_since_reset_mb() -> float:
    """VmHWM: the peak RSS since `reset_peak_rss()` (or since the start), in MiB (Linux)."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return peak_rss_mb()


def compile_bytecode() -> str:
    """Compile qlik_tui's bytecode as a pip install does: with PYTHONDONTWRITEBYTECODE set (as
    on the development machine) an editable checkout recompiles ~100 modules per launch (~0.2 s)."""
    import compileall

    compileall.compile_dir(ROOT / "qlik_tui", quiet=1)
    return "bytecode compiled" + (" (PYTHONDONTWRITEBYTECODE set)" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "")


def versions() -> str:
    """Versions of the libraries the figures depend on."""
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in ("textual", "httpx", "msgspec"):
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} missing")
    return ", ".join(found)
