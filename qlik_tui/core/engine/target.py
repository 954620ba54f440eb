"""Where and how to open the Engine's WebSocket for a profile: the one place that knows each
sign-in method's rules for the upgrade.

- QSEoW JWT (and header) virtual proxy: the HTTP session first (the connection keeps it),
  then `GET /<prefix>/qps/csrftoken` for the `qlik-csrf-token` header (404 on servers from
  before November 2024: go on without it), then `wss://host/<prefix>/app/<id>?qlik-csrf-token=`
  with the session cookie and the site's own `Origin`, and never an Authorization header.
- Qlik Cloud JWT: the session cookies and `?qlik-csrf-token=` from `/api/v1/csrf-token`.
- Qlik Cloud API key / OAuth: `Authorization: Bearer` on the upgrade (the connection's bearer).
- QSEoW certificate: `wss://host:4747/app/<id>`, the client certificate and `X-Qlik-User`.

The sign-in methods other than JWT arrive with profile field `auth` (issue #10): the
certificate branch works as soon as profiles carry `client_cert`, `client_key` and `user`
(`DIR\\id`; `engine_port` if not 4747), the Bearer branch as soon as the connection has an
async `bearer_token()`; until then both say so in one message.
"""

from __future__ import annotations

import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from ..errors import RequestFailed
from ..http.cloud import CSRF_HEADER, CloudConnection
from ..http.connection import Connection, tls_verify
from ..http.qseow import QseowConnection
from ..http.types import Request, Response
from ..profiles.model import resolve_path

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
    """The TLS settings of the profile (CA bundle, system store, or none) as an SSLContext."""
    if not connection.profile.url.startswith("https:"):
        return None
    verify = tls_verify(connection.profile)
    if isinstance(verify, ssl.SSLContext):
        return verify
    context = ssl.create_default_context()
    if verify is False:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


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


async def _cloud_bearer(connection: Connection, app_id: str | None, auth: str) -> EngineTarget:
    bearer: Callable[[], Awaitable[str]] | None = getattr(connection, "bearer_token", None)
    if bearer is None:
        raise _not_yet(auth)
    path = f"{_ws_base(connection.profile.url)}/app/{_app_path(app_id)}"
    token = await bearer()
    return EngineTarget(url=path, headers={"Authorization": f"Bearer {token}"}, ssl=ssl_context(connection), shown_url=path)


def x_qlik_user(user: str) -> str:
    """`DIR\\id` (or an already formed `UserDirectory=DIR; UserId=id`) as the X-Qlik-User value."""
    if "userdirectory=" in user.lower():
        value = user.strip()
    else:
        directory, sep, user_id = user.partition("\\")
        if not sep or not directory.strip() or not user_id.strip():
            raise RequestFailed(
                f"user {user[:80]!r} is not DIRECTORY\\id", 'write the user as user = "DOMAIN\\\\alice" in the profile'
            )
        value = f"UserDirectory={directory.strip()}; UserId={user_id.strip()}"
    if not (value.isascii() and value.isprintable()) or len(value) > 512:
        raise RequestFailed("the user for X-Qlik-User must be printable ASCII", "check `user` in the profile")
    return value


def certificate_target(
    connection: Connection, app_id: str | None, cert: Path, key: Path, user: str, port: int = ENGINE_PORT
) -> EngineTarget:
    """The Engine port of a QSEoW site (`wss://host:4747/app/<id>`): the client certificate
    from the QMC export on the TLS handshake and the user in X-Qlik-User; no proxy, no CSRF."""
    context = ssl_context(connection) or ssl.create_default_context()
    try:
        context.load_cert_chain(str(cert), str(key))
    except (OSError, ssl.SSLError, ValueError) as exc:
        raise RequestFailed(
            f"cannot use the client certificate {cert} with key {key} ({str(exc)[:120]})",
            "use client.pem and client_key.pem as the QMC exports them (PEM, key without a passphrase)",
        ) from None
    host = urlsplit(connection.profile.url).hostname or ""
    shown_host = f"[{host}]" if ":" in host else host
    path = f"wss://{shown_host}:{port}/app/{_app_path(app_id)}"
    return EngineTarget(url=path, headers={"X-Qlik-User": x_qlik_user(user)}, ssl=context, shown_url=path)


def _not_yet(auth: str) -> RequestFailed:
    return RequestFailed(
        f"the Engine cannot be opened with auth = {auth!r} profiles yet",
        "use a JWT profile for `qlik-tui engine` for now; this sign-in method comes with the sign-in work (issue #10)",
    )


async def engine_target(connection: Connection, app_id: str | None) -> EngineTarget:
    """The WebSocket target for `app_id` (None: engineData, for global calls), signed in as the profile."""
    auth = str(getattr(connection.profile, "auth", "jwt") or "jwt")
    if auth in ("jwt", "header") and isinstance(connection, QseowConnection):
        return await _qseow_jwt(connection, app_id)
    if auth == "jwt" and isinstance(connection, CloudConnection):
        return await _cloud_jwt(connection, app_id)
    if auth in ("api_key", "oauth") and connection.profile.type == "cloud":
        return await _cloud_bearer(connection, app_id, auth)
    if auth == "certificate":
        # Profiles carry client_cert, client_key and user once issue #10 lands; until then, say so.
        cert, key, user = (getattr(connection.profile, name, None) for name in ("client_cert", "client_key", "user"))
        if not (isinstance(cert, str) and isinstance(key, str) and isinstance(user, str)):
            raise _not_yet(auth)
        base = connection.profile.base_dir
        port = getattr(connection.profile, "engine_port", ENGINE_PORT)
        return certificate_target(connection, app_id, resolve_path(cert, base), resolve_path(key, base), user, int(port))
    raise _not_yet(auth)
