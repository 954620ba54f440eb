"""The loader's rules for each sign-in method: required keys, users, header and cookie names, secrets never inline."""

from __future__ import annotations

from pathlib import Path

import pytest

from qlik_tui.core.errors import ProfileError
from qlik_tui.core.profiles.loader import load_profiles, parse_profiles, read_toml
from qlik_tui.core.profiles.model import CloudProfile, QseowProfile, SecretSource
from qlik_tui.core.profiles.store import put_profile

API_KEY = "eyJhbGciOiJFUzM4NCIsImtpZCI6ImFiYyJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU"


def problems(tmp_path: Path, body: str) -> list[str]:
    """Every problem the strict parse lists for one profile table `body` (named p)."""
    path = tmp_path / "profiles.toml"
    path.write_text(f"[profiles.p]\n{body}")
    with pytest.raises(ProfileError) as info:
        parse_profiles(read_toml(path), path)
    return [p.removeprefix("profile 'p', ") for p in info.value.problems]


def loads(tmp_path: Path, body: str) -> QseowProfile | CloudProfile:
    """The profile p, which must load without problems."""
    path = tmp_path / "profiles.toml"
    path.write_text(f"[profiles.p]\n{body}")
    return parse_profiles(read_toml(path), path).profiles["p"]


CERT = 'type = "qseow"\nauth = "certificate"\nclient_cert = "client.pem"\nclient_key = "client_key.pem"\n'
HEADER = 'type = "qseow"\nauth = "header"\nurl = "https://qs.example.com"\nvirtual_proxy = "hdr"\n'


def test_every_method_loads_with_its_keys(tmp_path: Path) -> None:
    cert = loads(tmp_path, CERT + 'url = "https://qs:4242"\nuser = \'LAB\\alice\'\nca_bundle = "root.pem"\n')
    assert isinstance(cert, QseowProfile) and cert.user_directory_and_id == ("LAB", "alice")
    assert cert.client_key_path == tmp_path.resolve() / "client_key.pem" and cert.identity == "LAB\\alice"
    header = loads(tmp_path, HEADER + 'header_name = "X-Qlik-User-Header"\nuser = "alice"\nsession_cookie = "HdrSess"\n')
    assert isinstance(header, QseowProfile) and header.header_name == "X-Qlik-User-Header"
    assert header.session_cookie == "HdrSess" and header.user_directory_and_id == ("", "alice")
    key = loads(tmp_path, 'type = "cloud"\nauth = "api_key"\nurl = "https://t.eu.qlikcloud.com"\napi_key_env = "QLIK_KEY"\n')
    assert key.secrets == {"api_key": SecretSource("env", "QLIK_KEY")}
    oauth = loads(
        tmp_path,
        'type = "cloud"\nauth = "oauth"\nurl = "https://t.eu.qlikcloud.com"\nclient_id = "abc123"\n'
        'client_secret_command = ["pass", "show", "qlik/eu"]\nscopes = "user_default admin_classic"\n',
    )
    assert isinstance(oauth, CloudProfile) and oauth.scopes == ("user_default", "admin_classic")
    assert oauth.secrets["client_secret"] == SecretSource("command", ("pass", "show", "qlik/eu"))


def test_required_keys_per_method(tmp_path: Path) -> None:
    found = problems(tmp_path, 'type = "cloud"\nauth = "api_key"\nurl = "https://t.eu.qlikcloud.com"\n')
    assert found == [
        "key `api_key_env` (or `api_key_file`, `api_key_command`) is missing: where the API key is read from; "
        'e.g. api_key_env = "QLIK_API_KEY"'
    ]
    found = problems(tmp_path, 'type = "cloud"\nauth = "oauth"\nurl = "https://t.eu.qlikcloud.com"\n')
    assert any(p.startswith("key `client_id` is missing") for p in found)
    assert any(p.startswith("key `client_secret_env` (or `client_secret_file`") for p in found)
    found = problems(tmp_path, 'type = "qseow"\nauth = "certificate"\nurl = "https://qs:4242"\n')
    assert {p.split(" is missing")[0] for p in found} == {"key `client_cert`", "key `client_key`", "key `user`"}
    found = problems(tmp_path, 'type = "qseow"\nauth = "header"\nurl = "https://qs"\n')
    assert {p.split(" is missing")[0] for p in found} == {"key `header_name`", "key `user`"}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://qs.example.com", "has no port; certificates are taken by the QRS port"),
        ("http://qs.example.com:4242", "client certificates need https"),
    ],
)
def test_certificate_url_needs_https_and_a_port(tmp_path: Path, url: str, expected: str) -> None:
    found = problems(tmp_path, CERT + f"url = \"{url}\"\nuser = 'LAB\\alice'\n")
    assert len(found) == 1 and expected in found[0] and "https://qs.example.com:4242" in found[0]


