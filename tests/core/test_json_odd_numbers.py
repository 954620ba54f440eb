"""Numbers a hostile body may hold: each is a typed 'shown as text' error, never a wrong value."""

from __future__ import annotations

import pytest

from qlik_tui.core.errors import JsonOddNumber
from qlik_tui.core.json.parse import PIECEWISE_BYTES, loads


@pytest.mark.parametrize(
    ("body", "said"),
    [
        # Python's json reads 1e999999 as Infinity: printed back, valid JSON became `Infinity`.
        (b'{"a": 1e999999}', "the number 1e999999, larger than any float"),
        (b"[-1E400]", "the number -1E400, larger than any float"),
        # NaN and Infinity are not JSON: jq and Qlik refuse them; Python printed them back.
        (b'{"a": NaN}', "NaN, which is not JSON"),
        (b"[1, -Infinity]", "-Infinity, which is not JSON"),
        # Past 4,300 digits int() raises a ValueError that advised sys.set_int_max_str_digits().
        (b'{"a": ' + b"7" * 100_000 + b"}", "an integer of more than 4,300 digits"),
    ],
    ids=["1e999999", "-1E400", "NaN", "-Infinity", "100000-digits"],
)
@pytest.mark.parametrize("shape", ["small", "deep", "big"])
def test_odd_numbers_are_named_in_every_parse_path(body: bytes, said: str, shape: str) -> None:
    if shape == "deep":  # json.loads gives up, the explicit-stack parser takes over
        body = b"[" * 2000 + body + b"]" * 2000
    elif shape == "big":  # parsed element by element
        body = b"[" + b'"x",' * (PIECEWISE_BYTES // 4) + body + b"]"
    with pytest.raises(JsonOddNumber) as info:
        loads(body)
    assert said in info.value.message and "shown as text" in info.value.message


def test_ordinary_numbers_are_untouched() -> None:
    assert loads(b'{"a": 1.5e300, "b": -0.0, "c": 123456789012345678901234567890, "d": 1e-999}') == {
        "a": 1.5e300,
        "b": -0.0,
        "c": 123456789012345678901234567890,
        "d": 0.0,
    }


def test_text_that_is_not_json_stays_a_plain_value_error() -> None:
    with pytest.raises(ValueError) as info:
        loads(b'{"a": }')
    assert not isinstance(info.value, JsonOddNumber)
