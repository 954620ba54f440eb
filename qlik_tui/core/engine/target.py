"""Where and how to open the Engine's WebSocket for a profile: the one place that knows each
sign-in method's rules for the upgrade.

- QSEoW JWT (and header) virtual proxy: the HTTP session first (the connection keeps it),
  then `GET /<prefix>/qps/csrftoken` for the `qlik-csrf-token` header (404 on servers from
  before November 2024: go on without it), then `wss://host/<prefix>/app/<id>?qlik-csrf-token=`
  with the session cookie and the site's own `Origin`, and never an Authorization header.
- Qlik Cloud JWT: the session cookies and `?qlik-csrf-token=` from `/api/v1/csrf-token`.
- Qlik Cloud API key / OAuth: `Authorization: Bearer` on the upgrade (the connection's bearer).
- QSEoW certificate: `wss://host:4747/app/<id>`, the client certificate and `X-Qlik-User`.

The certificate branch uses the connection's own TLS context (the QMC export, its passphrase
from any source) and its X-Qlik-User; `engine_port` in the profile when the Engine is not on
4747. The Bearer branch asks the connection for the API key or a live OAuth access token.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from ..errors import RequestFailed
from ..http.cloud import CSRF_HEADER, CloudConnection
from ..http.connection import Connection
from ..http.qseow import QseowConnection
from ..http.types import Request, Response
from ..profiles.model import CloudProfile

if TYPE_CHECKING:  # imported where used: an API-key or certificate sign-in is not every run's
    from ..http.cloud_bearer import CloudBearerConnection
    from ..http.qrs_certificate import CertificateConnection

ENGINE_DATA = "engineData"  # the path for global calls (GetDocList) with no app
ENGINE_PORT = 4747
MAX_CSRF_TOKEN = 4096


@dataclass
class EngineTarget:
    """What the WebSocket upgrade needs: URL, headers (cookies included), TLS context."""

    url: str  # ws(s)://...; holds the CSRF token: never print it, use `shown_url`
    headers: dict[str, str] = field(default_factory=dict)
    origin: str | None = None
    ssl: ssl.SSLContext | None = None
    shown_url: str = ""  # the URL without its query, for messages and events


def _ws_base(url: str) -> str:
    parts = urlsplit(url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def ssl_context(connection: Connection) -> ssl.SSLContext | None:
    """The connection's own TLS context for wss:// (the same CAs as its HTTP requests, read
    once), None for ws://."""
    if not connection.profile.url.lower().startswith("https:"):
        return None
    return connection.tls_context()


def _cookie_header(connection: Connection) -> str:
    """Every cookie the connection holds (the profile's one host): the proxy's session cookie
    is named as its admin chose, so none is singled out by name."""
    return "; ".join(f"{c.name}={c.value}" for c in connection.client.cookies.jar if c.value)


def _csrf_value(response: Response, where: str) -> str:
    value = response.header(CSRF_HEADER) or ""
    if len(value) > MAX_CSRF_TOKEN or not (value.isascii() and value.isprintable()):
        raise RequestFailed(
            f"{where} answered a CSRF token that is not usable ({len(value):,} characters)",
            "something between you and Qlik (a proxy?) changes the answer: try again, or from another network",
        )
    return value


def _app_path(app_id: str | None) -> str:
    return quote(app_id, safe="") if app_id else ENGINE_DATA


async def _qseow_jwt(connection: QseowConnection, app_id: str | None) -> EngineTarget:
    response = await connection.send(Request.build("GET", "/qps/csrftoken"))
    token = ""
    if response.status != 404:  # 404: a server from before November 2024, no CSRF on WebSockets
        if response.error is not None:
            raise response.error
        token = _csrf_value(response, "/qps/csrftoken")
    if not _cookie_header(connection):
        raise RequestFailed(
            "the virtual proxy set no session cookie: the Engine needs one",
            "check that the virtual proxy's session cookie header name is set, and that the profile's prefix is right",
        )
    prefix = f"/{connection.profile.virtual_proxy}" if connection.profile.virtual_proxy else ""
    path = f"{_ws_base(connection.profile.url)}{prefix}/app/{_app_path(app_id)}"
    return EngineTarget(
        url=path + (f"?qlik-csrf-token={quote(token, safe='')}" if token else ""),
        headers={"Cookie": _cookie_header(connection)},
        origin=_origin(connection.profile.url),
        ssl=ssl_context(connection),
        shown_url=path,
    )


async def _cloud_jwt(connection: CloudConnection, app_id: str | None) -> EngineTarget:
    response = await connection.send(Request.build("GET", "/api/v1/csrf-token"))
    if response.error is not None:
        raise response.error
    token = _csrf_value(response, "/api/v1/csrf-token")
    path = f"{_ws_base(connection.profile.url)}/app/{_app_path(app_id)}"
    return EngineTarget(
        url=f"{path}?qlik-csrf-token={quote(token, safe='')}",
        headers={"Cookie": _cookie_header(connection)},
        origin=_origin(connection.profile.url),
        ssl=ssl_context(connection),
        shown_url=path,
    )


async def _cloud_bearer(connection: CloudBearerConnection, app_id: str | None) -> EngineTarget:
    path = f"{_ws_base(connection.profile.url)}/app/{_app_path(app_id)}"
    token = await connection.bearer()  # the API key (refused if expired) or a live access token
    return EngineTarget(url=path, headers={"Authorization": f"Bearer {token}"}, ssl=ssl_context(connection), shown_url=path)


def certificate_target(connection: CertificateConnection, app_id: str | None) -> EngineTarget:
    """The Engine port of a QSEoW site (`wss://host:4747/app/<id>`): the client certificate
    from the QMC export on the TLS handshake and the user in X-Qlik-User; no proxy, no CSRF."""
    from ..http.qrs_certificate import qlik_user_header

    context = connection.tls_context()
    port = connection.profile.engine_port
    user = qlik_user_header(connection.profile)
    host = urlsplit(connection.profile.url).hostname or ""
    shown_host = f"[{host}]" if ":" in host else host
    path = f"wss://{shown_host}:{port}/app/{_app_path(app_id)}"
    return EngineTarget(url=path, headers={"X-Qlik-User": user}, ssl=context, shown_url=path)


def _not_yet(auth: str) -> RequestFailed:
    return RequestFailed(
        f"the Engine cannot be opened with auth = {auth!r} on this profile",
        "qlik-tui opens the Engine with QSEoW jwt, header and certificate profiles, and Qlik Cloud jwt, api_key and "
        "oauth profiles: check the profile's type and auth",
    )


async def engine_target(connection: Connection, app_id: str | None) -> EngineTarget:
    """The WebSocket target for `app_id` (None: engineData, for global calls), signed in as the profile."""
    # By the profile, as connections.open_connection picks the class: no sign-in module is
    # imported for a method the profile does not use.
    profile = connection.profile
    auth = str(getattr(profile, "auth", "jwt") or "jwt")
    if auth in ("jwt", "header") and isinstance(connection, QseowConnection):
        return await _qseow_jwt(connection, app_id)
    if auth == "jwt" and isinstance(connection, CloudConnection):
        return await _cloud_jwt(connection, app_id)
    if isinstance(profile, CloudProfile) and auth in ("api_key", "oauth"):
        from ..http.cloud_bearer import CloudBearerConnection

        if isinstance(connection, CloudBearerConnection):
            return await _cloud_bearer(connection, app_id)
    if auth == "certificate":
        from ..http.qrs_certificate import CertificateConnection

        if isinstance(connection, CertificateConnection):
            return certificate_target(connection, app_id)
    raise _not_yet(auth)
