"""Hostile tokens, arguments and streams given to the command line: one message, never a traceback."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qlik_tui.core.auth.keys import GeneratedKeys
from qlik_tui.core.auth.tokens import MAX_SEGMENT_DEPTH, decode
from qlik_tui.core.errors import NotAJwtError
from tests.cli_helpers import assert_clean_failure, run_cli
from tests.conftest import write_profiles


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


HEADER = _b64(b'{"alg": "RS256", "typ": "JWT"}')


def token_with(claims: bytes) -> str:
    return f"{HEADER}.{_b64(claims)}.c2ln"


DEEP = b'{"a": ' + b"[" * 3000 + b"]" * 3000 + b"}"


def test_claims_nested_thousands_deep_are_not_a_jwt() -> None:
    # json.loads raised RecursionError here, and json.dumps would have when printing.
    with pytest.raises(NotAJwtError) as info:
        decode(token_with(DEEP))
    assert f"nested more than {MAX_SEGMENT_DEPTH} levels deep" in info.value.message


@pytest.mark.parametrize("as_json", [False, True])
def test_decode_of_deep_claims_exits_2_with_a_message(as_json: bool) -> None:
    proc = run_cli("token", "--decode", token_with(DEEP), *(["--json"] if as_json else []))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    said = json.loads(proc.stdout)["error"] if as_json else proc.stderr
    assert "nested more than 32 levels deep" in said


def test_decode_of_a_lone_surrogate_claim_prints_its_escape() -> None:
    # The claim decodes to half a surrogate pair; printing it raised UnicodeEncodeError.
    proc = run_cli("token", "--decode", token_with(b'{"sub": "\\ud800x", "exp": 1}'))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert 'sub: "\\ud800x"' in proc.stdout and "expired" in proc.stdout


def test_decode_from_a_closed_stdin_is_a_message() -> None:
    proc = run_cli("token", "--decode", "-", close_stdin=True)
    assert_clean_failure(proc)
    assert "--decode -: standard input is closed" in proc.stderr


def test_decode_of_endless_stdin_stops_at_a_cap() -> None:
    with open("/dev/zero", "rb") as zero:
        proc = subprocess.run(
            [sys.executable, "-m", "qlik_tui", "token", "--decode", "-"], stdin=zero, capture_output=True, text=True, timeout=60
        )
    assert proc.returncode == 2 and "--decode -: more than 16 MB on standard input" in proc.stderr, proc.stderr[-500:]


def test_a_body_from_a_closed_stdin_is_a_message(tmp_path: Path, keys: GeneratedKeys) -> None:
    profiles = write_profiles(tmp_path, keys)
    proc = run_cli("call", "--profiles", str(profiles), "POST", "/qrs/app", "-d", "@-", close_stdin=True)
    assert_clean_failure(proc)
    assert "-d @-: standard input is closed" in proc.stderr


def _with_stdout(redirect: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QLIK_TUI_PROFILE", "QLIK_TUI_PROFILES")}
    command = ["sh", "-c", f'exec "$@" {redirect}', "sh", sys.executable, "-m", "qlik_tui", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_a_token_written_to_a_full_disk_fails_loudly(tmp_path: Path, keys: GeneratedKeys) -> None:
    proc = _with_stdout("> /dev/full", "token", "--profiles", str(write_profiles(tmp_path, keys)))
    assert proc.returncode == 74 and "Traceback" not in proc.stderr, proc.stderr
    assert "could not write the output (No space left on device)" in proc.stderr


def test_a_token_with_stdout_closed_is_not_a_silent_success(tmp_path: Path, keys: GeneratedKeys) -> None:
    proc = _with_stdout(">&-", "token", "--profiles", str(write_profiles(tmp_path, keys)))
    assert proc.returncode == 2 and "standard output is closed" in proc.stderr, proc.stderr
