"""The simulated Engine's apps: data, sheets, objects, fields, variables, master items, script.

Every app the simulated QRS or Cloud tenant lists opens in the Engine: its content is
generated from its id (same id, same data), so a test can regenerate the rows and compute
the numbers an expression must give without asking the Engine.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from typing import Any

REGIONS = ("North", "South", "East", "West", "Central")
PRODUCTS = ("Bikes", "Helmets", "Gloves", "Lights", "Locks", "Pumps", "Bells", "Tyres")
YEARS = (2022, 2023, 2024, 2025)
FIELDS = ("OrderID", "Region", "Product", "Year", "Sales", "Quantity")
NUMERIC_FIELDS = frozenset({"OrderID", "Year", "Sales", "Quantity"})
# One app of each simulated site is big: its Sales table has BIG_ROWS rows and a table with
# one line per order, a hypercube of BIG_ROWS rows (more than one 10,000-cell data page).
BIG_APP_NAME = "Order lines (12,000 rows)"
BIG_ROWS = 12_000


@dataclass
class EngineApp:
    """One app as the Engine holds it: rows of the Sales table and the app's objects."""

    id: str
    title: str
    rows: list[dict[str, Any]]
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> properties
    variables: dict[str, str] = field(default_factory=dict)  # name -> definition
    script: str = ""
    reload_time: str = "2026-11-30T06:00:00.000Z"
    symbols: dict[str, dict[Any, int]] = field(default_factory=dict, repr=False)  # field -> value -> element number


def _seed(app_id: str) -> int:
    return int.from_bytes(hashlib.sha256(app_id.encode()).digest()[:8], "big")


def generate_rows(app_id: str, count: int | None = None) -> list[dict[str, Any]]:
    """The Sales table of app `app_id`: 150 to 400 rows (or `count`), the same for the same id."""
    rng = random.Random(_seed(app_id))
    drawn = rng.randint(150, 400)
    count = drawn if count is None else count
    return [
        {
            "OrderID": 10000 + i,
            "Region": rng.choice(REGIONS),
            "Product": rng.choice(PRODUCTS),
            "Year": rng.choice(YEARS),
            "Sales": round(rng.uniform(5, 2500), 2),
            "Quantity": rng.randint(1, 40),
        }
        for i in range(count)
    ]


def _info(obj_id: str, kind: str) -> dict[str, str]:
    return {"qId": obj_id, "qType": kind}


def _table(obj_id: str, title: str) -> dict[str, Any]:
    return {
        "qInfo": _info(obj_id, "table"),
        "title": title,
        "qHyperCubeDef": {
            "qDimensions": [
                {"qDef": {"qFieldDefs": ["Region"], "qFieldLabels": ["Region"]}},
                {"qDef": {"qFieldDefs": ["Product"], "qFieldLabels": ["Product"]}},
            ],
            "qMeasures": [
                {"qDef": {"qDef": "Sum(Sales)", "qLabel": "Sales"}},
                {"qDef": {"qDef": "Sum(Quantity)", "qLabel": "Quantity"}},
            ],
            "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": 4, "qHeight": 50}],
        },
    }


def _order_lines(obj_id: str) -> dict[str, Any]:
    """A straight table with one line per order: as many hypercube rows as the app has rows."""
    dims = ("OrderID", "Region", "Product", "Year")
    return {
        "qInfo": _info(obj_id, "table"),
        "title": "Every order line",
        "qHyperCubeDef": {
            "qDimensions": [{"qDef": {"qFieldDefs": [d], "qFieldLabels": [d]}} for d in dims],
            "qMeasures": [
                {"qDef": {"qDef": "Sum(Sales)", "qLabel": "Sales"}},
                {"qDef": {"qDef": "Sum(Quantity)", "qLabel": "Quantity"}},
            ],
            "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": 6, "qHeight": 50}],
        },
    }


def _bar(obj_id: str, title: str, dim: str) -> dict[str, Any]:
    return {
        "qInfo": _info(obj_id, "barchart"),
        "title": title,
        "qHyperCubeDef": {
            "qDimensions": [{"qDef": {"qFieldDefs": [dim], "qFieldLabels": [dim]}}],
            "qMeasures": [{"qDef": {"qDef": "Sum(Sales)", "qLabel": "Sales"}}],
            "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": 2, "qHeight": 20}],
        },
    }


