"""Retry-After as servers really send it, hostile values included; the request deadline."""

from __future__ import annotations

import time

import pytest

from qlik_tui.core.http.deadline import Deadline
from qlik_tui.core.http.rate_limit import human_seconds, parse_retry_after, retry_after_seconds

NOW = 1_800_000_000.0  # 2027-01-15T08:00:00Z


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("5", 5.0),
        (" 2.5 ", 2.5),
        ("-3", 0.0),
        ("100000", 100000.0),
        ("Fri, 15 Jan 2027 08:01:00 GMT", 60.0),
        ("Fri, 15 Jan 2027 07:00:00 GMT", 0.0),  # in the past: no wait
        ("nan", None),
        ("inf", None),
        ("1e999", None),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, NOW) == seconds


@pytest.mark.parametrize(("value", "wait"), [(None, 1.0), ("", 1.0), ("nan", 5.0), ("3", 3.0), ("100000", 60.0)])
def test_the_wait_we_accept_is_short_and_finite(value: str | None, wait: float) -> None:
    assert retry_after_seconds(value, NOW) == wait


@pytest.mark.parametrize(
    ("seconds", "text"), [(45, "45 s"), (0.5, "0.5 s"), (600, "10 min"), (100000, "27 h 46 min"), (9e6, "104 days")]
)
def test_human_seconds(seconds: float, text: str) -> None:
    assert human_seconds(seconds) == text


def test_deadline_counts_down() -> None:
    deadline = Deadline.after(30)
    assert deadline.at == pytest.approx(time.monotonic() + 30, abs=1)
    assert 29 < deadline.remaining() <= 30 and 0 <= deadline.elapsed() < 1
    assert Deadline(1.0, started=time.monotonic() - 5).remaining() == 0.0
