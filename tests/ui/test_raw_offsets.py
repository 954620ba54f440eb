"""The Raw tab's line index, found a slice at a time, is the index a find() per line gives."""

from __future__ import annotations

import random
from array import array

import pytest

from qlik_tui.ui.widgets import raw_view
from qlik_tui.ui.widgets.raw_view import line_offsets


def _one_find_per_line(text: str) -> array[int]:
    offsets = array("q", [0])
    position = text.find("\n")
    while position != -1:
        offsets.append(position + 1)
        position = text.find("\n", position + 1)
    offsets.append(len(text) + 1)
    return offsets


@pytest.mark.parametrize("slice_size", [1, 2, 3, 7, 1 << 20])
def test_line_offsets_match_a_find_per_line(monkeypatch: pytest.MonkeyPatch, slice_size: int) -> None:
    monkeypatch.setattr(raw_view, "OFFSETS_SLICE", slice_size)
    rng = random.Random(slice_size)
    texts = ["", "a", "a\n", "\n", "\n\n\n", "ab\ncd\n\nef", "é\r\n😀\n"]
    texts += ["".join(rng.choice("ab\n") for _ in range(rng.randrange(60))) for _ in range(200)]
    for text in texts:
        assert line_offsets(text) == _one_find_per_line(text), text
