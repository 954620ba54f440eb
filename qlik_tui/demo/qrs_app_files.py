"""App files in the simulated QSEoW: `POST /qrs/app/upload`, the export ticket, the download.

As the QRS spec (38.22) has it: `POST /qrs/app/upload?name=X` with the .qvf as the body
(Content-Type application/vnd.qlik.sense.app) answers 201 with the new App; `POST
/qrs/app/{id}/export/{token}` (token: a GUID the client makes) answers 201 with an
AppExportResponse whose `downloadPath` (`/tempcontent/{token}/{name}.qvf?serverNodeId=...`)
is fetched through the same virtual proxy; `GET /qrs/download/app/{id}/{token}/{file}` is
the older way to the same bytes; `DELETE /qrs/app/{id}/export/{token}` ends the ticket.
Bytes live in a temp folder (never in memory: tests send hundreds of MB), with counters.
"""

from __future__ import annotations

import random
import re
import shutil
import tempfile
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .http_server import SimRequest, SimResponse
from .qrs_data import QrsStore, make_app

APP_TYPE = "application/vnd.qlik.sense.app"
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
SERVER_NODE = "9c4a8b63-1f37-4a2e-9d4c-2b1f2a9e5d10"
CHUNK = 1024 * 1024
SEEDED_APP_BYTES = 256 * 1024  # an app of the generated site exports as this many made-up bytes


