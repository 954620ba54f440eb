"""`qlik-tui call` and `qlik-tui token` with API-key and OAuth profiles, as real processes against the simulator."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from qlik_tui.demo.environment import Demo
from tests.cli_helpers import assert_clean_failure, run_cli


def secret(demo: Demo, name: str) -> str:
    return (demo.profiles_path.parent / "secrets" / name).read_text().strip()


def cli(demo: Demo, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, "--profiles", str(demo.profiles_path), env=env)


def no_secrets(demo: Demo, proc: subprocess.CompletedProcess[str], *extra: str) -> None:
    """Neither the API key nor the client secret (nor `extra`) is in what the process printed."""
    for value in (secret(demo, "api-key"), secret(demo, "oauth-client-secret"), *extra):
        assert value not in proc.stdout and value not in proc.stderr


@pytest.mark.parametrize("name", ["demo-cloud-apikey", "demo-cloud-oauth"])
def test_call_works_end_to_end_over_tls_and_prints_no_secret(tls_demo: Demo, name: str) -> None:
    proc = cli(tls_demo, "call", "-p", name, "GET", "/api/v1/users/me", "-v")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["tenantId"] == tls_demo.cloud.store.tenant["id"]
    no_secrets(tls_demo, proc)
    assert tls_demo.cloud.stats.jwt_logins == 0


def test_call_with_an_expired_api_key_fails_before_sending(demo: Demo) -> None:
    proc = cli(demo, "call", "-p", "demo-cloud-apikey", "GET", "/api/v1/spaces", env=_key_env(demo, "api-key-expired"))
    assert_clean_failure(proc)
    assert proc.returncode == 4 and "expired on" in proc.stderr and "generate a new API key" in proc.stderr
    assert demo.cloud.stats.bearer_requests == 0
    no_secrets(demo, proc, secret(demo, "api-key-expired"))


def test_call_with_a_revoked_api_key_says_so(demo: Demo) -> None:
    proc = cli(demo, "call", "-p", "demo-cloud-apikey", "GET", "/api/v1/spaces", env=_key_env(demo, "api-key-revoked"))
    assert_clean_failure(proc)
    assert "401 Unauthorized: Qlik Cloud refused the API key" in proc.stderr and "revoked" in proc.stderr
    no_secrets(demo, proc, secret(demo, "api-key-revoked"))


def _key_env(demo: Demo, name: str) -> dict[str, str]:
    """A profiles file whose demo-cloud-apikey reads its key from $P10_KEY, set to the demo's key `name`."""
    text = demo.profiles_path.read_text().replace('api_key_file = "secrets/api-key"', 'api_key_env = "P10_KEY"')
    demo.profiles_path.write_text(text)
    return {"P10_KEY": secret(demo, name)}


