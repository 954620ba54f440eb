"""QRS on its own port (4242 on a real site): client certificates instead of a virtual proxy.

TLS requires a client certificate signed by the site's root CA: without one the handshake
is refused, before any HTTP. Then every request needs a well-formed
`X-Qlik-User: UserDirectory=<dir>; UserId=<id>` and the Xrfkey pair, as QRS checks them.
There are no sessions: each request stands alone. The data is the same site's.
"""

from __future__ import annotations

import re
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .faults import Faults, Stats
from .http_server import SimRequest, SimResponse
from .qrs_routes import QrsRoutes
from .qseow_sim import _XRFKEY, XSRF_TEXT
from .virtual_proxy import known_user

# Both parts, in either order, `;`-separated, spaces allowed around them (QRS is lenient there
# and strict about the parts themselves).
_PART = re.compile(r"\s*(UserDirectory|UserId)\s*=\s*([^;=]+?)\s*", re.IGNORECASE)
BAD_USER_TEXT = "Invalid X-Qlik-User header. Expected: UserDirectory=<directory>; UserId=<user id>"


def parse_qlik_user(value: str | None) -> tuple[str, str] | None:
    """(directory, user id) from an `X-Qlik-User` value, or None when it is malformed or missing."""
    if not value:
        return None
    parts: dict[str, str] = {}
    for piece in value.strip().rstrip(";").split(";"):
        match = _PART.fullmatch(piece)
        if match is None or match.group(1).lower() in parts:
            return None
        parts[match.group(1).lower()] = match.group(2)
    if set(parts) != {"userdirectory", "userid"}:
        return None
    return parts["userdirectory"], parts["userid"]


def qrs_port_context(server_cert: Path, server_key: Path, root: Path) -> ssl.SSLContext:
    """Server TLS that demands a client certificate signed by `root` (no certificate: no handshake)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(server_cert, server_key)
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(cafile=str(root))
    return context


@dataclass
class QrsPortSimulator:
    """The site callable for the QRS port's `RunningServer`."""

    routes: QrsRoutes
    faults: Faults = field(default_factory=Faults)
    stats: Stats = field(default_factory=Stats)

    def drop_sessions(self) -> None:
        """Nothing to drop: certificate requests have no session."""

    def __call__(self, req: SimRequest) -> SimResponse:
        self.stats.count("requests")
        self.stats.record("paths", req.path)
        self.faults.pause()
        if self.faults.take("rate_limit"):
            return SimResponse(429, b"", [("Retry-After", str(self.faults.retry_after))])
        if not req.path.startswith("/qrs/"):
            return SimResponse(404, b"")
        identity = parse_qlik_user(req.header("x-qlik-user"))
        if identity is None:
            self.stats.count("refused_tokens")
            return SimResponse.text(400, BAD_USER_TEXT)
        key_param, key_header = req.arg("xrfkey"), req.header("x-qlik-xrfkey")
        if not key_param or key_param != key_header or not _XRFKEY.fullmatch(key_param):
            return SimResponse.text(403, XSRF_TEXT)
        self.stats.record("xrfkeys", key_param)
        user = self._user(*identity)
        if user is None:
            # QRS answers as the user named: one it does not know has no access to anything.
            return SimResponse.text(403, "Forbidden")
        return self.routes.handle(req, req.path, user)

    def _user(self, directory: str, user_id: str) -> dict[str, Any] | None:
        found = known_user(self.routes.store.objects["user"], directory, user_id)
        if found is None and directory.lower() == "internal" and user_id.lower().startswith("sa_"):
            return {"userDirectory": "INTERNAL", "userId": user_id, "name": user_id}  # service accounts
        if found is not None and (found.get("inactive") or found.get("blacklisted")):
            return None
        return found
