"""The one door for text that came from a server (or a file) on its way to a terminal.

A terminal obeys control characters: `ESC ] 52` writes the clipboard, `ESC ] 0` retitles
the window, `ESC [ 2 J` clears the screen, and a bare CR lets a line overwrite what came
before it. Every server-controlled string shown to a person passes through `visible()`
(one line: labels, messages, header values) or `visible_block()` (bodies: newlines and tabs
kept), so a review checks this module instead of every print. Bytes written to a pipe
(`call --raw | jq`) stay exact and never come here.
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls, and the bidi controls that reorder what a line appears to
# say (Trojan Source). Zero-width and other format characters are left alone: they cannot
# drive a terminal. Lone surrogates (a JSON "\ud800" escape, a claim, a header) cannot be
# written as UTF-8 at all: printing one raised UnicodeEncodeError, so they are shown too.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_BLOCK_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _picture(match: re.Match[str]) -> str:
    """A visible stand-in: C0 controls as their Control Pictures (ESC as ␛), the rest as \\xNN / \\uNNNN."""
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """One line with every control character (newlines and tabs included) made visible."""
    if text.isprintable():  # the common case costs one C-level scan
        return text
    return _CONTROL.sub(_picture, text)


def visible_block(text: str) -> str:
    """Multi-line text with newlines and tabs kept and every other control character made visible.

    A CR followed by LF (Windows line ends) is kept as a line end; a lone CR is shown.
    """
    text = text.replace("\r\n", "\n")
    if "\r" not in text and _BLOCK_CONTROL.search(text) is None:
        return text
    return _BLOCK_CONTROL.sub(_picture, text.replace("\r", "\u240d"))
