"""Where a profile's secrets come from, written for a shell: the variable, file or command the
profile names (never the secret itself), so the export fetches it when it runs."""

from __future__ import annotations

import shlex
from typing import Any

from ..errors import UsageError
from ..profiles.model import resolve_path
from .target import Target


def _source(target: Target, name: str) -> Any:
    source = getattr(target.profile, "secrets", {}).get(name)
    if source is None:
        raise UsageError(
            f"profile '{target.profile.name}' names no source for its {name.replace('_', ' ')}",
            f"add {name}_env, {name}_file or {name}_command to the profile",
        )
    return source


def sh_secret(target: Target, name: str) -> str:
    """`"$VAR"`, `"$(head -n 1 FILE)"` or `"$(command args | head -n 1)"`: the secret, read when
    the line runs, as qlik-tui reads it (the first line)."""
    source = _source(target, name)
    if source.kind == "env":
        return f'"${{{source.value}}}"'
    if source.kind == "file":
        return f'"$(head -n 1 {shlex.quote(str(resolve_path(str(source.value), target.profile.base_dir)))})"'
    argv = source.value if isinstance(source.value, tuple) else (source.value,)
    return '"$(' + " ".join(shlex.quote(a) for a in argv) + ' | head -n 1)"'


def ps_secret(target: Target, name: str, quote: Any) -> str:
    """`$env:VAR`, the file's first line, or the command's: read when the script runs."""
    source = _source(target, name)
    if source.kind == "env":
        return f"$env:{source.value}"
    if source.kind == "file":
        path = resolve_path(str(source.value), target.profile.base_dir)
        return f"(Get-Content {quote(str(path))} -TotalCount 1).Trim()"
    argv = source.value if isinstance(source.value, tuple) else (source.value,)
    return "(& " + " ".join(quote(a) for a in argv) + " | Select-Object -First 1)"
