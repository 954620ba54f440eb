"""One simulated Engine session: JSON-RPC 2.0 over handles, as the QIX Engine speaks it.

Handle -1 is the Global object (GetDocList, OpenDoc, GetActiveDoc, EngineVersion), the
opened Doc gets handle 1, and every object fetched gets a handle of its own. Params come
as a list (by position) or an object (by name). Errors carry the Engine's `code`,
`parameter` and `message`; a missing object is the Engine's `qHandle: null` quirk.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .engine_apps import FIELDS, EngineApp, generate_app, parent_of
from .engine_cube import CubeError, compute, field_list, page
from .engine_eval import ExpressionError, cell, compile_expression, number_text

GLOBAL = -1
DOC = 1
ENGINE_VERSION = "12.2100.5"
MAX_HANDLES = 10_000
# Error codes of the Engine's own list (enigma.js and the Engine API reference name them).
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
PARSE_ERROR = -32700
GENERIC_NOT_FOUND = 2
GENERIC_ACCESS_DENIED = 5
APP_ALREADY_OPEN = 1002
APP_NOT_FOUND = 1003

Docs = Callable[[], list[tuple[str, str]]]  # (id, title) of the apps this user may open


class RpcError(Exception):
    """An error answer: {code, parameter, message}."""

    def __init__(self, code: int, parameter: str, message: str) -> None:
        super().__init__(message)
        self.code, self.parameter, self.message = code, parameter, message


def arg(params: Any, index: int, name: str, default: Any = None) -> Any:
    """Parameter `name`: by position in a list, by name in an object."""
    if isinstance(params, list):
        return params[index] if index < len(params) else default
    if isinstance(params, dict):
        return params.get(name, default)
    return default


@dataclass
class _Handle:
    kind: str  # Doc, GenericObject, GenericMeasure, GenericDimension, GenericVariable
    obj_id: str
    props: dict[str, Any]
    session: bool = False  # a session object (CreateSessionObject): DestroySessionObject removes it


@dataclass
class EngineConversation:
    """The state of one WebSocket: which app is bound to the URL, which handles exist."""

    docs: Docs
    url_app: str | None  # the app id in /app/<id>, None for engineData
    attached_doc: EngineApp | None = None  # a session that already holds the app (attached)
    app: EngineApp | None = None
    handles: dict[int, _Handle] = field(default_factory=dict)
    next_handle: int = 2
    last_cube: tuple[str, Any] | None = None  # (definition, computed) of the last cube paged

    def answer(self, raw: str | bytes) -> dict[str, Any]:
        """The response to one request message (always an object with the request's id)."""
        try:
            request = json.loads(raw)
        except (ValueError, RecursionError):
            return {"jsonrpc": "2.0", "id": None, "error": {"code": PARSE_ERROR, "parameter": "", "message": "Parse error"}}
        if not isinstance(request, dict):
            return {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "parameter": "", "message": "Invalid Request"}}
        rid = request.get("id")
        try:
            result = self.dispatch(request.get("handle"), request.get("method"), request.get("params", []))
        except RpcError as exc:
            return {"jsonrpc": "2.0", "id": rid, "error": {"code": exc.code, "parameter": exc.parameter, "message": exc.message}}
        return {"jsonrpc": "2.0", "id": rid, "result": result}

    def dispatch(self, handle: Any, method: Any, params: Any) -> dict[str, Any]:
        """Route a call to the object behind `handle`."""
        if not isinstance(method, str):
            raise RpcError(-32600, "method", "Invalid Request")
        if handle == GLOBAL:
            return self._global(method, params)
        target = self.handles.get(handle) if isinstance(handle, int) else None
        if target is None:
            raise RpcError(INVALID_PARAMS, "Invalid handle", "Invalid Params")
        if target.kind == "Doc":
            return self._doc(method, params)
        return self._object(target, method, params)

    # Global ---------------------------------------------------------------------------
    def _global(self, method: str, params: Any) -> dict[str, Any]:
        if method == "EngineVersion":
            return {"qVersion": {"qComponentVersion": ENGINE_VERSION}}
        if method == "ProductVersion":
            return {"qReturn": ENGINE_VERSION}
        if method == "IsDesktopMode":
            return {"qReturn": False}
        if method == "GetDocList":
            return {"qDocList": [_doc_entry(i, t) for i, t in self.docs()]}
        if method == "OpenDoc":
            return self._open(arg(params, 0, "qDocName"), bool(arg(params, 4, "qNoData", False)))
        if method == "GetActiveDoc":
            if self.app is None:
                raise RpcError(1007, "", "App invalid")  # LOCERR_APP_INVALID: nothing open
            return {"qReturn": _ref("Doc", DOC, self.app.id)}
        raise RpcError(METHOD_NOT_FOUND, method, "Method not found")

    def _open(self, doc_id: Any, no_data: bool) -> dict[str, Any]:
        if not isinstance(doc_id, str) or not doc_id:
            raise RpcError(INVALID_PARAMS, "qDocName", "Invalid Params")
        if self.app is not None or self.attached_doc is not None:
            # This session already holds an app (a second OpenDoc, or a session the proxy
            # attached to one that has it open): the Engine says so; GetActiveDoc gets it.
            if self.app is None and self.attached_doc is not None and self.attached_doc.id == doc_id:
                self.app = self.attached_doc
                self.handles[DOC] = _Handle("Doc", doc_id, {})
            raise RpcError(APP_ALREADY_OPEN, doc_id, "App already open")
        if self.url_app is not None and doc_id.lower() != self.url_app.lower():
            raise RpcError(APP_NOT_FOUND, doc_id, "App not found")  # this socket is bound to another app
        titles = dict((i.lower(), (i, t)) for i, t in self.docs())
        if doc_id.lower() not in titles:
            raise RpcError(APP_NOT_FOUND, doc_id, "App not found")
        real_id, title = titles[doc_id.lower()]
        self.app = generate_app(real_id, title)
        if no_data:
            self.app.rows = []
        self.handles[DOC] = _Handle("Doc", real_id, {})
        return {"qReturn": _ref("Doc", DOC, real_id)}

    # Doc ------------------------------------------------------------------------------
    def _doc(self, method: str, params: Any) -> dict[str, Any]:
        app = self.app
        assert app is not None
        if method == "GetAppLayout":
            return {"qLayout": _app_layout(app)}
        if method == "GetAppProperties":
            return {"qProp": {"qTitle": app.title, "qLastReloadTime": app.reload_time}}
        if method == "GetAllInfos":
            return {"qInfos": [dict(o["qInfo"]) for o in app.objects.values()]}
        if method == "GetScript":
            return {"qScript": app.script}
        if method in ("GetObject", "GetMeasure", "GetDimension"):
            return self._get(app, method, str(arg(params, 0, "qId", "")))
        if method in ("GetVariableByName", "GetVariableById"):
            name = str(arg(params, 0, "qName" if method.endswith("Name") else "qId", ""))
            if name not in app.variables:
                return {"qReturn": {"qType": None, "qHandle": None}}
            props = {"qInfo": {"qId": name, "qType": "variable"}, "qName": name, "qDefinition": app.variables[name]}
            return {"qReturn": self._new_handle("GenericVariable", name, props)}
        if method == "CreateSessionObject":
            prop = arg(params, 0, "qProp")
            if not isinstance(prop, dict):
                raise RpcError(INVALID_PARAMS, "qProp", "Invalid Params")
            info = prop.get("qInfo") if isinstance(prop.get("qInfo"), dict) else {}
            obj_id = str(info.get("qId") or f"session-{self.next_handle}")
            handle = self._new_handle("GenericObject", obj_id, {**prop, "qInfo": {**info, "qId": obj_id}})
            self.handles[handle["qHandle"]].session = True
            return {"qReturn": handle}
        if method == "DestroySessionObject":
            obj_id = arg(params, 0, "qId")
            gone = [n for n, h in self.handles.items() if h.obj_id == obj_id and n != DOC and h.session]
            for number in gone:
                del self.handles[number]
            return {"qSuccess": bool(gone)}
        if method in ("Evaluate", "EvaluateEx"):
            return self._evaluate(app, method, arg(params, 0, "qExpression"))
        raise RpcError(METHOD_NOT_FOUND, method, "Method not found")

    def _get(self, app: EngineApp, method: str, obj_id: str) -> dict[str, Any]:
        obj = app.objects.get(obj_id)
        wanted = {"GetMeasure": "measure", "GetDimension": "dimension"}.get(method)
        if (
            obj is None
            or (wanted and obj["qInfo"]["qType"] != wanted)
            or (not wanted and obj["qInfo"]["qType"] in ("measure", "dimension"))
        ):
            return {"qReturn": {"qType": None, "qHandle": None}}  # the Engine's "not found": no error
        kind = {"GetMeasure": "GenericMeasure", "GetDimension": "GenericDimension"}.get(method, "GenericObject")
        for number, existing in self.handles.items():
            if existing.obj_id == obj_id and existing.kind == kind:
                return {"qReturn": _ref(kind, number, obj_id, obj["qInfo"]["qType"])}
        return {"qReturn": self._new_handle(kind, obj_id, obj)}

    def _new_handle(self, kind: str, obj_id: str, props: dict[str, Any]) -> dict[str, Any]:
        if len(self.handles) >= MAX_HANDLES:
            raise RpcError(19, "", "Memory limit reached")  # LOCERR_GENERIC_MEMORY_LIMIT_REACHED
        number = self.next_handle
        self.next_handle += 1
        self.handles[number] = _Handle(kind, obj_id, props)
        return _ref(kind, number, obj_id, (props.get("qInfo") or {}).get("qType"))

    def _evaluate(self, app: EngineApp, method: str, expression: Any) -> dict[str, Any]:
        if not isinstance(expression, str):
            raise RpcError(INVALID_PARAMS, "qExpression", "Invalid Params")
        try:
            value = compile_expression(expression, set(FIELDS), app.variables)(app.rows)
        except ExpressionError as exc:
            # The Engine answers a bad expression with text, not a JSON-RPC error.
            text = f"Error: {exc}"
            return (
                {"qReturn": text} if method == "Evaluate" else {"qValue": {"qText": text, "qIsNumeric": False, "qNumber": "NaN"}}
            )
        if method == "Evaluate":
            return {"qReturn": number_text(value)}
        return {"qValue": cell(value)}

    # Objects --------------------------------------------------------------------------
    def _object(self, target: _Handle, method: str, params: Any) -> dict[str, Any]:
        app = self.app
        assert app is not None
        if method == "GetInfo":
            return {"qInfo": dict(target.props.get("qInfo") or {"qId": target.obj_id})}
        if method in ("GetProperties", "GetEffectiveProperties"):
            return {"qProp": target.props}
        if method == "GetLayout":
            return {"qLayout": self._layout(app, target)}
        if method == "GetChildInfos":
            return {
                "qInfos": [
                    dict(app.objects[c["name"]]["qInfo"]) for c in target.props.get("cells", []) if c["name"] in app.objects
                ]
            }
        if method == "GetHyperCubeData":
            cube = target.props.get("qHyperCubeDef")
            if not isinstance(cube, dict) or arg(params, 0, "qPath") != "/qHyperCubeDef":
                raise RpcError(GENERIC_NOT_FOUND, str(arg(params, 0, "qPath")), "Not found")
            pages = arg(params, 1, "qPages")
            if not isinstance(pages, list):
                raise RpcError(INVALID_PARAMS, "qPages", "Invalid Params")
            try:
                _, matrix, layout = self._computed(cube, app)
                return {"qDataPages": [page(matrix, layout["qSize"]["qcx"], p if isinstance(p, dict) else {}) for p in pages]}
            except CubeError as exc:
                raise RpcError(exc.code, exc.parameter, exc.message) from None
        raise RpcError(METHOD_NOT_FOUND, method, "Method not found")

    def _computed(self, cube: dict[str, Any], app: EngineApp) -> Any:
        """compute(), kept for the last definition asked: a client fetching a big cube page by
        page (one call each) has it computed once, as the Engine keeps its cube."""
        key = json.dumps(cube, sort_keys=True, default=str)
        if self.last_cube is None or self.last_cube[0] != key:
            self.last_cube = (key, compute(cube, app))
        return self.last_cube[1]

    def _layout(self, app: EngineApp, target: _Handle) -> dict[str, Any]:
        props = target.props
        layout: dict[str, Any] = {k: v for k, v in props.items() if not k.endswith("Def") and k != "cells"}
        layout["qInfo"] = dict(props.get("qInfo") or {})
        layout["qMeta"] = {"privileges": ["read"], **(props.get("qMetaDef") or {})}
        if target.kind == "GenericVariable":
            value = compile_and_value(app, props["qDefinition"])
            return {**layout, "qText": value["qText"], "qNum": value["qNumber"]}
        cube = props.get("qHyperCubeDef")
        if isinstance(cube, dict):
            try:
                _, matrix, hypercube = self._computed(cube, app)
                hypercube = dict(hypercube)
                fetch = cube.get("qInitialDataFetch") or []
                hypercube["qDataPages"] = [page(matrix, hypercube["qSize"]["qcx"], p) for p in fetch if isinstance(p, dict)]
            except CubeError as exc:
                hypercube = {"qError": {"qErrorCode": exc.code}, "qSize": {"qcx": 0, "qcy": 0}, "qDataPages": []}
            layout["qHyperCube"] = hypercube
        if "qChildListDef" in props:
            layout["qChildList"] = {
                "qItems": [
                    {"qInfo": dict(app.objects[c["name"]]["qInfo"]), "qData": {"title": app.objects[c["name"]].get("title", "")}}
                    for c in props.get("cells", [])
                    if c["name"] in app.objects
                ]
            }
        if "qFieldListDef" in props:
            show = bool((props["qFieldListDef"] or {}).get("qShowSystem"))
            layout["qFieldList"] = {"qItems": field_list(app, show)}
        if "qVariableListDef" in props:
            layout["qVariableList"] = {
                "qItems": [
                    {"qName": n, "qDefinition": d, "qInfo": {"qId": n, "qType": "variable"}} for n, d in app.variables.items()
                ]
            }
        for kind, key in (("measure", "qMeasureListDef"), ("dimension", "qDimensionListDef")):
            if key in props:
                items = [
                    {
                        "qInfo": dict(o["qInfo"]),
                        "qMeta": dict(o.get("qMetaDef") or {}),
                        "qData": o.get("qMeasure") or o.get("qDim"),
                    }
                    for o in app.objects.values()
                    if o["qInfo"]["qType"] == kind
                ]
                layout["qMeasureList" if kind == "measure" else "qDimensionList"] = {"qItems": items}
        parent = parent_of(app, target.obj_id)
        if parent:
            layout["qInfo"]["qParentId"] = parent
        return layout


