"""core.json.text_search: every occurrence as (line, column), across window edges, capped."""

from __future__ import annotations

import json

import pytest

from qlik_tui.core.json import text_search
from qlik_tui.core.json.line_index import LineIndex
from qlik_tui.core.json.text_search import find_in_text


def search(text: str, query: str, limit: int = 10_000) -> list[tuple[int, int]]:
    return find_in_text(text, LineIndex(text), query, limit)


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
