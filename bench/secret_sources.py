"""What reading a secret costs per source, and loading a profiles file with every sign-in method.

    python bench/secret_sources.py [--runs 50]

Prints medians (never asserted in tests). A secret command runs once per connection, so
its cost is a process start; the bounded runner (own process group, capped output) should
cost no more than `subprocess.run` on the same command.
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qlik_tui.core.auth.secret_command import run_bounded  # noqa: E402
from qlik_tui.core.auth.secrets import resolve_secret  # noqa: E402
from qlik_tui.core.profiles.loader import load_profiles  # noqa: E402
from qlik_tui.core.profiles.model import CloudProfile, SecretSource  # noqa: E402


def median_ms(runs: int, action: Callable[[], object]) -> tuple[float, float]:
    """Median and max of `runs` timings of `action`, in milliseconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    runs = parser.parse_args().runs
    folder = Path(tempfile.mkdtemp(prefix="qlik-bench-secrets-"))
    atexit.register(shutil.rmtree, folder, True)  # a (fake) API key file: removed at exit
    (folder / "key").write_text("k" * 900 + "\n")  # an API key is about 900 characters
    os.chmod(folder / "key", 0o600)
    os.environ["BENCH_QLIK_KEY"] = "k" * 900
    argv = ["/bin/echo", "k" * 900]

    def profile(source: SecretSource) -> CloudProfile:
        return CloudProfile(name="b", url="https://t", base_dir=folder, auth="api_key", secrets={"api_key": source})

    command = SecretSource("command", tuple(argv))
    rows = [
        ("api_key_env", median_ms(runs, lambda: resolve_secret(profile(SecretSource("env", "BENCH_QLIK_KEY")), "api_key"))),
        ("api_key_file", median_ms(runs, lambda: resolve_secret(profile(SecretSource("file", "key")), "api_key"))),
        ("api_key_command (echo)", median_ms(runs, lambda: resolve_secret(profile(command), "api_key"))),
        ("  run_bounded(echo)", median_ms(runs, lambda: run_bounded(argv, timeout=10, max_stdout=65536))),
        ("  subprocess.run(echo)", median_ms(runs, lambda: subprocess.run(argv, capture_output=True, timeout=10, check=False))),
        ("load profiles.example.toml", median_ms(runs, lambda: load_profiles(ROOT / "profiles.example.toml"))),
    ]
    print(f"{'what':<30} {'median ms':>10} {'max ms':>10}   ({runs} runs)")
    for name, (median, worst) in rows:
        print(f"{name:<30} {median:>10.2f} {worst:>10.2f}")


if __name__ == "__main__":
    main()
