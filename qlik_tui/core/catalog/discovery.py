"""Learn a server's endpoints: QRS Swagger 2.0 (`/qrs/about/openapi/main`), the two forms
of `/qrs/about/api/description`, and OpenAPI 3 files (Qlik Cloud's published specs)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..errors import QlikTuiError
from ..file_read import CATALOG_FILE_LIMIT, read_regular_file
from .deprecation import from_operation, newer_operation, rate_limit
from .endpoint import SERVER, Endpoint

# HEAD too: QRS 38.22 publishes one HEAD operation (certificatedistribution/redistributecertificate).
METHODS = ("get", "post", "put", "patch", "delete", "head")
_DESCRIPTION_LINE = re.compile(r"^\s*(GET|POST|PUT|PATCH|DELETE|HEAD)\s+(\S+)", re.IGNORECASE)


def _resolve(doc: dict[str, Any], node: Any, depth: int = 0) -> Any:
    while isinstance(node, dict) and "$ref" in node and depth < 10:
        target: Any = doc
        for part in str(node["$ref"]).lstrip("#/").split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        node, depth = target, depth + 1
    return node


def _list(value: Any) -> list[Any]:
    """`parameters` as a list; a hand-edited or hostile document may hold anything there."""
    return value if isinstance(value, list) else []


def _query_params(doc: dict[str, Any], path_item: dict[str, Any], operation: dict[str, Any]) -> tuple[list[str], set[str], bool]:
    """Query keys in spec order, the required ones, and whether the operation takes a body."""
    names: list[str] = []
    required: set[str] = set()
    body = isinstance(operation.get("requestBody"), dict)  # OpenAPI 3
    for raw in [*_list(path_item.get("parameters")), *_list(operation.get("parameters"))]:
        param = _resolve(doc, raw)
        if not isinstance(param, dict) or not isinstance(param.get("name"), str):
            continue
        if param.get("in") == "body":  # Swagger 2
            body = True
        elif param.get("in") == "query" and param["name"] not in names:
            names.append(param["name"])
            if param.get("required") is True:
                required.add(param["name"])
    return names, required, body


def _summary(operation: dict[str, Any]) -> str:
    text = operation.get("summary") or operation.get("description") or ""
    return " ".join(str(text).split())[:120]


def _group(path: str, operation: dict[str, Any], skip: int) -> str:
    tags = operation.get("tags")
    if isinstance(tags, list) and tags and isinstance(tags[0], str):
        return tags[0]
    parts = [p for p in path.split("/") if p and not p.startswith("{")]
    return parts[skip] if len(parts) > skip else (parts[-1] if parts else "other")


def from_openapi(doc: Any, source: str = SERVER) -> list[Endpoint]:
    """Operations of a Swagger 2.0 (QRS, paths without /qrs) or OpenAPI 3 document."""
    if not isinstance(doc, dict) or not isinstance(doc.get("paths"), dict):
        raise QlikTuiError("not an OpenAPI or Swagger document (no `paths`)", "pass a JSON OpenAPI 3 or Swagger 2.0 file")
    swagger = str(doc.get("swagger", "")).startswith("2")
    base = str(doc.get("basePath", "")).rstrip("/") if swagger else ""
    if swagger and not base:
        base = "/qrs"  # the QRS document's paths lack the /qrs prefix
    operations = {
        (method.upper(), (f"{base}{path}" if not path.startswith(base + "/") else path).lower()): f"{base}{path}"
        for path, item in doc["paths"].items()
        if isinstance(item, dict)
        for method in METHODS
        if isinstance(item.get(method), dict)
    }

    def exists(method: str, path: str) -> str | None:
        # A replacement named relative to the API root ("/scheduling/tasks", "/v1/x"), or
        # to this API ("/email-config"): the operation of this document it means, if any.
        for candidate in (path, "/api" + path, "/api/v1" + path):
            found = operations.get((method, candidate.lower()))
            if found:
                return found
        ends = [full for (verb, low), full in operations.items() if verb == method and low.endswith(path.lower())]
        return ends[0] if len(ends) == 1 else None

    out: list[Endpoint] = []
    for path, item in doc["paths"].items():
        if not isinstance(item, dict):
            continue
        full = f"{base}{path}" if not path.startswith(base + "/") else path
        for method in METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                skip = 1 if full.startswith("/qrs/") else 2 if full.startswith("/api/v1/") else 0
                names, required, body = _query_params(doc, item, operation)
                out.append(
                    Endpoint(
                        method.upper(),
                        full,
                        _summary(operation),
                        _group(full, operation, skip),
                        tuple(names),
                        None,
                        source,
                        required=tuple(n for n in names if n in required),
                        takes_body=body,
                        deprecation=from_operation(operation, method.upper(), exists),
                        newer=newer_operation(operation, exists),
                        rate_limit=rate_limit(operation),
                    )
                )
    return out


def from_description(entries: Any, source: str = SERVER) -> list[Endpoint]:
    """`/qrs/about/api/description` in its plain form (["GET /qrs/app/{id}", ...], sometimes
    space-padded) or its `extended=true&format=JSON` form (each entry a JSON string)."""
    if not isinstance(entries, list):
        raise QlikTuiError("api/description did not answer a JSON list", "is this a QRS?")
    out: list[Endpoint] = []
    for entry in entries:
        method, path = _description_entry(entry)
        if method and path:
            path, _, query = path.partition("?")
            params = tuple(p.split("=", 1)[0] for p in query.split("&") if p)
            parts = [p for p in path.split("/") if p and not p.startswith("{")]
            group = parts[1] if len(parts) > 1 else "other"
            out.append(Endpoint(method.upper(), path, "", group, params, None, source))
    return out


def _description_entry(entry: Any) -> tuple[str, str]:
    if isinstance(entry, str):
        text = entry.strip()
        if text.startswith("{"):
            try:
                entry = json.loads(text)
            except ValueError:
                return "", ""
        else:
            match = _DESCRIPTION_LINE.match(text)
            return (match.group(1), match.group(2)) if match else ("", "")
    if isinstance(entry, dict):
        lowered = {str(k).lower(): v for k, v in entry.items()}
        method = lowered.get("method") or lowered.get("verb") or ""
        path = lowered.get("path") or lowered.get("url") or lowered.get("uri") or lowered.get("template") or ""
        if isinstance(method, str) and isinstance(path, str):
            if not method and _DESCRIPTION_LINE.match(path):
                match = _DESCRIPTION_LINE.match(path)
                assert match is not None
                return match.group(1), match.group(2)
            return method, path if path.startswith("/") else "/" + path
    return "", ""


def load_openapi_file(path: Path) -> list[Endpoint]:
    """Endpoints of an OpenAPI file named in a profile's `catalog_files`."""
    raw = read_regular_file(
        path,
        what="catalog file",
        limit=CATALOG_FILE_LIMIT,
        missing_hint="check catalog_files in the profile (paths are relative to the profiles file)",
    )
    try:
        doc = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise QlikTuiError(
            f"{path}: the catalog file is not UTF-8 text", "catalog files must be OpenAPI documents in JSON"
        ) from None
    except RecursionError:
        raise QlikTuiError(f"{path}: the catalog file is nested too deeply to read", "is this an OpenAPI document?") from None
    except ValueError as exc:
        raise QlikTuiError(f"{path}: not JSON ({exc})", "catalog files must be OpenAPI documents in JSON") from None
    try:
        return from_openapi(doc, source=path.name)
    except QlikTuiError as exc:
        raise QlikTuiError(f"{path}: {exc.message}", exc.hint) from None
