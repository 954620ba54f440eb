"""Engine sessions over real loopback WebSockets: limits, attaching, engine errors with hints,
and numbers checked against the generated data computed here, independently."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable

import pytest

from qlik_tui.core.engine import actions
from qlik_tui.core.engine.errors import (
    APP_ALREADY_OPEN,
    APP_NOT_FOUND,
    INVALID_PARAMS,
    METHOD_NOT_FOUND,
    EngineError,
    TooManySessions,
)
from qlik_tui.core.engine.session import GLOBAL, EngineSession, open_socket
from qlik_tui.core.engine.target import engine_target
from qlik_tui.core.errors import RequestFailed
from qlik_tui.core.http.connections import open_connection
from qlik_tui.core.http.qseow import QseowConnection
from qlik_tui.demo.engine_apps import generate_rows
from qlik_tui.demo.environment import Demo
from tests.sim.conftest import profile


async def until(condition: Callable[[], object], seconds: float = 30.0, what: str = "") -> None:
    """Poll `condition` until it holds (the Engine ends a closed socket's session in its own
    thread, a moment after the client's close returns); fail naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not within {seconds:g} s: {what}"
        await asyncio.sleep(0.01)


def app_ids(demo: Demo, count: int) -> list[str]:
    return [str(a["id"]) for a in demo.qseow.store.objects["app"][:count]]


@pytest.fixture
async def qseow(demo: Demo) -> AsyncIterator[QseowConnection]:
    connection = open_connection(profile(demo, "demo-qseow"))
    assert isinstance(connection, QseowConnection)
    yield connection
    await connection.aclose()


async def test_a_sixth_parallel_session_is_refused_with_the_engines_notification(demo: Demo, qseow: QseowConnection) -> None:
    ids = app_ids(demo, 7)
    sessions = [await EngineSession.open(qseow, app) for app in ids[:5]]
    try:
        with pytest.raises(TooManySessions) as caught:
            await EngineSession.open(qseow, ids[5])
        assert "OnMaxParallelSessionsExceeded" in caught.value.message and "five" in caught.value.hint
        assert demo.qseow.engine.refused == 1
        await sessions.pop().close()  # one fewer: room for a new one
        await until(lambda: demo.qseow.engine.live_count() == 4, what="the Engine ends the closed session")
        async with await EngineSession.open(qseow, ids[6]) as engine:
            assert await engine.open_doc() == 1
    finally:
        for session in sessions:
            await session.close()
    await until(lambda: demo.qseow.engine.live_count() == 0, what="every session ended")


async def test_one_session_per_profile_and_app(demo: Demo, qseow: QseowConnection) -> None:
    app = app_ids(demo, 1)[0]
    async with await EngineSession.open(qseow, app):
        with pytest.raises(RequestFailed, match="already open on this profile"):
            await EngineSession.open(qseow, app)
    async with await EngineSession.open(qseow, app) as again:  # closed: may open again
        assert again.is_open
    # Two opens at once (a double key press): one WebSocket, the other refused.
    results = await asyncio.gather(EngineSession.open(qseow, app), EngineSession.open(qseow, app), return_exceptions=True)
    opened = [r for r in results if isinstance(r, EngineSession)]
    assert len(opened) == 1 and isinstance(next(r for r in results if r not in opened), RequestFailed)
    await opened[0].close()


async def test_a_socket_attached_to_a_session_holding_the_app_uses_the_open_doc(demo: Demo, qseow: QseowConnection) -> None:
    app = app_ids(demo, 1)[0]
    async with await EngineSession.open(qseow, app) as first:
        await first.open_doc()
        # A second socket in the same proxy session, for the same app (another tab, say).
        target = await engine_target(qseow, app)
        second = EngineSession(qseow, app, await open_socket(qseow, target))
        try:
            await second._wait_connected()
            assert second.session_state == "SESSION_ATTACHED"
            with pytest.raises(EngineError) as caught:
                await second.call(GLOBAL, "OpenDoc", [app])
            assert caught.value.code == 1002 and "GetActiveDoc" in caught.value.hint
            assert await second.open_doc() == 1  # falls back to GetActiveDoc
        finally:
            await second.close()


async def test_engine_errors_become_messages_with_hints(demo: Demo, qseow: QseowConnection) -> None:
    app = app_ids(demo, 1)[0]
    async with await EngineSession.open(qseow, None) as engine:
        with pytest.raises(EngineError) as caught:
            await engine.open_doc("00000000-0000-0000-0000-000000000000")
        assert caught.value.code == APP_NOT_FOUND and "engine apps" in caught.value.hint
    async with await EngineSession.open(qseow, app) as engine:
        doc = await engine.open_doc(no_data=True)
        with pytest.raises(EngineError) as caught:
            await engine.call(doc, "NoSuchMethod")
        assert caught.value.code == METHOD_NOT_FOUND and "case-sensitive" in caught.value.hint
        with pytest.raises(EngineError) as caught:
            await engine.call(4242, "GetLayout")
        assert caught.value.code == INVALID_PARAMS and "handle" in caught.value.hint
        with pytest.raises(EngineError, match="no object with id nope"):
            await engine.get_object(doc, "nope")
        assert engine.is_open  # errors leave the session usable
        assert (await engine.call(doc, "GetAppLayout"))["qLayout"]["qHasData"] is False  # opened without data


async def test_eval_numbers_match_the_generated_rows(demo: Demo, qseow: QseowConnection) -> None:
    app = app_ids(demo, 3)[2]
    rows = generate_rows(app)
    sales = [r["Sales"] for r in rows]
    expected = {
        "Sum(Sales)": sum(sales),
        "Count(OrderID)": len(rows),
        "Count(DISTINCT Product)": len({r["Product"] for r in rows}),
        "Min(Quantity)": min(r["Quantity"] for r in rows),
        "Max(Sales)": max(sales),
        "Avg(Sales)": statistics.fmean(sales),
        "=Sum(Sales * Quantity) / Sum(Quantity)": sum(r["Sales"] * r["Quantity"] for r in rows)
        / sum(r["Quantity"] for r in rows),
        "Sum([Quantity]) - $(vTopN)": sum(r["Quantity"] for r in rows) - 5,
    }
    async with await EngineSession.open(qseow, app) as engine:
        doc = await engine.open_doc()
        values = await actions.evaluate(engine, doc, [*expected, "Foo(Sales)", "Sum(Nope)"])
    for value, (expression, number) in zip(values, expected.items(), strict=False):
        assert value["expression"] == expression and not value["error"]
        assert value["number"] == pytest.approx(number, rel=1e-12), expression
    assert values[-2]["error"] and "'Foo' is not a valid function" in values[-2]["text"] and values[-2]["number"] is None
    assert values[-1]["error"] and "Nope" in values[-1]["text"]


async def test_table_hypercube_pages_match_a_group_by_of_the_rows(demo: Demo, qseow: QseowConnection) -> None:
    app = app_ids(demo, 2)[1]
    totals: dict[tuple[str, str], float] = defaultdict(float)
    for row in generate_rows(app):
        totals[(row["Region"], row["Product"])] += row["Sales"]
    async with await EngineSession.open(qseow, app) as engine:
        doc = await engine.open_doc()
        listed = await actions.objects(engine, doc, "table")
        assert [o["title"] for o in listed] == ["Sales by region and product"]
        layout = await actions.object_layout(engine, doc, listed[0]["id"], rows=7)
    cube = layout["qHyperCube"]
    assert cube["qSize"] == {"qcx": 4, "qcy": len(totals)}
    matrix = cube["qDataPages"][0]["qMatrix"]
    assert len(matrix) == 7
    for line in matrix:
        assert line[2]["qNumber"] == pytest.approx(totals[(line[0]["qText"], line[1]["qText"])])
    assert [(line[0]["qText"], line[1]["qText"]) for line in matrix] == sorted(totals)[:7]


async def test_fields_variables_script_and_app_list(demo: Demo, qseow: QseowConnection) -> None:
    app = app_ids(demo, 1)[0]
    rows = generate_rows(app)
    async with await EngineSession.open(qseow, app) as engine:
        doc = await engine.open_doc()
        fields = {f["name"]: f for f in await actions.fields(engine, doc)}
        variables = await actions.variables(engine, doc)
        script = await actions.script(engine, doc)
    assert fields["Region"]["cardinality"] == len({r["Region"] for r in rows}) and "$text" in fields["Region"]["tags"]
    assert fields["OrderID"]["cardinality"] == len(rows)
    assert {"name": "vTopN", "definition": "5"} in variables
    assert "LOAD" in script and "Sales:" in script
    listed = await actions.app_list(qseow)
    assert [a["id"] for a in listed] == [a["id"] for a in demo.qseow.store.objects["app"]]


async def test_outline_puts_objects_under_their_sheets(demo: Demo, qseow: QseowConnection) -> None:
    app = app_ids(demo, 1)[0]
    short = app.replace("-", "")[:8]
    async with await EngineSession.open(qseow, app) as engine:
        tree = await actions.outline(engine, await engine.open_doc(no_data=True))
    sheets = {s["title"]: [c["title"] for c in s["children"]] for s in tree["sheets"]}
    assert sheets == {"Overview": ["Total sales", "Sales by region"], "Details": ["Sales by region and product", "Sales by year"]}
    assert [m["id"] for m in tree["measures"]] == [f"mm1-{short}", f"mm2-{short}"] and len(tree["dimensions"]) == 1
    assert tree["other"] == [] and {v["name"] for v in tree["variables"]} == {"vTargetSales", "vCurrentYear", "vTopN"}
    assert [f["name"] for f in tree["fields"]][:2] == ["OrderID", "Region"]


async def test_a_session_holding_another_app_is_an_error_not_that_apps_data(demo: Demo, qseow: QseowConnection) -> None:
    first, second = app_ids(demo, 2)
    async with await EngineSession.open(qseow, None) as engine:  # engineData: any app may be opened there
        assert await engine.open_doc(first) == 1
        with pytest.raises(EngineError) as caught:
            await engine.open_doc(second)  # the Engine: 1002 App already open (the first)
        assert caught.value.code == APP_ALREADY_OPEN and first in caught.value.message
        assert "already holds an app" in caught.value.hint
        assert engine.is_open