def test_call_with_a_wrong_client_secret_says_invalid_client(demo: Demo, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong"
    wrong.write_text("not-the-secret-p10\n")
    wrong.chmod(0o600)
    text = demo.profiles_path.read_text().replace('"secrets/oauth-client-secret"', json.dumps(str(wrong)))
    demo.profiles_path.write_text(text)
    proc = cli(demo, "call", "-p", "demo-cloud-oauth", "GET", "/api/v1/spaces")
    assert_clean_failure(proc)
    assert "invalid_client" in proc.stderr and "client secret" in proc.stderr
    no_secrets(demo, proc, "not-the-secret-p10")


def test_a_secret_file_others_can_read_is_refused(demo: Demo) -> None:
    (demo.profiles_path.parent / "secrets" / "api-key").chmod(0o644)
    proc = cli(demo, "call", "-p", "demo-cloud-apikey", "GET", "/api/v1/spaces")
    assert_clean_failure(proc)
    assert "chmod 600" in proc.stderr and demo.cloud.stats.requests == 0


def test_token_prints_the_api_key_and_decodes_it_by_api_key_rules(demo: Demo) -> None:
    printed = cli(demo, "token", "-p", "demo-cloud-apikey")
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.strip() == secret(demo, "api-key")
    decoded = cli(demo, "token", "-p", "demo-cloud-apikey", "--decode")
    assert decoded.returncode == 0, decoded.stdout + decoded.stderr
    assert "product: Qlik Cloud (API key)" in decoded.stdout and "would accept" in decoded.stdout
    assert "kid-missing" not in decoded.stdout and "email" not in decoded.stdout  # no JWT-login rules
    as_json = json.loads(cli(demo, "token", "-p", "demo-cloud-apikey", "--json").stdout)
    assert as_json["kind"] == "api_key" and as_json["claims"]["sub"] == "alice" and as_json["expires"].endswith("Z")


def test_token_decode_finds_an_expired_api_key_by_its_issuer(demo: Demo) -> None:
    proc = run_cli("token", "--decode", "-", stdin=secret(demo, "api-key-expired"))
    assert proc.returncode == 1
    assert "product: Qlik Cloud (API key)" in proc.stdout and "✗ expired 1d ago" in proc.stdout


def test_token_fetches_an_oauth_access_token(demo: Demo) -> None:
    proc = cli(demo, "token", "-p", "demo-cloud-oauth", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["kind"] == "oauth" and doc["token"].count(".") == 2 and doc["expires"].endswith("Z")
    assert demo.cloud.stats.oauth_token_fetches == 1
    no_secrets(demo, proc)
    decoded = cli(demo, "token", "-p", "demo-cloud-oauth", "--decode")
    assert decoded.returncode == 0 and "OAuth access token" in decoded.stdout


def test_profiles_check_reads_the_secret_and_the_key_offline_and_online(demo: Demo) -> None:
    offline = cli(demo, "profiles", "check", "demo-cloud-apikey")
    assert offline.returncode == 0, offline.stderr
    assert "secret     API key: read from file secrets/api-key (api_key_file) (not shown)" in offline.stdout
    assert "expiry     API key for alice: valid until" in offline.stdout and offline.stdout.rstrip().endswith("ok")
    online = cli(demo, "profiles", "check", "demo-cloud-oauth", "--online")
    assert online.returncode == 0, online.stdout + online.stderr
    assert "sign-in: the server accepts" in online.stdout and demo.cloud.stats.oauth_token_fetches == 1
    no_secrets(demo, offline)
    no_secrets(demo, online)


def test_profiles_check_fails_an_expired_api_key(demo: Demo) -> None:
    proc = cli(demo, "profiles", "check", "demo-cloud-apikey", env=_key_env(demo, "api-key-expired"))
    assert_clean_failure(proc)
    assert "expired on" in proc.stderr and demo.cloud.stats.requests == 0


def test_three_oauth_calls_cost_one_access_token_and_the_secret_is_never_kept(demo: Demo) -> None:
    for _ in range(3):
        proc = cli(demo, "call", "-p", "demo-cloud-oauth", "GET", "/api/v1/spaces")
        assert proc.returncode == 0, proc.stderr
    assert demo.cloud.stats.oauth_token_fetches == 1  # the access token is kept between runs (0600, per user)
    kept = [p.read_text() for p in Path(os.environ["XDG_RUNTIME_DIR"]).rglob("*") if p.is_file()]
    assert kept and not any(secret(demo, "oauth-client-secret") in text for text in kept)
    assert not any(secret(demo, "api-key") in text for text in kept)
    again = cli(demo, "call", "-p", "demo-cloud-oauth", "GET", "/api/v1/spaces", "--no-session-cache")
    assert again.returncode == 0 and demo.cloud.stats.oauth_token_fetches == 2


def test_token_reuses_the_kept_access_token_and_new_fetches_another(demo: Demo) -> None:
    printed = []
    for _ in range(3):  # $(qlik-tui token) in a loop: one fetch, as `call` does
        proc = cli(demo, "token", "-p", "demo-cloud-oauth")
        assert proc.returncode == 0, proc.stderr
        printed.append(proc.stdout.strip())
    assert len(set(printed)) == 1 and demo.cloud.stats.oauth_token_fetches == 1
    renewed = cli(demo, "token", "-p", "demo-cloud-oauth", "--new")
    assert renewed.returncode == 0, renewed.stderr
    assert renewed.stdout.strip() != printed[0] and demo.cloud.stats.oauth_token_fetches == 2
    # the renewed token is the one kept: `call` uses it without fetching
    call = cli(demo, "call", "-p", "demo-cloud-oauth", "GET", "/api/v1/spaces")
    assert call.returncode == 0 and demo.cloud.stats.oauth_token_fetches == 2
    for where in (("--no-session-cache", "token"), ("token", "--no-session-cache")):
        fresh = run_cli(*where, "-p", "demo-cloud-oauth", "--profiles", str(demo.profiles_path))
        assert fresh.returncode == 0, fresh.stderr
    assert demo.cloud.stats.oauth_token_fetches == 4
    no_secrets(demo, renewed)


def test_token_new_with_an_api_key_says_there_is_nothing_to_renew(demo: Demo) -> None:
    proc = cli(demo, "token", "-p", "demo-cloud-apikey", "--new")
    assert_clean_failure(proc)
    assert "--new has nothing to renew" in proc.stderr and "generate a new API key" in proc.stderr
    no_secrets(demo, proc)
