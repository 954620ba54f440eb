"""How qlik-tui checks a Qlik server's TLS certificate: one context per connection.

One context serves a connection's HTTP client and its Engine WebSocket, so both trust the
same CAs and the CA store is read once per run, not once per transport.

Without a `ca_bundle` the operating system's store is trusted (on Linux the distribution's
CA bundle, `SSL_CERT_FILE` / `SSL_CERT_DIR` when set; on Windows its certificate store), the
store curl and PowerShell use: a corporate CA an admin installed there is trusted here too,
and a curl command exported from qlik-tui behaves the same. Only where that store is empty
(a python.org build on macOS before its "Install Certificates" step) are certifi's CAs used.
"""

from __future__ import annotations

import ssl

from ..errors import RequestFailed
from ..profiles.model import Profile


def server_context(profile: Profile) -> ssl.SSLContext:
    """The context that checks `profile`'s server: its CA bundle, the system store, or nothing."""
    if profile.tls_verification_off:
        return unverified_context()
    if not profile.url.lower().startswith("https:"):
        # Plain http: no request of this profile uses TLS (redirects are not followed), so no
        # CA store is read. Should one ever try, this context verifies and trusts no CA: it fails.
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    path = profile.ca_bundle_path
    if path is None:
        return system_context()
    if not path.is_file():
        raise RequestFailed(
            f"{path}: ca_bundle not found", "point ca_bundle at the PEM file of the CA that signed the Qlik server's certificate"
        )
    try:
        return ssl.create_default_context(cafile=str(path))
    except (ssl.SSLError, ValueError):
        raise RequestFailed(
            f"{path}: ca_bundle is not a PEM certificate file", "export the CA certificate as PEM (-----BEGIN CERTIFICATE-----)"
        ) from None


def system_context() -> ssl.SSLContext:
    """The operating system's CAs; certifi's only when the system offers none."""
    context = ssl.create_default_context()
    if context.cert_store_stats()["x509_ca"] == 0 and not _has_ca_directory():
        import certifi  # httpx's own dependency: always installed with it

        context.load_verify_locations(cafile=certifi.where())
    return context


def unverified_context() -> ssl.SSLContext:
    """TLS without checking the server (verify_tls = false, or reading a certificate's dates):
    no CA store is loaded, since nothing is checked against one."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _has_ca_directory() -> bool:
    """A hashed CA directory is read certificate by certificate as needed, so the store counts
    none of it until then: a non-empty one is a working system store."""
    import os

    folder = ssl.get_default_verify_paths().capath
    try:
        return bool(folder) and any(name.endswith(".0") for name in os.listdir(folder))
    except OSError:
        return False
