"""--profiles and -p (and the TUI options) work before or after the command, with the same result.

Every command is run as a real process, the way people type it; `call` goes to the
simulator over loopback. Before the fix, an option typed before the command was replaced
by the sub-command's default and the command ran on the default profile.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qlik_tui.cli.parser import parse
from qlik_tui.core.auth.keys import GeneratedKeys
from qlik_tui.core.errors import UsageError
from qlik_tui.demo.environment import Demo
from tests.cli_helpers import assert_clean_failure, run_cli
from tests.conftest import write_profiles


def _positions(command: list[str], options: list[str], *rest: str) -> list[list[str]]:
    """The same command line with the options before the command, after it, and split."""
    return [
        [*options, *command, *rest],
        [*command, *rest, *options],
        [*options[:2], *command, *rest, *options[2:]],
    ]


def test_token_profile_and_file_in_every_position(profiles_file: Path) -> None:
    for argv in _positions(["token"], ["--profiles", str(profiles_file), "-p", "eu"], "--json"):
        proc = run_cli(*argv)
        assert proc.returncode == 0, (argv, proc.stderr)
        assert json.loads(proc.stdout)["profile"] == "eu", argv  # not the file's default, prod


def test_call_before_and_after_the_command_hits_the_same_profile(demo: Demo) -> None:
    outputs = []
    for argv in _positions(["call"], ["--profiles", str(demo.profiles_path), "-p", "demo-cloud"], "GET", "/api/v1/users/me"):
        proc = run_cli(*argv)
        assert proc.returncode == 0, (argv, proc.stderr)
        outputs.append(json.loads(proc.stdout))
    assert outputs[0] == outputs[1] == outputs[2]
    assert "email" in outputs[0]  # a Cloud user, so the Cloud profile was used, not demo-qseow


def test_endpoints_follow_the_profile_in_either_position(profiles_file: Path) -> None:
    before = run_cli("--profiles", str(profiles_file), "-p", "eu", "endpoints", "--grep", "spaces")
    after = run_cli("endpoints", "--grep", "spaces", "-p", "eu", "--profiles", str(profiles_file))
    assert before.returncode == after.returncode == 0, before.stderr + after.stderr
    assert before.stdout == after.stdout and "/api/v1/spaces" in before.stdout


def test_profiles_list_and_check_in_every_position(profiles_file: Path) -> None:
    listings = {
        run_cli(*argv).stdout
        for argv in (
            ["--profiles", str(profiles_file), "profiles", "list"],
            ["profiles", "--profiles", str(profiles_file), "list"],
            ["profiles", "list", "--profiles", str(profiles_file)],
        )
    }
    assert len(listings) == 1 and listings.pop().startswith("* prod")
    for argv in (
        ["--profiles", str(profiles_file), "-p", "eu", "profiles", "check"],
        ["profiles", "-p", "eu", "check", "--profiles", str(profiles_file)],
        ["profiles", "check", "-p", "eu", "--profiles", str(profiles_file)],
    ):
        proc = run_cli(*argv)
        assert proc.returncode == 0, (argv, proc.stderr)
        assert proc.stdout.startswith("profile    eu (Qlik Cloud"), argv


def test_keygen_and_demo_refuse_what_they_cannot_use_in_either_position(tmp_path: Path, profiles_file: Path) -> None:
    for argv in (["-p", "eu", "keygen", "--dir", str(tmp_path / "k")], ["keygen", "--dir", str(tmp_path / "k"), "-p", "eu"]):
        proc = run_cli(*argv)
        assert proc.returncode == 2 and "--profile does not apply to `keygen`" in proc.stderr, proc.stderr
    assert not (tmp_path / "k").exists()
    for argv in (["--profiles", str(profiles_file), "demo", "--serve"], ["demo", "--serve", "--profiles", str(profiles_file)]):
        proc = run_cli(*argv, timeout=30)
        assert proc.returncode == 2 and "--profiles does not apply to `demo`" in proc.stderr, proc.stderr


def test_tui_options_reach_demo_from_either_position() -> None:
    before = parse(["--no-mouse", "--max-body", "5", "--request", "GET /qrs/about", "-p", "demo-cloud", "demo"])
    after = parse(["demo", "--no-mouse", "--max-body", "5", "--request", "GET /qrs/about", "-p", "demo-cloud"])
    for args in (before, after):
        assert (args.no_mouse, args.max_body, args.request, args.profile) == (True, 5.0, "GET /qrs/about", "demo-cloud")
    plain = parse(["demo"])  # --max-body untyped: each command applies its own default (TUI 200, call 1024)
    assert (plain.no_mouse, plain.max_body, plain.request, plain.profile) == (False, None, None, None)


def test_max_body_reaches_call_from_either_position() -> None:
    for argv in (["--max-body", "5", "call", "GET", "/x"], ["call", "GET", "/x", "--max-body", "5"]):
        assert parse(argv).max_body == 5.0
    assert parse(["call", "GET", "/x"]).max_body is None


def test_tui_without_command_takes_the_profile(profiles_file: Path) -> None:
    # The app checks the name before opening a screen, so a wrong one proves -p arrived.
    proc = run_cli("--profiles", str(profiles_file), "-p", "staging")
    assert_clean_failure(proc)
    assert "no profile named 'staging'" in proc.stderr and "prod, eu" in proc.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["-p", "prod", "token", "-p", "eu"],
        ["token", "-p", "prod", "-p", "eu"],
        ["--profiles", "a.toml", "profiles", "list", "--profiles", "b.toml"],
        ["--max-body", "5", "demo", "--max-body", "6"],
    ],
)
def test_one_option_with_two_values_is_refused(profiles_file: Path, argv: list[str]) -> None:
    proc = run_cli(*argv, env={"QLIK_TUI_PROFILES": str(profiles_file)})
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "given twice with different values" in proc.stderr and "hint:" in proc.stderr
    assert_clean_failure(proc)


def test_the_same_value_twice_is_fine(profiles_file: Path) -> None:
    proc = run_cli("-p", "eu", "token", "--json", "-p", "eu", "--profiles", str(profiles_file))
    assert proc.returncode == 0 and json.loads(proc.stdout)["profile"] == "eu"


def test_tui_options_with_another_command_are_refused() -> None:
    with pytest.raises(UsageError, match="--no-mouse is for the TUI, not `token`"):
        parse(["--no-mouse", "token"])


def test_profiles_file_from_before_the_command_is_read(tmp_path: Path, keys: GeneratedKeys) -> None:
    # Two files with different defaults: which one was read shows in the token's profile.
    first = write_profiles(tmp_path, keys, default="eu")
    other = tmp_path / "other"
    other.mkdir()
    write_profiles(other, keys, default="prod")
    proc = run_cli("--profiles", str(first), "token", "--json", env={"QLIK_TUI_PROFILES": str(other / "profiles.toml")})
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["profile"] == "eu"