def test_a_mapped_qrs_port_is_accepted(tmp_path: Path) -> None:
    assert loads(tmp_path, CERT + "url = \"https://qs.example.com:14242\"\nuser = 'LAB\\alice'\n").url.endswith(":14242")


@pytest.mark.parametrize(
    ("user", "auth", "expected"),
    [
        ("LAB\\\\\\\\alice", "header", "with one backslash and both parts"),
        ("\\\\alice", "header", "with one backslash and both parts"),
        ("LAB\\\\", "header", "with one backslash and both parts"),
        ("alice", "certificate", "has no user directory; the QRS port needs both"),
        ("LAB\\\\a;UserId=root", "certificate", "would break the X-Qlik-User header"),
        (" alice", "header", "spaces at an end"),
        ("al\\u0007ice", "header", "control characters"),
        ("jürgen", "header", "is not ASCII"),
    ],
)
def test_user_format(tmp_path: Path, user: str, auth: str, expected: str) -> None:
    base = (CERT + 'url = "https://qs:4242"\n') if auth == "certificate" else (HEADER + 'header_name = "X-User"\n')
    found = problems(tmp_path, base + f'user = "{user}"\n')
    assert len(found) == 1 and found[0].startswith("key `user`") and expected in found[0], found


@pytest.mark.parametrize("name", ["X User", "X-User:", "", "Authorization", "x-qlik-xrfkey", "Ünï"])
def test_header_name_is_an_http_token_we_do_not_set(tmp_path: Path, name: str) -> None:
    found = problems(tmp_path, HEADER + f'header_name = "{name}"\nuser = "alice"\n')
    assert len(found) == 1 and "header_name" in found[0]


@pytest.mark.parametrize("cookie", ["my cookie", "a=b", 'x"y', "sess;id"])
def test_session_cookie_must_be_a_cookie_name(tmp_path: Path, cookie: str) -> None:
    cookie = cookie.replace('"', '\\"')
    found = problems(tmp_path, HEADER + f'header_name = "X-User"\nuser = "alice"\nsession_cookie = "{cookie}"\n')
    assert len(found) == 1 and found[0].startswith("key `session_cookie`") and "not a cookie name" in found[0]


@pytest.mark.parametrize("key", ["api_key", "client_secret", "key_passphrase", "password", "secret", "token", "Token"])
def test_inline_secrets_are_errors_that_never_echo_the_value(tmp_path: Path, key: str) -> None:
    found = problems(
        tmp_path,
        f'type = "cloud"\nauth = "api_key"\nurl = "https://t.eu.qlikcloud.com"\napi_key_env = "K"\n{key} = "{API_KEY}"\n',
    )
    assert len(found) == 1 and found[0].startswith(f"key `{key}`: secrets are never written in the profiles file")
    assert "_env" in found[0] and "_file" in found[0] and "_command" in found[0]
    assert API_KEY not in found[0] and API_KEY[:12] not in found[0]


@pytest.mark.parametrize("key", ["api_key_env", "api_key_file"])
def test_a_secret_pasted_into_a_source_key_is_not_echoed(tmp_path: Path, key: str) -> None:
    found = problems(tmp_path, f'type = "cloud"\nauth = "api_key"\nurl = "https://t.eu.qlikcloud.com"\n{key} = "{API_KEY}"\n')
    assert len(found) == 2 and all(API_KEY[:12] not in p for p in found)
    assert found[0].startswith(f"key `{key}`: holds what looks like the secret itself")


