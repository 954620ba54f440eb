from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qlik_tui.core.profiles.durations import MAX_SECONDS, format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [(90, 90), ("90", 90), ("90s", 90), ("30m", 1800), ("1h", 3600), ("2d", 172800), ("1h30m", 5400), (" 3600 ", 3600)],
)
def test_parse(text: object, seconds: int) -> None:
    assert parse_duration(text) == seconds


def test_bare_number_is_seconds_not_milliseconds() -> None:
    # qs-jwt reads 3600 as 3.6 seconds; we must not.
    assert parse_duration(3600) == 3600
    assert parse_duration("3600") == 3600


@pytest.mark.parametrize("bad", ["", "1x", "h", "-5", 0, -1, True, 1.5, "1.5h", None, [], "1h foo"])
def test_rejects(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(bad)


@given(st.integers(min_value=1, max_value=10**8))
def test_format_round_trips(seconds: int) -> None:
    assert parse_duration(format_duration(seconds)) == seconds
    assert parse_duration(str(seconds)) == seconds


@given(st.lists(st.tuples(st.integers(0, 999), st.sampled_from("smhd")), min_size=1, max_size=4))
def test_sum_of_parts(parts: list[tuple[int, str]]) -> None:
    text = "".join(f"{n}{u}" for n, u in parts)
    total = sum(n * {"s": 1, "m": 60, "h": 3600, "d": 86400}[u] for n, u in parts)
    if total == 0 or total > MAX_SECONDS:  # nothing, or past the ten-year cap: refused
        with pytest.raises(ValueError):
            parse_duration(text)
    else:
        assert parse_duration(text) == total
