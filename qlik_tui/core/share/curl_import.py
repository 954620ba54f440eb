"""A pasted curl command, or an HTTPie/xh line, read into the parts of a request.

The words come from `shlex` (POSIX quoting, as the shell that would have run them); `\\`
line continuations and several pasted lines are accepted (the last curl/http line wins,
so an export of ours, `xrf=...` then `curl ...`, reads back). Nothing is fetched or run.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from ..errors import UsageError

MAX_PASTE = 1024 * 1024  # characters: a pasted command, not a data file
CURL = ("curl",)
HTTPIE = ("http", "https", "xh", "xhs")
COMMANDS = CURL + HTTPIE
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
HINT = "paste a whole command, e.g. curl -X POST 'https://host/qrs/tag' -d '{\"name\": \"x\"}'"

# curl options that take a value (the next word, or glued on: -XPOST, -HName:v).
_CURL_VALUED = {
    "-X": "method",
    "--request": "method",
    "-H": "header",
    "--header": "header",
    "-d": "data",
    "--data": "data",
    "--data-raw": "data",
    "--data-binary": "data",
    "--data-ascii": "data",
    "--json": "json",
    "--data-urlencode": "urlencode",
    "-F": "form",
    "--form": "form",
    "-u": "user",
    "--user": "user",
    "-b": "cookie",
    "--cookie": "cookie",
    "-A": "agent",
    "--user-agent": "agent",
    "-e": "referer",
    "--referer": "referer",
    "--url": "url",
    "--oauth2-bearer": "user",
}
# Valued options that change nothing qlik-tui sends: skipped with their value.
_CURL_SKIPPED = {
    "-o",
    "--output",
    "-c",
    "--cookie-jar",
    "-D",
    "--dump-header",
    "--cacert",
    "--capath",
    "--cert",
    "-E",
    "--key",
    "-m",
    "--max-time",
    "--connect-timeout",
    "-w",
    "--write-out",
    "--retry",
    "-x",
    "--proxy",
    "--resolve",
    "--limit-rate",
    "-r",
    "--range",
    "--max-redirs",
    "--trace",
    "--trace-ascii",
    "--stderr",
    "-K",
    "--config",
}
_CURL_FLAGS_WITH_MEANING = {"-G": "get", "--get": "get", "-I": "head", "--head": "head"}
_SHORT_VALUED = {"X", "H", "d", "F", "u", "b", "A", "e", "o", "c", "D", "m", "w", "x", "r", "E", "K"}


@dataclass
class Imported:
    """What the paste asked for; `notes` says what was dropped or could not be used."""

    method: str
    url: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: str | None = None
    notes: list[str] = field(default_factory=list)
    query: list[tuple[str, str]] = field(default_factory=list)

    @property
    def origin(self) -> str:
        """scheme://host[:port] (lower case), '' for a path-only URL."""
        parts = urlsplit(self.url)
        return f"{parts.scheme.lower()}://{parts.netloc.lower()}" if parts.netloc else ""

    @property
    def path(self) -> str:
        """The URL's path ('/' when empty)."""
        return urlsplit(self.url).path or "/"


def looks_like_command(text: str) -> bool:
    """True when `text` starts like a curl, http, https, xh or xhs command."""
    first = text.lstrip().split(None, 1)
    return bool(first) and first[0] in COMMANDS and len(first) > 1


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


def _words(text: str) -> list[str]:
    """The words of the last curl/HTTPie command in `text` (comment lines and `  # ` comments skipped)."""
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
    chosen = [c for c in commands if c and c[0].rsplit("/", 1)[-1] in COMMANDS]
    if not chosen:
        raise UsageError("no curl, http or xh command in the paste", HINT)
    return chosen[-1]


def parse_command(text: str) -> Imported:
    """A curl or HTTPie/xh command line as an Imported request (UsageError if it is not one)."""
    words = _words(text.strip())
    tool = words[0].rsplit("/", 1)[-1]
    return _curl(words[1:]) if tool in CURL else _httpie(words[1:], https=tool in ("https", "xhs"))


def _split_option(word: str) -> tuple[str, str | None]:
    """`--opt=value` / `-Xvalue` into option and glued value; other words unchanged."""
    if word.startswith("--") and "=" in word:
        name, _, value = word.partition("=")
        return name, value
    if len(word) > 2 and word[0] == "-" and word[1] != "-" and word[1] in _SHORT_VALUED:
        return word[:2], word[2:]
    return word, None


