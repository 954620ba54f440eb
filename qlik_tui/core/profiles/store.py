"""Save profiles by editing the user's file in place: atomic, 0600, previous version kept as `.bak`.

Every save re-reads the file under a lock, applies only this edit (tomlkit keeps comments,
order and layout of everything else), checks the result, and writes it atomically. So a
profile added meanwhile by an editor or a second qlik-tui is kept, a profile changed on
both sides is a ProfileConflict for the user to decide, a save that changes nothing
writes nothing, a symlinked file is written through to its target, and a file that does
not parse is never replaced by our idea of it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ProfileConflict, ProfileError
from .loader import parse_profiles, parse_toml_text, profile_to_toml
from .model import Profile, ProfileSet
from .safe_files import SECRET_FILE_MODE, atomic_write, clean_stale_temp_files, folder_lock, real_path

__all__ = ["SECRET_FILE_MODE", "atomic_write", "clean_up", "delete_profile", "put_profile", "save_profiles", "set_default"]

_KEEP = object()
BOM = b"\xef\xbb\xbf"  # the UTF-8 byte order mark
# (name, the table to write, the table the edit started from or None for "exactly this", old name)
Put = tuple[str, dict[str, Any], "dict[str, Any] | None", "str | None"]


@dataclass
class _Plan:
    """What one save does to the file: tables to write (with what the edit started from), names to drop."""

    puts: list[Put] = field(default_factory=list)
    removes: list[str] = field(default_factory=list)
    default: object = _KEEP  # a name, None (no default), or _KEEP


def backup_path(path: Path) -> Path:
    """Where the previous version is kept: beside the path the user named (even a symlink)."""
    path = path.expanduser()
    return path.with_name(path.name + ".bak")


def put_profile(
    path: Path,
    name: str,
    profile: Profile,
    *,
    old_name: str | None = None,
    base: Profile | None = None,
    default_if_unset: bool = False,
    overwrite: bool = False,
) -> ProfileSet:
    """Write one profile (new, edited or renamed from `old_name`) into the file; return the file's profiles.

    `base` is the profile as the editor loaded it: if the file now holds something else under
    that name, ProfileConflict is raised unless `overwrite`.
    """

    def plan(disk: ProfileSet | None) -> _Plan:
        on_disk = disk.profiles if disk else {}
        if not overwrite:
            _check_put(path, name, old_name, base, on_disk)
        unchanged_elsewhere = old_name in on_disk and base is not None and on_disk[old_name] == base
        start = profile_to_toml(base) if unchanged_elsewhere and base is not None else None
        out = _Plan(puts=[(name, profile_to_toml(profile), start, old_name if old_name in on_disk else None)])
        if old_name and old_name != name and disk is not None and disk.default == old_name:
            out.default = name  # renaming the default profile keeps it the default
        if default_if_unset and (disk is None or not disk.default):
            out.default = name
        return out

    return _edit(path, plan)


def _check_put(path: Path, name: str, old_name: str | None, base: Profile | None, on_disk: dict[str, Profile]) -> None:
    hint = "Replace writes your version over the file's; Cancel keeps the editor open"
    if old_name is None and name in on_disk:
        raise ProfileConflict(f"{path}: a profile named '{name}' was added to the file since it was loaded", hint)
    if old_name is not None:
        if old_name not in on_disk:
            raise ProfileConflict(
                f"{path}: profile '{old_name}' was removed or renamed in the file since it was loaded",
                "Replace saves your version as a new profile; Cancel keeps the editor open",
            )
        if base is not None and on_disk[old_name] != base:
            raise ProfileConflict(
                f"{path}: profile '{old_name}' was changed in the file (another editor or qlik-tui) since it was loaded",
                hint,
            )
        if name != old_name and name in on_disk:
            raise ProfileConflict(f"{path}: a profile named '{name}' is in the file now", hint)


def delete_profile(path: Path, name: str, *, base: Profile | None = None, overwrite: bool = False) -> ProfileSet:
    """Remove one profile (if it was changed on disk since `base`, ProfileConflict unless `overwrite`)."""

    def plan(disk: ProfileSet | None) -> _Plan:
        if disk is None or name not in disk.profiles:
            return _Plan()  # gone already: nothing to write
        if not overwrite and base is not None and disk.profiles[name] != base:
            raise ProfileConflict(
                f"{path}: profile '{name}' was changed in the file since it was loaded",
                "Delete anyway, or cancel and look at the file first",
            )
        return _Plan(removes=[name], default=None if disk.default == name else _KEEP)

    return _edit(path, plan)


def set_default(path: Path, name: str | None) -> ProfileSet:
    """Make `name` the file's default profile (None: no default)."""
    return _edit(path, lambda disk: _Plan(default=name))


def save_profiles(profile_set: ProfileSet, path: Path | None = None) -> Path:
    """Make the file hold exactly `profile_set`, touching only the profiles that differ. Return the path."""
    path = path or profile_set.path

    def plan(disk: ProfileSet | None) -> _Plan:
        on_disk = disk.profiles if disk else {}
        puts: list[Put] = [(n, profile_to_toml(p), None, None) for n, p in profile_set.profiles.items() if on_disk.get(n) != p]
        removes = [n for n in on_disk if n not in profile_set.profiles]
        return _Plan(puts, removes, profile_set.default if (disk.default if disk else None) != profile_set.default else _KEEP)

    _edit(path, plan)
    return path


