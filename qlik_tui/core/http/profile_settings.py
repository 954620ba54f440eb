"""Compare a profile with what the server says about its own set-up: one `Check` per setting.

QSEoW: the virtual proxy (`VirtualProxyConfig` in QRS: prefix, authentication method, the
JWT attributes for user id and directory, audience, certificate, attribute map, session
cookie name, host allow list). Qlik Cloud: the JWT identity provider (`IDPJWTAuth`: issuer,
key id, public key, active). Pure functions on the JSON the server sent, so they are tested
without a network; every server value quoted in a message goes through `json.dumps`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes

from ..auth.keys import load_private_key, load_public_key
from ..errors import KeyFileError
from ..profiles.model import CloudProfile, Profile, QseowProfile

OK = "ok"
DIFFERS = "differs"  # the profile and the server disagree: something must change
NO_ACCESS = "no access"  # the signed-in user may not read this setting (it was skipped)
WARNING = "warning"  # works today, but will not for long (a certificate near expiry...)
FAILED = "failed"  # could not be compared at all (the server did not answer)
AUTH_METHODS = ("Ticket", "HeaderStaticUserDirectory", "HeaderDynamicUserDirectory", "SAML", "JWT", "OIDC")
JWT_METHOD = 4
OUR_COOKIE_PREFIX = "X-Qlik-Session"


@dataclass(frozen=True)
class Check:
    """One setting compared: its status and one line saying what differs and where to fix it."""

    status: str
    setting: str
    detail: str


def q(value: object) -> str:
    """A server value quoted for a message (escapes made inert by JSON)."""
    return json.dumps(value)


@dataclass(frozen=True)
class ServerKey:
    """A public key the server holds, with a fingerprint people can compare."""

    spki: bytes
    fingerprint: str


def server_key(text: str) -> ServerKey | None:
    """Parse a PEM certificate or public key (or a bare base64 certificate); None if unreadable."""
    data = text.strip().replace("\r\n", "\n").encode()
    public: PublicKeyTypes
    try:
        if b"BEGIN CERTIFICATE" in data:
            cert = x509.load_pem_x509_certificate(data)
            public, der = cert.public_key(), cert.public_bytes(serialization.Encoding.DER)
        elif b"PUBLIC KEY" in data:
            public = serialization.load_pem_public_key(data)
            der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        else:
            der = base64.b64decode(b"".join(data.split()), validate=True)
            public = x509.load_der_x509_certificate(der).public_key()
    except (ValueError, TypeError, binascii.Error):
        return None
    spki = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    digest = hashlib.sha256(der).hexdigest().upper()
    return ServerKey(spki, ":".join(digest[i : i + 2] for i in range(0, 16, 2)) + "…")


def _spki(public: Any) -> bytes:
    return bytes(public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))


def compare_key(profile: Profile, text: str, where: str, fix_server: str) -> list[Check]:
    """The server's certificate/public key against the profile's key (and its `cert`)."""
    if not text.strip():
        return [Check(DIFFERS, "certificate", f"{where} holds no certificate: {fix_server}")]
    held = server_key(text)
    if held is None:
        return [Check(DIFFERS, "certificate", f"{where} holds a certificate that cannot be read: {fix_server}")]
    checks: list[Check] = []
    try:
        ours = _spki(
            load_private_key(profile.key_path, profile.secrets.get("key_passphrase"), base_dir=profile.base_dir).public_key()
        )
    except KeyFileError as exc:
        return [Check(DIFFERS, "certificate", f"{exc.message} (the server's key: {held.fingerprint})")]
    if ours == held.spki:
        checks.append(Check(OK, "certificate", f"{where} holds the public half of {profile.key_path} ({held.fingerprint})"))
    else:
        checks.append(
            Check(
                DIFFERS,
                "certificate",
                f"{where} holds another key ({held.fingerprint}) than {profile.key_path}: {fix_server}, "
                "or point `key` in the profile at the matching private key",
            )
        )
    if profile.cert_path is not None:
        try:
            cert_spki = _spki(load_public_key(profile.cert_path))
        except KeyFileError as exc:
            return [*checks, Check(DIFFERS, "cert", exc.message)]
        if cert_spki != held.spki:
            checks.append(
                Check(
                    DIFFERS,
                    "cert",
                    f"the profile's `cert` ({profile.cert_path}) is not the certificate {where} holds: "
                    "point `cert` at the one the server has",
                )
            )
    return checks


def compare_virtual_proxy(profile: QseowProfile, proxy: dict[str, Any], cookie_seen: str | None) -> list[Check]:
    """A QSEoW profile against the `VirtualProxyConfig` of its prefix."""
    prefix = profile.virtual_proxy
    where = f"the virtual proxy {q(prefix)}"
    checks: list[Check] = []
    method = proxy.get("authenticationMethod")
    if method != JWT_METHOD:
        name = AUTH_METHODS[method] if isinstance(method, int) and 0 <= method < len(AUTH_METHODS) else q(method)
        checks.append(
            Check(DIFFERS, "authentication", f"{where} uses {name} authentication: set it to JWT in the QMC (Virtual proxies)")
        )
    else:
        checks.append(Check(OK, "authentication", f"{where} uses JWT authentication"))
    user_claims = []
    for field, label in (("jwtAttributeUserId", "user id"), ("jwtAttributeUserDirectory", "user directory")):
        claim = proxy.get(field) or ""
        user_claims.append(claim)
        if claim in profile.claims:
            checks.append(Check(OK, f"{label} claim", f"{where} reads the {label} from {q(claim)}; the profile sends it"))
            continue
        near = [k for k in profile.claims if isinstance(claim, str) and k.lower() == claim.lower()]
        also = f" (the profile has {q(near[0])}: names are case-sensitive)" if near else ""
        checks.append(
            Check(
                DIFFERS,
                f"{label} claim",
                f"{where} reads the {label} from claim {q(claim)}, which the profile does not send{also}: "
                f"rename the claim in the profile's [claims] to {q(claim)}",
            )
        )
    checks.append(_audience(profile, str(proxy.get("jwtAudience") or ""), where))
    checks += compare_key(
        profile,
        str(proxy.get("jwtPublicKeyCertificate") or ""),
        where,
        "paste this key's cert.pem into its JWT certificate field in the QMC",
    )
    checks += _attribute_map(profile, proxy.get("jwtAttributeMap") or [], user_claims, where)
    checks.append(_cookie(str(proxy.get("sessionCookieHeaderName") or ""), cookie_seen, where))
    checks.append(_allow_list(profile, proxy.get("websocketCrossOriginWhiteList") or [], where))
    return checks


def _audience(profile: QseowProfile, wanted: str, where: str) -> Check:
    sent = profile.audience or ""
    if wanted == sent:
        return Check(OK, "audience", f"{where} checks audience {q(wanted)}" if wanted else "no audience on either side")
    if not wanted:
        return Check(
            DIFFERS,
            "audience",
            f"the profile sends aud {q(sent)} but {where} checks none: remove `audience` from the profile "
            f"(or set the proxy's JWT audience to {q(sent)} in the QMC)",
        )
    return Check(
        DIFFERS,
        "audience",
        f"{where} wants aud {q(wanted)}, the profile sends {q(sent) if sent else 'none'}: "
        f"set audience = {q(wanted)} in the profile",
    )


def _attribute_map(profile: QseowProfile, mapping: list[Any], user_claims: list[str], where: str) -> list[Check]:
    mapped = {str(m.get("jwtAttribute")): m for m in mapping if isinstance(m, dict)}
    extra = [k for k in profile.claims if k not in user_claims and k not in mapped]
    checks: list[Check] = []
    if extra:
        names = ", ".join(q(k) for k in extra)
        known = ", ".join(q(k) for k in mapped) or "none"
        checks.append(
            Check(
                DIFFERS,
                "attribute map",
                f"the profile sends {names}, which {where} does not map (it maps {known}): "
                "add them to its JWT attribute mapping in the QMC, or drop them from the profile",
            )
        )
    missing = [k for k, m in mapped.items() if m.get("isMandatory") and k not in profile.claims]
    if missing:
        checks.append(
            Check(
                DIFFERS,
                "attribute map",
                f"{where} requires {', '.join(q(k) for k in missing)}, which the profile does not send: add them to its [claims]",
            )
        )
    if not checks:
        checks.append(Check(OK, "attribute map", f"every other claim of the profile is mapped by {where}"))
    return checks


def _cookie(name: str, seen: str | None, where: str) -> Check:
    if not name.startswith(OUR_COOKIE_PREFIX):
        return Check(
            DIFFERS,
            "session cookie",
            f"{where} names its session cookie {q(name)}; qlik-tui keeps only X-Qlik-Session* cookies, so every "
            "request opens a new session (Qlik allows a user about 5): name it X-Qlik-Session-<prefix> in the QMC",
        )
    if seen is not None and not seen.startswith(name):
        return Check(DIFFERS, "session cookie", f"{where} is set to {q(name)} but the server set {q(seen)}")
    return Check(OK, "session cookie", f"{where} sets {q(name)}" + (" (seen on sign-in)" if seen else ""))


def _allow_list(profile: Profile, hosts: list[Any], where: str) -> Check:
    host = urlsplit(profile.url).hostname or profile.host
    if not hosts:
        return Check(OK, "host allow list", f"{where} has an empty host allow list (only the node's own names)")
    if host.lower() in {str(h).lower() for h in hosts}:
        return Check(OK, "host allow list", f"{q(host)} is on the host allow list of {where}")
    return Check(
        DIFFERS,
        "host allow list",
        f"{q(host)} is not on the host allow list of {where} ({', '.join(q(h) for h in hosts)}): add it in the QMC",
    )


def compare_identity_provider(profile: CloudProfile, idps: list[Any]) -> tuple[list[Check], float | None]:
    """A Cloud profile against the tenant's JWT identity providers; also the IdP's clock tolerance."""
    jwt_idps = [i for i in idps if isinstance(i, dict) and i.get("protocol") == "jwtAuth"]
    if not jwt_idps:
        return [Check(DIFFERS, "identity provider", "the tenant has no JWT identity provider: create one (type JWT)")], None
    idp = next((i for i in jwt_idps if (i.get("options") or {}).get("issuer") == profile.issuer), None)
    if idp is None:
        issuers = ", ".join(q((i.get("options") or {}).get("issuer")) for i in jwt_idps)
        return [
            Check(
                DIFFERS,
                "issuer",
                f"no JWT identity provider has issuer {q(profile.issuer)} (the tenant's: {issuers}): set `issuer` in the profile",
            )
        ], None
    where = f"the JWT identity provider {q(idp.get('description') or idp.get('id'))}"
    checks = [Check(OK, "issuer", f"{where} has issuer {q(profile.issuer)}")]
    if idp.get("active") is False:
        checks.append(Check(DIFFERS, "identity provider", f"{where} is not active: activate it in the management console"))
    keys = [k for k in (idp.get("options") or {}).get("staticKeys") or [] if isinstance(k, dict)]
    key = next((k for k in keys if k.get("kid") == profile.key_id), None)
    if key is None:
        kids = ", ".join(q(k.get("kid")) for k in keys) or "none"
        checks.append(Check(DIFFERS, "key id", f"{where} has key id {kids}, the profile {q(profile.key_id)}: set `key_id`"))
        key = keys[0] if keys else {}
    else:
        checks.append(Check(OK, "key id", f"{where} has key id {q(profile.key_id)}"))
    fix = "paste this key's public key (public.pem) into the identity provider in the management console"
    checks += compare_key(profile, str(key.get("pem") or ""), where, fix)
    tolerance = idp.get("clockToleranceSec")
    return checks, float(tolerance) if isinstance(tolerance, (int, float)) and not isinstance(tolerance, bool) else None
