"""Expressions as the simulated Engine computes them: aggregations over the app's rows.

A small recursive-descent parser: numbers, 'strings', fields (bare or in [brackets]),
+ - * / and parentheses, `$(variable)` expansion, and the aggregations Sum, Count (with
DISTINCT), Min, Max, Avg and Only, whose argument is evaluated per row. A field outside an
aggregation is `Only(field)`, as in Qlik. Anything else (an unknown function, a field the
app lacks, a syntax error) raises ExpressionError with the Engine's kind of wording.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Number = float | None  # None: Qlik's NULL
Row = dict[str, Any]
AGGREGATIONS = ("sum", "count", "min", "max", "avg", "only")
_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|('(?:[^']|'')*')|(\[[^\]]*\])|([A-Za-z_][A-Za-z0-9_.]*)|(\S))")
MAX_EXPRESSION = 10_000  # characters
MAX_DEPTH = 100  # nested parentheses


class ExpressionError(ValueError):
    """An expression the Engine cannot compute."""


def expand_variables(text: str, variables: dict[str, str]) -> str:
    """`$(vName)` replaced by the variable's definition (one level, as dollar expansion does)."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        if name not in variables:
            return ""  # Qlik expands an unknown variable to nothing
        return variables[name]

    return re.sub(r"\$\(([^()]*)\)", one, text)


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            break
        pos = match.end()
        number, string, bracketed, name, other = match.groups()
        if number is not None:
            out.append(("num", number))
        elif string is not None:
            out.append(("str", string[1:-1].replace("''", "'")))
        elif bracketed is not None:
            out.append(("field", bracketed[1:-1]))
        elif name is not None:
            out.append(("name", name))
        elif other is not None:
            out.append(("op", other))
    return out


Node = Callable[[list[Row]], Any]  # a compiled expression over a set of rows


class _Parser:
    def __init__(self, text: str, fields: set[str]) -> None:
        self.tokens = _tokens(text)
        self.pos = 0
        self.fields = fields
        self.depth = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, kind: str, value: str | None = None) -> str:
        token = self.peek()
        if token is None or token[0] != kind or (value is not None and token[1] != value):
            found = "the end" if token is None else repr(token[1])
            raise ExpressionError(f"Error in expression: unexpected {found}")
        self.pos += 1
        return token[1]

    def expression(self, per_row: bool) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError("Error in expression: nested too deep")
        left = self.term(per_row)
        while (token := self.peek()) is not None and token in (("op", "+"), ("op", "-")):
            self.pos += 1
            left = _binary(token[1], left, self.term(per_row))
        self.depth -= 1
        return left

    def term(self, per_row: bool) -> Node:
        left = self.factor(per_row)
        while (token := self.peek()) is not None and token in (("op", "*"), ("op", "/")):
            self.pos += 1
            left = _binary(token[1], left, self.factor(per_row))
        return left

    def factor(self, per_row: bool) -> Node:
        token = self.peek()
        if token is None:
            raise ExpressionError("Error in expression: unexpected the end")
        kind, value = token
        if kind == "num":
            self.pos += 1
            number = float(value)
            return lambda rows: number
        if kind == "str":
            self.pos += 1
            return lambda rows: value
        if token == ("op", "-"):
            self.pos += 1
            inner = self.factor(per_row)
            return lambda rows: _neg(inner(rows))
        if token == ("op", "("):
            self.pos += 1
            inner = self.expression(per_row)
            self.take("op", ")")
            return inner
        if kind == "name" and self.pos + 1 < len(self.tokens) and self.tokens[self.pos + 1] == ("op", "("):
            return self.function(value, per_row)
        if kind in ("name", "field"):
            self.pos += 1
            return self.field(value, per_row)
        raise ExpressionError(f"Error in expression: unexpected {value!r}")

    def field(self, name: str, per_row: bool) -> Node:
        if name not in self.fields:
            raise ExpressionError(f"Error in expression: Bad field name: {name}")
        if per_row:
            return lambda rows: rows[0].get(name)
        return lambda rows: _only([r.get(name) for r in rows])

    def function(self, name: str, per_row: bool) -> Node:
        lowered = name.lower()
        if lowered not in AGGREGATIONS:
            raise ExpressionError(f"Error in expression: '{name}' is not a valid function")
        if per_row:
            raise ExpressionError("Error in expression: Nested aggregation not allowed")
        self.pos += 2  # the name and "("
        distinct = False
        token = self.peek()
        if token is not None and token[0] == "name" and token[1].lower() == "distinct":
            distinct = True
            self.pos += 1
        argument = self.expression(per_row=True)
        self.take("op", ")")
        return _aggregate(lowered, argument, distinct)


def _neg(value: Any) -> Any:
    return -value if isinstance(value, (int, float)) else None


def _binary(op: str, left: Node, right: Node) -> Node:
    def apply(rows: list[Row]) -> Any:
        a, b = left(rows), right(rows)
        if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
            return None
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        return None if b == 0 else a / b

    return apply


def _only(values: list[Any]) -> Any:
    distinct = {v for v in values if v is not None}
    return distinct.pop() if len(distinct) == 1 else None


def _aggregate(name: str, argument: Node, distinct: bool) -> Node:
    def apply(rows: list[Row]) -> Any:
        values = [argument([row]) for row in rows]
        if name == "count":
            present = [v for v in values if v is not None]
            return float(len(set(present)) if distinct else len(present))
        if name == "only":
            return _only(values)
        numbers = [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if distinct:
            numbers = list(set(numbers))
        if name == "sum":
            return float(sum(numbers))  # Sum over no numbers is 0 in Qlik
        if not numbers:
            return None
        if name == "min":
            return min(numbers)
        if name == "max":
            return max(numbers)
        return sum(numbers) / len(numbers)

    return apply


def compile_expression(text: str, fields: set[str], variables: dict[str, str]) -> Node:
    """Parse `text` (leading '=' allowed) into a function of rows."""
    if len(text) > MAX_EXPRESSION:
        raise ExpressionError("Error in expression: too long")
    text = expand_variables(text.strip(), variables)
    if text.startswith("="):
        text = text[1:]
    if not text.strip():
        raise ExpressionError("Error in expression: empty")
    parser = _Parser(text, fields)
    node = parser.expression(per_row=False)
    if parser.peek() is not None:
        raise ExpressionError(f"Error in expression: unexpected {parser.peek()[1]!r}")  # type: ignore[index]
    return node


def number_text(value: Any) -> str:
    """A value as the Engine's qText shows it (no thousands separators; NULL is '-')."""
    if value is None:
        return "-"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.14g}"
    return str(value)


def cell(value: Any) -> dict[str, Any]:
    """A value as a qValue / hypercube cell: qText, qIsNumeric, qNumber (NaN written as 'NaN')."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {"qText": number_text(float(value)), "qIsNumeric": True, "qNumber": float(value)}
    return {"qText": number_text(value), "qIsNumeric": False, "qNumber": "NaN"}
