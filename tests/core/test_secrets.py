"""Secrets from variables, owner-only files and commands: real files, real processes, never echoed."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from qlik_tui.core.auth import secrets as secrets_mod
from qlik_tui.core.auth.keys import GeneratedKeys, load_private_key
from qlik_tui.core.auth.secrets import resolve_secret
from qlik_tui.core.errors import KeyFileError, SecretError
from qlik_tui.core.profiles.model import CloudProfile, SecretSource

SECRET = "qlik-S3CRET-value-0123456789"
PY = sys.executable


def profile(tmp_path: Path, source: SecretSource, name: str = "api_key") -> CloudProfile:
    return CloudProfile(name="eu", url="https://t", base_dir=tmp_path, auth="api_key", secrets={name: source})


def failure(tmp_path: Path, source: SecretSource) -> SecretError:
    with pytest.raises(SecretError) as info:
        resolve_secret(profile(tmp_path, source), "api_key")
    assert SECRET not in " ".join(info.value.lines())
    return info.value


def test_env_file_and_command_give_the_first_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QLIK_KEY", SECRET + "\n")
    assert resolve_secret(profile(tmp_path, SecretSource("env", "QLIK_KEY")), "api_key") == SECRET
    (tmp_path / "k").write_text(SECRET + "\nsecond line\n")
    os.chmod(tmp_path / "k", 0o600)
    assert resolve_secret(profile(tmp_path, SecretSource("file", "k")), "api_key") == SECRET
    argv = (PY, "-c", f"print({SECRET!r}); print('more')")
    assert resolve_secret(profile(tmp_path, SecretSource("command", argv)), "api_key") == SECRET


def test_missing_and_empty_name_where_they_looked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOPE_KEY", raising=False)
    assert failure(tmp_path, SecretSource("env", "NOPE_KEY")).message.endswith("$NOPE_KEY is not set")
    monkeypatch.setenv("EMPTY_KEY", "  ")
    err = failure(tmp_path, SecretSource("env", "EMPTY_KEY"))
    assert "is empty (looked in $EMPTY_KEY (api_key_env))" in err.message
    err = failure(tmp_path, SecretSource("command", (PY, "-c", "pass")))
    assert "is empty (looked in command" in err.message
    with pytest.raises(SecretError, match="names no place for the API key"):
        resolve_secret(CloudProfile(name="eu", url="https://t", base_dir=tmp_path), "api_key")


def test_a_file_others_can_read_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "k"
    path.write_text(SECRET)
    os.chmod(path, 0o644)
    err = failure(tmp_path, SecretSource("file", "k"))
    assert "others can read (mode 0644); not used" in err.message and err.hint == f"chmod 600 {path}"


def test_a_failing_command_shows_stderr_but_never_stdout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THE_SECRET", SECRET)  # not in argv: the message names the command
    code = "import os, sys; print(os.environ['THE_SECRET']); print('not logged in', file=sys.stderr); sys.exit(3)"
    err = failure(tmp_path, SecretSource("command", (PY, "-c", code)))
    assert "failed with exit code 3: not logged in" in err.message
    # a command that repeats the secret on stderr: the line is left out
    code = "import os, sys; s = os.environ['THE_SECRET']; print(s); print('bad ' + s, file=sys.stderr); sys.exit(1)"
    assert failure(tmp_path, SecretSource("command", (PY, "-c", code))).message.endswith("failed with exit code 1")


def test_missing_program(tmp_path: Path) -> None:
    err = failure(tmp_path, SecretSource("command", ("/nonexistent/vault-cli", "read")))
    assert err.message.endswith("program not found") and "/nonexistent/vault-cli" in err.hint


def test_a_helper_holding_stdout_does_not_hold_us(tmp_path: Path) -> None:
    """The command answers and exits, leaving a helper with our stdout open: answered at once, helper killed."""
    pid_file = tmp_path / "helper.pid"
    code = (
        "import subprocess, sys;"
        f"p = subprocess.Popen([{PY!r}, '-c', 'import time; time.sleep(60)']);"
        f"open({str(pid_file)!r}, 'w').write(str(p.pid));"
        f"print({SECRET!r}, flush=True)"
    )
    started = time.monotonic()
    assert resolve_secret(profile(tmp_path, SecretSource("command", (PY, "-c", code))), "api_key") == SECRET
    assert time.monotonic() - started < 5
    _assert_gone(int(pid_file.read_text()))


def test_time_out_kills_the_whole_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(secrets_mod, "COMMAND_TIMEOUT", 1.0)
    pid_file = tmp_path / "helper.pid"
    code = (
        "import subprocess, time;"
        f"p = subprocess.Popen([{PY!r}, '-c', 'import time; time.sleep(60)']);"
        f"open({str(pid_file)!r}, 'w').write(str(p.pid)); time.sleep(60)"
    )
    started = time.monotonic()
    err = failure(tmp_path, SecretSource("command", (PY, "-c", code)))
    assert "gave no answer within 1 s" in err.message and time.monotonic() - started < 5
    _assert_gone(int(pid_file.read_text()))


def test_endless_output_is_cut_off(tmp_path: Path) -> None:
    code = "import sys\nwhile True: sys.stdout.write('x' * 65536)"
    started = time.monotonic()
    err = failure(tmp_path, SecretSource("command", (PY, "-c", code)))
    assert "printed more than 65,536 bytes (stopped)" in err.message and time.monotonic() - started < 5


def _assert_gone(pid: int) -> None:
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        # a killed child of a dead parent is reaped by init; until then it is a zombie
        if Path(f"/proc/{pid}/stat").exists() and Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
            return
        time.sleep(0.05)
    pytest.fail(f"helper {pid} still runs")


def test_key_passphrase_from_a_file_or_command(tmp_path: Path, keys: GeneratedKeys) -> None:
    key = load_private_key(keys.key_path)
    enc = tmp_path / "enc.pem"
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(b"pw-123")
    )
    enc.write_bytes(pem)
    (tmp_path / "pass").write_text("pw-123\n")
    os.chmod(tmp_path / "pass", 0o600)
    loaded = load_private_key(enc, SecretSource("file", "pass"), base_dir=tmp_path)
    assert loaded.private_numbers() == key.private_numbers()
    loaded = load_private_key(enc, SecretSource("command", (PY, "-c", "print('pw-123')")), base_dir=tmp_path)
    assert loaded.private_numbers() == key.private_numbers()
    with pytest.raises(KeyFileError, match="wrong passphrase") as info:
        load_private_key(enc, SecretSource("command", (PY, "-c", "print('nope')")), base_dir=tmp_path)
    assert "key_passphrase_command" in info.value.hint
    os.chmod(tmp_path / "pass", 0o640)
    fresh = tmp_path / "enc2.pem"  # a key already decrypted is cached: read another file
    fresh.write_bytes(pem)
    with pytest.raises(KeyFileError, match="others can read"):
        load_private_key(fresh, SecretSource("file", "pass"), base_dir=tmp_path)


def test_a_command_that_closes_its_output_before_exiting_is_not_killed(tmp_path: Path) -> None:
    """coreutils close stdout/stderr and then exit: killing in between turned success into exit -9."""
    code = f"import os, time; os.write(1, {SECRET!r}.encode() + bytes([10])); os.close(1); os.close(2); time.sleep(0.3)"
    assert resolve_secret(profile(tmp_path, SecretSource("command", (PY, "-c", code))), "api_key") == SECRET


def test_a_jwt_profile_mints_with_a_passphrase_from_a_command(tmp_path: Path, keys: GeneratedKeys) -> None:
    from qlik_tui.core.auth.tokens import decode, mint
    from qlik_tui.core.profiles.loader import load_profiles

    key = load_private_key(keys.key_path)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(b"cmd-pass")
    )
    (tmp_path / "enc.pem").write_bytes(pem)
    (tmp_path / "profiles.toml").write_text(
        f'[profiles.p]\ntype = "qseow"\nurl = "https://q"\nkey = "enc.pem"\ncert = "{keys.cert_path}"\n'
        f"key_passphrase_command = [{PY!r}, '-c', 'print(\"cmd-pass\")']\n"
        '[profiles.p.claims]\nuserDirectory = "LAB"\nuserId = "alice"\n'
    )
    profile = load_profiles(tmp_path / "profiles.toml").profiles["p"]
    token = mint(profile)
    assert decode(token.token, cert=keys.cert_path).signature == "verified"
