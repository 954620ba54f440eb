"""Search, filter and previews over JSON documents."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qlik_tui.core.errors import QlikTuiError
from qlik_tui.core.json.filter import apply
from qlik_tui.core.json.search import find_all, value_at
from qlik_tui.core.json.view import buckets, main_list_key, path_append, preview

DOC = [
    {"id": "a1", "name": "Sales", "owner": {"name": "Alice", "id": "u1"}, "tags": [{"name": "PII"}], "published": True},
    {"id": "a2", "name": "=Sum([Sales])", "owner": {"name": "Bob", "id": "u2"}, "tags": [], "published": False},
]


def test_search_keys_and_values_case_insensitive_in_order() -> None:
    hits = find_all(DOC, "sales")
    assert hits == [(0, "name"), (1, "name")]
    assert find_all(DOC, "OWNER") == [(0, "owner"), (1, "owner")]
    assert find_all(DOC, "true") == [(0, "published")]
    assert find_all(DOC, "") == []
    assert value_at(DOC, (1, "owner", "name")) == "Bob"


def test_search_is_bounded_and_survives_deep_documents() -> None:
    deep: object = "needle"
    for _ in range(5000):
        deep = [deep]
    assert len(find_all(deep, "needle")[0]) == 5000
    assert len(find_all(list(range(100)), "1", limit=7)) == 7


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("[*].owner.name", ["Alice", "Bob"]),
        ("[].id", ["a1", "a2"]),
        ("[0].tags[0].name", "PII"),
        ("[-1].name", "=Sum([Sales])"),
        ("[*].tags[*].name", ["PII"]),
        ('[0]["owner"].id', "u1"),
        ("[0].owner.*", ["Alice", "u1"]),
    ],
)
def test_filter(expression: str, expected: object) -> None:
    assert apply(DOC, expression) == expected


def test_filter_on_cloud_shape() -> None:
    assert apply({"data": [{"id": 1}, {"id": 2}]}, ".data[].id") == [1, 2]
    assert apply({"data": [{"id": 1}]}, "data[0].id") == 1


@pytest.mark.parametrize("bad", ["", "[x]", "..a", "[0", "a b"])
def test_bad_filters_explain(bad: str) -> None:
    with pytest.raises(QlikTuiError) as info:
        apply(DOC, bad)
    assert info.value.hint


def test_missing_path_is_an_error() -> None:
    with pytest.raises(QlikTuiError, match="nothing at"):
        apply(DOC, "[5].name")


def test_previews_and_buckets() -> None:
    assert preview(DOC[0]) == '{5 keys} name="Sales"'
    assert preview(list(range(3412))) == "[3,412 items]"
    assert preview("[Sales]") == '"[Sales]"'
    assert buckets(1200) == [(0, 500), (500, 1000), (1000, 1200)]
    assert path_append(path_append(".", 0), "key with space") == '.[0]["key with space"]'


@given(
    st.recursive(
        st.one_of(st.text(max_size=5), st.integers(), st.booleans(), st.none()),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
        max_leaves=30,
    )
)
def test_hits_are_every_matching_key_and_value_in_document_order(doc: object) -> None:
    hits = find_all(doc, "A")
    assert hits == _hits_by_recursion(doc, "a")
    for path in hits:
        found = value_at(doc, path)  # the path leads somewhere, and what is there matches
        assert (path and "a" in str(path[-1]).lower()) or "a" in str(found).lower()


def _hits_by_recursion(node: object, needle: str, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """The same search written the obvious way (the product's is iterative and bounded)."""
    out: list[tuple[str | int, ...]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if needle in str(key).lower():
                out.append((*path, key))
            out += [p for p in _hits_by_recursion(value, needle, (*path, key)) if not (out and out[-1] == p)]
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _hits_by_recursion(value, needle, (*path, index))
    elif isinstance(node, str) and needle in node.lower():
        out.append(path)
    return out


json_values = st.recursive(
    # NaN and Infinity are refused on purpose (JsonOddNumber, see test_json_odd_numbers.py)
    st.one_of(st.text(max_size=8), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.booleans(), st.none()),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=5), inner, max_size=5),
    max_leaves=40,
)