def clean_up(path: Path) -> None:
    """At start-up: remove temp files a killed save left behind (skipped while another save runs)."""
    target = real_path(path)
    with folder_lock(target.parent, wait=False) as locked:
        if locked:
            clean_stale_temp_files(target, backup_path(path))


def _edit(path: Path, plan_for: Callable[[ProfileSet | None], _Plan]) -> ProfileSet:
    path = path.expanduser()
    target = real_path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise ProfileError(f"{path}: cannot create its folder ({exc.strerror})", "check the path and its permissions") from None
    with folder_lock(target.parent):
        clean_stale_temp_files(target, backup_path(path))
        original = _read(path, target)
        disk_data, disk = _parse_disk(path, original)
        plan = plan_for(disk)
        if not (plan.puts or plan.removes or plan.default is not _KEEP):
            return disk or ProfileSet(path, {})
        from . import toml_edit  # tomlkit is loaded only when something is saved

        # A BOM (Windows editors write one) is read past and written back as it was.
        bom = BOM if original is not None and original.startswith(BOM) else b""
        doc = toml_edit.parse_document(original.decode("utf-8-sig") if original is not None else "")
        expected: dict[str, Any] = copy.deepcopy(disk_data)
        try:
            _apply(doc, plan, toml_edit)
            _apply(expected, plan, toml_edit)
            text = toml_edit.dumps(doc)
            written = parse_toml_text(text)
        except (ValueError, TypeError, KeyError, AttributeError, StopIteration) as exc:  # tomlkit refused an odd layout
            raise _went_wrong(path, exc) from None
        if original is not None and bom + text.encode("utf-8") == original:
            return disk or ProfileSet(path, {})
        if not toml_edit.same({"profiles": {}, **written}, {"profiles": {}, **expected}):  # [profiles] may render as nothing
            raise _went_wrong(path, None)
        # What is written must load back. A profile already broken on disk is kept as the user
        # wrote it (one broken profile never blocks saving the others); the ones written now must be whole.
        new_set = parse_profiles(written, path, strict=False)
        still_broken = [name for name, *_ in plan.puts if name in new_set.broken]
        if still_broken:
            problems = [f"profile '{name}', {p}" for name in still_broken for p in new_set.broken[name]]
            raise ProfileError(f"{path}: not saved: the profile would not load back", "nothing was changed", problems)
        if original is not None:
            try:
                atomic_write(backup_path(path), original)
            except OSError as exc:
                raise ProfileError(
                    f"{backup_path(path)}: cannot keep a backup ({exc.strerror}); the file was not changed",
                    "check the folder's permissions and free space",
                ) from None
        try:
            atomic_write(target, bom + text.encode("utf-8"), SECRET_FILE_MODE)
        except OSError as exc:
            raise ProfileError(
                f"{path}: cannot write ({exc.strerror}); the file was not changed",
                "check the folder's permissions and free space",
            ) from None
        return new_set


def _went_wrong(path: Path, exc: Exception | None) -> ProfileError:
    detail = f" ({exc})" if exc else ""
    return ProfileError(
        f"{path}: not saved, because editing its layout in place went wrong{detail}",
        "nothing was changed; write this profile as a [profiles.NAME] section by hand, and please report the layout",
    )


def _read(path: Path, target: Path) -> bytes | None:
    try:
        return target.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read ({exc.strerror})", "check the file and its folder") from None


def _parse_disk(path: Path, original: bytes | None) -> tuple[dict[str, Any], ProfileSet | None]:
    if original is None:
        return {}, None
    try:
        data = parse_toml_text(original.decode("utf-8-sig"))
        return data, parse_profiles(data, path, strict=False)  # broken profiles stay as they are
    except (ValueError, ProfileError) as exc:  # UnicodeDecodeError and TOMLDecodeError are ValueErrors
        reason = exc.message if isinstance(exc, ProfileError) else str(exc)
        raise ProfileError(
            f"{path}: not saved, because the file on disk does not load ({reason})",
            "fix the file by hand first; nothing was changed",
            exc.problems if isinstance(exc, ProfileError) else None,
        ) from None


def _apply(doc: MutableMapping[str, Any], plan: _Plan, toml_edit: Any) -> None:
    """Carry out `plan` on the tomlkit document, or on a plain dict (the expected result)."""
    profiles = toml_edit.profiles_table(doc)
    for name in plan.removes:
        if name in profiles:
            toml_edit.remove(profiles, name)
    for name, table, start, old_name in plan.puts:
        if old_name is not None and old_name != name:
            if name in profiles:
                toml_edit.remove(profiles, name)
            toml_edit.rename(profiles, old_name, name)
        if name in profiles:
            toml_edit.merge(profiles[name], start if start is not None else toml_edit.plain(profiles[name]), table)
        else:
            profiles[name] = toml_edit.new_table(doc, table, inline=isinstance(profiles, toml_edit.InlineTable))
    if plan.default is None:
        doc.pop("default", None)
    elif plan.default is not _KEEP:
        toml_edit.set_top_value(doc, "default", plan.default)
