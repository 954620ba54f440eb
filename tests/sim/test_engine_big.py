"""The simulator's big app (12,000 rows) through `qlik-tui engine`: a 10,000-row hypercube
fetched in pages the Engine accepts, numbers computed here from the rows, and a message over
the size cap ending in one readable message with a hint."""

from __future__ import annotations

import json

from qlik_tui.demo.engine_apps import BIG_APP_NAME, BIG_ROWS, generate_rows
from qlik_tui.demo.environment import Demo
from tests.cli_helpers import run_cli


def big_app(demo: Demo) -> str:
    return next(str(a["id"]) for a in demo.qseow.store.objects["app"] if a["name"] == BIG_APP_NAME)


def engine(demo: Demo, *args: str) -> tuple[int, str, str]:
    proc = run_cli("engine", "--profiles", str(demo.profiles_path), *args)
    return proc.returncode, proc.stdout, proc.stderr


def test_ten_thousand_rows_arrive_in_pages_with_the_rows_own_numbers(demo: Demo) -> None:
    app = big_app(demo)
    rows = sorted(generate_rows(app, BIG_ROWS), key=lambda r: r["OrderID"])
    code, out, err = engine(demo, "objects", app, "--type", "table")
    assert code == 0, err
    lines = next(o["id"] for o in json.loads(out) if o["title"] == "Every order line")
    code, out, err = engine(demo, "object", app, lines, "--rows", "10000")
    assert code == 0, err
    cube = json.loads(out)["qHyperCube"]
    assert cube["qSize"] == {"qcx": 6, "qcy": BIG_ROWS}
    assert all(len(p["qMatrix"]) * 6 <= 10_000 for p in cube["qDataPages"])  # each page within the Engine's limit
    matrix = [line for p in cube["qDataPages"] for line in p["qMatrix"]]
    assert len(matrix) == 10_000
    assert [line[0]["qNumber"] for line in matrix] == [r["OrderID"] for r in rows[:10_000]]
    assert [line[3]["qNumber"] for line in matrix[-5:]] == [r["Year"] for r in rows[9_995:10_000]]
    assert all(abs(line[4]["qNumber"] - r["Sales"]) < 1e-9 for line, r in zip(matrix, rows, strict=False))
    code, out, err = engine(demo, "eval", app, "Count(OrderID)", "Sum(Quantity)", "Max(Sales)")
    assert code == 0, err
    assert out.splitlines() == [str(BIG_ROWS), str(sum(r["Quantity"] for r in rows)), f"{max(r['Sales'] for r in rows):g}"]


def test_a_message_over_the_size_cap_is_one_message_with_a_hint(demo: Demo) -> None:
    app = big_app(demo)
    code, out, err = engine(demo, "--max-body", "0.5", "object", app, f"lines-{app.replace('-', '')[:8]}", "--rows", "10000")
    assert code != 0 and out == ""
    assert "bigger than the size cap (0.5 MB)" in err and "hint: ask for less (--rows" in err and "--max-body" in err
    assert "Traceback" not in err
