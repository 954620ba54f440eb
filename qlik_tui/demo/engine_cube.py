"""Hypercubes and lists the simulated Engine computes from an app's rows: real grouping,
real sums, pages cut as qTop/qLeft/qWidth/qHeight ask."""

from __future__ import annotations

from typing import Any

from .engine_apps import FIELDS, NUMERIC_FIELDS, EngineApp
from .engine_eval import ExpressionError, cell, compile_expression

MAX_PAGE_CELLS = 10_000  # the real Engine refuses a data page over 10,000 cells


class CubeError(ValueError):
    """A hypercube definition or page request the Engine refuses (code, parameter)."""

    def __init__(self, code: int, parameter: str, message: str) -> None:
        super().__init__(message)
        self.code, self.parameter, self.message = code, parameter, message


def _dimension_field(dim: dict[str, Any], app: EngineApp) -> str:
    library = dim.get("qLibraryId")
    if library and library in app.objects:
        return str(app.objects[library]["qDim"]["qFieldDefs"][0])
    defs = (dim.get("qDef") or {}).get("qFieldDefs") or []
    name = str(defs[0]).lstrip("=").strip("[]") if defs else ""
    if name not in FIELDS:
        raise CubeError(2, f"qFieldDefs {name!r}", "Field not found")
    return name


def _measure_expression(measure: dict[str, Any], app: EngineApp) -> str:
    library = measure.get("qLibraryId")
    if library and library in app.objects:
        return str(app.objects[library]["qMeasure"]["qDef"])
    return str((measure.get("qDef") or {}).get("qDef") or "")


def compute(definition: dict[str, Any], app: EngineApp) -> tuple[list[str], list[list[dict[str, Any]]], dict[str, Any]]:
    """(labels, full matrix, cube layout without pages) for a qHyperCubeDef."""
    dims = [_dimension_field(d, app) for d in definition.get("qDimensions") or []]
    measures = definition.get("qMeasures") or []
    nodes = []
    for m in measures:
        try:
            nodes.append(compile_expression(_measure_expression(m, app), set(FIELDS), app.variables))
        except ExpressionError as exc:
            raise CubeError(2, _measure_expression(m, app)[:200], str(exc)) from None
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for row in app.rows:
        groups.setdefault(tuple(row[d] for d in dims), []).append(row)
    if not dims:
        groups = {(): app.rows}
    matrix = []
    for key in sorted(groups, key=lambda k: tuple(str(v) if not isinstance(v, (int, float)) else f"{v:020.4f}" for v in k)):
        rows = groups[key]
        line = []
        for dim, value in zip(dims, key, strict=True):
            entry = cell(value) if dim in NUMERIC_FIELDS else {"qText": str(value), "qIsNumeric": False, "qNumber": "NaN"}
            line.append({**entry, "qElemNumber": _elem_number(app, dim, value), "qState": "O"})
        for node in nodes:
            line.append({**cell(node(rows)), "qElemNumber": 0, "qState": "L"})
        matrix.append(line)
    labels = [*dims, *[(m.get("qDef") or {}).get("qLabel") or _measure_expression(m, app) for m in measures]]
    layout = {
        "qSize": {"qcx": len(dims) + len(measures), "qcy": len(matrix)},
        "qDimensionInfo": [
            {"qFallbackTitle": d, "qCardinal": len({r[d] for r in app.rows}), "qGroupFieldDefs": [d]} for d in dims
        ],
        "qMeasureInfo": [
            {
                "qFallbackTitle": labels[len(dims) + i],
                "qMin": _bound(matrix, len(dims) + i, min),
                "qMax": _bound(matrix, len(dims) + i, max),
            }
            for i in range(len(measures))
        ],
        "qMode": "S",
        "qNoOfLeftDims": len(dims),
    }
    return labels, matrix, layout


def _bound(matrix: list[list[dict[str, Any]]], column: int, pick: Any) -> float | str:
    numbers = [line[column]["qNumber"] for line in matrix if line[column]["qIsNumeric"]]
    return float(pick(numbers)) if numbers else "NaN"


def _symbols(app: EngineApp, dim: str) -> dict[Any, int]:
    """A field's symbol table: each value's element number (order of first load), built once."""
    if dim not in app.symbols:  # once per field: a 12,000-row cube asks 48,000 times
        seen: dict[Any, int] = {}
        for row in app.rows:
            seen.setdefault(row[dim], len(seen))
        app.symbols[dim] = seen
    return app.symbols[dim]


def _elem_number(app: EngineApp, dim: str, value: Any) -> int:
    return _symbols(app, dim).get(value, -1)


def page(matrix: list[list[dict[str, Any]]], width: int, request: dict[str, Any]) -> dict[str, Any]:
    """One qDataPage cut out of the matrix."""
    try:
        top, left = int(request.get("qTop", 0)), int(request.get("qLeft", 0))
        w, h = int(request.get("qWidth", 0)), int(request.get("qHeight", 0))
    except (TypeError, ValueError):
        raise CubeError(-32602, "qPages", "Invalid Params") from None
    if min(top, left, w, h) < 0:
        raise CubeError(-32602, "qPages", "Invalid Params")
    if w * h > MAX_PAGE_CELLS:
        raise CubeError(7009, "qPages", "Result too large")  # LOCERR_CALC_PAGES_TOO_LARGE
    rows = [line[left : left + w] for line in matrix[top : top + h]]
    height = len(rows)
    shown_width = max(0, min(w, width - left))
    return {
        "qMatrix": rows,
        "qTails": [],
        "qArea": {"qLeft": left, "qTop": top, "qWidth": shown_width if height else 0, "qHeight": height},
    }


def field_list(app: EngineApp, show_system: bool) -> list[dict[str, Any]]:
    """qFieldList.qItems: name, cardinality, tags."""
    items = []
    for name in FIELDS:
        values = {row[name] for row in app.rows}
        tags = ["$key"] if name == "OrderID" else []
        tags += (
            ["$numeric", "$integer"]
            if name in ("OrderID", "Year", "Quantity")
            else ["$numeric"]
            if name == "Sales"
            else ["$text", "$ascii"]
        )
        items.append({"qName": name, "qCardinal": len(values), "qTags": tags, "qSrcTables": ["Sales"]})
    if show_system:
        items.append({"qName": "$Table", "qCardinal": 1, "qTags": ["$system", "$text"], "qIsSystem": True})
    return items
