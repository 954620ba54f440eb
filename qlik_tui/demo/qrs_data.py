"""Realistic, deterministic QRS objects (shapes as in the QRS API's own schema)."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from .engine_apps import BIG_APP_NAME

PRIVILEGES = ["create", "read", "update", "delete", "exportdata", "publish", "change_owner", "change_role", "export", "duplicate"]
WORDS = ["Sales", "Finance", "HR", "Operations", "Logistics", "Marketing", "Supply Chain", "Budget", "Forecast", "Inventory"]
# The first apps' names: markup and Qlik syntax a UI must show as text; then the Engine's big app.
ODD_NAMES = ["[Sales] =Sum([Amount])", "Margin $(vYear) [/x]", "Q&A 'quotes' \"double\"", BIG_APP_NAME]


def _guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _stamp(rng: random.Random) -> str:
    moment = datetime(2024, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=rng.randrange(0, 60_000_000))
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _user(rng: random.Random, directory: str, user_id: str, name: str, inactive: bool = False) -> dict[str, Any]:
    return {
        "id": _guid(rng),
        "createdDate": _stamp(rng),
        "modifiedDate": _stamp(rng),
        "modifiedByUserName": "INTERNAL\\sa_repository",
        "customProperties": [],
        "userId": user_id,
        "userDirectory": directory,
        "userDirectoryConnectorName": directory,
        "name": name,
        "roles": ["RootAdmin"] if user_id == "admin" else [],
        "attributes": [],
        "inactive": inactive,
        "removedExternally": False,
        "blacklisted": False,
        "deleteProhibited": False,
        "tags": [],
        "privileges": None,
        "schemaPath": "User",
    }


def _condensed_user(user: dict[str, Any]) -> dict[str, Any]:
    return {k: user[k] for k in ("id", "userId", "userDirectory", "userDirectoryConnectorName", "name", "privileges")}


@dataclass
class QrsStore:
    """Every object type the simulator serves, as full objects."""

    objects: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    build_version: str = "38.22.0"


def generate(app_count: int = 60, seed: int = 7, jwt_users: list[tuple[str, str, str]] | None = None) -> QrsStore:
    """A site: users (incl. the JWT users), streams, apps, tags, tasks, results, definitions."""
    rng = random.Random(seed)
    users = [_user(rng, "INTERNAL", "sa_repository", "sa_repository"), _user(rng, "LAB", "admin", "Administrator")]
    for directory, user_id, name in jwt_users or []:
        users.append(_user(rng, directory, user_id, name))
    users.append(_user(rng, "LAB", "former", "Former Employee", inactive=True))
    for i in range(12):
        users.append(_user(rng, "LAB", f"user{i:02d}", f"{rng.choice(['Anna', 'Bo', 'Chen', 'Dana'])} {rng.choice(WORDS)} {i}"))
    tags = [{"id": _guid(rng), "name": w, "privileges": None} for w in ("Production", "Certified", "Draft", "PII")]
    definitions = [
        {
            "id": _guid(rng),
            "createdDate": _stamp(rng),
            "modifiedDate": _stamp(rng),
            "modifiedByUserName": "LAB\\admin",
            "name": name,
            "valueType": "Text",
            "choiceValues": values,
            "objectTypes": ["App", "Stream", "User"],
            "description": f"{name} of the object",
            "privileges": None,
            "schemaPath": "CustomPropertyDefinition",
        }
        for name, values in (("Department", WORDS[:5]), ("Criticality", ["Low", "Medium", "High"]))
    ]
    streams = []
    for name in ("Everyone", "Monitoring apps", *WORDS[:5]):
        owner = rng.choice(users[1:])
        streams.append(
            {
                "id": _guid(rng),
                "createdDate": _stamp(rng),
                "modifiedDate": _stamp(rng),
                "modifiedByUserName": "LAB\\admin",
                "customProperties": [],
                "owner": _condensed_user(owner),
                "name": name,
                "tags": [],
                "privileges": None,
                "schemaPath": "Stream",
            }
        )
    apps = [make_app(rng, i, users, streams, tags, definitions) for i in range(app_count)]
    tasks, results = [], []
    for app in apps[: max(1, app_count // 3)]:
        task_id, result_id = _guid(rng), _guid(rng)
        status = rng.choice([7, 7, 7, 8, 6])  # 7 FinishedSuccess, 8 FinishedFail, 6 Aborted
        start = _stamp(rng)
        result = {
            "id": result_id,
            "executionID": _guid(rng),
            "appID": app["id"],
            "taskID": task_id,
            "executingNodeID": _guid(rng),
            "status": status,
            "startTime": start,
            "stopTime": start,
            "duration": rng.randrange(2000, 600000),
            "fileReferenceID": "00000000-0000-0000-0000-000000000000",
            "scriptLogAvailable": True,
            "details": [],
            "scriptLogLocation": f"{app['id']}.log",
            "scriptLogSize": rng.randrange(1000, 90000),
            "privileges": None,
            "schemaPath": "ExecutionResult",
        }
        results.append(result)
        tasks.append(
            {
                "id": task_id,
                "createdDate": _stamp(rng),
                "modifiedDate": _stamp(rng),
                "modifiedByUserName": "LAB\\admin",
                "customProperties": [],
                "app": {k: app[k] for k in ("id", "name", "appId", "publishTime", "published", "stream", "privileges")},
                "isManuallyTriggered": False,
                "operational": {
                    "id": _guid(rng),
                    "lastExecutionResult": {k: result[k] for k in ("id", "status", "startTime", "stopTime", "duration")},
                    "nextExecution": _stamp(rng),
                    "privileges": None,
                },
                "name": f"Reload {app['name']}",
                "taskType": 0,
                "enabled": True,
                "taskSessionTimeout": 1440,
                "maxRetries": 0,
                "tags": [],
                "privileges": None,
                "schemaPath": "ReloadTask",
            }
        )
    node = {"id": _guid(rng), "name": "Central", "hostName": "qlik-central.lab.local", "isCentral": True}
    service_status = [
        {
            "id": _guid(rng),
            "serverNodeConfiguration": node,
            "serviceType": t,
            "serviceState": 2,
            "timestamp": _stamp(rng),
            "privileges": None,
            "schemaPath": "ServiceStatus",
        }
        for t in range(6)
    ]
    return QrsStore(
        objects={
            "app": apps,
            "stream": streams,
            "user": users,
            "tag": tags,
            "reloadtask": tasks,
            "executionresult": results,
            "custompropertydefinition": definitions,
            "servicestatus": service_status,
        }
    )


def make_app(
    rng: random.Random,
    index: int,
    users: list[dict[str, Any]],
    streams: list[dict[str, Any]],
    tags: list[dict[str, Any]],
    definitions: list[dict[str, Any]],
) -> dict[str, Any]:
    """One full App object, about 1.5 KB of JSON like a real site's."""
    app_id = _guid(rng)
    published = rng.random() < 0.6
    stream = rng.choice(streams) if published else None
    name = (
        ODD_NAMES[index]
        if index < len(ODD_NAMES)
        else f"{rng.choice(WORDS)} {rng.choice(['Dashboard', 'Analysis', 'Report', 'Monitor'])} {index}"
    )
    definition = rng.choice(definitions)
    return {
        "id": app_id,
        "createdDate": _stamp(rng),
        "modifiedDate": _stamp(rng),
        "modifiedByUserName": "LAB\\admin",
        "customProperties": [
            {
                "id": _guid(rng),
                "createdDate": _stamp(rng),
                "modifiedDate": _stamp(rng),
                "modifiedByUserName": "LAB\\admin",
                "value": rng.choice(definition["choiceValues"]),
                "definition": {
                    "id": definition["id"],
                    "name": definition["name"],
                    "valueType": "Text",
                    "choiceValues": definition["choiceValues"],
                    "privileges": None,
                },
                "schemaPath": "App.CustomProperty",
            }
        ],
        "owner": _condensed_user(rng.choice(users[1:])),
        "name": name,
        "appId": "",
        "sourceAppId": "00000000-0000-0000-0000-000000000000",
        "targetAppId": "00000000-0000-0000-0000-000000000000",
        "publishTime": _stamp(rng) if published else "1753-01-01T00:00:00.000Z",
        "published": published,
        "tags": [{"id": t["id"], "name": t["name"], "privileges": None} for t in rng.sample(tags, rng.randrange(0, 3))],
        "description": rng.choice(["", "Monthly figures for the board", "Owned by the BI team; do not edit"]),
        "stream": {"id": stream["id"], "name": stream["name"], "privileges": None} if stream else None,
        "fileSize": rng.randrange(100_000, 900_000_000),
        "lastReloadTime": _stamp(rng),
        "thumbnail": "",
        "savedInProductVersion": "14.113.7",
        "migrationHash": "9f1b1a4b8ee9e3a4c2c51b5a0f0d6e1f7f2c6d41",
        "dynamicColor": "",
        "availabilityStatus": 0,
        "isDirectQueryMode": False,
        "isSessionApp": False,
        "privileges": None,
        "schemaPath": "App",
    }


CONDENSED_FIELDS = {
    "app": (
        "id",
        "name",
        "appId",
        "publishTime",
        "published",
        "stream",
        "savedInProductVersion",
        "migrationHash",
        "availabilityStatus",
        "privileges",
    ),
    "stream": ("id", "name", "privileges"),
    "user": ("id", "userId", "userDirectory", "userDirectoryConnectorName", "name", "privileges"),
    "tag": ("id", "name", "privileges"),
    "reloadtask": ("id", "name", "taskType", "enabled", "taskSessionTimeout", "maxRetries", "privileges"),
    "executionresult": ("id", "executionID", "appID", "taskID", "status", "startTime", "stopTime", "duration", "privileges"),
    "custompropertydefinition": ("id", "name", "valueType", "choiceValues", "privileges"),
    "servicestatus": ("id", "serviceType", "serviceState", "timestamp", "privileges"),
}


def condensed(kind: str, obj: dict[str, Any]) -> dict[str, Any]:
    """The condensed form `GET /qrs/<type>` returns."""
    return {k: obj.get(k) for k in CONDENSED_FIELDS.get(kind, ("id", "name", "privileges"))}
