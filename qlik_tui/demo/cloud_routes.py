"""The Qlik Cloud REST endpoints the simulator serves (users, tenants, spaces, items, apps, reloads)."""

from __future__ import annotations

import base64
import random
import secrets
import threading
import time
import uuid
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

from .cloud_data import CloudStore, new_space
from .http_server import SimRequest, SimResponse

MAX_LIMIT = 100
DEFAULT_LIMIT = 10


def error(status: int, code: str, title: str, detail: str = "", headers: list[tuple[str, str]] | None = None) -> SimResponse:
    """A Qlik-shaped error body (`status` as a string, as some Qlik services send it)."""
    doc = {"errors": [{"code": code, "title": title, "detail": detail, "status": str(status)}], "traceId": secrets.token_hex(8)}
    return SimResponse.json(status, doc, headers)


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class CloudRoutes:
    """Routing of `/api/v1/...` once the session and CSRF checks have passed."""

    def __init__(self, store: CloudStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._reload_started: dict[str, float] = {}

    def handle(self, req: SimRequest, user: dict[str, Any]) -> SimResponse:
        """One API call."""
        parts = [p for p in req.path.split("/") if p][2:]  # drop api, v1
        head = parts[0] if parts else ""
        rest = parts[1:]
        if head == "users":
            return self._users(req, rest, user)
        if head == "tenants" and req.method == "GET":
            if rest == ["me"]:
                return SimResponse(302, b"", [("Location", f"/api/v1/tenants/{self.store.tenant['id']}")])
            if rest == [self.store.tenant["id"]]:
                return SimResponse.json(200, self.store.tenant)
        if head == "spaces":
            return self._spaces(req, rest, user)
        if head == "items" and req.method == "GET" and not rest:
            items = self.store.items
            kind = req.arg("resourceType")
            if kind:
                items = [i for i in items if i["resourceType"] in kind.split(",")]
            if req.arg("spaceId") is not None:
                items = [i for i in items if i["spaceId"] == req.arg("spaceId")]
            if req.arg("name"):
                needle = (req.arg("name") or "").lower()
                items = [i for i in items if needle in i["name"].lower()]
            return self._page(req, items)
        if head == "apps" and len(rest) == 1 and req.method == "GET":
            app = self.store.apps.get(rest[0])
            return SimResponse.json(200, app) if app else error(404, "APPS-1", "App not found", f"no app {rest[0]}")
        if head == "reloads":
            return self._reloads(req, rest, user)
        return error(404, "HTTP-404", "Not Found", f"no route {req.method} {req.path}")

    def _users(self, req: SimRequest, rest: list[str], user: dict[str, Any]) -> SimResponse:
        if req.method != "GET":
            return error(405, "HTTP-405", "Method Not Allowed")
        if rest == ["me"]:
            return SimResponse(301, b"", [("Location", f"/api/v1/users/{user['id']}")])
        if not rest:
            return self._page(req, self.store.users)
        found = next((u for u in self.store.users if u["id"] == rest[0]), None)
        return (
            SimResponse.json(200, found)
            if found and len(rest) == 1
            else error(404, "USERS-7", "User not found", f"no user {rest[0]}")
        )

    def _spaces(self, req: SimRequest, rest: list[str], user: dict[str, Any]) -> SimResponse:
        if not rest and req.method == "GET":
            return self._page(req, self.store.spaces)
        if not rest and req.method == "POST":
            try:
                doc = req.json()
            except ValueError:
                return error(400, "SPACES-400", "Bad Request", "the body is not JSON")
            if (
                not isinstance(doc, dict)
                or not isinstance(doc.get("name"), str)
                or doc.get("type") not in ("shared", "managed", "data")
            ):
                return error(400, "SPACES-400", "Bad Request", "name (string) and type (shared, managed or data) are required")
            with self._lock:
                if any(s["name"].lower() == doc["name"].lower() for s in self.store.spaces):
                    return error(409, "SPACES-409", "Conflict", f"a space named {doc['name']!r} exists")
                space = new_space(
                    random.Random(),
                    self.store.tenant["id"],
                    doc["name"],
                    doc["type"],
                    user["id"],
                    str(doc.get("description", "")),
                )
                self.store.spaces.append(space)
            return SimResponse.json(201, space)
        if len(rest) == 1 and req.method == "GET":
            found = next((s for s in self.store.spaces if s["id"] == rest[0]), None)
            return SimResponse.json(200, found) if found else error(404, "SPACES-404", "Space not found")
        return error(404, "HTTP-404", "Not Found")

    def _reloads(self, req: SimRequest, rest: list[str], user: dict[str, Any]) -> SimResponse:
        if not rest and req.method == "POST":
            try:
                doc = req.json()
            except ValueError:
                return error(400, "RELOADS-400", "Bad Request", "the body is not JSON")
            app_id = doc.get("appId") if isinstance(doc, dict) else None
            if app_id not in self.store.apps:
                return error(404, "RELOADS-404", "App not found", f"no app {app_id!r}")
            reload = {
                "id": uuid.uuid4().hex[:24],
                "appId": app_id,
                "tenantId": self.store.tenant["id"],
                "userId": user["id"],
                "type": "hub",
                "status": "QUEUED",
                "partial": False,
                "creationTime": _now(),
                "log": "",
                "links": {},
            }
            reload["links"] = {"self": {"href": f"{req.origin}/api/v1/reloads/{reload['id']}"}}
            with self._lock:
                self.store.reloads.append(reload)
                self._reload_started[reload["id"]] = time.time()
            return SimResponse.json(201, reload)
        if req.method != "GET":
            return error(405, "HTTP-405", "Method Not Allowed")
        if not rest:
            reloads = [self._progress(r) for r in self.store.reloads]
            if req.arg("appId"):
                reloads = [r for r in reloads if r["appId"] == req.arg("appId")]
            return self._page(req, reloads)
        found = next((r for r in self.store.reloads if r["id"] == rest[0]), None)
        return SimResponse.json(200, self._progress(found)) if found else error(404, "RELOADS-404", "Reload not found")

    def _progress(self, reload: dict[str, Any]) -> dict[str, Any]:
        # A reload moves on with time: queued, then reloading, then done after ~3 s.
        age = time.time() - self._reload_started.get(reload["id"], 0)
        if age < 1:
            return reload
        status = "RELOADING" if age < 3 else "SUCCEEDED"
        extra: dict[str, Any] = {"status": status, "startTime": reload["creationTime"]}
        if status == "SUCCEEDED":
            extra.update(endTime=_now(), duration=f"{age:.1f}s", log="Reload finished: 1,024 rows")
        return {**reload, **extra}

    def _page(self, req: SimRequest, items: list[dict[str, Any]]) -> SimResponse:
        try:
            limit = int(req.arg("limit") or DEFAULT_LIMIT)
        except ValueError:
            return error(400, "HTTP-400", "Bad Request", "limit must be a number")
        if not 1 <= limit <= MAX_LIMIT:
            return error(400, "HTTP-400", "Bad Request", f"limit must be 1 to {MAX_LIMIT}")
        start = 0
        cursor = req.arg("next")
        if cursor:
            try:
                start = int(base64.urlsafe_b64decode(cursor.encode()).decode())
            except ValueError:
                return error(400, "HTTP-400", "Bad Request", "invalid next cursor")
        page = items[start : start + limit]
        keep = [(k, v) for k, v in req.query if k not in ("next",)]
        base = req.origin + req.path
        query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in keep)
        links: dict[str, Any] = {"self": {"href": base + (f"?{query}" if query else "")}}
        if start + limit < len(items):
            token = base64.urlsafe_b64encode(str(start + limit).encode()).decode()
            links["next"] = {"href": f"{base}?{query + '&' if query else ''}next={token}"}
        if start > 0:
            token = base64.urlsafe_b64encode(str(max(0, start - limit)).encode()).decode()
            links["prev"] = {"href": f"{base}?{query + '&' if query else ''}next={token}"}
        return SimResponse.json(200, {"data": page, "links": links})
