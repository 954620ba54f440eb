"""The lazy representation (LazyArray over the body's bytes) answers as the full parse does.

Generated QRS and Cloud bodies, with unicode, escapes and odd numbers mixed in, are read
both ways; the tree's previews, search, filter and pretty text must be identical. Slices
are made small so that every body is indexed in many slices (the boundary search is tested).
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from qlik_tui.core.errors import JsonOddNumber
from qlik_tui.core.json import lazy, search
from qlik_tui.core.json.filter import apply
from qlik_tui.core.json.lazy import LazyArray, lazy_loads, reindent
from qlik_tui.core.json.parse import loads
from qlik_tui.core.json.pretty import pretty
from qlik_tui.core.json.search import find, find_all
from qlik_tui.core.json.view import is_container, preview
from qlik_tui.demo import cloud_data, qrs_data

ODD_STRINGS = [
    "Café Ünïcode ΟΔΟΣ straße İstanbul",
    'quote " backslash \\ slash / tab \t newline \n',
    "KELVIN SIGN \u212a and ﬁ ligature",
    "\u0001 control, \u2028 separator, emoji 😀",
    '},{"id":"fake","name":"inside a string"},{',
    "[Sales] =Sum([Amount]) $(vYear)",
]
ODD_NUMBERS = [1e5, 0.00001, 12345678901234567.0, -0.0, 1.5, 2.675, 10**20, -7, 0.1 + 0.2]


def _qrs_apps(count: int) -> list[dict[str, Any]]:
    rng = random.Random(count)
    objects = qrs_data.generate().objects
    apps = [
        qrs_data.make_app(rng, i, objects["user"], objects["stream"], objects["tag"], objects["custompropertydefinition"])
        for i in range(count)
    ]
    for i, app in enumerate(apps[::37]):
        app["description"] = ODD_STRINGS[i % len(ODD_STRINGS)]
        app["fileSize"] = ODD_NUMBERS[i % len(ODD_NUMBERS)]
        app["ünïcode key"] = {"nested": [ODD_STRINGS[(i + 1) % len(ODD_STRINGS)], None, True, False]}
    return apps


def _cloud_page(count: int) -> dict[str, Any]:
    store = cloud_data.generate(app_count=40)
    items = [dict(store.items[i % len(store.items)], id=f"item-{i}", resourceSize=ODD_NUMBERS[i % 9]) for i in range(count)]
    for i, item in enumerate(items[::29]):
        item["name"] = ODD_STRINGS[i % len(ODD_STRINGS)]
    return {"data": items, "links": {"self": {"href": "/api/v1/items"}, "next": {"href": "/api/v1/items?next=x"}}}


@pytest.fixture(autouse=True)
def small_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    # Small bodies take the lazy path, in many slices: the same code as 100 MB, in seconds.
    monkeypatch.setattr(lazy, "PIECEWISE_BYTES", 32 * 1024)
    monkeypatch.setattr(lazy, "CHUNK_BYTES", 8 * 1024)
    monkeypatch.setattr(search, "SEARCH_SLICE", 3000)  # search's byte scan, across many slices too


def _bodies() -> dict[str, bytes]:
    apps = _qrs_apps(300)
    page = _cloud_page(400)
    return {
        "qrs compact": json.dumps(apps, ensure_ascii=False).encode(),
        "qrs ascii escapes": json.dumps(apps, ensure_ascii=True).encode(),
        "qrs indented": json.dumps(apps, indent=2, ensure_ascii=False).encode(),
        "qrs without spaces": json.dumps(apps, ensure_ascii=False, separators=(",", ":")).encode(),
        # separators of varying width: element positions cannot be added up, they are matched
        "qrs odd spacing": (
            b"[ "
            + b"".join(
                json.dumps(app, ensure_ascii=False).encode() + (b"" if i == 299 else [b",", b" , ", b",\n\t"][i % 3])
                for i, app in enumerate(apps)
            )
            + b" ]\n"
        ),
        # compact but for one separator in each run of seven: a bare comma first in a slice
        # must not be taken for all of its separators
        "qrs one wide separator": b"["
        + b"".join(
            json.dumps(app, ensure_ascii=False).encode() + (b"" if i == 299 else b" ,\n" if i % 7 == 5 else b",")
            for i, app in enumerate(apps)
        )
        + b"]",
        "cloud page": json.dumps(page, ensure_ascii=False).encode(),
        "strings with commas": json.dumps([ODD_STRINGS[i % 6] + str(i) for i in range(12_000)]).encode(),
        "numbers": json.dumps([ODD_NUMBERS[i % 9] for i in range(20_000)]).encode(),
        "lists of lists": json.dumps([[i, [str(i), {"k": [i]}]] for i in range(8_000)]).encode(),
    }


BODIES = _bodies()
QUERIES = ["sales", "CAFÉ", "ß", "k", "ﬁ", "ı", "\\", '"', "},{", "😀", "1e-05", "e+", "100000", "0.3000", "17", "-0"]
QUERIES += ["true", "null"]
QUERIES += ["owner", "ünïcode", "nested", "id", "$(vyear)", "zzz-nothing", ".[3].owner.name", ".data[7].name"]
FILTERS = [".[*].owner.userId", ".[5]", ".[-1].tags", ".data[*].name", ".data[3]", ".[*].*", '.[*]["ünïcode key"].nested[0]']


@pytest.mark.parametrize("name", list(BODIES))
def test_lazy_document_answers_as_the_full_parse(name: str) -> None:
    body = BODIES[name]
    assert len(body) > lazy.PIECEWISE_BYTES
    full, doc = loads(body), lazy_loads(body)
    array = doc if isinstance(doc, LazyArray) else doc["data"]
    assert isinstance(array, LazyArray)  # the fast path was taken, not the fallback
    assert list(array) == (full if isinstance(full, list) else full["data"])
    assert [preview(v) for v in array] == [preview(v) for v in (full if isinstance(full, list) else full["data"])]
    assert preview(doc) == preview(full) and is_container(doc) == is_container(full)
    assert pretty(doc) == pretty(full) == json.dumps(full, indent=2, ensure_ascii=False)
    for query in QUERIES:
        assert find(doc, query) == find(full, query), query
    for expression in FILTERS:
        try:
            expected: Any = apply(full, expression)
        except Exception as exc:  # the same error, for a path that is not in this body
            with pytest.raises(type(exc)):
                apply(doc, expression)
            continue
        got = apply(doc, expression)
        assert (list(got) if isinstance(got, LazyArray) else got) == expected, expression


def test_search_parses_only_elements_whose_bytes_could_match(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = lazy_loads(BODIES["qrs compact"])
    assert isinstance(doc, LazyArray)
    parsed: list[int] = []
    element = LazyArray._element
    monkeypatch.setattr(LazyArray, "_element", lambda self, i: parsed.append(i) or element(self, i))
    hits = find_all(doc, "Margin $(vYear)")
    assert hits == [(1, "name")]  # the second of ODD_NAMES; every element holds LAB\\admin
    assert len(parsed) < len(doc) // 10  # only the few elements holding a "margin" (or \\u escapes)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"[" + b'{"a": 1},' * 20_000 + b'{"a": 1,}]', json.JSONDecodeError),  # a trailing comma, far in
        (b"[" + b'"x",' * 30_000 + b'"\xff"]', UnicodeDecodeError),  # invalid UTF-8 in a string
        (b"[" + b"[" * 5000 + b"]" * 5000 + b"," + b"1," * 60_000 + b"1]", None),  # deeper than msgspec goes
        (b"\xef\xbb\xbf[" + b"1," * 60_000 + b"1]", None),  # a BOM
    ],
    ids=["trailing-comma", "invalid-utf8", "deep", "bom"],
)
def test_what_the_fast_path_cannot_promise_falls_back_to_the_full_parse(body: bytes, error: type[Exception] | None) -> None:
    if error is not None:
        with pytest.raises(error):
            loads(body)
        with pytest.raises(error):
            lazy_loads(body)
        return
    doc = lazy_loads(body)
    assert isinstance(doc, list)  # parsed in full, as before
    assert pretty(doc, indent=None) == pretty(loads(body), indent=None)  # no recursion: 5,000 levels


def test_a_number_python_cannot_hold_is_found_when_its_element_is_read() -> None:
    doc = lazy_loads(b"[" + b'{"a": 1},' * 20_000 + b'{"a": 1e999999}]')
    assert isinstance(doc, LazyArray) and doc[0] == {"a": 1}
    with pytest.raises(JsonOddNumber, match="larger than any float"):
        doc[-1]


def test_lazy_array_indexes_like_a_list() -> None:
    full = list(range(30_000))
    doc = lazy_loads(json.dumps(full).encode())
    assert isinstance(doc, LazyArray) and len(doc) == len(full)
    assert doc[-1] == full[-1] and doc[10:15] == full[10:15] and doc[::10_000] == full[::10_000]
    assert doc.raw(7) == b"7"
    with pytest.raises(IndexError):
        doc[len(full)]


@pytest.mark.parametrize("name", ["qrs compact", "qrs indented", "cloud page", "numbers"])
def test_the_raw_text_of_a_big_body_is_the_pretty_text(name: str) -> None:
    body = BODIES[name]  # written by json.dumps: re-indenting it as sent gives pretty()'s text
    assert reindent(body) == pretty(loads(body)).encode("utf-8", "surrogatepass")  # UTF-8, never decoded


def test_the_raw_text_keeps_escapes_and_numbers_as_sent() -> None:
    body = BODIES["qrs ascii escapes"]
    text = reindent(body)
    assert text is not None and b"\\u00e9" in text and "é".encode() not in text  # Café, as the server wrote it
    assert json.loads(text) == loads(body)
    assert reindent(b'{"a": 1E5, "b": "\\/"}') == b'{\n  "a": 1E5,\n  "b": "\\/"\n}'
    assert reindent(b'{"a": 1,}') is None  # not JSON: the caller shows the text
    # msgspec copies a string's bytes unchecked: not UTF-8 is not JSON here, as the decode said
    assert reindent(b'{"a": "\xff"}') is None and reindent(b'{"a": "\xed\xa0\x80 \xc3\xa9"}') is not None


def test_opens_tells_a_non_empty_container_from_its_bytes() -> None:
    items = [{}, {"a": 1}, [], [1], "x", 1, None, {"k": []}, [{}], "{not an object}"]
    body = json.dumps(items * 4_000, indent=1).replace("{}", "{ \n }").encode()  # empty with spaces inside
    doc = lazy_loads(body)
    assert isinstance(doc, LazyArray)
    expected = [isinstance(v, (dict, list)) and len(v) > 0 for v in items * 4_000]
    assert [doc.opens(i) for i in range(len(doc))] == expected


@pytest.mark.parametrize("limit", [1, 5_000, 128 * 1024, 10**9])
def test_the_raw_head_is_the_first_lines_of_the_whole_raw_text(limit: int) -> None:
    from qlik_tui.core.json.lazy import reindent_head

    name = 'Sales [{}] é\\u00e9 "q" 😀 \x01'  # unicode, a backslash, quotes, a control character
    records = [{"id": i, "name": name.format(i), "n": 1e5, "tags": [{"x": None}] * (i % 3)} for i in range(3_000)]
    body = json.dumps(records, ensure_ascii=bool(limit % 2)).encode()
    doc = lazy_loads(body)
    assert isinstance(doc, LazyArray)
    head, whole = reindent_head(doc, limit), reindent(body)
    assert head is not None and whole is not None
    lines, all_lines = head.split(b"\n"), whole.split(b"\n")
    assert lines == all_lines[: len(lines)] and len(lines) < len(all_lines)  # never the whole text
    assert lines[-1] == b"  }," and len(lines) > 3
    assert reindent_head(records) is None and reindent_head(lazy_loads(b"[" + b" " * 300_000 + b"1]")) is None


@pytest.mark.parametrize("check", [1, 3, 5, 1 << 18])
def test_the_raw_text_is_checked_as_utf8_a_slice_at_a_time(monkeypatch: pytest.MonkeyPatch, check: int) -> None:
    monkeypatch.setattr(lazy, "CHECK_BYTES", check)  # slices cut inside characters: left for the next
    body = json.dumps([{"name": f"Café 😀 ΟΔΟΣ {i}"} for i in range(50)], ensure_ascii=False).encode()
    assert reindent(body) == pretty(loads(body)).encode()
    # JSON to msgspec (it copies string bytes unchecked), not UTF-8 to the check: a cut character, a stray byte
    assert reindent(body.replace("😀".encode(), b"\xf0\x9f\x98", 1)) is None
    assert reindent(body.replace("😀".encode(), b"\xff", 1)) is None
