"""The demo's other QSEoW sign-ins: a header-authentication proxy, a proxy whose session
cookie has its own name, and QRS on its port with QMC's client certificate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .engine_port import EnginePort
from .faults import Faults
from .http_server import RunningServer
from .qmc_certs import MACHINE_NAME, QmcCertificates, export_certificates
from .qrs_port_sim import QrsPortSimulator, qrs_port_context
from .qrs_routes import QrsRoutes
from .qseow_sim import QseowSimulator
from .virtual_proxy import VirtualProxy

HEADER_PROXY = VirtualProxy("hdr", "header", header_name="X-Qlik-Demo-User")  # dynamic directory: DIR\id
COOKIE_PROXY = VirtualProxy("custom", "jwt", cookie_header="QlikSessionCustom")
# The same header with a static user directory: the header holds the user id alone.
STATIC_HEADER_PROXY = VirtualProxy("hdrstatic", "header", header_name="X-Qlik-Demo-User", header_directory="DEMO")
EXTRA_PROXIES = (HEADER_PROXY, COOKIE_PROXY, STATIC_HEADER_PROXY)
METHOD_PROFILES = ("demo-qseow-header", "demo-qseow-cert", "demo-qseow-cookie")


def start_qrs_port(
    certs: QmcCertificates, qseow: QseowSimulator, faults: Faults, port: int = 0
) -> tuple[QrsPortSimulator, RunningServer]:
    """Serve the site's QRS on a TLS port that wants the exported client certificate."""
    routes = QrsRoutes(qseow.store, faults, qseow.routes.openapi_path, qseow.config.serve_openapi)
    simulator = QrsPortSimulator(routes, faults=faults)
    server = RunningServer(simulator, port=port, tls=qrs_port_context(certs.server, certs.server_key, certs.root))
    return simulator, server


def start_engine_port(certs: QmcCertificates, qseow: QseowSimulator, port: int = 0) -> tuple[EnginePort, RunningServer]:
    """The site's Engine on its own TLS port (4747 on a real site), wanting the same client certificates."""
    site = EnginePort(docs=lambda: qseow._docs({}), engine=qseow.engine)
    return site, RunningServer(site, port=port, tls=qrs_port_context(certs.server, certs.server_key, certs.root))


def qmc_certificates(folder: Path) -> QmcCertificates:
    """The demo's exported set; the server certificate names the machine and the loopback names."""
    return export_certificates(folder, server_names=(MACHINE_NAME, "localhost", "127.0.0.1"))


def method_profiles(
    qseow_url: str, qrs_url: str, tls: dict[str, Any], jwt_profile: dict[str, Any], engine_port: int
) -> dict[str, Any]:
    """Profiles for the header proxy, the own-cookie proxy and the QRS port (and its Engine port)."""
    return {
        "demo-qseow-header": {
            "type": "qseow",
            "auth": "header",
            "url": qseow_url,
            "virtual_proxy": HEADER_PROXY.prefix,
            "header_name": HEADER_PROXY.header_name,
            "user": "DEMO\\alice",
            **tls,
        },
        "demo-qseow-cert": {
            "type": "qseow",
            "auth": "certificate",
            "url": qrs_url,
            "client_cert": "qmc/client.pem",
            "client_key": "qmc/client_key.pem",
            "ca_bundle": "qmc/root.pem",
            "user": "DEMO\\alice",
            "engine_port": engine_port,
        },
        "demo-qseow-cookie": {**jwt_profile, "virtual_proxy": COOKIE_PROXY.prefix},
    }
