"""A small, deterministic Qlik Cloud tenant: users, spaces, items, apps."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from .qrs_data import ODD_NAMES, WORDS


def _hexid(rng: random.Random) -> str:
    return f"{rng.getrandbits(96):024x}"


def _stamp(rng: random.Random) -> str:
    moment = datetime(2025, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=rng.randrange(0, 40_000_000))
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class CloudStore:
    """The tenant's objects."""

    tenant: dict[str, Any]
    users: list[dict[str, Any]] = field(default_factory=list)
    spaces: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    apps: dict[str, dict[str, Any]] = field(default_factory=dict)
    reloads: list[dict[str, Any]] = field(default_factory=list)


def cloud_user(rng: random.Random, tenant_id: str, subject: str, name: str, email: str) -> dict[str, Any]:
    """A user record as `/api/v1/users/{id}` returns it."""
    user_id = _hexid(rng)
    return {
        "id": user_id,
        "tenantId": tenant_id,
        "status": "active",
        "subject": subject,
        "name": name,
        "email": email,
        "assignedRoles": [
            {"id": _hexid(rng), "name": "TenantAdmin" if subject == "admin" else "Developer", "type": "default", "level": "admin"}
        ],
        "assignedGroups": [],
        "createdAt": _stamp(rng),
        "lastUpdatedAt": _stamp(rng),
        "links": {"self": {"href": f"/api/v1/users/{user_id}"}},
    }


def generate(app_count: int = 45, seed: int = 11) -> CloudStore:
    """A tenant with a few users and spaces, and `app_count` apps listed as items."""
    rng = random.Random(seed)
    tenant_id = _hexid(rng)
    tenant = {
        "id": tenant_id,
        "name": "demo-tenant",
        "hostnames": ["demo.eu.qlikcloud.com"],
        "createdByUser": "admin",
        "created": _stamp(rng),
        "lastUpdated": _stamp(rng),
        "status": "active",
        "datacenter": "eu-west-1",
        "links": {"self": {"href": f"/api/v1/tenants/{tenant_id}"}},
    }
    store = CloudStore(tenant=tenant)
    store.users.append(cloud_user(rng, tenant_id, "admin", "Tenant Admin", "admin@example.com"))
    for i in range(8):
        store.users.append(cloud_user(rng, tenant_id, f"user{i}", f"User {i}", f"user{i}@example.com"))
    for name, kind in (("Sales", "shared"), ("Finance", "managed"), ("Data", "data")):
        store.spaces.append(new_space(rng, tenant_id, name, kind, store.users[0]["id"]))
    for i in range(app_count):
        app_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        name = ODD_NAMES[i] if i < len(ODD_NAMES) else f"{rng.choice(WORDS)} {rng.choice(['Dashboard', 'Analysis'])} {i}"
        space = rng.choice([*store.spaces, None])
        owner = rng.choice(store.users)
        created = _stamp(rng)
        store.apps[app_id] = {
            "attributes": {
                "id": app_id,
                "name": name,
                "description": "",
                "thumbnail": "",
                "lastReloadTime": _stamp(rng),
                "createdDate": created,
                "modifiedDate": created,
                "owner": f"auth0|{owner['subject']}",
                "ownerId": owner["id"],
                "published": False,
                "publishTime": "",
                "custom": {},
                "hasSectionAccess": False,
                "encrypted": True,
                "originAppId": "",
                "spaceId": space["id"] if space else "",
                "resourcetype": "app",
                "usage": "ANALYTICS",
            },
            "privileges": ["read", "update", "delete", "reload", "export"],
            "create": [{"resource": "sheet", "canCreate": True}],
        }
        store.items.append(
            {
                "id": _hexid(rng),
                "name": name,
                "resourceId": app_id,
                "resourceType": "app",
                "resourceAttributes": store.apps[app_id]["attributes"],
                "ownerId": owner["id"],
                "creatorId": owner["id"],
                "spaceId": space["id"] if space else "",
                "tenantId": tenant_id,
                "createdAt": created,
                "updatedAt": created,
                "links": {"open": {"href": f"/sense/app/{app_id}"}},
            }
        )
    return store


def new_space(rng: random.Random, tenant_id: str, name: str, kind: str, owner_id: str, description: str = "") -> dict[str, Any]:
    """A space record."""
    space_id = _hexid(rng)
    return {
        "id": space_id,
        "type": kind,
        "ownerId": owner_id,
        "tenantId": tenant_id,
        "name": name,
        "description": description,
        "meta": {"roles": [], "actions": ["read", "update", "delete"], "assignableRoles": ["consumer", "contributor"]},
        "links": {
            "self": {"href": f"/api/v1/spaces/{space_id}"},
            "assignments": {"href": f"/api/v1/spaces/{space_id}/assignments"},
        },
        "createdAt": _stamp(rng),
        "createdBy": owner_id,
        "updatedAt": _stamp(rng),
    }
