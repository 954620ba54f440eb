"""What a body is, told from its first bytes: JSON text, other text, or binary.

Used both ways: a request file's Content-Type when `-H` gives none, and whether an answer
may be printed on a terminal (binary bytes there are garbage at best, escape sequences at worst).
"""

from __future__ import annotations

SNIFF_BYTES = 1024
_BINARY_TYPES = ("application/octet-stream", "application/vnd.qlik.sense.app", "application/zip", "application/unknown")
_TEXT_HINTS = ("json", "text/", "xml", "javascript", "csv", "yaml")


def is_text(head: bytes) -> bool:
    """UTF-8 text without NUL bytes (a multi-byte character cut at the end of `head` is fine)."""
    if b"\x00" in head:
        return False
    for cut in range(4):  # at most 3 bytes of a character cut off by the sniff window
        try:
            head[: len(head) - cut].decode("utf-8")
            return True
        except UnicodeDecodeError:
            if cut >= len(head):
                break
    return False


def looks_like_json(head: bytes) -> bool:
    """Text whose first non-blank character opens a JSON object or array."""
    stripped = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return stripped[:1] in (b"{", b"[") and is_text(head)


def is_binary(content_type: str, body: bytes) -> bool:
    """An answer not to print on a terminal: declared binary, or not text by its first bytes."""
    kind = content_type.split(";")[0].strip().lower()
    if kind in _BINARY_TYPES:
        return True
    if any(hint in kind for hint in _TEXT_HINTS):
        return False
    return not is_text(body[: SNIFF_BYTES * 8])
