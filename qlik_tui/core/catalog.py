"""The endpoint catalog: the QRS and Qlik Cloud operations people use daily.

Every entry exists in Qlik's published specs (a test checks them against shared/qlik-specs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PLACEHOLDER = re.compile(r"\{([^}/]+)\}")


@dataclass(frozen=True)
class Endpoint:
    """One operation: method, path with {placeholders}, a summary in our words, its group."""

    method: str
    path: str
    summary: str
    group: str
    params: tuple[str, ...] = ()
    body: str | None = None

    @property
    def placeholders(self) -> list[str]:
        """Names of the {placeholders} in the path."""
        return _PLACEHOLDER.findall(self.path)

    def label(self) -> str:
        """'GET /qrs/app/full'."""
        return f"{self.method} {self.path}"


def placeholders_in(path: str) -> list[str]:
    """The {placeholders} still unfilled in a path."""
    return _PLACEHOLDER.findall(path)


Q = ("filter", "orderby")
QRS: tuple[Endpoint, ...] = (
    Endpoint("GET", "/qrs/about", "Build version and node type of the repository", "About"),
    Endpoint("GET", "/qrs/about/api/description", "Every QRS operation, one line each", "About", ("extended", "format")),
    Endpoint("GET", "/qrs/about/openapi/{interfacename}", "The server's own OpenAPI document (interfacename: main)", "About"),
    Endpoint("GET", "/qrs/app", "Apps, condensed", "Apps", Q),
    Endpoint("GET", "/qrs/app/full", "Apps with owner, stream, tags and custom properties", "Apps", Q),
    Endpoint("GET", "/qrs/app/count", "Number of apps (matching a filter)", "Apps", ("filter",)),
    Endpoint("GET", "/qrs/app/{id}", "One app", "Apps"),
    Endpoint("POST", "/qrs/app/{id}/reload", "Reload an app now", "Apps"),
    Endpoint("GET", "/qrs/stream", "Streams, condensed", "Streams", Q),
    Endpoint("GET", "/qrs/stream/full", "Streams with owner and properties", "Streams", Q),
    Endpoint("GET", "/qrs/stream/{id}", "One stream", "Streams"),
    Endpoint("GET", "/qrs/user", "Users, condensed", "Users", Q),
    Endpoint("GET", "/qrs/user/full", "Users with roles and attributes", "Users", Q),
    Endpoint("GET", "/qrs/user/count", "Number of users", "Users", ("filter",)),
    Endpoint("GET", "/qrs/user/{id}", "One user", "Users"),
    Endpoint("GET", "/qrs/reloadtask", "Reload tasks, condensed", "Tasks", Q),
    Endpoint("GET", "/qrs/reloadtask/full", "Reload tasks with app and last execution", "Tasks", Q),
    Endpoint("GET", "/qrs/reloadtask/{id}", "One reload task", "Tasks"),
    Endpoint("POST", "/qrs/task/{id}/start", "Start a task", "Tasks"),
    Endpoint("GET", "/qrs/executionresult", "Task execution results", "Tasks", Q),
    Endpoint("GET", "/qrs/executionresult/full", "Task execution results, full", "Tasks", Q),
    Endpoint("GET", "/qrs/tag", "Tags", "Tags", Q),
    Endpoint("GET", "/qrs/tag/full", "Tags, full", "Tags", Q),
    Endpoint("POST", "/qrs/tag", "Create a tag", "Tags", (), '{"name": "Certified"}'),
    Endpoint("DELETE", "/qrs/tag/{id}", "Delete a tag", "Tags"),
    Endpoint("GET", "/qrs/custompropertydefinition", "Custom property definitions", "Custom properties", Q),
    Endpoint("GET", "/qrs/custompropertydefinition/full", "Custom property definitions, full", "Custom properties", Q),
    Endpoint("GET", "/qrs/servicestatus/full", "Status of every service on every node", "Services", Q),
)

L = ("limit",)
CLOUD: tuple[Endpoint, ...] = (
    Endpoint("GET", "/api/v1/users/me", "The user the session belongs to", "Users"),
    Endpoint("GET", "/api/v1/users", "Users of the tenant (paged)", "Users", ("limit", "sort", "filter")),
    Endpoint("GET", "/api/v1/users/{userId}", "One user", "Users"),
    Endpoint("GET", "/api/v1/tenants/me", "This tenant", "Tenants"),
    Endpoint("GET", "/api/v1/spaces", "Spaces (paged)", "Spaces", ("limit", "sort", "type", "name")),
    Endpoint("POST", "/api/v1/spaces", "Create a space", "Spaces", (), '{"name": "Sales", "type": "shared", "description": ""}'),
    Endpoint("GET", "/api/v1/spaces/{spaceId}", "One space", "Spaces"),
    Endpoint(
        "GET",
        "/api/v1/items",
        "Items: apps and other resources (paged)",
        "Items",
        ("resourceType", "spaceId", "name", "limit", "sort"),
    ),
    Endpoint("GET", "/api/v1/apps/{appId}", "One app's attributes and privileges", "Apps"),
    Endpoint("GET", "/api/v1/reloads", "Reloads (paged)", "Reloads", ("appId", "limit")),
    Endpoint("POST", "/api/v1/reloads", "Reload an app", "Reloads", (), '{"appId": "APP-ID", "partial": false}'),
    Endpoint("GET", "/api/v1/reloads/{reloadId}", "One reload: status and log", "Reloads"),
    Endpoint("GET", "/api/v1/csrf-token", "A CSRF token for this session (in a header)", "Session"),
)


def builtin(kind: str) -> tuple[Endpoint, ...]:
    """The built-in endpoints for a profile type ('qseow' or 'cloud')."""
    return QRS if kind == "qseow" else CLOUD


def groups(endpoints: tuple[Endpoint, ...] | list[Endpoint]) -> dict[str, list[Endpoint]]:
    """Endpoints by group, groups and entries in catalog order."""
    out: dict[str, list[Endpoint]] = {}
    for endpoint in endpoints:
        out.setdefault(endpoint.group, []).append(endpoint)
    return out
