"""Where Qlik's real API specs live: shared/qlik-specs beside the repository (never shipped)."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

SPECS = Path(__file__).resolve().parents[1].parent / "shared" / "qlik-specs"
QRS_SPEC = SPECS / "qrs-repository-38.22.0.json"
CLOUD_SPEC = SPECS / "qlik-cloud-consolidated.json"


@cache
def load(path: Path) -> dict[str, Any]:
    """A spec, parsed once; missing specs fail in CI and skip elsewhere."""
    if not path.exists():
        if os.environ.get("CI"):
            raise FileNotFoundError(f"{path}: Qlik's specs must be beside the repository in CI")
        pytest.skip(f"{path} not present")
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return doc


def operations(doc: dict[str, Any]) -> int:
    """How many operations a spec describes, counted independently of qlik_tui."""
    return sum(1 for item in doc["paths"].values() for m in item if m in ("get", "post", "put", "patch", "delete"))
