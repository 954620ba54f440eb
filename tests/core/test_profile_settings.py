"""The comparisons behind `profiles check --online`, on server JSON the simulator cannot show
while signed in (a tenant with several IdPs, hostile values, a proxy using another method)."""

from __future__ import annotations

from pathlib import Path

from qlik_tui.core.auth.keys import GeneratedKeys
from qlik_tui.core.http.profile_settings import (
    DIFFERS,
    OK,
    compare_identity_provider,
    compare_virtual_proxy,
    server_key,
)
from qlik_tui.core.profiles.loader import load_profiles
from qlik_tui.core.profiles.model import CloudProfile, QseowProfile


def _profiles(profiles_file: Path) -> tuple[QseowProfile, CloudProfile]:
    profiles = load_profiles(profiles_file).profiles
    prod, eu = profiles["prod"], profiles["eu"]
    assert isinstance(prod, QseowProfile) and isinstance(eu, CloudProfile)
    return prod, eu


def _idp(keys: GeneratedKeys, issuer: str, kid: str, active: bool = True) -> dict[str, object]:
    pem = keys.public_key_path.read_text()
    return {
        "protocol": "jwtAuth",
        "active": active,
        "description": issuer,
        "options": {"issuer": issuer, "staticKeys": [{"kid": kid, "pem": pem}]},
    }


def test_identity_provider_issuer_kid_key_and_active(profiles_file: Path, keys: GeneratedKeys, other_keys: GeneratedKeys) -> None:
    _, eu = _profiles(profiles_file)
    oidc = {"protocol": "OIDC", "provider": "qlik"}
    checks, tolerance = compare_identity_provider(eu, [oidc, _idp(keys, "https://issuer.example.com", "kid-1")])
    assert all(c.status == OK for c in checks) and tolerance is None
    checks, _ = compare_identity_provider(eu, [_idp(keys, "https://elsewhere", "kid-1")])
    assert [c.status for c in checks] == [DIFFERS] and '"https://elsewhere"' in checks[0].detail
    checks, _ = compare_identity_provider(eu, [_idp(other_keys, "https://issuer.example.com", "kid-2", active=False)])
    by = {c.setting: c for c in checks}
    assert by["key id"].status == DIFFERS and "set `key_id`" in by["key id"].detail
    assert by["identity provider"].status == DIFFERS and "not active" in by["identity provider"].detail
    assert by["certificate"].status == DIFFERS and "public.pem" in by["certificate"].detail
    assert compare_identity_provider(eu, [oidc])[0][0].detail.startswith("the tenant has no JWT identity provider")


def test_virtual_proxy_with_another_method_and_hostile_values(profiles_file: Path, keys: GeneratedKeys) -> None:
    prod, _ = _profiles(profiles_file)
    proxy = {
        "prefix": "jwt",
        "authenticationMethod": 3,
        "jwtAttributeUserId": "userid\x1b]52;c;cm0gLXJm\x07",
        "jwtAttributeUserDirectory": "userDirectory",
        "jwtAudience": "",
        "jwtPublicKeyCertificate": keys.cert_path.read_text().replace("\n", "\r\n"),
        "jwtAttributeMap": [{"jwtAttribute": "email", "senseAttribute": "email", "isMandatory": True}],
        "sessionCookieHeaderName": "X-Qlik-Session-jwt\x9b2J",
        "websocketCrossOriginWhiteList": ["qlik.internal"],
    }
    checks = compare_virtual_proxy(prod, proxy, None)
    by = {c.setting: c for c in checks if c.setting != "attribute map"}
    assert by["authentication"].status == DIFFERS and "SAML" in by["authentication"].detail
    assert by["user id claim"].status == DIFFERS and '(the profile has "userId"' not in by["user id claim"].detail
    assert by["certificate"].status == OK  # CRLF line ends, as pasted from Windows, still parse
    assert by["host allow list"].status == DIFFERS and '"qliksense.example.com" is not on' in by["host allow list"].detail
    mandatory = [c for c in checks if c.setting == "attribute map" and "requires" in c.detail]
    assert mandatory and '"email"' in mandatory[0].detail
    for check in checks:
        assert not any(ch in check.detail for ch in "\x1b\x07\x9b"), check


def test_case_of_a_user_claim_is_named(profiles_file: Path, keys: GeneratedKeys) -> None:
    prod, _ = _profiles(profiles_file)
    proxy = {"authenticationMethod": 4, "jwtAttributeUserId": "userid", "jwtAttributeUserDirectory": "userDirectory"}
    check = next(c for c in compare_virtual_proxy(prod, proxy, None) if c.setting == "user id claim")
    assert check.status == DIFFERS and 'the profile has "userId": names are case-sensitive' in check.detail


def test_server_key_reads_certificates_public_keys_and_bare_base64(keys: GeneratedKeys) -> None:
    cert_text = keys.cert_path.read_text()
    bare = "".join(line for line in cert_text.splitlines() if "-----" not in line)
    assert server_key(cert_text) == server_key(bare)
    public = server_key(keys.public_key_path.read_text())
    assert public is not None and public.spki == server_key(cert_text).spki  # type: ignore[union-attr]
    assert server_key("not a certificate") is None
