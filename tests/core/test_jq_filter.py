"""Real jq over bodies: results, jq's own messages, `$` roots, and the time and output bounds."""

from __future__ import annotations

import json
import time

import pytest

from qlik_tui.core.json.jq_filter import JqError, check, run, to_jq

APPS = [
    {"id": "a1", "name": "Sales", "published": True, "owner": {"name": "goran"}},
    {"id": "a2", "name": "Draft", "published": False, "owner": {"name": "anna"}},
]
BODY = json.dumps(APPS).encode()


def test_jq_programs_give_every_result() -> None:
    assert run(BODY, ".[] | select(.published) | .name") == ["Sales"]
    assert run(BODY, "map(.owner.name)") == [["goran", "anna"]]
    assert run(BODY, ".[].id") == ["a1", "a2"]  # a stream: one result each
    assert run(BODY, "length") == [2]


def test_dollar_roots_copied_by_p_read_as_jq_paths() -> None:
    assert to_jq("$[0].owner.name") == ".[0].owner.name" and to_jq("$") == "." and to_jq("$.data") == ".data"
    assert to_jq("$__loc__") == "$__loc__" and to_jq(".a as $x | $x") == ".a as $x | $x"  # jq's own $ stays
    assert run(BODY, '$[0].owner["name"]') == ["goran"]


def test_bad_expressions_fail_in_jqs_own_words() -> None:
    with pytest.raises(JqError, match=r"^jq: error: syntax error"):
        check(".[")
    with pytest.raises(JqError, match=r'^jq: error: Cannot index string with string \("x"\)$'):
        run(BODY, ".[0].name.x")


def test_runaway_programs_are_stopped_in_time_and_by_output() -> None:
    started = time.monotonic()
    with pytest.raises(JqError, match="longer than 1 s"):
        run(BODY, "reduce range(1e15) as $i (0; . + 1)", time_limit=1)
    assert time.monotonic() - started < 15
    with pytest.raises(JqError, match="results are over"):
        run(BODY, "repeat(.)", max_output=1024 * 1024)


def test_a_stopper_kills_a_running_jq_at_once() -> None:
    import threading

    from qlik_tui.core.json.jq_filter import JqStopper

    stopper = JqStopper()
    outcome: list[BaseException] = []

    def endless() -> None:
        try:
            run(BODY, "last(range(1e12))", time_limit=60, stopper=stopper)
        except JqError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=endless)
    started = time.monotonic()
    thread.start()
    time.sleep(0.5)  # it is running (the worker process has started)
    stopper.stop()
    thread.join(timeout=20)
    assert not thread.is_alive() and time.monotonic() - started < 20  # not the 60 s bound
    assert len(outcome) == 1 and str(outcome[0].message) == "jq was stopped"
    late = JqStopper()
    late.stop()  # stopped before it starts: it never runs
    with pytest.raises(JqError, match="jq was stopped"):
        run(BODY, "last(range(1e12))", time_limit=60, stopper=late)
