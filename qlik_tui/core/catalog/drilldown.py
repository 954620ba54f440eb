"""From an id in a response to the GET endpoint that fetches its object.

QRS: an object's own `id` goes to /qrs/<schemaPath or list type>/{id}; references such as
`owner.id`, `stream.id`, `app.id`, `appID`, `taskID`, `definition.id` go to their type.
Qlik Cloud: `id` of a list entry goes to the list's resource; `resourceId` (by its
`resourceType`), `spaceId`, `ownerId`, `userId`, `appId`, `reloadId`, `tenantId`... to theirs.
"""

from __future__ import annotations

import re
from typing import Any

from ..http.types import Request

# A reference held under this key (QRS: the parent object's key) points at this QRS type.
QRS_REFERENCES = {
    "owner": "user",
    "user": "user",
    "stream": "stream",
    "app": "app",
    "appid": "app",
    "taskid": "reloadtask",
    "definition": "custompropertydefinition",
    "tags": "tag",
    "tag": "tag",
    "reloadtask": "reloadtask",
    "task": "reloadtask",
    "operational": "",
    "serverNodeConfiguration".lower(): "servernodeconfiguration",
    "userdirectory": "userdirectory",
}
QRS_SCHEMA_TYPES = {
    "app": "app",
    "stream": "stream",
    "user": "user",
    "tag": "tag",
    "reloadtask": "reloadtask",
    "executionresult": "executionresult",
    "custompropertydefinition": "custompropertydefinition",
    "servicestatus": "servicestatus",
    "dataconnection": "dataconnection",
    "extension": "extension",
    "contentlibrary": "contentlibrary",
    "systemrule": "systemrule",
    "virtualproxyconfig": "virtualproxyconfig",
    "proxyservice": "proxyservice",
    "servernodeconfiguration": "servernodeconfiguration",
    "userdirectory": "userdirectory",
    "app.object": "app/object",
}
CLOUD_REFERENCES = {
    "spaceid": "spaces",
    "ownerid": "users",
    "userid": "users",
    "creatorid": "users",
    "createdby": "users",
    "createdbyuserid": "users",
    "updatedby": "users",
    "assigneeid": "users",
    "appid": "apps",
    "reloadid": "reloads",
    "tenantid": "tenants",
    "groupid": "groups",
    "taskid": "reload-tasks",
}
CLOUD_RESOURCE_TYPES = {"app": "apps", "space": "spaces", "automation": "automations", "dataconnection": "data-connections"}
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_CLOUD_ID = re.compile(r"^[0-9A-Za-z_-]{8,64}$")


def _list_type(request_path: str, prefix: str) -> str | None:
    """'/qrs/app/full' -> 'app'; '/api/v1/spaces' -> 'spaces'."""
    if not request_path.startswith(prefix):
        return None
    parts = [p for p in request_path[len(prefix) :].split("/") if p]
    if not parts:
        return None
    if prefix == "/qrs/" and len(parts) > 1 and parts[0] == "app" and parts[1] == "object":
        return "app/object"
    return parts[0].lower()


def drill_target(
    kind: str, request_path: str, key: str | int | None, value: Any, parent: Any, grandparent_key: str | int | None
) -> Request | None:
    """The GET request for the object an id points at, or None when it is not an id we know."""
    if isinstance(value, dict):
        # An object node: drill into its own id.
        if "id" not in value:
            return None
        return drill_target(kind, request_path, "id", value["id"], value, key)
    if not isinstance(value, str) or not isinstance(key, str):
        return None
    return (
        _qrs(request_path, key, value, parent, grandparent_key) if kind == "qseow" else _cloud(request_path, key, value, parent)
    )


def _qrs(request_path: str, key: str, value: str, parent: Any, parent_key: str | int | None) -> Request | None:
    if not _GUID.match(value) or value == "00000000-0000-0000-0000-000000000000":
        return None
    lowered = key.lower()
    target: str | None = None
    if lowered == "id":
        if isinstance(parent_key, str) and parent_key.lower() in QRS_REFERENCES:
            target = QRS_REFERENCES[parent_key.lower()] or None
        elif isinstance(parent, dict) and isinstance(parent.get("schemaPath"), str):
            target = QRS_SCHEMA_TYPES.get(parent["schemaPath"].lower())
        if target is None and isinstance(parent_key, (int, type(None))):
            target = _list_type(request_path, "/qrs/")
    elif lowered in QRS_REFERENCES:
        target = QRS_REFERENCES[lowered] or None
    if not target:
        return None
    return Request.build("GET", f"/qrs/{target}/{value}")


def _cloud(request_path: str, key: str, value: str, parent: Any) -> Request | None:
    if not _CLOUD_ID.match(value):
        return None
    lowered = key.lower()
    target: str | None = None
    if lowered == "resourceid" and isinstance(parent, dict):
        target = CLOUD_RESOURCE_TYPES.get(str(parent.get("resourceType", "")).lower())
    elif lowered in CLOUD_REFERENCES:
        target = CLOUD_REFERENCES[lowered]
    elif lowered == "id":
        listed = _list_type(request_path, "/api/v1/")
        if listed == "items" and isinstance(parent, dict):
            target = "items"
        elif listed and listed not in ("csrf-token",):
            target = listed
    if not target:
        return None
    return Request.build("GET", f"/api/v1/{target}/{value}")
