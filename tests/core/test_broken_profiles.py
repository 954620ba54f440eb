"""One broken profile never blocks the others; using it (or the default that names it) says why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qlik_tui.core.auth.keys import GeneratedKeys
from qlik_tui.core.errors import ProfileError
from qlik_tui.core.profiles.loader import load_profiles, parse_profiles, read_toml
from tests.cli_helpers import assert_clean_failure, run_cli
from tests.conftest import write_profiles

# A Cloud profile whose only fault is a 2-hour lifetime (Qlik Cloud allows 1 hour).
US = """
[profiles.us]
type = "cloud"
url = "https://tenant.us.qlikcloud.com"
key = "{key}"
key_id = "kid-us"
issuer = "https://issuer.example.com"
lifetime = "2h"
[profiles.us.claims]
sub = "goran"
name = "Göran"
email = "goran@example.com"
email_verified = true
"""


@pytest.fixture
def mixed(tmp_path: Path, keys: GeneratedKeys) -> Path:
    """prod (QSEoW, default) and eu (Cloud) are fine; us is broken."""
    return write_profiles(tmp_path, keys, US.format(key=keys.key_path))


def test_loader_keeps_the_good_profiles_and_names_the_broken_one(mixed: Path) -> None:
    profile_set = load_profiles(mixed)
    assert profile_set.names() == ["prod", "eu"]
    assert list(profile_set.broken) == ["us"]
    assert len(profile_set.broken["us"]) == 1 and "1-hour limit" in profile_set.broken["us"][0]


def test_strict_parse_still_refuses_the_file(mixed: Path) -> None:
    # The store validates what it is about to write with the strict parse: nothing broken may pass.
    with pytest.raises(ProfileError) as info:
        parse_profiles(read_toml(mixed), mixed)
    assert info.value.problems == [f"profile 'us', {load_profiles(mixed).broken['us'][0]}"]


def test_default_naming_a_broken_profile_falls_back_in_the_set(mixed: Path) -> None:
    mixed.write_text(mixed.read_text().replace('default = "prod"', 'default = "us"'))
    profile_set = load_profiles(mixed)
    assert profile_set.default == "us" and profile_set.default_name() == "prod"


def test_token_for_a_good_profile_works_and_warns_once(mixed: Path) -> None:
    proc = run_cli("token", "-p", "eu", "--json", "--profiles", str(mixed))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["profile"] == "eu"
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and "warning" in lines[0] and "'us'" in lines[0] and "profiles check us" in lines[0]


def test_using_the_broken_profile_lists_its_problems(mixed: Path) -> None:
    proc = run_cli("token", "-p", "us", "--profiles", str(mixed))
    assert_clean_failure(proc)
    assert proc.returncode == 2
    assert "profile 'us' has 1 problem" in proc.stderr and "1-hour limit" in proc.stderr
    assert "prod, eu" in proc.stderr  # the hint names the profiles that work


def test_a_broken_default_is_named_as_the_default(mixed: Path) -> None:
    mixed.write_text(mixed.read_text().replace('default = "prod"', 'default = "us"'))
    proc = run_cli("call", "GET", "/qrs/about", "--profiles", str(mixed))
    assert_clean_failure(proc)
    assert "the default profile 'us' has 1 problem" in proc.stderr and "1-hour limit" in proc.stderr
    assert run_cli("token", "-p", "prod", "--profiles", str(mixed)).returncode == 0


def test_profiles_check_without_a_name_checks_every_profile(mixed: Path) -> None:
    proc = run_cli("profiles", "check", "--profiles", str(mixed))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stdout.count("\nok\n") + proc.stdout.startswith("ok\n") == 2
    assert "profile    prod (QSEoW" in proc.stdout and "profile    eu (Qlik Cloud" in proc.stdout
    assert "profile    us" in proc.stdout and "FAILED" in proc.stdout
    assert "1-hour limit" in proc.stderr and "1 of 3 profiles failed the check: us" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_profiles_check_of_a_good_file_exits_zero(profiles_file: Path) -> None:
    proc = run_cli("profiles", "check", "--profiles", str(profiles_file))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("ok\n") == 2 and "profile    eu" in proc.stdout


def test_profiles_list_shows_the_broken_one(mixed: Path) -> None:
    proc = run_cli("profiles", "list", "--json", "--profiles", str(mixed))
    rows = {row["name"]: row for row in json.loads(proc.stdout)}
    assert rows["eu"]["problems"] == [] and rows["us"]["type"] is None
    assert "1-hour limit" in rows["us"]["problems"][0]


def test_a_syntax_error_still_refuses_the_whole_file(mixed: Path) -> None:
    mixed.write_text(mixed.read_text() + "\n[profiles.broken\n")
    proc = run_cli("token", "-p", "eu", "--profiles", str(mixed))
    assert_clean_failure(proc)
    assert "TOML syntax error" in proc.stderr


def test_the_tui_on_a_broken_profile_says_why_before_any_screen(mixed: Path) -> None:
    proc = run_cli("--profiles", str(mixed), "-p", "us", timeout=30)
    assert_clean_failure(proc)
    assert proc.returncode == 2 and "profile 'us' has 1 problem" in proc.stderr and "1-hour limit" in proc.stderr
    assert "\x1b[" not in proc.stdout  # no screen was drawn


def test_control_characters_in_a_profile_name_are_shown_not_obeyed(tmp_path: Path, keys: GeneratedKeys) -> None:
    path = write_profiles(tmp_path, keys, '\n[profiles."evil\\u001b]0;pwned\\u0007"]\ntype = "sense"\n')
    proc = run_cli("token", "-p", "eu", "--profiles", str(path))
    assert proc.returncode == 0
    assert "\x1b" not in proc.stderr and "\x07" not in proc.stderr and "evil␛]0;pwned␇" in proc.stderr
