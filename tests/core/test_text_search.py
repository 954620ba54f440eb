"""core.json.text_search: every occurrence as (line, column), across window edges, capped."""

from __future__ import annotations

import json
import random
import re
from bisect import bisect_right

import pytest

from qlik_tui.core.json import text_search
from qlik_tui.core.json.line_index import LineIndex
from qlik_tui.core.json.text_search import find_in_text


def search(text: str, query: str, limit: int = 10_000) -> list[tuple[int, int]]:
    data = text.encode("utf-8", "surrogatepass")  # the Raw tab keeps UTF-8 bytes
    return find_in_text(data, LineIndex(data), query, limit)


def test_every_occurrence_case_insensitive_with_lines_and_columns() -> None:
    text = json.dumps([{"name": "Sales"}, {"name": "SALES =Sum([Sales])"}], indent=2, ensure_ascii=False)
    lines = text.splitlines()
    expected = [(i, c) for i, line in enumerate(lines) for c in range(len(line)) if line.lower().startswith("sales", c)]
    assert search(text, "sAlEs") == expected and len(expected) == 3
    assert search(text, "Ä") == [] and search("Ärger\närger", "ä") == [(0, 0), (1, 0)]
    assert search(text, "") == []
    assert search("a\nb", "a\nb") == [(0, 0)]  # a query across a newline counts on its first line


def test_occurrences_straddling_a_window_edge_are_found_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_search, "WINDOW", 8)
    text = "xxxxxxneedle needle\nneedleneedle"
    assert search(text, "needle") == [(0, 6), (0, 13), (1, 0), (1, 6)]
    assert search("aaaaaaaaaaaaaaaaaaaa", "aa") == [(0, i) for i in range(0, 19, 2)]  # no overlaps, no doubles


def test_the_number_of_hits_is_capped() -> None:
    assert len(search("x\n" * 50_000, "x", limit=1234)) == 1234


def _expected(text: str, query: str) -> list[tuple[int, int]]:
    """What a search over the decoded lines finds: (line, column in characters)."""
    pattern = re.compile(re.escape(query), re.IGNORECASE)
    return [(i, m.start()) for i, line in enumerate(text.split("\n")) for m in pattern.finditer(line)]


def test_columns_count_characters_after_non_ascii_text_on_the_line() -> None:
    text = '  "name": "Café ΟΔΟΣ 😀 sales, Sales", "x": "ÉTÉ été"\nÄ sales'
    assert search(text, "sales") == [(0, 23), (0, 30), (1, 2)] == _expected(text, "sales")
    assert search(text, "été") == [(0, 44), (0, 48)]  # a non-ASCII query, either case
    assert search(text, "ΟΔΟΣ".lower()) == [(0, 16)] and search(text, "😀") == [(0, 21)]
    assert search("a \ud800 b", "b") == [(0, 4)]  # a lone surrogate (JSON's \ud800) is one character


@pytest.mark.parametrize("window", [1, 2, 3, 5, 64])
def test_non_ascii_text_across_window_edges(monkeypatch: pytest.MonkeyPatch, window: int) -> None:
    monkeypatch.setattr(text_search, "WINDOW", window)  # windows cut inside characters, moved back
    rng = random.Random(window)
    text = "".join(rng.choice(["é", "É", "😀", "a", "x", "\n", "ÉA", "ea"]) for _ in range(400))
    for query in ("éa", "a", "😀", "éaé", "x\né"):
        assert search(text, query) == _expected_across_lines(text, query), query


def _expected_across_lines(text: str, query: str) -> list[tuple[int, int]]:
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    pattern = re.compile(re.escape(query), re.IGNORECASE)
    out = []
    for match in pattern.finditer(text):
        line = bisect_right(starts, match.start()) - 1
        out.append((line, match.start() - starts[line]))
    return out
