"""A Diff as text people read (unified-diff-like) or as JSON for scripts."""

from __future__ import annotations

import json
from typing import Any

from ..json.view import path_append, plural
from .structural import Change, Diff, Match, Step

MAX_VALUE = 300  # characters of one value in the text form


def path_text(path: tuple[Step, ...]) -> str:
    """`.[name="Sales"].owner.name`: jq-like, list items named by the key they were matched on."""
    text = ""
    for step in path:
        if isinstance(step, Match):
            text += f"[{step.key}={json.dumps(step.value, ensure_ascii=False)}]"
        else:
            text = path_append(text, step)
    return "." + text if text.startswith("[") else text or "."


def value_text(value: Any) -> str:
    """Compact JSON, cut at MAX_VALUE characters."""
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= MAX_VALUE else f"{text[:MAX_VALUE]}… ({len(text):,} characters)"


def _lines(change: Change) -> list[str]:
    lines = [f"@@ {path_text(change.path)} @@ {change.op}"]
    if change.op != "added":
        lines.append(f"-{value_text(change.left)}")
    if change.op != "removed":
        lines.append(f"+{value_text(change.right)}")
    return lines


def summary(result: Diff) -> str:
    """`3 differences (1 changed, 1 removed, 1 added); 4 volatile fields hidden`."""
    counts = {op: sum(c.op == op for c in result.changes) for op in ("changed", "removed", "added")}
    parts = ", ".join(f"{n} {op}" for op, n in counts.items() if n)
    head = "no differences" if result.same else f"{plural(len(result.changes), 'difference')} ({parts})"
    if result.truncated:
        head += ", listing stopped there"
    if result.hidden:
        head += f"; {plural(result.hidden, 'volatile field')} hidden"
    return head


def to_text(result: Diff, left_label: str, right_label: str) -> str:
    """`--- left` / `+++ right`, then one `@@ path @@` hunk per change, then the summary."""
    lines = [f"--- {left_label}", f"+++ {right_label}"]
    for change in result.changes:
        lines += _lines(change)
    lines.append(summary(result))
    return "\n".join(lines) + "\n"


def _step_json(step: Step) -> Any:
    return {"match": step.key, "value": step.value} if isinstance(step, Match) else step


def to_json(result: Diff, left: str, right: str) -> dict[str, Any]:
    """The machine form: same, each change (op, path, path_text, left, right), hidden count."""
    return {
        "left": left,
        "right": right,
        "same": result.same,
        "changes": [
            {
                "op": c.op,
                "path": [_step_json(s) for s in c.path],
                "path_text": path_text(c.path),
                **({"left": c.left} if c.op != "added" else {}),
                **({"right": c.right} if c.op != "removed" else {}),
            }
            for c in result.changes
        ],
        "volatile_hidden": result.hidden,
        "truncated": result.truncated,
    }
