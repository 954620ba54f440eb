"""QSEoW's QRS on its own port (4242) with QMC's client certificate: no virtual proxy, no session.

TLS presents the client certificate; every request names the user it acts for in
`X-Qlik-User: UserDirectory=<dir>; UserId=<id>` and carries a fresh Xrfkey pair.
"""

from __future__ import annotations

import ssl
from typing import TYPE_CHECKING

from ..auth.credential import CredentialInfo
from ..errors import QlikTuiError, RequestFailed
from ..profiles.model import QseowProfile
from .connection import Connection, Progress
from .qseow import new_xrfkey
from .tls import server_context
from .types import Request, Response

if TYPE_CHECKING:
    from ..auth.client_cert import ClientCertificate

QLIK_USER_HEADER = "X-Qlik-User"
_FORBIDDEN = set(";=\\\"'")  # these would change how QRS splits the header


def qlik_user_header(profile: QseowProfile) -> str:
    """`UserDirectory=DIR; UserId=ID` from the profile's `user`; RequestFailed when it cannot be one."""
    directory, user_id = profile.user_directory_and_id
    parts = (directory.strip(), user_id.strip())
    if not all(parts) or any(c in _FORBIDDEN or not c.isprintable() for c in "".join(parts)):
        raise RequestFailed(
            f"user = {profile.user!r:.80} cannot make an {QLIK_USER_HEADER} header "
            "(it needs a directory and a user id, without ; = \\ or quotes in them)",
            'write user = "DIRECTORY\\\\userid" in the profile, e.g. "INTERNAL\\\\sa_api" or "CORP\\\\jdoe"',
        )
    return f"UserDirectory={parts[0]}; UserId={parts[1]}"


class CertificateConnection(Connection):
    """Requests to QRS on its port, signed by TLS with the client certificate."""

    profile: QseowProfile

    def __init__(self, profile: QseowProfile, **kwargs: object) -> None:
        super().__init__(profile, **kwargs)  # type: ignore[arg-type]
        self._certificate: ClientCertificate | None = None

    @property
    def certificate(self) -> ClientCertificate:
        """The client certificate, loaded and checked on first use."""
        if self._certificate is None:
            from ..auth.client_cert import load_client_certificate  # cryptography: only for certificate profiles

            self._certificate = load_client_certificate(self.profile)
        return self._certificate

    def build_tls_context(self) -> ssl.SSLContext:
        """The server check as for any profile, plus the client certificate."""
        from ..auth.client_cert import client_tls_context

        return client_tls_context(server_context(self.profile), self.certificate)

    def credential_info(self) -> CredentialInfo | None:
        """The client certificate's subject and expiry (None while it cannot be loaded)."""
        cert = self._certificate
        source = self.profile.secrets.get("key_passphrase")
        if cert is None and (source is None or source.kind == "env"):
            # Files only (a passphrase command may wait for a PIN: that waits for the first request).
            try:
                cert = self.certificate
            except QlikTuiError:
                return None  # the request says why, with its hint
        if cert is None:
            return None
        return CredentialInfo(
            "certificate",
            f"client certificate {cert.subject}",
            expires_at=cert.not_after,
            issued_at=cert.not_before,
            details=(f"issued by {cert.issuer}", f"{QLIK_USER_HEADER}: {qlik_user_header(self.profile)}"),
        )

    def url_for(self, request: Request, xrfkey: str) -> str:
        """url + path + ?query&xrfkey=K (any xrfkey the user gave is replaced)."""
        pairs = [(k, v) for k, v in request.query if k.lower() != "xrfkey"]
        query = Request(request.method, request.path, (*pairs, ("xrfkey", xrfkey))).query_string()
        return f"{self.profile.url}{request.path}?{query}"

    async def send_authenticated(self, request: Request, progress: Progress | None) -> Response:
        """Send once: the certificate and X-Qlik-User sign every request alike, so there is nothing to retry."""
        key = new_xrfkey()
        headers = {"X-Qlik-Xrfkey": key, "Accept": "application/json", **dict(request.headers)}
        headers[QLIK_USER_HEADER] = qlik_user_header(self.profile)
        if request.body is not None and not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = "application/json"
        return await self.transmit(request.method, self.url_for(request, key), headers, request.body, progress)
