"""What `qlik-tui engine eval` loads: only what its steps need (behaviour, not timing).

A run that reuses a kept session mints no JWT, so it must not load PyJWT or cryptography;
no engine run needs the simulator, Textual, Rich, tomlkit, jq or the other commands.
The time this saves is measured in bench/engine_bench.py, never asserted here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from qlik_tui.cli.parser import COMMANDS, build_parser, parse
from qlik_tui.demo.engine_apps import generate_rows
from qlik_tui.demo.environment import Demo

NEVER = ("textual", "rich", "qlik_tui.demo", "qlik_tui.ui", "tomlkit", "jq", "qlik_tui.core.catalog")
ONLY_TO_MINT = ("jwt", "cryptography")
# `call` is the exception: the engine checks its numbers with call's check_number (a small module).
OTHER_COMMANDS = tuple(f"qlik_tui.cli.{m}" for name, m in COMMANDS.items() if name not in ("engine", "call"))

# Run the real entry point in a fresh interpreter, then say which watched modules it loaded.
PROBE = (
    "import json, sys\n"
    "from qlik_tui.cli import main\n"
    "code = main(sys.argv[2:])\n"
    "watched = json.loads(sys.argv[1])\n"
    "print(json.dumps({'code': code, 'loaded': sorted(m for m in sys.modules if m.startswith(tuple(watched)))}))\n"
)


def eval_loading(demo: Demo, *extra: str) -> tuple[str, list[str]]:
    """Run `engine eval APP Sum(Sales)`; its stdout lines (the value first) and the watched modules it loaded."""
    app = str(demo.qseow.store.objects["app"][0]["id"])
    watched = [*NEVER, *ONLY_TO_MINT, *OTHER_COMMANDS]
    argv = ["engine", "--profiles", str(demo.profiles_path), *extra, "eval", app, "Sum(Sales)"]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(watched), *argv],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    value, report = done.stdout.strip().splitlines()
    result = json.loads(report)
    assert result["code"] == 0
    assert abs(float(value) - sum(r["Sales"] for r in generate_rows(app))) < 0.01
    return value, [m.split(".")[0] if m.split(".")[0] in ONLY_TO_MINT else m for m in result["loaded"]]


def test_a_kept_session_loads_neither_jwt_nor_crypto_nor_anything_else_heavy(demo: Demo) -> None:
    _, first = eval_loading(demo)  # signs in: mints a JWT, keeps the proxy session
    assert set(first) & set(ONLY_TO_MINT) == {"jwt", "cryptography"}  # the probe sees a mint when there is one
    _, kept = eval_loading(demo)
    assert kept == []


def test_signing_in_cold_still_loads_nothing_of_the_tui_the_simulator_or_other_commands(demo: Demo) -> None:
    _, loaded = eval_loading(demo, "--no-session-cache")
    assert set(loaded) - set(ONLY_TO_MINT) == set()


def test_the_one_command_parser_reads_arguments_as_the_full_one_does() -> None:
    full = build_parser()
    sub = next(a for a in full._actions if a.__class__.__name__ == "_SubParsersAction")
    assert list(sub.choices) == list(COMMANDS)  # a new command must be named in COMMANDS too
    for argv in (
        ["engine", "-p", "x", "eval", "APP", "Sum(A)", "--json", "--max-body", "5"],
        ["engine", "--no-session-cache", "object", "APP", "ID", "--rows", "10000"],
        ["call", "GET", "/qrs/about", "-p", "x"],
        ["token", "-p", "x"],
    ):
        assert vars(parse(argv)) == vars(_full_parse(argv)), argv


def _full_parse(argv: list[str]) -> object:
    from qlik_tui.cli import global_options

    args = build_parser().parse_args(argv)
    global_options.resolve(args)
    return args
