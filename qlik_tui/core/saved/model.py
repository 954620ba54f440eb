"""A saved request (what the editor holds, plus a name and a description), kept free of secrets.

A collection is meant to live in git and be shared, so before anything is written the
profile's job is taken back from the request: authentication headers are dropped, and a
secret-named query value or body key (`password`, `access_token`...) or a JWT-shaped string
becomes a `{{name}}` variable, filled in from the profile's vars or the environment.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl

from ..http.redact import JWT, SECRET_HEADERS, is_secret_key

# Headers the profile signs with; `Proxy-Authorization` and `Set-Cookie` are never a request's own either.
DROPPED_HEADERS = SECRET_HEADERS
_VAR_CHARS = re.compile(r"[^A-Za-z0-9_]")
_ONLY_VAR = re.compile(r"\s*\{\{\s*[A-Za-z_][A-Za-z0-9_.-]*\s*\}\}\s*")


@dataclass(frozen=True)
class SavedRequest:
    """One saved request; `name` is its path in the collection without `.toml` (`finance/apps`)."""

    name: str
    method: str
    path: str
    query: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    body: str | None = None
    description: str = ""

    @property
    def group(self) -> str:
        """The sub-folder it lives in ('' at the top of the collection)."""
        return self.name.rpartition("/")[0]

    def target(self) -> str:
        """'GET /qrs/app/full' for lists and the palette."""
        return f"{self.method} {self.path}"


def _var_for(key: str) -> str:
    name = _VAR_CHARS.sub("_", key).strip("_") or "secret"
    return name if not name[0].isdigit() else f"v_{name}"


def _is_variable(value: str) -> bool:
    return _ONLY_VAR.fullmatch(value) is not None


def _body_without_secrets(body: str, notes: list[str]) -> str:
    try:
        doc = json.loads(body)
    except ValueError:  # `{"n": {{count}}}` is not JSON until filled in: only JWT shapes can be found
        doc = None
    if isinstance(doc, (dict, list)):
        changed = False
        stack: list[Any] = [doc]
        while stack:  # an explicit stack: a pasted body may be nested deep
            node = stack.pop()
            pairs = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
            for key, value in pairs:
                if isinstance(node, dict) and is_secret_key(str(key)) and not (isinstance(value, str) and _is_variable(value)):
                    node[key] = "{{" + _var_for(str(key)) + "}}"
                    notes.append(f'body key "{key}": its value is a secret, saved as {{{{{_var_for(str(key))}}}}}')
                    changed = True
                elif isinstance(value, str) and JWT.search(value):
                    node[key] = JWT.sub("{{token}}", value)
                    notes.append("a token in the body is saved as {{token}}")
                    changed = True
                elif isinstance(value, (dict, list)):
                    stack.append(value)
        return json.dumps(doc, indent=2, ensure_ascii=False) if changed else body
    if JWT.search(body):
        notes.append("a token in the body is saved as {{token}}")
        return JWT.sub("{{token}}", body)
    return body


def without_secrets(saved: SavedRequest) -> tuple[SavedRequest, list[str]]:
    """`saved` with authentication headers dropped and secret values turned into variables, and notes saying what changed."""
    notes: list[str] = []
    headers = []
    for name, value in saved.headers:
        if name.strip().lower() in DROPPED_HEADERS:
            notes.append(f"header {name.strip()} not saved: the profile signs requests")
        else:
            headers.append((name, JWT.sub("{{token}}", value)))
    # A `?a=b` typed into the path is query rows, as when sending: checked like the others.
    bare_path, _, raw_query = saved.path.partition("?")
    typed = parse_qsl(raw_query, keep_blank_values=True) if raw_query else []
    query = []
    for key, value in (*typed, *saved.query):
        if is_secret_key(key) and value and not _is_variable(value):
            query.append((key, "{{" + _var_for(key) + "}}"))
            notes.append(f"query {key}: its value is a secret, saved as {{{{{_var_for(key)}}}}}")
        elif JWT.search(value):
            query.append((key, JWT.sub("{{token}}", value)))
            notes.append(f"query {key}: a token is saved as {{{{token}}}}")
        else:
            query.append((key, value))
    path = JWT.sub("{{token}}", bare_path)
    if path != bare_path:
        notes.append("a token in the path is saved as {{token}}")
    body = _body_without_secrets(saved.body, notes) if saved.body else saved.body
    clean = replace(saved, path=path, query=tuple(query), headers=tuple(headers), body=body)
    return clean, list(dict.fromkeys(notes))
