"""The QRS endpoints the simulator serves, on top of a `QrsStore`."""

from __future__ import annotations

import gzip
import json
import random
import re
import threading
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .faults import Faults
from .http_server import SimRequest, SimResponse
from .qrs_app_files import AppFiles
from .qrs_data import QrsStore, condensed, make_app
from .qrs_filter import FilterError, apply_orderby, compile_filter

_GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
WRITABLE = {"tag"}


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class QrsRoutes:
    """GET lists (condensed, /full, /count, /{id}) with filter and orderby; a few writes."""

    def __init__(self, store: QrsStore, faults: Faults, openapi_path: Path | None, serve_openapi: bool = True) -> None:
        self.store = store
        self.serve_openapi = serve_openapi
        self.faults = faults
        self.openapi_path = openapi_path
        self._lock = threading.Lock()
        self._huge: tuple[int, list[dict[str, Any]]] | None = None
        self._body_cache: dict[tuple[int, bool], bytes] = {}
        self.app_files = AppFiles(store)  # upload, export tickets, downloads

    def description(self) -> list[str]:
        """`GET /qrs/about/api/description`: one "METHOD /path" per operation."""
        out = ["GET /qrs/about", "GET /qrs/about/api/description", "GET /qrs/about/openapi/{name}"]
        for kind in self.store.objects:
            out += [f"GET /qrs/{kind}", f"GET /qrs/{kind}/full", f"GET /qrs/{kind}/count", f"GET /qrs/{kind}/{{id}}"]
        out += [
            "POST /qrs/tag",
            "PUT /qrs/tag/{id}",
            "DELETE /qrs/tag/{id}",
            "POST /qrs/app/{id}/reload",
            "POST /qrs/task/{id}/start",
            "POST /qrs/app/upload",
            "POST /qrs/app/{id}/export/{token}",
            "DELETE /qrs/app/{id}/export/{token}",
            "GET /qrs/download/app/{id}/{exportticketid}/{localfilename}",
        ]
        return out

    def handle(self, req: SimRequest, path: str, user: dict[str, Any]) -> SimResponse:
        """Route one QRS request (`path` starts with /qrs)."""
        parts = [p for p in path.split("/") if p][1:]  # drop "qrs"
        if not parts:
            return SimResponse(404)
        if parts[0] == "about":
            return self._about(req, parts[1:])
        kind = parts[0].lower()
        files = self.app_files.route(req, parts)
        if files is not None:
            return files
        if req.method == "POST" and len(parts) == 3 and kind in ("app", "task") and parts[2].lower() in ("reload", "start"):
            found = self._find(kind if kind == "app" else "reloadtask", parts[1])
            return SimResponse(204) if found else SimResponse(404)
        if kind not in self.store.objects:
            return SimResponse(404)
        rest = [p.lower() for p in parts[1:]]
        if req.method == "GET":
            return self._get(req, kind, rest)
        if kind in WRITABLE:
            return self._write(req, kind, parts[1:])
        return SimResponse.text(405, "Method Not Allowed")

    def _about(self, req: SimRequest, rest: list[str]) -> SimResponse:
        if not rest:
            return SimResponse.json(
                200,
                {
                    "buildVersion": self.store.build_version,
                    "buildDate": "11/14/2022 10:21:00 AM",
                    "databaseProvider": "Devart.Data.PostgreSql",
                    "nodeType": 1,
                    "sharedPersistence": True,
                    "requiresBootstrap": False,
                    "singleNodeOnly": False,
                    "schemaPath": "About",
                },
            )
        if rest == ["api", "description"]:
            entries = self.description()
            if (req.arg("extended") or "").lower() == "true" and (req.arg("format") or "").upper() == "JSON":
                docs = []
                for entry in entries:
                    method, path = entry.split(" ", 1)
                    docs.append(json.dumps({"method": method, "path": path, "body": None, "description": ""}))
                return SimResponse.json(200, docs)
            return SimResponse.json(200, [e + "  " for e in entries])  # Qlik pads some entries
        if rest[:1] == ["openapi"] and self.serve_openapi:
            if self.openapi_path is not None:
                body = self.openapi_path.read_bytes()
                if self.openapi_path.suffix == ".gz":  # the specs in tests/data are kept compressed
                    body = gzip.decompress(body)
                return SimResponse(200, body, [("Content-Type", "application/json; charset=utf-8")])
            return SimResponse.json(200, self._own_swagger())
        return SimResponse(404)

    def _own_swagger(self) -> dict[str, Any]:
        paths: dict[str, dict[str, Any]] = {}
        for entry in self.description():
            method, path = entry.split(" ", 1)
            operation = {"summary": f"{method} {path}", "parameters": [], "responses": {"200": {"description": "OK"}}}
            paths.setdefault(path.removeprefix("/qrs"), {})[method.lower()] = operation
        return {
            "swagger": "2.0",
            "info": {"title": "Qlik Sense Repository Service API", "version": self.store.build_version},
            "basePath": "/qrs",
            "paths": paths,
        }

    def _items(self, kind: str) -> list[dict[str, Any]]:
        if kind == "app" and self.faults.huge_apps:
            count = self.faults.huge_apps
            with self._lock:
                if self._huge is None or self._huge[0] != count:
                    rng = random.Random(count)
                    objs = self.store.objects
                    self._huge = (
                        count,
                        [
                            make_app(rng, i, objs["user"], objs["stream"], objs["tag"], objs["custompropertydefinition"])
                            for i in range(count)
                        ],
                    )
                    self._body_cache.clear()
                return self._huge[1]
        return self.store.objects[kind]

    def _find(self, kind: str, object_id: str) -> dict[str, Any] | None:
        return next((o for o in self._items(kind) if o["id"].lower() == object_id.lower()), None)

    def _get(self, req: SimRequest, kind: str, rest: list[str]) -> SimResponse:
        if len(rest) == 1 and rest[0] not in ("full", "count"):
            if not re.fullmatch(_GUID, rest[0]):
                return SimResponse.text(400, f"'{rest[0]}' is not a valid GUID")
            found = self._find(kind, rest[0])
            return SimResponse.json(200, found) if found else SimResponse(404)
        if len(rest) > 1:
            return SimResponse(404)
        items = self._items(kind)
        filter_text, orderby = req.arg("filter"), req.arg("orderby")
        if not filter_text and not orderby and rest != ["count"] and kind == "app" and self.faults.huge_apps:
            return self._cached_list(kind, items, full=rest == ["full"])
        if filter_text:
            try:
                predicate = compile_filter(filter_text)
            except FilterError as exc:
                return SimResponse.text(400, f"Invalid filter: {exc}")
            items = [o for o in items if predicate(o)]
        if rest == ["count"]:
            return SimResponse.json(200, {"value": len(items)})
        if orderby:
            items = apply_orderby(items, orderby)
        full = rest == ["full"]
        return SimResponse.json(200, items if full else [condensed(kind, o) for o in items])

    def _cached_list(self, kind: str, items: list[dict[str, Any]], full: bool) -> SimResponse:
        # Huge bodies are encoded once: benchmarks measure the client, not json.dumps here.
        key = (len(items), full)
        with self._lock:
            body = self._body_cache.get(key)
            if body is None:
                doc = items if full else [condensed(kind, o) for o in items]
                body = json.dumps(doc, ensure_ascii=False).encode("utf-8")
                self._body_cache[key] = body
        return SimResponse(200, body, [("Content-Type", "application/json; charset=utf-8")])

    def _write(self, req: SimRequest, kind: str, rest: list[str]) -> SimResponse:
        items = self.store.objects[kind]
        if req.method == "POST" and not rest:
            try:
                doc = req.json()
            except ValueError:
                return SimResponse.text(400, "The request body is not valid JSON")
            if not isinstance(doc, dict) or not isinstance(doc.get("name"), str) or not doc["name"]:
                return SimResponse.text(400, "A tag needs a non-empty name")
            obj = {
                "id": str(uuid.uuid4()),
                "createdDate": _now(),
                "modifiedDate": _now(),
                "modifiedByUserName": "",
                "name": doc["name"],
                "privileges": None,
                "schemaPath": "Tag",
            }
            with self._lock:
                items.append(obj)
            return SimResponse.json(201, obj)
        if len(rest) != 1:
            return SimResponse(404)
        found = self._find(kind, rest[0])
        if found is None:
            return SimResponse(404)
        if req.method == "DELETE":
            with self._lock:
                items.remove(found)
            return SimResponse(204)
        if req.method == "PUT":
            try:
                doc = req.json()
            except ValueError:
                return SimResponse.text(400, "The request body is not valid JSON")
            if doc.get("modifiedDate") != found["modifiedDate"]:
                return SimResponse.text(409, "Conflict: modifiedDate does not match (the object changed since you read it)")
            with self._lock:
                found.update({k: v for k, v in doc.items() if k in ("name",)}, modifiedDate=_now())
            return SimResponse.json(200, found)
        return SimResponse.text(405, "Method Not Allowed")