def _curl(words: list[str]) -> Imported:
    method: str | None = None
    urls: list[str] = []
    headers: list[tuple[str, str]] = []
    data: list[str] = []
    notes: list[str] = []
    get = head = False
    i = 0
    while i < len(words):
        word, glued = _split_option(words[i])
        i += 1
        if word in _CURL_VALUED or word in _CURL_SKIPPED:
            if glued is None:
                if i >= len(words):
                    raise UsageError(f"{word} needs a value", HINT)
                glued, i = words[i], i + 1
            kind = _CURL_VALUED.get(word)
            if kind == "method":
                method = glued.upper()
            elif kind == "header":
                name, sep, value = glued.partition(":")
                if sep:
                    headers.append((name.strip(), value.strip()))
            elif kind in ("data", "json"):
                if glued.startswith("@") and word != "--data-raw":
                    notes.append(f"the body is read from a file ({glued}): fill it in by hand")
                else:
                    data.append(glued)
                if kind == "json":
                    headers.append(("Content-Type", "application/json"))
            elif kind in ("urlencode", "form"):
                notes.append(f"{word} (form data) is not JSON: left out")
            elif kind in ("user", "cookie"):
                notes.append(f"{word} dropped: the profile signs requests")
            elif kind == "agent":
                headers.append(("User-Agent", glued))
            elif kind == "referer":
                headers.append(("Referer", glued))
            elif kind == "url":
                urls.append(glued)
        elif word in _CURL_FLAGS_WITH_MEANING:
            get = get or _CURL_FLAGS_WITH_MEANING[word] == "get"
            head = head or _CURL_FLAGS_WITH_MEANING[word] == "head"
        elif word.startswith("-") and len(word) > 1:
            # Bundled short flags (-sSL, -sSG) keep their meaning; the others change nothing sent.
            if not word.startswith("--"):
                get = get or "G" in word[1:]
                head = head or "I" in word[1:]
        else:
            urls.append(word)
    if not urls:
        raise UsageError("the curl command has no URL", HINT)
    body = "&".join(data) if data else None
    query: list[tuple[str, str]] = []
    if get and body is not None:
        query, body = parse_qsl(body, keep_blank_values=True), None
    resolved = method or ("HEAD" if head else "POST" if body is not None else "GET")
    return Imported(resolved, urls[-1], headers, body, notes, query)


_HTTPIE_ITEM = re.compile(r"^(?P<key>(?:[^\\=:@]|\\.)*?)(?P<sep>:=@|=@|@|==|:=|=|:)(?P<value>.*)$", re.DOTALL)
_HTTPIE_VALUED = {
    "-a",
    "--auth",
    "-A",
    "--auth-type",
    "--session",
    "--session-read-only",
    "-o",
    "--output",
    "--verify",
    "--cert",
    "--cert-key",
    "--timeout",
    "--proxy",
    "-p",
    "--print",
    "--pretty",
    "-s",
    "--style",
    "--max-redirects",
    "--default-scheme",
    "--raw",
}


def _httpie(words: list[str], https: bool) -> Imported:
    import json

    flags = [w for w in words if w.startswith("-")]
    notes: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if word.startswith("-") and len(word) > 1:
            name = word.split("=", 1)[0]
            if name in _HTTPIE_VALUED and "=" not in word:
                if name in ("-a", "--auth"):
                    notes.append(f"{name} dropped: the profile signs requests")
                if name == "--raw" and i < len(words):
                    rest.append("\0raw\0" + words[i])
                i += 1
            continue
        rest.append(word)
    if not rest:
        raise UsageError("the command has no URL", HINT)
    method = None
    if rest[0].upper() in METHODS and len(rest) > 1:
        method, rest = rest[0].upper(), rest[1:]
    url, items = rest[0], rest[1:]
    if url.startswith(":"):  # HTTPie's localhost shorthand, :3000/path
        url = "localhost" + url
    if "://" not in url:
        url = ("https://" if https else "http://") + url
    headers: list[tuple[str, str]] = []
    query: list[tuple[str, str]] = []
    fields: dict[str, object] = {}
    raw_body: str | None = None
    for item in items:
        if item.startswith("\0raw\0"):
            raw_body = item[5:]
            continue
        match = _HTTPIE_ITEM.match(item)
        if not match:
            notes.append(f"{item!r} is not an HTTPie item: left out")
            continue
        key, sep, value = match.group("key").replace("\\", ""), match.group("sep"), match.group("value")
        if sep == ":":
            if value:
                headers.append((key, value.strip()))
        elif sep == "==":
            query.append((key, value))
        elif sep == "=":
            fields[key] = value
        elif sep == ":=":
            try:
                fields[key] = json.loads(value)
            except ValueError:
                notes.append(f"{key}:= is not JSON: left out")
        else:
            notes.append(f"{item!r} reads a file: fill it in by hand")
    if "--form" in flags or "-f" in flags:
        notes.append("--form data is not JSON: sent as a JSON body")
    body = raw_body if raw_body is not None else json.dumps(fields, ensure_ascii=False) if fields else None
    return Imported(method or ("POST" if body is not None else "GET"), url, headers, body, notes, query)