def compile_and_value(app: EngineApp, definition: str) -> dict[str, Any]:
    """A variable's value: its definition evaluated when it is an expression, else as text."""
    try:
        return cell(compile_expression(definition, set(FIELDS), app.variables)(app.rows))
    except ExpressionError:
        return {"qText": definition, "qIsNumeric": False, "qNumber": "NaN"}


def _ref(kind: str, handle: int, obj_id: str, generic_type: str | None = None) -> dict[str, Any]:
    ref: dict[str, Any] = {"qType": kind, "qHandle": handle, "qGenericId": obj_id}
    if generic_type:
        ref["qGenericType"] = generic_type
    return ref


def _doc_entry(doc_id: str, title: str) -> dict[str, Any]:
    return {
        "qDocName": title,
        "qDocId": doc_id,
        "qTitle": title,
        "qConnectedUsers": 0,
        "qFileSize": 1_048_576,
        "qLastReloadTime": "2026-11-30T06:00:00.000Z",
        "qMeta": {"description": "", "qStreamName": ""},
    }


def _app_layout(app: EngineApp) -> dict[str, Any]:
    return {
        "qTitle": app.title,
        "qFileName": app.id,
        "qLastReloadTime": app.reload_time,
        "qHasScript": True,
        "qHasData": bool(app.rows),
        "qStateNames": [],
        "qMeta": {"privileges": ["read", "update"]},
        "qUsage": "ANALYTICS",
        "qLocaleInfo": {"qDecimalSep": ".", "qThousandSep": ",", "qDateFmt": "YYYY-MM-DD"},
    }
