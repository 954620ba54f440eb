"""`profiles check` for QSEoW profiles that sign in without a JWT (header, client certificate).

Offline: what can be read from files (the client certificate and its key, the passphrase
source). Online: one GET /qrs/about through the profile's own connection.
"""

from __future__ import annotations

import asyncio

from ..core.auth.credential import CredentialInfo
from ..core.http.connections import open_connection
from ..core.http.types import Request
from ..core.profiles.model import Profile, QseowProfile
from ..core.terminal_text import visible
from ..core.timefmt import iso


def check_method(profile: Profile, online: bool) -> int:
    """Print what was checked for a header or certificate profile; errors are raised (QlikTuiError)."""
    print(visible(f"profile    {profile.name} ({profile.product}, {profile.url})"))
    if isinstance(profile, QseowProfile) and profile.auth == "certificate":
        from ..core.auth.client_cert import load_client_certificate
        from ..core.http.qrs_certificate import qlik_user_header

        cert = load_client_certificate(profile)
        print(visible(f"cert       {cert.cert_path}: {cert.subject}, issued by {cert.issuer}, expires {iso(cert.not_after)}"))
        print(visible(f"key        {cert.key_path}: belongs to the certificate"))
        print(visible(f"user       X-Qlik-User: {qlik_user_header(profile)}"))
    elif isinstance(profile, QseowProfile) and profile.auth == "header":
        print(visible(f"header     {profile.header_name}: {profile.user} (virtual proxy /{profile.virtual_proxy})"))
    else:
        print(visible(f"auth       {profile.auth}: nothing to check offline"))
    if profile.tls_verification_off:
        print("warning    verify_tls = false: the server's identity is not checked")
    if online:
        info = asyncio.run(_online(profile))
        print(visible(f"online     GET /qrs/about answered; signed by {info.label if info else profile.auth}"))
    print("ok")
    return 0


async def _online(profile: Profile) -> CredentialInfo | None:
    async with open_connection(profile, timeout=30.0) as connection:
        response = await connection.send(Request.build("GET", "/qrs/about"))
        if response.error is not None:
            raise response.error
        return connection.credential_info()
