"""What `qlik-tui engine` does, as functions of an open EngineSession (the TUI's Engine view
calls the same ones): app list, layout, objects with titles, one object with its hypercube
data paged, fields, script, expressions, and raw JSON-RPC.

Independent calls go out together (JSON-RPC answers are matched by id), so listing fifty
objects costs about one round trip, not fifty.
"""

from __future__ import annotations

import asyncio
from typing import Any

from ..http.connection import Connection
from ..http.types import Request
from ..profiles.model import CloudProfile
from .errors import EngineError
from .session import GLOBAL, EngineSession, ObjectRef, object_ref

MAX_PAGE_CELLS = 10_000  # the Engine's limit for one data page
MAX_APPS_PAGES = 100


async def app_list(connection: Connection) -> list[dict[str, Any]]:
    """The apps the user can open: GetDocList on QSEoW, the items API on Qlik Cloud."""
    if isinstance(connection.profile, CloudProfile):
        response = await connection.send(
            Request.build("GET", "/api/v1/items", [("resourceType", "app"), ("limit", "100")]),
            all_pages=True,
            max_pages=MAX_APPS_PAGES,
        )
        if response.error is not None:
            raise response.error
        data = response.json().get("data") if isinstance(response.json(), dict) else None
        return [
            {
                "id": str(item.get("resourceId") or ""),
                "name": str(item.get("name") or ""),
                "spaceId": str(item.get("spaceId") or ""),
            }
            for item in data or []
            if isinstance(item, dict)
        ]
    async with await EngineSession.open(connection, None) as engine:
        result = await engine.call(GLOBAL, "GetDocList")
    docs = result.get("qDocList")
    return [
        {
            "id": str(doc.get("qDocId") or ""),
            "name": str(doc.get("qTitle") or doc.get("qDocName") or ""),
            "lastReloadTime": str(doc.get("qLastReloadTime") or ""),
            "stream": _stream_name(doc.get("qMeta")),
        }
        for doc in (docs if isinstance(docs, list) else [])
        if isinstance(doc, dict)
    ]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _count(value: Any) -> int:
    """A size the server sent, as a non-negative int (0 for anything else)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _stream_name(meta: Any) -> str:
    stream = meta.get("stream") if isinstance(meta, dict) else None
    return str(stream.get("name") or "") if isinstance(stream, dict) else ""


async def app_layout(engine: EngineSession, doc: int) -> Any:
    """GetAppLayout's qLayout."""
    return (await engine.call(doc, "GetAppLayout")).get("qLayout")


def _title(props: dict[str, Any]) -> str:
    """An object's title wherever its type keeps it (sheet meta, chart title, master item label)."""
    meta = _dict(props.get("qMetaDef"))
    for value in (
        meta.get("title"),
        props.get("title"),
        (props.get("qMeasure") or {}).get("qLabel") if isinstance(props.get("qMeasure"), dict) else None,
        ((props.get("qDim") or {}).get("qFieldLabels") or [None])[0] if isinstance(props.get("qDim"), dict) else None,
    ):
        if isinstance(value, str) and value:
            return value
        if isinstance(value, dict) and isinstance(value.get("qStringExpression"), dict):
            return str(value["qStringExpression"].get("qExpr", ""))
    return ""


async def objects(engine: EngineSession, doc: int, kind: str | None = None) -> list[dict[str, str]]:
    """GetAllInfos (optionally one qType), each with its title from its properties."""
    infos = (await engine.call(doc, "GetAllInfos")).get("qInfos")
    chosen = [
        i for i in (infos if isinstance(infos, list) else []) if isinstance(i, dict) and (kind is None or i.get("qType") == kind)
    ]
    method = {"measure": "GetMeasure", "dimension": "GetDimension"}

    async def titled(info: dict[str, Any]) -> dict[str, str]:
        obj_id, obj_type = str(info.get("qId") or ""), str(info.get("qType") or "")
        ref = object_ref(await engine.call(doc, method.get(obj_type, "GetObject"), {"qId": obj_id}), obj_id)
        title = ""
        if ref is not None:
            props = (await engine.call(ref.handle, "GetProperties")).get("qProp")
            title = _title(props) if isinstance(props, dict) else ""
        return {"id": obj_id, "type": obj_type, "title": title}

    return list(await asyncio.gather(*(titled(i) for i in chosen)))


