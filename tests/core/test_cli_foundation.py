from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import jwt
import pytest

from qlik_tui.core.auth.keys import GeneratedKeys, load_public_key
from tests.cli_helpers import assert_clean_failure, run_cli
from tests.conftest import write_profiles


def test_core_and_cli_commands_never_import_textual() -> None:
    code = (
        "import sys, qlik_tui.core.profiles.loader, qlik_tui.core.auth.tokens, qlik_tui.core.auth.keys;"
        "import qlik_tui.core.profiles.store, qlik_tui.cli;"
        "import qlik_tui.core as c, pkgutil, importlib;"
        "[importlib.import_module(m.name) for m in pkgutil.walk_packages(c.__path__, 'qlik_tui.core.')];"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_token_prints_only_the_jwt(profiles_file: Path, keys: GeneratedKeys) -> None:
    proc = run_cli("token", "--profiles", str(profiles_file))
    assert proc.returncode == 0, proc.stderr
    token = proc.stdout.strip()
    assert proc.stdout.count("\n") == 1 and token.count(".") == 2
    claims = jwt.decode(token, load_public_key(keys.cert_path), algorithms=["RS256"])
    assert claims["userId"] == "goran"


def test_token_json_and_profile_env(profiles_file: Path) -> None:
    proc = run_cli("token", "--json", env={"QLIK_TUI_PROFILES": str(profiles_file), "QLIK_TUI_PROFILE": "eu"})
    doc = json.loads(proc.stdout)
    assert doc["profile"] == "eu" and doc["expires"].endswith("Z") and doc["header"]["kid"] == "kid-1"
    assert doc["claims"]["aud"] == "qlik.api/login/jwt-session"
    proc = run_cli("token", "--json", env={"QLIK_TUI_PROFILES": str(profiles_file)})
    doc = json.loads(proc.stdout)
    assert doc["profile"] == "prod" and doc["header"] == {"alg": "RS256", "typ": "JWT"}


def test_decode_from_stdin_with_cert(profiles_file: Path, keys: GeneratedKeys, other_keys: GeneratedKeys) -> None:
    token = run_cli("token", "--profiles", str(profiles_file)).stdout
    good = run_cli("token", "--decode", "-", "--cert", str(keys.cert_path), "--json", stdin=token)
    assert good.returncode == 0 and json.loads(good.stdout)["signature"] == "verified"
    bad = run_cli("token", "--decode", token.strip(), "--cert", str(other_keys.cert_path))
    assert bad.returncode == 1 and "signature: INVALID" in bad.stdout
    aud = run_cli("token", "--decode", token.strip(), "--audience", "qlik.example")
    assert aud.returncode == 1 and "MISMATCH" in aud.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["token", "--decode", "not-a-token"],
        ["token", "--decode", "-"],
        ["token", "--cert", "x.pem"],
        ["token", "-p", "nope"],
    ],
)
def test_bad_token_commands_fail_cleanly(profiles_file: Path, args: list[str]) -> None:
    proc = run_cli(*args, "--profiles", str(profiles_file), stdin="")
    assert_clean_failure(proc)
    assert "hint:" in proc.stderr


def test_unknown_profile_lists_names(profiles_file: Path) -> None:
    proc = run_cli("token", "--profiles", str(profiles_file), "-p", "staging")
    assert_clean_failure(proc)
    assert "prod, eu" in proc.stderr


def test_bad_profile_one_screen_and_file_untouched(tmp_path: Path, keys: GeneratedKeys) -> None:
    path = write_profiles(tmp_path, keys, '\n[profiles.bad]\ntype="cloud"\nurl="https://x"\nkey="k"\nlifetime="2h"\n')
    before = path.read_bytes()
    listing = run_cli("profiles", "list", "--profiles", str(path))
    assert listing.returncode == 0 and "bad" in listing.stdout and "BROKEN: 7 problems" in listing.stdout
    proc = run_cli("profiles", "check", "bad", "--profiles", str(path))
    assert_clean_failure(proc)
    assert "profile 'bad'" in proc.stderr and "1-hour limit" in proc.stderr and "key_id" in proc.stderr
    assert len(proc.stderr.splitlines()) < 24
    assert path.read_bytes() == before


