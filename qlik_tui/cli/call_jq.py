"""`call --jq EXPR`: the body through real jq, each result printed as jq prints it."""

from __future__ import annotations

import json
from collections.abc import Callable

from ..core.http.types import Response
from ..core.json.jq_filter import run


def write_jq(response: Response, expression: str, raw: bool, write: Callable[[str], None]) -> None:
    """Each result pretty-printed (strings bare with --raw, like `jq -r`); JqError in jq's words."""
    results = run(response.body, expression)
    lines = [value if raw and isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False) for value in results]
    if lines:
        write("\n".join(lines) + "\n")
