"""`qlik-tui call --jq` against the simulator."""

from __future__ import annotations

import json

from qlik_tui.demo.environment import Demo
from tests.cli_helpers import assert_clean_failure, run_cli


def call(demo: Demo, *args: str) -> tuple[int, str, str]:
    proc = run_cli("call", "--profiles", str(demo.profiles_path), "-p", "demo-qseow", *args)
    return proc.returncode, proc.stdout, proc.stderr


def test_jq_selects_from_the_real_body(demo: Demo) -> None:
    code, out, err = call(demo, "GET", "/qrs/app/full")
    apps = json.loads(out)
    code, out, err = call(demo, "GET", "/qrs/app/full", "--jq", "[.[] | select(.published) | .name]")
    assert code == 0, err
    assert json.loads(out) == [a["name"] for a in apps if a["published"]]
    code, out, err = call(demo, "GET", "/qrs/app/full", "--jq", "$[0].name", "--raw")  # as p copies it; -r style
    assert code == 0 and out == apps[0]["name"] + "\n"


def test_a_bad_expression_is_refused_before_sending(demo: Demo) -> None:
    before = demo.qseow.stats.requests
    proc = run_cli("call", "--profiles", str(demo.profiles_path), "-p", "demo-qseow", "GET", "/qrs/app", "--jq", ".[")
    assert_clean_failure(proc)
    assert proc.returncode == 2 and "jq: error: syntax error" in proc.stderr and proc.stdout == ""
    assert demo.qseow.stats.requests == before  # nothing was sent


def test_a_jq_run_time_error_exits_2_with_jqs_message(demo: Demo) -> None:
    proc = run_cli("call", "--profiles", str(demo.profiles_path), "-p", "demo-qseow", "GET", "/qrs/app", "--jq", ".name")
    assert_clean_failure(proc)
    assert proc.returncode == 2 and 'Cannot index array with string ("name")' in proc.stderr
