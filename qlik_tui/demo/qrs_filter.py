"""QRS `filter` and `orderby`, as the repository service reads them.

filter: `name eq 'Sales' and (published eq true or stream.name sw 'Fin')`; operators
eq ne gt ge lt le sw ew so, `and`/`or`/`not`, parentheses, dotted paths, 'quoted' strings
('' escapes a quote), bare numbers, booleans, GUIDs and null. String comparisons ignore
case, as the repository's database does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# A GUID is tried first: as a number ("90fbbd11-...") or a word ("abc...") it was cut short.
_GUID = r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\b"
_TOKEN = re.compile(rf"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<lp>\()|(?P<rp>\))|(?P<word>{_GUID}|[A-Za-z_][\w.]*|-?\d+(?:\.\d+)?))")
_OPS = {"eq", "ne", "gt", "ge", "lt", "le", "sw", "ew", "so"}
_LITERALS: dict[str, Any] = {"true": True, "false": False, "null": None}
Predicate = Callable[[dict[str, Any]], bool]


class FilterError(ValueError):
    """A filter the repository would refuse (400)."""


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise FilterError(f"cannot read the filter at character {pos + 1}: {text[pos : pos + 20]!r}")
        kind = match.lastgroup or ""
        out.append((kind, match.group(kind)))
        pos = match.end()
    return out


def lookup(obj: Any, path: str) -> Any:
    """Follow a dotted path (`stream.name`) through nested objects; None when missing."""
    for part in path.split("."):
        if not isinstance(obj, dict):
            return None
        match = next((k for k in obj if k.lower() == part.lower()), None)
        if match is None:
            return None
        obj = obj[match]
    return obj


def _norm(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _compare(op: str, left: Any, right: Any) -> bool:
    left, right = _norm(left), _norm(right)
    if op == "eq":
        return bool(left == right)
    if op == "ne":
        return bool(left != right)
    if op in ("sw", "ew", "so"):
        if not isinstance(left, str) or not isinstance(right, str):
            return False
        return left.startswith(right) if op == "sw" else left.endswith(right) if op == "ew" else right in left
    if left is None or right is None:
        return False
    try:
        return bool({"gt": left > right, "ge": left >= right, "lt": left < right, "le": left <= right}[op])
    except TypeError:
        return False


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise FilterError("the filter ends too early")
        self.pos += 1
        return token

    def keyword(self, word: str) -> bool:
        token = self.peek()
        if token and token[0] == "word" and token[1].lower() == word:
            self.pos += 1
            return True
        return False

    def expr(self) -> Predicate:
        parts = [self.term()]
        while self.keyword("or"):
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else (lambda o: any(p(o) for p in parts))

    def term(self) -> Predicate:
        parts = [self.factor()]
        while self.keyword("and"):
            parts.append(self.factor())
        return parts[0] if len(parts) == 1 else (lambda o: all(p(o) for p in parts))

    def factor(self) -> Predicate:
        if self.keyword("not"):
            inner = self.factor()
            return lambda o: not inner(o)
        token = self.take()
        if token[0] == "lp":
            inner = self.expr()
            if self.take()[0] != "rp":
                raise FilterError("a '(' is not closed")
            return inner
        if token[0] != "word":
            raise FilterError(f"expected a property name, found {token[1]!r}")
        path = token[1]
        kind, op = self.take()
        if kind != "word" or op.lower() not in _OPS:
            raise FilterError(f"unknown operator {op!r} (use eq ne gt ge lt le sw ew so)")
        value = self.value()
        op = op.lower()
        return lambda o: _compare(op, lookup(o, path), value)

    def value(self) -> Any:
        kind, text = self.take()
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind != "word":
            raise FilterError(f"expected a value, found {text!r}")
        if text.lower() in _LITERALS:
            return _LITERALS[text.lower()]
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        if re.fullmatch(r"-?\d+\.\d+", text):
            return float(text)
        if re.fullmatch(r"[0-9a-fA-F-]{36}", text):
            return text
        raise FilterError(f"{text!r} is not a value: quote strings with single quotes ('{text}')")


def compile_filter(text: str) -> Predicate:
    """Turn a QRS filter into a predicate over objects; FilterError when malformed."""
    parser = _Parser(text)
    predicate = parser.expr()
    if parser.peek() is not None:
        raise FilterError(f"unexpected {parser.peek()[1]!r} in the filter")  # type: ignore[index]
    return predicate


def apply_orderby(items: list[dict[str, Any]], orderby: str) -> list[dict[str, Any]]:
    """Sort by `orderby` ("name desc, modifiedDate"); None sorts first."""
    for clause in reversed([c.strip() for c in orderby.split(",") if c.strip()]):
        field, _, direction = clause.partition(" ")
        reverse = direction.strip().lower() == "desc"

        def key(o: dict[str, Any], field: str = field) -> tuple[int, Any]:
            v = _norm(lookup(o, field))
            return (0, "") if v is None else (1, v if not isinstance(v, (dict, list)) else str(v))

        items = sorted(items, key=key, reverse=reverse)
    return items
