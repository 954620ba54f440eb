"""The QSEoW Engine's own port (4747 on a real site): no proxy, no session, no CSRF; the
TLS handshake demands a client certificate signed by the site's CA (the server's SSL
context has CERT_REQUIRED), and every upgrade names its user in `X-Qlik-User`.

Serve it with `RunningServer(EnginePort(...), tls=engine_port_context(...))`.
"""

from __future__ import annotations

import re
import ssl
from dataclasses import dataclass, field
from pathlib import Path

from .engine_door import Engine, Identity, app_in_path, is_upgrade
from .engine_rpc import Docs
from .http_server import SimRequest, SimResponse

_X_QLIK_USER = re.compile(r"^\s*UserDirectory\s*=\s*([^;]+?)\s*;\s*UserId\s*=\s*([^;]+?)\s*;?\s*$", re.IGNORECASE)


def engine_port_context(cert: Path, key: Path, client_ca: Path) -> ssl.SSLContext:
    """A server context that refuses clients without a certificate signed by `client_ca`."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    context.load_verify_locations(cafile=str(client_ca))
    context.verify_mode = ssl.CERT_REQUIRED
    return context


@dataclass
class EnginePort:
    """The site callable: upgrades on /app/<id> (or engineData) for the user in X-Qlik-User."""

    docs: Docs
    engine: Engine = field(default_factory=Engine)
    refusals: int = 0

    def __call__(self, req: SimRequest) -> SimResponse:
        if not is_upgrade(req):
            return SimResponse.text(400, "Bad Request: the Engine speaks WebSocket only")
        app_id = app_in_path(req.path)
        if app_id is None:
            return SimResponse.text(404, "Not Found")
        match = _X_QLIK_USER.match(req.header("x-qlik-user") or "")
        if match is None:
            self.refusals += 1
            return SimResponse.text(403, "Forbidden: X-Qlik-User (UserDirectory=...; UserId=...) is missing or malformed")
        directory, user_id = match.group(1), match.group(2)
        # Without a proxy there is no proxy session: each socket is a session of its own.
        identity = Identity(user_id, directory, f"cert-{id(req)}")
        return self.engine.upgrade(req, identity, app_id, self.docs)
