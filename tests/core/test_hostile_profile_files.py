"""Odd profiles files and options that name them: one message, the right profile, no lost byte."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from qlik_tui.core.auth.keys import GeneratedKeys
from qlik_tui.core.profiles.loader import load_profiles
from qlik_tui.core.profiles.store import put_profile
from tests.cli_helpers import assert_clean_failure, run_cli
from tests.conftest import write_profiles

BOM = b"\xef\xbb\xbf"


@pytest.mark.parametrize("url", ["https://[::1", "https://qlik\x1b[2J.example.com", "https://a[b.example.com"])
def test_a_url_urlsplit_cannot_read_is_a_problem_of_that_profile(tmp_path: Path, keys: GeneratedKeys, url: str) -> None:
    # urlsplit raised ValueError("Invalid IPv6 URL"): a traceback for every command.
    escaped = url.replace("\x1b", "\\u001b")
    path = write_profiles(tmp_path, keys, f'[profiles.odd]\ntype = "qseow"\nurl = "{escaped}"\nkey = "{keys.key_path}"\n')
    profile_set = load_profiles(path)
    assert "prod" in profile_set.profiles
    assert any("is not a URL" in p for p in profile_set.broken["odd"])
    proc = run_cli("token", "--profiles", str(path), "-p", "odd")
    assert_clean_failure(proc)
    assert "key `url`:" in proc.stderr and "is not a URL" in proc.stderr and "\x1b" not in proc.stderr


def test_a_profiles_file_with_a_bom_loads_and_keeps_it_on_save(tmp_path: Path, keys: GeneratedKeys) -> None:
    # Notepad saves "UTF-8" with a byte order mark; tomllib refused the file at line 1, column 1.
    path = write_profiles(tmp_path, keys)
    path.write_bytes(BOM + path.read_bytes().replace(b"\n", b"\r\n"))
    profile_set = load_profiles(path)
    assert set(profile_set.profiles) == {"prod", "eu"}
    proc = run_cli("token", "--profiles", str(path), "-p", "eu")
    assert proc.returncode == 0 and proc.stdout.count(".") == 2, proc.stderr
    edited = dataclasses.replace(profile_set.profiles["eu"], lifetime="20m")
    put_profile(path, "eu", edited, old_name="eu", base=profile_set.profiles["eu"])
    after = path.read_bytes()
    assert after.startswith(BOM) and not after.startswith(BOM + BOM)
    assert load_profiles(path).profiles["eu"].lifetime == "20m"
    assert after.replace(b'"20m"', b'"30m"') == BOM + (tmp_path / "profiles.toml.bak").read_bytes()[3:]


@pytest.mark.parametrize(("before", "after"), [(["-p", ""], []), ([], ["--profile", " "]), (["--profiles", ""], [])])
def test_an_empty_profile_or_file_option_is_refused_not_the_default(
    tmp_path: Path, keys: GeneratedKeys, before: list[str], after: list[str]
) -> None:
    # `-p "$PROFILE"` with the variable unset used to run against the default profile.
    path = write_profiles(tmp_path, keys)
    proc = run_cli(*before, "token", *after, env={"QLIK_TUI_PROFILES": str(path)})
    assert proc.returncode == 2 and proc.stdout == "", proc.stdout
    assert "is empty (an unset shell variable?)" in proc.stderr
