"""What the simulated sites say about their own set-up: the QSEoW virtual proxies
(`/qrs/virtualproxyconfig`) and the Qlik Cloud identity providers (`/api/v1/identity-providers`).

Built from the simulators' live configuration, so what they describe is what they enforce;
field names are those of Qlik's published specs (`VirtualProxyConfig`, `IDPJWTAuth`).
"""

from __future__ import annotations

import uuid
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

_STAMP = "2025-03-14T09:26:53.589Z"
_NAMESPACE = uuid.UUID("5f2a2954-51d0-ac07-d4d7-41829951a568")


def public_key_pem(key: RSAPublicKey) -> str:
    """A public key as PEM text (what a site holds when it was given no certificate)."""
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def _proxy(prefix: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid5(_NAMESPACE, f"proxy/{prefix}")),
        "createdDate": _STAMP,
        "modifiedDate": _STAMP,
        "modifiedByUserName": "INTERNAL\\sa_repository",
        "customProperties": [],
        "prefix": prefix,
        "description": f"{prefix or 'Central'} proxy",
        "authenticationModuleRedirectUri": "",
        "sessionModuleBaseUri": "",
        "loadBalancingModuleBaseUri": "",
        "useStickyLoadBalancing": False,
        "loadBalancingServerNodes": [],
        "authenticationMethod": 0,
        "headerAuthenticationMode": 0,
        "headerAuthenticationHeaderName": "",
        "anonymousAccessMode": 0,
        "windowsAuthenticationEnabledDevicePattern": "Windows",
        "sessionCookieHeaderName": "X-Qlik-Session",
        "sessionCookieDomain": "",
        "hasSecureAttributeHttps": True,
        "sameSiteAttributeHttps": 3,
        "hasSecureAttributeHttp": False,
        "sameSiteAttributeHttp": 0,
        "additionalResponseHeaders": "",
        "sessionInactivityTimeout": 30,
        "extendedSecurityEnvironment": False,
        "websocketCrossOriginWhiteList": [],
        "defaultVirtualProxy": prefix == "",
        "tags": [],
        "jwtAttributeUserId": "",
        "jwtAttributeUserDirectory": "",
        "jwtAudience": "",
        "jwtPublicKeyCertificate": "",
        "jwtAttributeMap": [],
        "privileges": None,
        "schemaPath": "VirtualProxyConfig",
        **fields,
    }


def virtual_proxies(
    *,
    prefix: str,
    cookie_name: str,
    user_id_claim: str,
    user_directory_claim: str,
    audience: str | None,
    certificate: str,
    allowed_hosts: list[str],
    attribute_map: tuple[tuple[str, str], ...],
    idle_minutes: int,
) -> list[dict[str, Any]]:
    """The central (Windows authentication) proxy and the JWT proxy the simulator plays."""
    mapping = [
        {
            "id": str(uuid.uuid5(_NAMESPACE, f"map/{claim}")),
            "jwtAttribute": claim,
            "senseAttribute": sense,
            "isMandatory": False,
            "schemaPath": "VirtualProxyConfigJwtAttributeMapItem",
        }
        for claim, sense in attribute_map
    ]
    jwt_proxy = _proxy(
        prefix,
        description="JWT for scripts and qlik-tui",
        authenticationMethod=4,
        sessionCookieHeaderName=cookie_name,
        sessionInactivityTimeout=idle_minutes,
        websocketCrossOriginWhiteList=list(allowed_hosts),
        jwtAttributeUserId=user_id_claim,
        jwtAttributeUserDirectory=user_directory_claim,
        jwtAudience=audience or "",
        jwtPublicKeyCertificate=certificate,
        jwtAttributeMap=mapping,
    )
    return [_proxy(""), jwt_proxy]


def identity_providers(*, tenant_id: str, issuer: str, key_id: str, pem: str, tolerance: float) -> list[dict[str, Any]]:
    """The tenant's interactive Qlik IdP and its JWT IdP."""
    return [
        {
            "id": str(uuid.uuid5(_NAMESPACE, "idp/qlik")),
            "tenantIds": [tenant_id],
            "provider": "qlik",
            "protocol": "OIDC",
            "interactive": True,
            "active": True,
            "description": "Qlik Account",
            "created": _STAMP,
            "lastUpdated": _STAMP,
            "meta": {},
        },
        {
            "id": str(uuid.uuid5(_NAMESPACE, f"idp/jwt/{issuer}")),
            "tenantIds": [tenant_id],
            "provider": "external",
            "protocol": "jwtAuth",
            "interactive": False,
            "active": True,
            "description": "JWT for scripts and qlik-tui",
            "created": _STAMP,
            "lastUpdated": _STAMP,
            "clockToleranceSec": int(tolerance),
            "createNewUsersOnLogin": True,
            "options": {"issuer": issuer, "staticKeys": [{"kid": key_id, "pem": pem}]},
            "meta": {},
        },
    ]