@given(json_values, st.sampled_from([None, 0, 2]))
def test_piecewise_parse_equals_json_loads(doc: object, indent: int | None) -> None:
    import json

    from qlik_tui.core.json.parse import loads_in_pieces, pretty_in_pieces

    text = json.dumps(doc, indent=indent)
    assert loads_in_pieces(text) == json.loads(text)
    assert loads_in_pieces(text.encode()) == json.loads(text)
    assert json.loads(pretty_in_pieces(doc)) == doc


def test_piecewise_pretty_matches_dumps_for_lists() -> None:
    import json

    from qlik_tui.core.json.parse import pretty_in_pieces

    assert pretty_in_pieces(DOC) == json.dumps(DOC, indent=2, ensure_ascii=False)
    cloud = {"data": [{"id": i} for i in range(150)], "links": {"next": {"href": "x"}}}
    assert pretty_in_pieces(cloud) == json.dumps(cloud, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("bad", ["", "[1,", "[1 2]", '{"a" 1}', '{"a": 1,}', "[1] x", "{1: 2}", "[", '{"a": [1, 2}'])
def test_piecewise_parse_rejects_what_json_rejects(bad: str) -> None:
    import json

    from qlik_tui.core.json.parse import loads_in_pieces

    with pytest.raises(ValueError):
        json.loads(bad)
    with pytest.raises(ValueError):
        loads_in_pieces(bad)


def test_request_parts_shared_by_cli_and_tui() -> None:
    from qlik_tui.core.http.request_parts import parse_header_lines, parse_query_lines

    assert parse_query_lines("filter=name eq 'a=b'\n# comment\n\norderby = name desc") == [
        ("filter", "name eq 'a=b'"),
        ("orderby", "name desc"),
    ]
    assert parse_header_lines("Accept-Language: en") == [("Accept-Language", "en")]
    for bad, text in (("x", "query line 1"), ("=v", "query line 1")):
        with pytest.raises(QlikTuiError, match=text):
            parse_query_lines(bad)
    with pytest.raises(QlikTuiError, match="sets Cookie itself"):
        parse_header_lines("Cookie: a=b")


ODD = {"data": [{"a b": {"x.y": {"[k]": "deep"}}, "owner": {"name": "Ann"}, "ünï": 1, "$ref": 2, "-": 3, "": 4, '"q"': 5}]}


def _leaf_paths(doc: object) -> list[tuple[str | int, ...]]:
    out: list[tuple[str | int, ...]] = []
    stack: list[tuple[tuple[str | int, ...], object]] = [((), doc)]
    while stack:
        path, node = stack.pop()
        out.append(path)
        if isinstance(node, dict):
            stack.extend(((*path, k), v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend(((*path, i), v) for i, v in enumerate(node))
    return out


def test_copied_paths_are_what_filter_and_search_take() -> None:
    from qlik_tui.core.json.filter import locate
    from qlik_tui.core.json.search import find
    from qlik_tui.core.json.view import path_text

    assert path_text((0, "owner", "name")) == ".[0].owner.name"
    assert path_text(("data", 0, "a b", "x.y")) == '.data[0]["a b"]["x.y"]'
    assert path_text(()) == "."
    for parts in _leaf_paths(ODD):
        copied = path_text(parts)
        assert locate(ODD, copied) == parts, copied
        assert locate(ODD, "$" + copied.lstrip(".") if copied.startswith(".[") else "$" + copied) == parts
        assert apply(ODD, copied) == value_at(ODD, parts)
        assert find(ODD, copied) == [parts]
    assert apply(DOC, "$[0].owner.name") == "Alice" and apply(DOC, ".[0].owner.name") == "Alice"
    assert apply(DOC, ".") == DOC and apply(DOC, "$") == DOC
    assert find(DOC, ".com") == []  # not a path here: a text search, which finds nothing
    assert find(DOC, "$[1].owner") == [(1, "owner")]


def test_plurals() -> None:
    from qlik_tui.core.json.view import plural

    assert preview([1]) == "[1 item]" and preview({"a": 1}) == "{1 key}" and preview([]) == "[0 items]"
    assert plural(1, "result") == "1 result" and plural(1_200, "result") == "1,200 results"


def test_main_list_key_is_data_or_the_only_non_empty_list() -> None:
    assert main_list_key({"data": [], "links": {}}) == "data"  # Cloud's page, even when empty
    assert main_list_key({"meta": {}, "items": [{"id": 1}]}) == "items"
    assert main_list_key({"a": [1], "b": [2]}) is None and main_list_key({"a": [], "b": 1}) is None
    assert main_list_key({}) is None
