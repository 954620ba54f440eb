"""Profiles back into TOML tables (for the store's in-place edits and new profiles)."""

from __future__ import annotations

from typing import Any

from .model import DEFAULT_CLOCK_SKEW, CloudProfile, Profile, ProfileSet, QseowProfile


def profile_to_toml(profile: Profile) -> dict[str, Any]:
    """The TOML table for `profile`, with only the keys that are set, in documented order."""
    out: dict[str, Any] = {"type": profile.type, "url": profile.url}
    if profile.auth != "jwt":
        out["auth"] = profile.auth
    if isinstance(profile, QseowProfile) and profile.auth != "certificate":
        out["virtual_proxy"] = profile.virtual_proxy
    if profile.auth == "jwt":
        out["key"] = profile.key
    optional: dict[str, Any] = {"cert": profile.cert}
    for name, source in profile.secrets.items():
        optional[f"{name}_{source.kind}"] = list(source.value) if isinstance(source.value, tuple) else source.value
    if isinstance(profile, CloudProfile):
        if profile.auth == "jwt":
            optional.update(key_id=profile.key_id, issuer=profile.issuer)
        if profile.auth == "oauth":
            optional.update(client_id=profile.client_id, scopes=list(profile.scopes) or None)
    if isinstance(profile, QseowProfile):
        optional.update(
            header_name=profile.header_name or None,
            user=profile.user or None,
            client_cert=profile.client_cert,
            client_key=profile.client_key,
            session_cookie=profile.session_cookie,
            engine_port=profile.engine_port if profile.auth == "certificate" and profile.engine_port != 4747 else None,
        )
    if profile.auth == "jwt":
        optional["algorithm"] = profile.algorithm
        if isinstance(profile, QseowProfile):
            optional["audience"] = profile.audience
        optional["lifetime"] = profile.lifetime
    optional.update(
        verify_tls=profile.verify_tls,
        ca_bundle=profile.ca_bundle,
        clock_skew=profile.clock_skew if profile.clock_skew != DEFAULT_CLOCK_SKEW else None,
        catalog_files=list(profile.catalog_files) or None,
        session_cache=None if profile.session_cache else False,
    )
    out.update({k: v for k, v in optional.items() if v is not None})
    if profile.auth == "jwt":
        claims = dict(profile.claims)
        if isinstance(profile, CloudProfile) and claims.get("subType") == "user":
            claims.pop("subType")  # the default; keep files as short as people write them
        out["claims"] = claims
    if profile.vars:
        out["vars"] = dict(profile.vars)
    return out


def profiles_to_toml(profile_set: ProfileSet) -> dict[str, Any]:
    """The whole file as a TOML document (for `save_profiles`)."""
    doc: dict[str, Any] = {}
    if profile_set.default:
        doc["default"] = profile_set.default
    if profile_set.collection:
        doc["collection"] = profile_set.collection
    doc["profiles"] = {name: profile_to_toml(p) for name, p in profile_set.profiles.items()}
    return doc
