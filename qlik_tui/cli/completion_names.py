"""`qlik-tui __complete profiles|saved [WORDS...]`: names for shell completion, printed one a line.

Runs on every TAB, so it is kept small: no argparse tree, no httpx, no Textual; it reads the
profiles file leniently and prints nothing at all when anything is wrong (a completion that
prints an error into the command line is worse than none). WORDS are the words typed so far,
so a `--profiles FILE` or `--collection DIR` on the line is honoured.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

KINDS = ("profiles", "saved")


def _option(words: Sequence[str], flag: str) -> str | None:
    """The last value of `flag` in `words` (`--flag VALUE` or `--flag=VALUE`)."""
    found = None
    for i, word in enumerate(words):
        if word == flag and i + 1 < len(words):
            found = words[i + 1]
        elif word.startswith(flag + "="):
            found = word.split("=", 1)[1]
    return found


def _profiles_doc(words: Sequence[str]) -> tuple[Path, dict[str, Any]]:
    from ..core.profiles.loader import default_profiles_path, read_toml

    given = _option(words, "--profiles")
    path = Path(given).expanduser() if given else default_profiles_path()
    return path, read_toml(path)


def names(kind: str, words: Sequence[str]) -> list[str]:
    """Profile names (file order) or saved request names (folder order); [] when unreadable."""
    from ..core.errors import QlikTuiError

    try:
        if kind == "profiles":
            table = _profiles_doc(words)[1].get("profiles", {})
            return [str(n) for n in table] if isinstance(table, dict) else []
        from ..core.profiles.model import resolve_path
        from ..core.saved.store import default_collection_dir, list_names

        given = _option(words, "--collection")
        if given:
            return list_names(Path(given).expanduser())
        try:
            path, doc = _profiles_doc(words)
            collection = doc.get("collection")
        except QlikTuiError:
            collection = None
        if isinstance(collection, str) and collection.strip():
            return list_names(resolve_path(collection, path.resolve().parent))
        return list_names(default_collection_dir())
    except (QlikTuiError, OSError, ValueError):
        return []


def main(argv: Sequence[str]) -> int:
    """Print the names of `argv[0]` (profiles or saved); exit 2 for an unknown kind."""
    if not argv or argv[0] not in KINDS:
        print(f"usage: qlik-tui __complete {{{'|'.join(KINDS)}}} [WORDS...]", file=sys.stderr)
        return 2
    for name in names(argv[0], argv[1:]):
        if name.isprintable():  # a name with a control character would reach the terminal raw
            sys.stdout.write(name + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
