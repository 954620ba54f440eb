"""The session cache's files: bound to the profile's identity, private, safe with many writers."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import stat
from pathlib import Path

import pytest

from qlik_tui.core.auth.session_cache import SessionCache, fingerprint
from qlik_tui.core.profiles.loader import load_profiles

STATE = {"cookies": [{"name": "X-Qlik-Session-jwt", "value": "abc", "domain": "h", "path": "/"}]}


def test_the_fingerprint_follows_name_url_and_identity(profiles_file: Path) -> None:
    prod = load_profiles(profiles_file).profiles["prod"]
    same = fingerprint(prod)
    assert fingerprint(dataclasses.replace(prod)) == same
    for change in (
        {"url": "https://other.example.com"},
        {"name": "prod2"},
        {"claims": {**prod.claims, "userId": "someone"}},
        {"virtual_proxy": "other"},
        {"auth": "header", "user": "LAB\\goran", "header_name": "X-User"},
    ):
        assert fingerprint(dataclasses.replace(prod, **change)) != same, change
    assert fingerprint(dataclasses.replace(prod, lifetime_seconds=60)) == same  # not an identity


def test_a_changed_key_file_discards_the_session(profiles_file: Path, tmp_path: Path) -> None:
    prod = load_profiles(profiles_file).profiles["prod"]
    key = tmp_path / "key.pem"
    key.write_bytes(prod.key_path.read_bytes())
    mine = dataclasses.replace(prod, key=str(key))
    cache = SessionCache(tmp_path / "cache")
    cache.save(mine, STATE)
    assert cache.load(mine).state == STATE
    key.write_bytes(key.read_bytes() + b"\n")
    loaded = cache.load(mine)
    assert loaded.state is None and "discarded" in loaded.note and cache.files() == []


def _writer(folder: str, profiles_file: str, rounds: int) -> None:
    prod = load_profiles(Path(profiles_file)).profiles["prod"]
    cache = SessionCache(Path(folder))
    for i in range(rounds):
        cache.save(prod, {"cookies": [{**STATE["cookies"][0], "value": f"v{i}"}]})
        cache.load(prod)


def test_concurrent_writers_never_leave_a_broken_file(profiles_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(folder), str(profiles_file), 40)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert all(w.exitcode == 0 for w in workers)
    (path,) = SessionCache(folder).files()  # one file, no temp files left
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert json.loads(path.read_text())["state"]["cookies"][0]["value"] == "v39"  # the last write of some writer
    prod = load_profiles(profiles_file).profiles["prod"]
    assert SessionCache(folder).load(prod).state is not None


def test_the_state_dir_is_used_without_a_runtime_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert SessionCache().folder == tmp_path / "state" / "qlik-tui" / "sessions"
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "missing"))  # set, but no such folder
    assert SessionCache().folder == tmp_path / "state" / "qlik-tui" / "sessions"