async def hypercube_pages(engine: EngineSession, ref: ObjectRef, cube: dict[str, Any], rows: int) -> list[Any]:
    """Up to `rows` rows of a hypercube, in pages the Engine accepts (at most 10,000 cells each)."""
    size = _dict(cube.get("qSize"))
    width, height = _count(size.get("qcx")), _count(size.get("qcy"))
    wanted = min(rows, height)
    if width <= 0 or wanted <= 0:
        return []
    step = max(1, MAX_PAGE_CELLS // width)
    pages = [{"qTop": top, "qLeft": 0, "qWidth": width, "qHeight": min(step, wanted - top)} for top in range(0, wanted, step)]

    # One call per page, sent together: each answer is one page (a few MB at most), parsed on
    # its own, so a TUI's event loop gets a turn between pages instead of waiting for one
    # parse of every page at once (JSON parsing holds the GIL, even in a thread).
    async def one(request: dict[str, int]) -> list[Any]:
        result = await engine.call(ref.handle, "GetHyperCubeData", {"qPath": "/qHyperCubeDef", "qPages": [request]})
        data = result.get("qDataPages")
        return data if isinstance(data, list) else []

    return [p for answer in await asyncio.gather(*(one(r) for r in pages)) for p in answer]


async def object_layout(engine: EngineSession, doc: int, obj_id: str, rows: int = 100) -> Any:
    """An object's layout; a hypercube's data pages replaced by its first `rows` rows."""
    ref = await engine.get_object(doc, obj_id)
    layout = (await engine.call(ref.handle, "GetLayout")).get("qLayout")
    cube = layout.get("qHyperCube") if isinstance(layout, dict) else None
    if isinstance(cube, dict) and "qError" not in cube:
        cube["qDataPages"] = await hypercube_pages(engine, ref, cube, rows)
    return layout


async def _session_list(engine: EngineSession, doc: int, prop: dict[str, Any], key: str) -> list[Any]:
    """A session object's list (FieldList, VariableList...), destroyed after reading."""
    ref = object_ref(await engine.call(doc, "CreateSessionObject", {"qProp": prop}))
    if ref is None:
        raise EngineError("the Engine created no session object", "the server is not a Qlik Engine, or broken")
    try:
        layout = (await engine.call(ref.handle, "GetLayout")).get("qLayout")
    finally:
        await engine.call(doc, "DestroySessionObject", {"qId": ref.id})
    items = (layout.get(key) or {}).get("qItems") if isinstance(layout, dict) and isinstance(layout.get(key), dict) else None
    return items if isinstance(items, list) else []


async def fields(engine: EngineSession, doc: int, system: bool = False) -> list[dict[str, Any]]:
    """Every field: name, cardinality, tags (a FieldList session object)."""
    prop = {
        "qInfo": {"qType": "FieldList"},
        "qFieldListDef": {"qShowSystem": system, "qShowHidden": system, "qShowSrcTables": True},
    }
    return [
        {
            "name": str(i.get("qName") or ""),
            "cardinality": i.get("qCardinal"),
            "tags": [str(t) for t in i.get("qTags") or [] if isinstance(t, str)],
        }
        for i in await _session_list(engine, doc, prop, "qFieldList")
        if isinstance(i, dict)
    ]


async def variables(engine: EngineSession, doc: int) -> list[dict[str, Any]]:
    """Every variable: name and definition (a VariableList session object)."""
    prop = {"qInfo": {"qType": "VariableList"}, "qVariableListDef": {"qType": "variable", "qData": {}}}
    return [
        {"name": str(i.get("qName") or ""), "definition": str(i.get("qDefinition") or "")}
        for i in await _session_list(engine, doc, prop, "qVariableList")
        if isinstance(i, dict)
    ]


async def script(engine: EngineSession, doc: int) -> str:
    """The load script as text."""
    value = (await engine.call(doc, "GetScript")).get("qScript")
    return value if isinstance(value, str) else ""


def _expression_failed(value: dict[str, Any]) -> bool:
    # The Engine answers a bad expression with text ("Error: ..."), not with an error object.
    text = value.get("qText")
    return not value.get("qIsNumeric") and isinstance(text, str) and text.startswith("Error:")


async def evaluate(engine: EngineSession, doc: int, expressions: list[str]) -> list[dict[str, Any]]:
    """EvaluateEx for each expression: text, number (None when not numeric), error flag."""

    async def one(expression: str) -> dict[str, Any]:
        value = (await engine.call(doc, "EvaluateEx", {"qExpression": expression})).get("qValue")
        value = value if isinstance(value, dict) else {}
        number = value.get("qNumber")
        numeric = bool(value.get("qIsNumeric")) and isinstance(number, (int, float)) and not isinstance(number, bool)
        return {
            "expression": expression,
            "text": str(value.get("qText", "")),
            "number": number if numeric else None,
            "error": _expression_failed(value),
        }

    return list(await asyncio.gather(*(one(e) for e in expressions)))


async def outline(engine: EngineSession, doc: int) -> dict[str, Any]:
    """What an Engine view's tree shows: sheets with their objects (GetChildInfos), master
    measures and dimensions, objects on no sheet, variables and fields."""
    listed = await objects(engine, doc)
    titles = {o["id"]: o["title"] for o in listed}
    sheets = [o for o in listed if o["type"] == "sheet"]

    async def with_children(sheet: dict[str, str]) -> dict[str, Any]:
        ref = await engine.get_object(doc, sheet["id"])
        infos = (await engine.call(ref.handle, "GetChildInfos")).get("qInfos")
        children = [
            {"id": str(i.get("qId") or ""), "type": str(i.get("qType") or ""), "title": titles.get(str(i.get("qId")), "")}
            for i in (infos if isinstance(infos, list) else [])
            if isinstance(i, dict)
        ]
        return {**sheet, "children": children}

    filled = list(await asyncio.gather(*(with_children(s) for s in sheets)))
    on_sheets = {c["id"] for s in filled for c in s["children"]}
    masters = ("measure", "dimension")
    return {
        "sheets": filled,
        "measures": [o for o in listed if o["type"] == "measure"],
        "dimensions": [o for o in listed if o["type"] == "dimension"],
        "other": [o for o in listed if o["type"] not in (*masters, "sheet") and o["id"] not in on_sheets],
        "variables": await variables(engine, doc),
        "fields": await fields(engine, doc),
    }
