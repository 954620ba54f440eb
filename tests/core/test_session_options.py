"""--no-session-cache is a global option: before or after `call`, with the TUI, refused elsewhere."""

from __future__ import annotations

import pytest

from qlik_tui.cli.parser import parse
from qlik_tui.core.errors import UsageError


@pytest.mark.parametrize(
    "argv",
    [
        ["--no-session-cache", "call", "GET", "/qrs/about"],
        ["call", "GET", "/qrs/about", "--no-session-cache"],
        ["call", "--no-session-cache", "GET", "/qrs/about"],
        ["--no-session-cache"],
        ["demo", "--no-session-cache"],
        ["--no-session-cache", "demo"],
        ["--no-session-cache", "token"],
        ["token", "-p", "eu", "--no-session-cache"],
        ["diff", "a", "b", "GET", "/qrs/about", "--no-session-cache"],
        ["--no-session-cache", "endpoints", "--discover"],
        ["endpoints", "--discover", "--no-session-cache"],
    ],
)
def test_no_session_cache_in_every_position(argv: list[str]) -> None:
    assert parse(argv).no_session_cache is True


def test_it_is_off_unless_given() -> None:
    assert parse(["call", "GET", "/qrs/about"]).no_session_cache is False


@pytest.mark.parametrize("argv", [["--no-session-cache", "profiles", "list"], ["--no-session-cache", "logout", "--all"]])
def test_commands_that_keep_no_session_refuse_it(argv: list[str]) -> None:
    with pytest.raises(UsageError, match="--no-session-cache is for the TUI"):
        parse(argv)


def test_logout_takes_the_profile_before_or_after() -> None:
    assert parse(["-p", "eu", "logout"]).profile == "eu"
    assert parse(["logout", "-p", "eu"]).profile == "eu"
    assert parse(["logout", "--all"]).all is True
