"""The collection folder: one plain, diffable TOML file per saved request, sub-folders as groups.

Files are read with the same care as the profiles file (regular files only, size-capped,
symlinked folders not followed) and written atomically; an existing file is edited with
tomlkit, so comments and layout a person added survive a re-save.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import QlikTuiError, UsageError
from ..file_read import read_regular_file
from ..profiles.model import ProfileSet, resolve_path
from ..profiles.safe_files import atomic_write
from .model import SavedRequest, without_secrets

MAX_FILE = 1024 * 1024  # a request is a few hundred bytes; a bigger file is not one
MAX_REQUESTS = 5000
MAX_DEPTH = 6
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
KEYS = ("description", "method", "path", "query", "headers", "body")
HEADER = "# qlik-tui saved request. {{name}} comes from [profiles.NAME.vars], then the environment.\n"
_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,79}")
_ENV = "QLIK_TUI_COLLECTION"


class SavedRequestError(UsageError):
    """A saved request that cannot be found, read or written."""


def default_collection_dir() -> Path:
    """$XDG_DATA_HOME/qlik-tui/requests (default ~/.local/share/qlik-tui/requests)."""
    data = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(data) / "qlik-tui" / "requests"


def collection_dir(profile_set: ProfileSet | None, given: str | None = None) -> Path:
    """--collection DIR, else the profiles file's `collection` (relative to that file), else the default."""
    if given:  # absolute, so messages and the save dialog name the real folder
        return Path(os.path.abspath(os.path.expanduser(given)))
    if profile_set is not None and profile_set.collection:
        return resolve_path(profile_set.collection, profile_set.path.resolve().parent)
    return default_collection_dir()


def check_name(name: str) -> str:
    """A name as a relative path of plain parts (`finance/apps`); `.toml` may be typed or not."""
    name = name.strip().removesuffix(".toml")
    parts = name.split("/")
    if not name or len(parts) > MAX_DEPTH or not all(_PART.fullmatch(p) and not p.endswith(".") for p in parts):
        raise SavedRequestError(
            f"{name!r} is not a saved request name",
            "letters, digits, spaces, . _ - and / for a group, e.g. finance/apps in stream",
        )
    return name


def _walk(root: Path) -> Iterator[str]:
    for folder, dirs, files in os.walk(root, followlinks=False):
        rel = Path(folder).relative_to(root)
        depth = len(rel.parts)
        # Hidden folders (.git) are not requests; deeper than a name can be is not walked.
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and depth + 1 < MAX_DEPTH)
        for file in sorted(files):
            if file.endswith(".toml") and not file.startswith("."):
                yield (rel / file[: -len(".toml")]).as_posix()


def list_names(root: Path) -> list[str]:
    """Every saved request's name, groups first by folder, at most MAX_REQUESTS."""
    names = []
    for name in _walk(root):
        try:
            names.append(check_name(name))
        except SavedRequestError:
            continue  # a file named so that no command could reach it: not offered
        if len(names) >= MAX_REQUESTS:
            break
    return names


def file_for(root: Path, name: str) -> Path:
    """Where the request `name` lives."""
    return root / f"{check_name(name)}.toml"


def _pairs(raw: Any, key: str, sep: str, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, list) or not all(isinstance(line, str) for line in raw):
        raise SavedRequestError(f"{where}: `{key}` must be a list of strings", f'e.g. {key} = ["a{sep}b"]')
    out = []
    for line in raw:
        left, found, right = line.partition(sep)
        if not found or not left.strip():
            raise SavedRequestError(f"{where}: {key} {line!r} is not 'name{sep}value'", f'e.g. {key} = ["a{sep}b"]')
        out.append((left.strip(), right.strip()))
    return tuple(out)


def parse(name: str, doc: dict[str, Any], where: str) -> SavedRequest:
    """A saved request from its parsed TOML; unknown keys and wrong types are errors naming the file."""
    unknown = [k for k in doc if k not in KEYS]
    if unknown:
        raise SavedRequestError(f"{where}: key `{unknown[0]}` is not known", f"a saved request has {', '.join(KEYS)}")
    for key in ("description", "method", "path", "body"):
        if key in doc and not isinstance(doc[key], str):
            raise SavedRequestError(f"{where}: `{key}` must be a string", f'e.g. {key} = "..."')
    method = str(doc.get("method", "GET")).upper()
    if method not in METHODS:
        raise SavedRequestError(f"{where}: method {method!r} is not an HTTP method", f"use one of {', '.join(METHODS)}")
    if not str(doc.get("path", "")).strip():
        raise SavedRequestError(f"{where}: `path` is missing", 'e.g. path = "/qrs/app/full"')
    return SavedRequest(
        name=name,
        method=method,
        path=doc["path"].strip(),
        query=_pairs(doc.get("query", []), "query", "=", where),
        headers=_pairs(doc.get("headers", []), "headers", ":", where),
        body=doc.get("body") or None,
        description=doc.get("description", ""),
    )


