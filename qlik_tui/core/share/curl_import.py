"""A pasted curl command, or an HTTPie/xh line, read into the parts of a request.

The words come from shell_words (POSIX quoting, as the shell that would have run them);
several pasted lines are accepted (the last curl/http line wins, so an export of ours,
`xrf=...` then `curl ...`, reads back). Nothing is fetched or run.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from ..errors import UsageError
from .httpie_import import parse_httpie
from .imported import HINT, Imported
from .shell_words import command_words

CURL = ("curl",)
HTTPIE = ("http", "https", "xh", "xhs")
COMMANDS = CURL + HTTPIE

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


def looks_like_command(text: str) -> bool:
    """True when `text` starts like a curl, http, https, xh or xhs command."""
    first = text.lstrip().split(None, 1)
    return bool(first) and first[0] in COMMANDS and len(first) > 1


def parse_command(text: str) -> Imported:
    """A curl or HTTPie/xh command line as an Imported request (UsageError if it is not one)."""
    words = command_words(text.strip(), COMMANDS, HINT)
    tool = words[0].rsplit("/", 1)[-1]
    return _curl(words[1:]) if tool in CURL else parse_httpie(words[1:], https=tool in ("https", "xhs"))


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
