"""Filter a JSON document by a path expression: `.[*].owner.name`, `.data[].id`, `.[0].tags`.

Steps: `.key` (or `["key with spaces"]`, `.["key"]`), `[n]` (an index; negative counts from
the end), `[*]` or `[]` (every element of a list, or every value of an object), `.*` (every
value). Once a wildcard has been used, the result is a list of every match. The syntax is
jq's, the one `p` copies (see view.path_text); a leading `$` (JSONPath) is accepted, and
`.` alone is the whole document.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import QlikTuiError
from .lazy import ARRAY_TYPES

_STEP = re.compile(
    r"""\.(?P<key>[A-Za-z_$][\w$-]*|\*)|\.?\[(?P<index>-?\d+)\]|\.?\[(?P<star>\*?)\]|\.?\[(?P<quoted>"(?:[^"\\]|\\.)*")\]"""
)
HINT = 'e.g. .[*].owner.name, .data[].id, .[0].tags, .["key with spaces"]'
WILDCARD = object()


def parse(expression: str) -> list[Any]:
    """The steps of an expression: keys (str), indices (int) and WILDCARD."""
    text = expression.strip()
    if not text:
        raise QlikTuiError("empty filter", HINT)
    if text[0] == "$" and text[1:2] in ("", ".", "["):
        text = text[1:]  # JSONPath's root
    if text in ("", "."):
        return []
    if text[0] not in ".[":
        text = "." + text
    steps: list[Any] = []
    position = 0
    while position < len(text):
        match = _STEP.match(text, position)
        if not match:
            raise QlikTuiError(f"cannot read the filter at character {position + 1}: {text[position : position + 15]!r}", HINT)
        if match.group("key") is not None:
            steps.append(WILDCARD if match.group("key") == "*" else match.group("key"))
        elif match.group("index") is not None:
            steps.append(int(match.group("index")))
        elif match.group("quoted") is not None:
            steps.append(json.loads(match.group("quoted")))
        else:
            steps.append(WILDCARD)
        position = match.end()
    return steps


def apply(doc: Any, expression: str) -> Any:
    """The value (or, after a wildcard, the list of values) the expression selects."""
    steps = parse(expression)
    current: list[Any] = [doc]
    many = False
    for step in steps:
        following: list[Any] = []
        for node in current:
            if step is WILDCARD:
                many = True
                if isinstance(node, ARRAY_TYPES):
                    following.extend(node)
                elif isinstance(node, dict):
                    following.extend(node.values())
            elif isinstance(step, int):
                if isinstance(node, ARRAY_TYPES) and -len(node) <= step < len(node):
                    following.append(node[step])
            elif isinstance(node, dict) and step in node:
                following.append(node[step])
        current = following
    if many:
        return current
    if not current:
        raise QlikTuiError(f"nothing at {expression.strip()}", "check the keys and indices (they are case-sensitive)")
    return current[0]


def locate(doc: Any, expression: str) -> tuple[str | int, ...] | None:
    """The path (keys and indices) an expression without wildcards names, if it is in `doc`.

    Lets search take a path typed or pasted (`.[0].owner.name`) and go straight to it.
    """
    try:
        steps = parse(expression)
    except QlikTuiError:
        return None
    node, path = doc, []
    for step in steps:
        if step is WILDCARD:
            return None
        if isinstance(step, int) and isinstance(node, ARRAY_TYPES) and -len(node) <= step < len(node):
            step = step % len(node)
        elif not (isinstance(step, str) and isinstance(node, dict) and step in node):
            return None
        node = node[step]
        path.append(step)
    return tuple(path)
