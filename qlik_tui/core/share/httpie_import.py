"""An HTTPie or xh line (`http PUT host/path name=x n:=3 q==v X-A:b`) as an Imported request."""

from __future__ import annotations

import json
import re

from ..errors import UsageError
from .imported import HINT, METHODS, Imported

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


def parse_httpie(words: list[str], https: bool) -> Imported:
    """The words after `http`/`https`/`xh`/`xhs`; `https` for the commands that default to it."""
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
