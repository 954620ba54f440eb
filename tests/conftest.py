"""Shared fixtures: real RSA keys and certificates, profile files written to tmp folders."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from qlik_tui.core.auth.keys import GeneratedKeys, generate_keypair


@pytest.fixture(autouse=True)
def private_runtime_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test (and the `qlik-tui` processes it starts) keeps server sessions in its own
    folder: never the person's real session cache, never another test's sessions. Not inside
    `tmp_path`, which some tests expect to find empty."""
    folder = tmp_path_factory.mktemp("xdg-runtime")
    folder.chmod(0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def _own_state_and_data(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """History (written by `call` too) and saved requests go to a fresh folder, never the real home."""
    folder = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_STATE_HOME", str(folder / "state"))
    monkeypatch.setenv("XDG_DATA_HOME", str(folder / "data"))


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> GeneratedKeys:
    """One real 2048-bit key pair and certificate for the whole run (4096 is slow to make)."""
    return generate_keypair(tmp_path_factory.mktemp("keys"), bits=2048, common_name="tests")


@pytest.fixture(scope="session")
def other_keys(tmp_path_factory: pytest.TempPathFactory) -> GeneratedKeys:
    """A second, unrelated key pair: the 'wrong certificate' in tests."""
    return generate_keypair(tmp_path_factory.mktemp("other"), bits=2048, common_name="other")


QSEOW_TABLE = """
[profiles.prod]
type = "qseow"
url = "https://qliksense.example.com"
virtual_proxy = "jwt"
key = "{key}"
cert = "{cert}"
lifetime = "1h"
[profiles.prod.claims]
userDirectory = "LAB"
userId = "goran"
"""

CLOUD_TABLE = """
[profiles.eu]
type = "cloud"
url = "https://tenant.eu.qlikcloud.com"
key = "{key}"
key_id = "kid-1"
issuer = "https://issuer.example.com"
lifetime = "30m"
[profiles.eu.claims]
sub = "goran"
name = "Göran Sander"
email = "goran@example.com"
email_verified = true
groups = ["Sales"]
"""


def write_profiles(folder: Path, keys: GeneratedKeys, body: str = "", *, default: str | None = "prod") -> Path:
    """A profiles file with the standard prod (QSEoW) and eu (Cloud) profiles, plus `body`."""
    head = f'default = "{default}"\n' if default else ""
    text = head + (QSEOW_TABLE + CLOUD_TABLE).format(key=keys.key_path, cert=keys.cert_path) + textwrap.dedent(body)
    path = folder / "profiles.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def profiles_file(tmp_path: Path, keys: GeneratedKeys) -> Path:
    """A valid profiles file in a fresh tmp folder."""
    return write_profiles(tmp_path, keys)
