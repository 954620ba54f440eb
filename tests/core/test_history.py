"""Per-profile history: persisted 0600, secrets masked, read once, damaged lines skipped."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from qlik_tui.core.history import History
from qlik_tui.core.http.types import Request


def test_history_masks_and_caches(tmp_path: Path) -> None:
    history = History("prod/eu", tmp_path)
    body = json.dumps({"name": "conn", "password": "hunter2", "nested": {"apiKey": "k"}}).encode()
    history.add(Request.build("POST", "/qrs/dataconnection", [("privileges", "true")], body), 201, 0.1)
    text = history.path.read_text()
    assert "hunter2" not in text and '"k"' not in text and history.path.name == "prod_eu.jsonl"
    assert stat.S_IMODE(os.stat(history.path).st_mode) == 0o600
    history.path.write_text(text + "not json\n")  # damage after the first read
    assert [e.status for e in history.entries()] == [201]  # served from memory
    history.add(Request.build("GET", "/qrs/about"), None, None)
    assert [e.label() for e in history.entries()] == ["201 POST /qrs/dataconnection?privileges=true", "ERR GET /qrs/about"]
    fresh = History("prod/eu", tmp_path)
    assert len(fresh.entries()) == 2  # the damaged line is skipped, the rest kept


def test_state_folder_is_private_and_an_existing_loose_one_is_tightened(tmp_path: Path, monkeypatch: object) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))  # type: ignore[attr-defined]
    History("prod").add(Request.build("GET", "/qrs/about"), 200, 0.1)
    state = tmp_path / "state" / "qlik-tui"
    assert stat.S_IMODE(os.stat(state).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(state / "history").st_mode) == 0o700
    state.chmod(0o755)  # made by an older version
    History("eu").add(Request.build("GET", "/qrs/about"), 200, 0.1)
    assert stat.S_IMODE(os.stat(state).st_mode) == 0o700