def _kpi(obj_id: str, title: str, expression: str) -> dict[str, Any]:
    return {
        "qInfo": _info(obj_id, "kpi"),
        "title": title,
        "qHyperCubeDef": {
            "qDimensions": [],
            "qMeasures": [{"qDef": {"qDef": expression, "qLabel": title}}],
            "qInitialDataFetch": [{"qTop": 0, "qLeft": 0, "qWidth": 1, "qHeight": 1}],
        },
    }


def _sheet(obj_id: str, title: str, children: list[str], rank: int) -> dict[str, Any]:
    return {
        "qInfo": _info(obj_id, "sheet"),
        "qMetaDef": {"title": title, "description": f"{title} at a glance"},
        "rank": rank,
        "cells": [
            {"name": child, "type": "auto", "col": 0, "row": i * 6, "colspan": 24, "rowspan": 6}
            for i, child in enumerate(children)
        ],
        "qChildListDef": {"qData": {"title": "/title"}},
    }


def _master_measure(obj_id: str, label: str, expression: str) -> dict[str, Any]:
    return {
        "qInfo": _info(obj_id, "measure"),
        "qMeasure": {"qLabel": label, "qDef": expression},
        "qMetaDef": {"title": label, "tags": ["finance"]},
    }


def _master_dimension(obj_id: str, label: str, field_name: str) -> dict[str, Any]:
    return {
        "qInfo": _info(obj_id, "dimension"),
        "qDim": {"qGrouping": "N", "qFieldDefs": [field_name], "qFieldLabels": [label]},
        "qMetaDef": {"title": label, "tags": []},
    }


SCRIPT = """///$tab Main
SET ThousandSep=',';
SET DecimalSep='.';
SET DateFormat='YYYY-MM-DD';

///$tab Sales
Sales:
LOAD
    OrderID,
    Region,
    Product,
    Year,
    Sales,
    Quantity
FROM [lib://DataFiles/sales_{short}.qvd] (qvd);
"""


def generate_app(app_id: str, title: str) -> EngineApp:
    """App `app_id` with two sheets, a table with a real hypercube, a bar chart, a KPI,
    two master measures, a master dimension, three variables and a load script; the app
    named BIG_APP_NAME has BIG_ROWS rows and a table of every order line besides."""
    short = app_id.replace("-", "")[:8]
    big = title == BIG_APP_NAME
    app = EngineApp(id=app_id, title=title, rows=generate_rows(app_id, BIG_ROWS if big else None))
    ids = {name: f"{name}-{short}" for name in ("sheet1", "sheet2", "table", "bar", "kpi", "bar2", "mm1", "mm2", "md1")}
    objects = [
        _sheet(ids["sheet1"], "Overview", [ids["kpi"], ids["bar"]], 1),
        _sheet(ids["sheet2"], "Details", [ids["table"], ids["bar2"]], 2),
        _table(ids["table"], "Sales by region and product"),
        _bar(ids["bar"], "Sales by region", "Region"),
        _bar(ids["bar2"], "Sales by year", "Year"),
        _kpi(ids["kpi"], "Total sales", "Sum(Sales)"),
        _master_measure(ids["mm1"], "Total Sales", "Sum(Sales)"),
        _master_measure(ids["mm2"], "Average order", "Avg(Sales)"),
        _master_dimension(ids["md1"], "Sales region", "Region"),
    ]
    if big:
        objects[1]["cells"].append({"name": f"lines-{short}", "type": "auto", "col": 0, "row": 12, "colspan": 24, "rowspan": 6})
        objects.append(_order_lines(f"lines-{short}"))
    app.objects = {o["qInfo"]["qId"]: o for o in objects}
    app.variables = {"vTargetSales": "500000", "vCurrentYear": "2025", "vTopN": "5"}
    app.script = SCRIPT.format(short=short)
    return app


def parent_of(app: EngineApp, obj_id: str) -> str | None:
    """The sheet that holds `obj_id` (charts are a sheet's children), or None."""
    for other in app.objects.values():
        if any(cell["name"] == obj_id for cell in other.get("cells", [])):
            return str(other["qInfo"]["qId"])
    return None