def test_env_source_must_be_a_variable_name(tmp_path: Path) -> None:
    body = 'type = "cloud"\nauth = "api_key"\nurl = "https://t.eu.qlikcloud.com"\napi_key_env = "s3cr3t value!"\n'
    found = problems(tmp_path, body)
    assert found[0].startswith("key `api_key_env`: not an environment variable name")
    assert "s3cr3t" not in " ".join(found)


def test_one_source_per_secret(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        'type = "cloud"\nauth = "api_key"\nurl = "https://t.eu.qlikcloud.com"\napi_key_env = "K"\napi_key_file = "k.txt"\n',
    )
    assert found == ["keys `api_key_env`, `api_key_file`: give the api key one way only"]


def test_keys_of_another_method_name_it(tmp_path: Path) -> None:
    found = problems(tmp_path, HEADER + 'header_name = "X-User"\nuser = "alice"\nclient_cert = "c.pem"\n')
    assert found == ['key `client_cert` belongs to auth = "certificate" profiles; this profile has auth = "header"']
    found = problems(tmp_path, 'type = "cloud"\nauth = "api_key"\nurl = "https://t"\napi_key_env = "K"\nclient_id = "x"\n')
    assert found == ['key `client_id` belongs to auth = "oauth" profiles; this profile has auth = "api_key"']


def test_passphrase_from_file_or_command_on_certificate_profiles(tmp_path: Path) -> None:
    profile = loads(tmp_path, CERT + 'url = "https://qs:4242"\nuser = "LAB\\\\alice"\nkey_passphrase_file = "~/.pass"\n')
    assert profile.secrets["key_passphrase"] == SecretSource("file", "~/.pass")


def test_scopes_are_words(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        'type = "cloud"\nauth = "oauth"\nurl = "https://t"\nclient_id = "abc"\nclient_secret_env = "S"\nscopes = ["a b"]\n',
    )
    assert len(found) == 1 and found[0].startswith("key `scopes`: must be a list of scope names")


def test_hand_written_file_keeps_its_comments_through_a_save(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    text = (
        "# my sites\n"
        "[profiles.qrs]  # the QRS port, with QMC's exported certificates\n"
        'type = "qseow"\nauth = "certificate"\n'
        'url = "https://qs.example.com:4242"\n'
        "user = 'INTERNAL\\sa_api'  # the service account\n"
        'client_cert = "certs/client.pem"\nclient_key = "certs/client_key.pem"\nca_bundle = "certs/root.pem"\n\n'
        "[profiles.eu]\n# an API key from the tenant's settings\n"
        'type = "cloud"\nauth = "api_key"\nurl = "https://t.eu.qlikcloud.com"\n'
        'api_key_file = "~/.secrets/eu"  # chmod 600\n'
    )
    path.write_text(text)
    before = load_profiles(path)
    qrs = before.profiles["qrs"]
    assert isinstance(qrs, QseowProfile)
    from dataclasses import replace

    edited = replace(qrs, ca_bundle="certs/root2.pem")
    after = put_profile(path, "qrs", edited, old_name="qrs", base=qrs)
    saved = path.read_text()
    assert "# the QRS port, with QMC's exported certificates" in saved and "# the service account" in saved
    assert "# an API key from the tenant's settings" in saved and "# chmod 600" in saved
    assert "user = 'INTERNAL\\sa_api'" in saved and 'ca_bundle = "certs/root2.pem"' in saved
    assert after.profiles["eu"] == before.profiles["eu"]
    assert after.profiles["qrs"] == edited


@pytest.mark.parametrize("client_id", ["abc def", "clïent"])
def test_client_id_is_one_ascii_word(tmp_path: Path, client_id: str) -> None:
    found = problems(
        tmp_path, f'type = "cloud"\nauth = "oauth"\nurl = "https://t"\nclient_id = "{client_id}"\nclient_secret_env = "S"\n'
    )
    assert len(found) == 1 and found[0].startswith("key `client_id`") and "copy the id again" in found[0]


def test_key_passphrase_env_keeps_working(tmp_path: Path) -> None:
    profile = loads(
        tmp_path,
        'type = "qseow"\nurl = "https://q"\nkey = "k.pem"\nkey_passphrase_env = "QS_PASS"\n[profiles.p.claims]\nuserId = "a"\n',
    )
    assert profile.key_passphrase_env == "QS_PASS" and profile.secrets["key_passphrase"] == SecretSource("env", "QS_PASS")