def load(root: Path, name: str) -> SavedRequest:
    """Read the saved request `name`; SavedRequestError names the file and what is wrong."""
    from ..profiles.loader import parse_toml_text

    path = file_for(root, name)
    if not path.exists():
        known = list_names(root)
        shown = ", ".join(known[:10]) + (" ..." if len(known) > 10 else "") if known else "none yet"
        raise SavedRequestError(
            f"no saved request named '{check_name(name)}' in {root} (saved: {shown})",
            "save one from the TUI's request editor (ctrl+s), or pass --collection DIR",
        )
    raw = read_regular_file(path, what="saved request", limit=MAX_FILE, error=SavedRequestError)
    try:
        doc = parse_toml_text(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise SavedRequestError(f"{path}: not UTF-8 text", "save the file as UTF-8") from None
    except ValueError as exc:
        raise SavedRequestError(f"{path}: TOML syntax error: {exc}", "strings need double quotes") from None
    return parse(check_name(name), doc, str(path))


def _document(saved: SavedRequest, existing: bytes | None) -> str:
    import tomlkit  # only when saving

    doc = tomlkit.parse(existing.decode("utf-8-sig")) if existing is not None else tomlkit.document()
    if existing is None:
        doc.add(tomlkit.comment(HEADER.strip("# \n")))
    query = tomlkit.array()
    query.extend(f"{k}={v}" for k, v in saved.query)
    headers = tomlkit.array()
    headers.extend(f"{k}: {v}" for k, v in saved.headers)
    # One row per line: a diff in git then shows the one row that changed.
    query.multiline(len(saved.query) > 1)
    headers.multiline(len(saved.headers) > 1)
    values: dict[str, Any] = {
        "description": saved.description or None,
        "method": saved.method,
        "path": saved.path,
        "query": query if saved.query else None,
        "headers": headers if saved.headers else None,
        "body": tomlkit.string(saved.body, multiline="\n" in saved.body) if saved.body else None,
    }
    for key, value in values.items():
        current = doc.get(key)
        if value is None:
            if key in doc:
                del doc[key]  # cleared in the editor: gone from the file too
        elif current is None or _plain(current) != _plain(value):
            doc[key] = value  # only what changed is rewritten; the rest stays as the person wrote it
    return tomlkit.dumps(doc)


def _plain(value: Any) -> Any:
    unwrap = getattr(value, "unwrap", None)
    return unwrap() if unwrap is not None else value


def save(root: Path, saved: SavedRequest, *, overwrite: bool = False) -> tuple[Path, list[str]]:
    """Write `saved` (secrets taken out first) as `root/NAME.toml`; returns the file and what was left out."""
    clean, notes = without_secrets(saved)
    path = file_for(root, clean.name)
    existing: bytes | None = None
    if path.exists() or path.is_symlink():
        if not overwrite:
            raise SavedRequestError(
                f"a saved request named '{clean.name}' exists already ({path})", "choose another name, or replace it"
            )
        try:
            existing = read_regular_file(path, what="saved request", limit=MAX_FILE, error=SavedRequestError)
            text = _document(clean, existing)
        except (QlikTuiError, ValueError):
            text = _document(clean, None)  # unreadable or not TOML: replaced whole, as asked
    else:
        text = _document(clean, None)
    try:
        atomic_write(Path(os.path.realpath(path)), text.encode("utf-8"), mode=0o600)
    except OSError as exc:
        raise SavedRequestError(
            f"{path}: cannot save ({exc.strerror})", "check the collection folder (--collection DIR)"
        ) from None
    return path, notes


def _prune_empty_groups(root: Path, folder: Path) -> None:
    """Remove `folder` and its parents up to `root` while they are empty (a group with no request left)."""
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()  # only an empty folder: a group's other files are never touched
        except OSError:
            return
        folder = folder.parent


def delete(root: Path, name: str) -> Path:
    """Remove the saved request `name` (and its group folders left empty); the file removed."""
    path = file_for(root, name)
    if not path.is_file() or path.is_symlink():
        raise SavedRequestError(f"no saved request named '{name}' ({path})", "it may have been moved or deleted meanwhile")
    try:
        path.unlink()
    except OSError as exc:
        raise SavedRequestError(f"{path}: cannot delete ({exc.strerror})", "check the collection folder's permissions") from None
    _prune_empty_groups(root, path.parent)
    return path


def rename(root: Path, old: str, new: str) -> Path:
    """Move the saved request `old` to `new` (another group too), never over an existing one; the new file."""
    source, target = file_for(root, old), file_for(root, new)
    if source == target:
        return target
    if not source.is_file() or source.is_symlink():
        raise SavedRequestError(f"no saved request named '{old}' ({source})", "it may have been moved or deleted meanwhile")
    if target.exists() or target.is_symlink():
        raise SavedRequestError(f"a saved request named '{check_name(new)}' exists already ({target})", "choose another name")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)  # fails if the target appeared meanwhile: nothing is ever overwritten
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: checked above, moved now
            os.rename(source, target)
        else:
            source.unlink()
    except FileExistsError:
        taken = f"a saved request named '{check_name(new)}' exists already ({target})"
        raise SavedRequestError(taken, "choose another name") from None
    except OSError as exc:
        raise SavedRequestError(f"{target}: cannot rename ({exc.strerror})", "check the collection folder") from None
    _prune_empty_groups(root, source.parent)
    return target
