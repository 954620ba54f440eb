"""The simulated Engine's expressions: arithmetic, NULLs, DISTINCT, variables and refusals,
checked against rows written out here (the Engine's numbers must be computed, not canned)."""

from __future__ import annotations

import pytest

from qlik_tui.demo.engine_eval import ExpressionError, cell, compile_expression, number_text

ROWS = [
    {"Region": "North", "Sales": 10.5, "Quantity": 2},
    {"Region": "North", "Sales": 4.5, "Quantity": 3},
    {"Region": "South", "Sales": 5.0, "Quantity": None},
]
FIELDS = {"Region", "Sales", "Quantity"}


def value(expression: str, variables: dict[str, str] | None = None) -> object:
    return compile_expression(expression, FIELDS, variables or {})(ROWS)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("Sum(Sales)", 20.0),
        ("sum( [Sales] ) / Count(Sales)", 20.0 / 3),
        ("Count(Quantity)", 2.0),  # NULLs are not counted
        ("Count(DISTINCT Region)", 2.0),
        ("Avg(Quantity)", 2.5),
        ("Min(Sales) + Max(Sales) * 2", 4.5 + 21.0),
        ("-(Sum(Quantity) - 1)", -4.0),
        ("Sum(Sales * Quantity)", 10.5 * 2 + 4.5 * 3),  # NULL * x is NULL: the South row adds nothing
        ("=Sum(Sales) / 0", None),  # division by zero is NULL
        ("Region", None),  # two values: no single one
        ("Only(Quantity) ", None),
        ("Sum(Sales) * $(vRate)", 40.0),
    ],
)
def test_values(expression: str, expected: float | None) -> None:
    got = value(expression, {"vRate": "2"})
    assert got == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(
    ("expression", "said"),
    [
        ("Median(Sales)", "'Median' is not a valid function"),
        ("Sum(Nope)", "Bad field name: Nope"),
        ("Sum(Sum(Sales))", "Nested aggregation"),
        ("Sum(Sales", "unexpected the end"),
        ("Sum(Sales))", "unexpected ')'"),
        ("(" * 500 + "1" + ")" * 500, "nested too deep"),
        ("", "empty"),
    ],
)
def test_refusals(expression: str, said: str) -> None:
    with pytest.raises(ExpressionError, match=said.replace("(", r"\(").replace(")", r"\)")):
        value(expression)


def test_texts_as_the_engine_shows_them() -> None:
    assert number_text(245100.63000000003) == "245100.63" and number_text(5.0) == "5" and number_text(None) == "-"
    assert cell("North") == {"qText": "North", "qIsNumeric": False, "qNumber": "NaN"}