def test_syntax_error_message(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text("[profiles.x]\ntype = qseow\n")
    proc = run_cli("token", "--profiles", str(path))
    assert_clean_failure(proc)
    assert "line 2" in proc.stderr and "hint:" in proc.stderr


def test_no_profiles_file_points_at_demo(tmp_path: Path) -> None:
    proc = run_cli("profiles", "list", env={"XDG_CONFIG_HOME": str(tmp_path), "QLIK_TUI_PROFILES": ""})
    assert_clean_failure(proc)
    assert "qlik-tui demo" in proc.stderr


def test_profiles_list_and_check(profiles_file: Path) -> None:
    listing = run_cli("profiles", "list", "--profiles", str(profiles_file))
    assert listing.returncode == 0
    assert listing.stdout.splitlines()[0].startswith("* prod") and "https://qliksense.example.com/jwt" in listing.stdout
    as_json = json.loads(run_cli("profiles", "list", "--json", "--profiles", str(profiles_file)).stdout)
    assert [r["name"] for r in as_json] == ["prod", "eu"] and as_json[0]["default"] is True
    check = run_cli("profiles", "check", "prod", "--profiles", str(profiles_file))
    assert check.returncode == 0 and "matches the key" in check.stdout and check.stdout.strip().endswith("ok")


def test_profiles_check_detects_wrong_certificate(tmp_path: Path, keys: GeneratedKeys, other_keys: GeneratedKeys) -> None:
    path = write_profiles(tmp_path, keys)
    path.write_text(path.read_text().replace(str(keys.cert_path), str(other_keys.cert_path)))
    proc = run_cli("profiles", "check", "--profiles", str(path))
    assert_clean_failure(proc)
    assert "not the public half" in proc.stderr


def test_keygen_writes_and_refuses_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "keys"
    proc = run_cli("keygen", "--dir", str(out), "--bits", "2048", "--days", "30", "--cn", "lab")
    assert proc.returncode == 0, proc.stderr
    assert "JWT certificate" in proc.stdout and f'key = "{out / "private.pem"}"' in proc.stdout
    assert stat.S_IMODE(os.stat(out / "private.pem").st_mode) == 0o600
    before = (out / "private.pem").read_bytes()
    again = run_cli("keygen", "--dir", str(out), "--bits", "2048")
    assert_clean_failure(again)
    assert "--force" in again.stderr and (out / "private.pem").read_bytes() == before


def test_python_dash_m_and_version() -> None:
    proc = run_cli("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("qlik-tui ")


def test_token_command_never_imports_textual(profiles_file: Path) -> None:
    code = (
        "import sys, contextlib, io\n"
        "from qlik_tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    rc = main(['token', '--profiles', {str(profiles_file)!r}])\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'httpx'))\n"
        "print(rc, bad)\n"
        "sys.exit(0 if rc == 0 and not bad else 1)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_decode_shows_hostile_claims_visibly() -> None:
    import base64

    def part(doc: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(doc).encode()).rstrip(b"=").decode()

    token = part({"alg": "RS256", "typ": "JWT"}) + "." + part({"\x1b]0;x\x07name": "a\u202eb\x85", "exp": 1}) + ".c2ln"
    proc = run_cli("token", "--decode", token)
    assert proc.returncode == 1, proc.stderr  # decoded and judged: expired since 1970, so Qlik would refuse it
    assert "\x1b" not in proc.stdout and "\u202e" not in proc.stdout and "\x85" not in proc.stdout
    assert "␛]0;x␇name" in proc.stdout and "\\u202e" in proc.stdout
