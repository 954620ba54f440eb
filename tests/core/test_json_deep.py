"""Deeply nested JSON: parse, pretty text, search, filter and paths cope with any depth up to
parse.MAX_DEPTH (no recursion), and refuse past it with a typed error."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qlik_tui.core.errors import JsonTooDeep
from qlik_tui.core.json.filter import apply
from qlik_tui.core.json.parse import MAX_DEPTH, loads, loads_deep
from qlik_tui.core.json.pretty import MAX_INDENT, pretty
from qlik_tui.core.json.search import find_all, value_at

SHAPES = {"array": ("[", "]"), "object": ('{"a":', "}")}


def nested(shape: str, depth: int, leaf: str = '"needle"') -> bytes:
    """`depth` levels of `[` (or `{"a":`) around a leaf, as a server would send them."""
    opening, closing = SHAPES[shape]
    return (opening * depth + leaf + closing * depth).encode()


def depth_of(doc: object) -> int:
    levels = 0
    while isinstance(doc, (list, dict)):
        doc = doc[0] if isinstance(doc, list) else doc["a"]
        levels += 1
    return levels


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("depth", [1_000, MAX_DEPTH])
def test_deep_bodies_parse_print_search_and_filter(shape: str, depth: int) -> None:
    body = nested(shape, depth)
    with pytest.raises(RecursionError):
        json.loads(body)  # what the app used to call, and why it died
    doc = loads(body)
    assert depth_of(doc) == depth
    text = pretty(doc)
    assert "".join(text.split()) == body.decode()  # the same JSON, only indented
    assert text.startswith("[\n  [" if shape == "array" else '{\n  "a": {')
    longest = max(len(line) - len(line.lstrip()) for line in text.splitlines())
    assert longest == 2 * MAX_INDENT  # indentation stops growing: not depth**2 spaces
    hits = find_all(doc, "needle")
    assert len(hits) == 1 and len(hits[0]) == depth
    assert value_at(doc, hits[0]) == "needle"
    step = "[0]" if shape == "array" else ".a"
    assert apply(doc, step * depth) == "needle"
    if shape == "object":
        assert len(find_all(doc, "a", limit=50)) == 50  # a key hit at every level, bounded


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
def test_too_deep_is_a_typed_error_with_a_hint(shape: str, depth: int) -> None:
    with pytest.raises(JsonTooDeep) as info:
        loads(nested(shape, depth))
    assert "10,000 levels" in info.value.message and "Raw" in info.value.hint
    assert isinstance(info.value, ValueError)  # callers that show "not JSON" as text keep working


def test_big_deep_bodies_take_the_piecewise_path_then_the_deep_one() -> None:
    filler = json.dumps(["x" * 100] * 12_000)  # over the 1 MB piecewise threshold
    body = ('{"filler": ' + filler + ', "deep": ' + "[" * 3000 + "1" + "]" * 3000 + "}").encode()
    doc = loads(body)
    assert len(doc["filler"]) == 12_000 and depth_of(doc["deep"]) == 3000


@pytest.mark.parametrize("bad", ["", "[1,", "[1 2]", '{"a" 1}', '{"a": 1,}', "[1] x", "{1: 2}", "[", '{"a": [1, 2}', "]"])
def test_the_deep_parser_rejects_what_json_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        json.loads(bad)
    with pytest.raises(json.JSONDecodeError):
        loads_deep(bad)
    with pytest.raises(json.JSONDecodeError):
        loads_deep("[" * 2000 + bad)


json_values = st.recursive(
    # NaN and Infinity are refused on purpose (JsonOddNumber, see test_json_odd_numbers.py)
    st.one_of(st.text(max_size=8), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.booleans(), st.none()),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=5), inner, max_size=5),
    max_leaves=40,
)


@given(json_values, st.sampled_from([None, 0, 2]))
def test_deep_parser_and_printer_equal_the_stdlib(doc: object, indent: int | None) -> None:
    text = json.dumps(doc, indent=indent, ensure_ascii=False)
    assert loads_deep(text) == json.loads(text)
    assert pretty(doc) == json.dumps(doc, indent=2, ensure_ascii=False)


def test_pretty_writes_every_scalar_as_json_does() -> None:
    doc = {"s": 'é\u2028\x1b"', "n": None, "t": True, "f": False, "i": -3, "x": 1.5e300, "nan": float("nan"), "k": {}}
    doc["inf"], doc["ninf"], doc["l"] = float("inf"), float("-inf"), []
    assert pretty(doc) == json.dumps(doc, indent=2, ensure_ascii=False)
    assert pretty({1: 2, None: 3}) == json.dumps({1: 2, None: 3}, indent=2)


def test_search_in_a_deep_document_holds_bounded_paths() -> None:
    doc = loads(nested("object", MAX_DEPTH))
    hits = find_all(doc, "a")  # the key matches at every level: 10,000 paths of up to 10,000 keys
    assert 0 < sum(len(h) for h in hits) <= 2_000_000 + MAX_DEPTH
    assert hits[0] == ("a",) and hits[1] == ("a", "a")