class AppFiles:
    """Uploaded app bytes and export tickets of one simulated site."""

    def __init__(self, store: QrsStore) -> None:
        self.store = store
        self.folder = Path(tempfile.mkdtemp(prefix="qlik-sim-apps-"))
        self._cleanup = weakref.finalize(self, shutil.rmtree, self.folder, True)
        self._lock = threading.Lock()
        self.tickets: dict[str, str] = {}  # export token -> app id
        self.uploads = 0
        self.bytes_stored = 0

    def close(self) -> None:
        """Remove the stored bytes."""
        self._cleanup()

    def _file(self, app_id: str) -> Path:
        return self.folder / f"{app_id.lower()}.qvf"

    def _app(self, app_id: str) -> dict[str, Any] | None:
        return next((a for a in self.store.objects["app"] if a["id"].lower() == app_id.lower()), None)

    def route(self, req: SimRequest, parts: list[str]) -> SimResponse | None:
        """Answer an upload, export or download path (`parts` after /qrs); None for any other path."""
        low = [p.lower() for p in parts]
        if low[:2] == ["app", "upload"] and len(low) in (2, 3) and low[2:] in ([], ["replace"]):
            if req.method != "POST":
                return SimResponse.text(405, "Method Not Allowed")
            return self.upload(req) if len(low) == 2 else self.replace(req)
        if len(low) == 4 and low[0] == "app" and low[2] == "export":
            if req.method == "POST":
                return self.export(parts[1], parts[3])
            if req.method == "DELETE":
                return self.end_ticket(parts[1], parts[3])
            return SimResponse.text(405, "Method Not Allowed")
        if len(low) == 5 and low[:2] == ["download", "app"] and req.method == "GET":
            return self.download(parts[3], parts[2])
        return None

    @staticmethod
    def _refusal(req: SimRequest) -> SimResponse | None:
        """Why an upload body is refused (wrong type, empty), None when it is an app."""
        content_type = (req.header("content-type") or "").split(";")[0].strip().lower()
        if content_type != APP_TYPE:
            return SimResponse.text(415, f"Unsupported Media Type: send the app as {APP_TYPE}")
        if req.body_size == 0:
            return SimResponse.text(400, "The request body is empty: no app to import")
        return None

    def _store(self, req: SimRequest, app_id: str) -> None:
        with self._file(app_id).open("wb") as out:
            if req.body_file is not None:
                req.body_file.seek(0)
                shutil.copyfileobj(req.body_file, out, CHUNK)
            else:
                out.write(req.body)
        with self._lock:
            self.uploads += 1
            self.bytes_stored += req.body_size

    def upload(self, req: SimRequest) -> SimResponse:
        """Store the body as a new app named by `name`."""
        name = req.arg("name")
        if not name:
            return SimResponse.text(400, "The parameter 'name' is required")
        refused = self._refusal(req)
        if refused is not None:
            return refused
        app = make_app(random.Random(), 10_000 + self.uploads, *self._make_app_inputs())
        app.update(name=name, published=False, stream=None, fileSize=req.body_size, publishTime="1753-01-01T00:00:00.000Z")
        self._store(req, app["id"])
        with self._lock:
            self.store.objects["app"].append(app)
        return SimResponse.json(201, app)

    def replace(self, req: SimRequest) -> SimResponse:
        """Replace the content of the app `targetappid` with the body."""
        target = req.arg("targetappid") or ""
        if not _GUID.fullmatch(target):
            return SimResponse.text(400, "The parameter 'targetappid' must be an app id (a GUID)")
        app = self._app(target)
        if app is None:
            return SimResponse(404)
        refused = self._refusal(req)
        if refused is not None:
            return refused
        self._store(req, app["id"])
        app["fileSize"] = req.body_size
        return SimResponse.json(201, app)

    def _make_app_inputs(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        objs = self.store.objects
        return objs["user"], objs["stream"], objs["tag"], objs["custompropertydefinition"]

    def export(self, app_id: str, token: str) -> SimResponse:
        """Open an export ticket: where the app's bytes can be downloaded."""
        if not _GUID.fullmatch(token) or not _GUID.fullmatch(app_id):
            return SimResponse.text(400, "The app id and the export token must be GUIDs")
        app = self._app(app_id)
        if app is None:
            return SimResponse(404)
        self._ensure_file(app["id"])
        with self._lock:
            self.tickets[token.lower()] = app["id"]
        filename = quote(f"{app['name']}.qvf", safe="")
        return SimResponse.json(
            201, self._ticket(app["id"], token, f"/tempcontent/{token}/{filename}?serverNodeId={SERVER_NODE}")
        )

    def end_ticket(self, app_id: str, token: str) -> SimResponse:
        """Cancel an export ticket."""
        with self._lock:
            found = self.tickets.pop(token.lower(), None)
        if found is None or found.lower() != app_id.lower():
            return SimResponse(404)
        return SimResponse.json(200, {**self._ticket(found, token, ""), "cancelled": True})

    @staticmethod
    def _ticket(app_id: str, token: str, path: str) -> dict[str, Any]:
        return {
            "schemaPath": "AppExportResponse",
            "exportToken": token,
            "appId": app_id,
            "downloadPath": path,
            "cancelled": False,
        }

    def _ensure_file(self, app_id: str) -> None:
        """Apps of the generated site have no file: give them made-up bytes, the same every time."""
        path = self._file(app_id)
        if not path.exists():
            path.write_bytes(random.Random(app_id).randbytes(SEEDED_APP_BYTES))

    def temp_content(self, inner: str) -> SimResponse:
        """`GET /tempcontent/{token}/{file}` through the proxy: the exported app's bytes."""
        parts = [p for p in inner.split("/") if p]
        if len(parts) < 3:
            return SimResponse(404)
        with self._lock:
            app_id = self.tickets.get(parts[1].lower())
        return SimResponse(404) if app_id is None else self._stream(app_id, "/".join(parts[2:]))

    def download(self, token: str, app_id: str) -> SimResponse:
        """`GET /qrs/download/app/{id}/{token}/{file}`: the same bytes, through the QRS."""
        with self._lock:
            found = self.tickets.get(token.lower())
        if found is None or found.lower() != app_id.lower():
            return SimResponse(404)
        return self._stream(found, "app.qvf")

    def _stream(self, app_id: str, filename: str) -> SimResponse:
        path = self._file(app_id)
        size = path.stat().st_size
        shown = quote(filename.rsplit("/", 1)[-1], safe=" .-_()")
        headers = [("Content-Type", "application/octet-stream"), ("Content-Disposition", f'attachment; filename="{shown}"')]
        return SimResponse(200, _chunks(path), headers, length=size)


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk
