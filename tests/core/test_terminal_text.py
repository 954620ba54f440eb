"""The one door for server text: nothing a terminal would obey gets through."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from qlik_tui.core.terminal_text import visible, visible_block

OSC52 = "\x1b]52;c;aGVsbG8=\x07"


def test_escape_sequences_are_shown_not_obeyed() -> None:
    assert visible(f"bad{OSC52}title") == "bad␛]52;c;aGVsbG8=␇title"
    assert visible("\x1b]0;owned\x07") == "␛]0;owned␇"
    assert visible("\x1b[2J") == "␛[2J"
    assert visible("a\x9bb") == "a\\x9bb"  # C1 CSI: one byte that is a whole escape on some terminals
    assert visible("x\u202eevil") == "x\\u202eevil"


def test_one_line_shows_newlines_and_block_keeps_them() -> None:
    assert visible("a\nb\tc") == "a␊b␉c"
    assert visible_block("a\nb\tc\r\nd") == "a\nb\tc\nd"
    assert visible_block("progress 10%\rdone") == "progress 10%␍done"
    assert visible_block("ok\x1b[31mred") == "ok␛[31mred"


def test_plain_text_passes_untouched() -> None:
    text = "Göran's app — Σ(Sales) 日本"
    assert visible(text) == text and visible_block(text) == text


@given(st.text())
def test_no_control_character_survives(text: str) -> None:
    for out in (visible(text), visible_block(text)):
        assert not any((ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in out)
    assert "\n" not in visible(text) and "\x1b" not in visible_block(text)


def test_lone_surrogates_are_shown_as_their_escape() -> None:
    # A JSON "\ud800" escape or a token claim decodes to half a pair, which no terminal
    # encoding can write: printing it raised UnicodeEncodeError.
    assert visible("a\ud800b") == "a\\ud800b" and visible_block("x\udfff\ny") == "x\\udfff\ny"


@given(st.text(alphabet=st.characters(codec=None, categories=["Cs", "Cc", "Cf", "Ll", "Zs"])))
def test_what_comes_out_can_always_be_written_as_utf8(text: str) -> None:
    for out in (visible(text), visible_block(text)):
        out.encode("utf-8")
