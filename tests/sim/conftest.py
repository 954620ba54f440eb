"""Simulator fixtures: real servers on loopback (HTTP, and HTTPS with a trustme CA)."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w
import trustme

from qlik_tui.core.profiles.loader import load_profiles, parse_toml_text
from qlik_tui.core.profiles.model import Profile
from qlik_tui.demo.environment import Demo, DemoOptions, start_demo
from qlik_tui.demo.faults import Faults


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    """Both simulators over plain HTTP, 5-minute tokens."""
    with start_demo(DemoOptions(tmp_path / "demo", tls=False, faults=Faults())) as running:
        yield running


@pytest.fixture(scope="session")
def trust() -> trustme.CA:
    """A private CA that signs the simulator's HTTPS certificate."""
    return trustme.CA()


@pytest.fixture
def tls_demo(tmp_path: Path, trust: trustme.CA) -> Iterator[Demo]:
    """Both simulators over HTTPS; the profiles trust the CA through `ca_bundle`."""
    ca_path = tmp_path / "ca.pem"
    trust.cert_pem.write_to_path(str(ca_path))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    trust.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    with start_demo(DemoOptions(tmp_path / "demo", tls_context=context, ca_path=ca_path)) as running:
        yield running


def variant(demo: Demo, name: str, claims: dict[str, Any] | None = None, drop: tuple[str, ...] = (), **changes: Any) -> Profile:
    """The demo's profile `name` with keys changed (written to a new file, loaded as a user would)."""
    doc = parse_toml_text(demo.profiles_path.read_text())
    table = doc["profiles"][name]
    table.update(changes)
    for key in drop:
        table.pop(key, None)
    if claims is not None:
        table["claims"] = claims
    path = demo.profiles_path.with_name(f"variant-{name}.toml")
    path.write_text(tomli_w.dumps({"profiles": {name: table}}))
    return load_profiles(path).profiles[name]


def profile(demo: Demo, name: str) -> Profile:
    """A profile of the running demo."""
    return load_profiles(demo.profiles_path).profiles[name]
