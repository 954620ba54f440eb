"""Qlik's real API specs, kept in the repository as compressed test data (tests/data/*.json.gz).

They are Qlik's descriptions of their APIs, used to check the catalog and discovery; they
are never shipped in the package (only `qlik_tui*` is packaged, and a test checks it).
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
QRS_SPEC = DATA / "qrs-repository-38.22.0.json.gz"
CLOUD_SPEC = DATA / "qlik-cloud-consolidated.json.gz"
# Every HTTP verb an OpenAPI path item may hold: the QRS spec has one HEAD operation.
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@cache
def load(path: Path) -> dict[str, Any]:
    """A spec, parsed once."""
    doc: dict[str, Any] = json.loads(gzip.decompress(path.read_bytes()))
    return doc


def unpacked(path: Path, folder: Path) -> Path:
    """The spec as a plain JSON file in `folder` (for a simulator or a catalog_files entry)."""
    target = folder / path.name.removesuffix(".gz")
    target.write_bytes(gzip.decompress(path.read_bytes()))
    return target


NEWER_OPERATION = "GET /qrs/futurething/full"


def newer_qrs_spec(folder: Path) -> Path:
    """The 38.22 document plus one operation the built-in catalog lacks, as a newer server
    build would publish it (what discovery is still for)."""
    doc = json.loads(json.dumps(load(QRS_SPEC)))
    doc["paths"]["/futurething/full"] = {"get": {"parameters": [{"name": "filter", "in": "query", "type": "string"}]}}
    target = folder / "qrs-newer.json"
    target.write_text(json.dumps(doc), encoding="utf-8")
    return target


def operations(doc: dict[str, Any]) -> int:
    """How many operations a spec describes, counted independently of qlik_tui."""
    return sum(1 for item in doc["paths"].values() for m in item if m in METHODS)
