"""Stand up a complete demo: keys, certificates, both simulators, and a profiles file.

`qlik-tui demo`, the tests and the benchmarks all use this, so what a newcomer sees is what
the suite checks.
"""

from __future__ import annotations

import secrets
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from ..core.auth.keys import generate_keypair, load_public_key
from ..core.profiles.loader import parse_toml_text
from ..core.profiles.safe_files import atomic_write
from .cloud_bearer_sim import OAuthClient
from .cloud_data import generate as generate_tenant
from .cloud_sim import CloudConfig, CloudSimulator
from .control import WithControl
from .faults import Faults
from .http_server import RunningServer
from .qrs_data import generate as generate_site
from .qrs_port_sim import QrsPortSimulator
from .qseow_methods import EXTRA_PROXIES, METHOD_PROFILES, method_profiles, qmc_certificates, start_engine_port, start_qrs_port
from .qseow_sim import QseowConfig, QseowSimulator
from .tls import make_ca_and_server_cert, server_context

DEMO_KEY_ID = "demo-key-1"
DEMO_ISSUER = "https://qlik-tui.demo/issuer"
QSEOW_USER = ("DEMO", "alice", "Alice Andersson")
DEMO_OAUTH_CLIENT = "demo-m2m-client"
DEMO_OAUTH_SCOPES = ("user_default", "admin_classic")
DEMO_PROFILES = ("demo-qseow", "demo-cloud", "demo-cloud-apikey", "demo-cloud-oauth", *METHOD_PROFILES)


@dataclass
class DemoOptions:
    """What kind of demo to stand up."""

    folder: Path
    tls: bool = True
    qseow_port: int = 0
    cloud_port: int = 0
    qrs_port: int = 0  # QRS with client certificates (4242 on a real site)
    lifetime: str = "5m"
    openapi_path: Path | None = None
    app_count: int = 60
    faults: Faults = field(default_factory=Faults)
    access_token_lifetime: int = 600  # seconds an OAuth access token lives (short: the countdown shows)
    tls_context: ssl.SSLContext | None = None  # tests pass trustme's; else a private CA is made
    ca_path: Path | None = None


@dataclass
class Demo:
    """Running simulators and the profiles file that points at them."""

    profiles_path: Path
    qseow: QseowSimulator
    cloud: CloudSimulator
    qseow_server: RunningServer
    cloud_server: RunningServer
    qrs_port: QrsPortSimulator | None = None
    qrs_port_server: RunningServer | None = None
    engine_port_server: RunningServer | None = None  # the Engine's own port, for certificate profiles

    def stop(self) -> None:
        """Close the Engine sockets, then stop every server (and remove the app files uploaded to the QSEoW one)."""
        self.qseow.engine.close_all()
        self.cloud.engine.close_all()
        self.qseow_server.stop()
        self.cloud_server.stop()
        if self.qrs_port_server is not None:
            self.qrs_port_server.stop()
        if self.engine_port_server is not None:
            self.engine_port_server.stop()
        self.qseow.routes.app_files.close()

    def __enter__(self) -> Demo:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_demo(options: DemoOptions) -> Demo:
    """Generate keys (once per folder), start both simulators, write profiles.toml."""
    folder = options.folder
    folder.mkdir(parents=True, exist_ok=True)
    keys_dir = folder / "keys"
    if not (keys_dir / "private.pem").exists():
        generate_keypair(keys_dir, bits=2048, days=30, common_name="qlik-tui demo")
    public = load_public_key(keys_dir / "cert.pem")
    context, ca_path = options.tls_context, options.ca_path
    if options.tls and context is None:
        ca_path, cert_path, key_path = make_ca_and_server_cert(folder / "tls")
        context = server_context(cert_path, key_path)
    tls = context if options.tls else None
    qseow = QseowSimulator(
        QseowConfig(
            public_key=public,
            prefix="jwt",
            openapi_path=options.openapi_path,
            certificate_pem=(keys_dir / "cert.pem").read_text(),
            extra_proxies=EXTRA_PROXIES,
        ),
        generate_site(app_count=options.app_count, jwt_users=[QSEOW_USER]),
        faults=options.faults,
    )
    cloud = CloudSimulator(
        CloudConfig(
            public_key=public, key_id=DEMO_KEY_ID, issuer=DEMO_ISSUER, public_key_pem=(keys_dir / "public.pem").read_text()
        ),
        generate_tenant(),
        faults=options.faults,
    )
    _bearer_secrets(cloud, folder / "secrets", options.access_token_lifetime)
    qseow_server = RunningServer(WithControl(qseow), port=options.qseow_port, tls=tls)
    cloud_server = RunningServer(WithControl(cloud), port=options.cloud_port, tls=tls)
    certs = qmc_certificates(folder / "qmc")  # one QMC export: QRS and the Engine want the same client certificate
    qrs_port, qrs_port_server = start_qrs_port(certs, qseow, options.faults, options.qrs_port)
    _, engine_port_server = start_engine_port(certs, qseow)
    profiles_path = folder / "profiles.toml"
    doc = demo_profiles(qseow_server.url, cloud_server.url, ca_path, options.lifetime)
    tls_keys: dict[str, Any] = {"ca_bundle": str(ca_path)} if ca_path else {}
    doc["profiles"].update(
        method_profiles(qseow_server.url, qrs_port_server.url, tls_keys, doc["profiles"]["demo-qseow"], engine_port_server.port)
    )
    doc["profiles"].update(_kept_profiles(profiles_path))
    atomic_write(profiles_path, tomli_w.dumps(doc).encode())
    return Demo(profiles_path, qseow, cloud, qseow_server, cloud_server, qrs_port, qrs_port_server, engine_port_server)


