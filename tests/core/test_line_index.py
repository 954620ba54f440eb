"""The Raw tab's line index (over UTF-8 bytes), found a block at a time, is the index a find()
per line gives."""

from __future__ import annotations

import random
from bisect import bisect_right

import pytest

from qlik_tui.core.json.line_index import LineIndex, decode, line_of


def _one_find_per_line(text: bytes) -> list[int]:
    offsets = [0]
    position = text.find(b"\n")
    while position != -1:
        offsets.append(position + 1)
        position = text.find(b"\n", position + 1)
    offsets.append(len(text) + 1)
    return offsets


def _texts(seed: int) -> list[bytes]:
    rng = random.Random(seed)
    texts = ["", "a", "a\n", "\n", "\n\n\n", "ab\ncd\n\nef", "é\r\n😀\n"]
    texts += ["".join(rng.choice("ab\né😀") for _ in range(rng.randrange(60))) for _ in range(200)]
    return [text.encode() for text in texts]


@pytest.mark.parametrize("block", [1, 2, 3, 7, 1 << 16])
def test_line_starts_match_a_find_per_line(block: int) -> None:
    for text in _texts(block):
        expected = _one_find_per_line(text)
        index = LineIndex(text, block)
        assert len(index) == len(expected), text
        # read out of order: a block found late gives the same starts as one found first
        order = list(range(len(expected)))
        random.Random(len(text)).shuffle(order)
        assert {i: index[i] for i in order} == dict(enumerate(expected)), text
        assert index[-1] == len(text) + 1 and list(index[0:2]) == expected[0:2]


@pytest.mark.parametrize("block", [1, 5, 1 << 16])
def test_line_of_a_position_is_the_line_bisect_finds(block: int) -> None:
    for text in _texts(100 + block):
        expected = _one_find_per_line(text)
        index = LineIndex(text, block)
        for position in range(len(text) + 1):
            assert line_of(index, position) == bisect_right(expected, position) - 1, (text, position)
            assert line_of(expected, position) == bisect_right(expected, position) - 1


def test_only_the_blocks_read_are_split() -> None:
    text = "".join(f"line {i}\n" for i in range(100_000)).encode()
    index = LineIndex(text, 4096)
    assert len(index) == 100_002 and index._found == {}  # counted, not yet split
    assert text[index[50_000] : index[50_001] - 1] == b"line 50000"
    assert len(index._found) == 1  # one block of ~4,096 characters, not the whole text
    with pytest.raises(IndexError):
        index[100_002]


def test_lines_of_utf8_bytes_are_whole_characters() -> None:
    lines = ["[", '  "Café Ünïcode ΟΔΟΣ",', '  "😀 \ud800 lone",', "]"]
    text = "\n".join(lines).encode("utf-8", "surrogatepass")
    index = LineIndex(text, 8)  # blocks cut between the bytes of a character would break one
    got = [decode(text[index[i] : index[i + 1] - 1]) for i in range(len(index) - 1)]
    assert got == lines and index[2] == len(lines[0].encode()) + len(lines[1].encode()) + 2
    assert decode(b"bad \xff byte") == "bad \ufffd byte"  # shown, never a failed screen
