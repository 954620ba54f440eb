"""The words of a pasted shell command, read as a POSIX shell would, without running anything.

`shlex` does the quoting; before it, the paste is made into one line it can read: `\\`
line continuations joined, each other line a command of its own, comment lines dropped, and
bash's `$'...'` strings (which browsers' "Copy as cURL" writes) rewritten as plain quotes.
"""

from __future__ import annotations

import re
import shlex

from ..errors import UsageError

MAX_PASTE = 1024 * 1024  # characters: a pasted command, not a data file


_ANSI_C_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "e": "\x1b", "E": "\x1b", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_ANSI_C_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|.)", re.DOTALL)


def _ansi_c(body: str) -> str:
    """The value of a bash `$'...'` string (what browsers' "Copy as cURL" writes for bodies with quotes)."""

    def decode(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "xuU" and len(code) > 1:
            return chr(int(code[1:], 16))
        if code[0] in "01234567":
            return chr(int(code, 8))
        return _ANSI_C_ESCAPES.get(code, code)  # \\ \' \" and unknown escapes: the character itself

    return _ANSI_C_ESCAPE.sub(decode, body)


def _normalise(text: str) -> str:
    """The paste as one line shlex can read, quotes respected: backslash-newline continuations
    joined, other unquoted newlines made `;` (each line is a command), comment lines dropped,
    and bash's `$'...'` strings rewritten as plain single-quoted ones (shlex knows no `$'`)."""
    out: list[str] = []
    i, quote, line_start = 0, "", True
    while i < len(text):
        char = text[i]
        if quote:
            if char == "\\" and quote == '"' and i + 1 < len(text):
                out.append(text[i : i + 2])
                i += 2
                continue
            quote = "" if char == quote else quote
        elif line_start and char == "#":
            while i < len(text) and text[i] != "\n":
                i += 1
            continue
        elif char == "\\" and text[i + 1 : i + 2] in ("\n", "\r"):
            out.append(" ")
            i += 3 if text[i + 1 : i + 3] == "\r\n" else 2
            continue
        elif char == "\\" and i + 1 < len(text):
            out.append(text[i : i + 2])
            i += 2
            line_start = False
            continue
        elif char == "\n":
            out.append(" ; ")
            i += 1
            line_start = True
            continue
        elif text.startswith("$'", i):
            end = i + 2
            while end < len(text) and text[end] != "'":
                end += 2 if text[end] == "\\" else 1
            out.append("'" + _ansi_c(text[i + 2 : end]).replace("'", "'\"'\"'") + "'")
            i = end + 1
            line_start = False
            continue
        elif char in "'\"":
            quote = char
        line_start = line_start and char.isspace()
        out.append(char)
        i += 1
    return "".join(out)


def command_words(text: str, programs: tuple[str, ...], hint: str) -> list[str]:
    """The words of the last command in `text` that runs one of `programs` (comment lines and `  # ` comments skipped)."""
    if len(text) > MAX_PASTE:
        raise UsageError(f"the pasted command is over {MAX_PASTE // 1024} KB", "paste the command alone, not its data")
    # `;`, `&&`, `|` and line ends split commands, as in the shell.
    lexer = shlex.shlex(_normalise(text), posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    lexer.commenters = ""  # shlex would also read `#` inside a word (a URL's #fragment) as a comment
    try:
        words = list(lexer)
    except ValueError as exc:
        raise UsageError(f"cannot read the pasted command ({exc})", "check that every quote is closed") from None
    commands: list[list[str]] = [[]]
    in_comment = False
    for word in words:
        if word and set(word) <= set(";&|"):
            commands.append([])
            in_comment = False
        elif word == "#" or in_comment:
            in_comment = True  # a trailing `  # comment` runs to the end of its line
        else:
            commands[-1].append(word)
    chosen = [c for c in commands if c and c[0].rsplit("/", 1)[-1] in programs]
    if not chosen:
        raise UsageError("no curl, http or xh command in the paste", hint)
    return chosen[-1]