def _bearer_secrets(cloud: CloudSimulator, folder: Path, token_lifetime: int) -> None:
    """Issue the demo tenant's API keys and OAuth client, and keep their secrets in 0600 files.

    `api-key` is the profile's; `api-key-expired` and `api-key-revoked` are there to try what
    qlik-tui says about them (point api_key_file at one).
    """
    authority = cloud.bearers
    authority.token_lifetime = token_lifetime
    secret = secrets.token_urlsafe(32)
    authority.register(OAuthClient(DEMO_OAUTH_CLIENT, secret, DEMO_OAUTH_SCOPES, subject="oauth:demo-m2m-client"))
    revoked = authority.issue_api_key("alice")
    authority.revoke(revoked)
    for name, value in (
        ("api-key", authority.issue_api_key("alice")),
        ("api-key-expired", authority.issue_api_key("alice", lifetime=-86400)),
        ("api-key-revoked", revoked),
        ("oauth-client-secret", secret),
    ):
        atomic_write(folder / name, f"{value}\n".encode())  # 0600, in a 0700 folder


def _kept_profiles(path: Path) -> dict[str, Any]:
    """Profiles a person added to the demo's file (older versions saved new ones there): never dropped.

    The demo's own profiles are rewritten at every start (new ports); anything else is kept,
    and a file that does not parse is kept as `profiles.toml.bak` before it is replaced.
    """
    try:
        raw = path.read_bytes()
    except OSError:
        return {}
    try:
        table = parse_toml_text(raw.decode("utf-8")).get("profiles")
    except ValueError:
        atomic_write(path.with_name(path.name + ".bak"), raw)
        return {}
    return {n: t for n, t in table.items() if n not in DEMO_PROFILES} if isinstance(table, dict) else {}


def demo_profiles(qseow_url: str, cloud_url: str, ca_path: Path | None, lifetime: str) -> dict[str, Any]:
    """The profiles file for a running demo."""
    tls: dict[str, Any] = {"ca_bundle": str(ca_path)} if ca_path else {}
    return {
        "default": "demo-qseow",
        "profiles": {
            "demo-qseow": {
                "type": "qseow",
                "url": qseow_url,
                "virtual_proxy": "jwt",
                "key": "keys/private.pem",
                "cert": "keys/cert.pem",
                "lifetime": lifetime,
                **tls,
                "claims": {"userDirectory": QSEOW_USER[0], "userId": QSEOW_USER[1], "name": QSEOW_USER[2]},
            },
            "demo-cloud": {
                "type": "cloud",
                "url": cloud_url,
                "key": "keys/private.pem",
                "cert": "keys/cert.pem",
                "key_id": DEMO_KEY_ID,
                "issuer": DEMO_ISSUER,
                "lifetime": lifetime,
                **tls,
                "claims": {
                    "sub": "alice",
                    "name": "Alice Andersson",
                    "email": "alice@example.com",
                    "email_verified": True,
                    "groups": ["Analysts"],
                },
            },
            "demo-cloud-apikey": {"type": "cloud", "url": cloud_url, "auth": "api_key", "api_key_file": "secrets/api-key", **tls},
            "demo-cloud-oauth": {
                "type": "cloud",
                "url": cloud_url,
                "auth": "oauth",
                "client_id": DEMO_OAUTH_CLIENT,
                "client_secret_file": "secrets/oauth-client-secret",
                "scopes": ["user_default"],
                **tls,
            },
        },
    }
