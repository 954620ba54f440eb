"""A hostile "Engine" (a real websockets server on loopback) against the client: junk,
nesting bombs, answers to calls never made, oversized messages, silence, and a close."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection, serve

from qlik_tui.core.engine.errors import EngineClosed, EngineError
from qlik_tui.core.engine.session import EngineSession, open_socket
from qlik_tui.core.engine.target import EngineTarget
from qlik_tui.core.http.connections import open_connection
from qlik_tui.demo.environment import Demo
from tests.sim.conftest import profile

Behaviour = Callable[[ServerConnection, dict[str, Any]], Awaitable[None]]


@pytest.fixture
async def hostile(demo: Demo) -> AsyncIterator[Callable[[Behaviour, float], Awaitable[EngineSession]]]:
    """Open an EngineSession on a server that answers each request with `behaviour`."""
    servers = []
    connection = open_connection(profile(demo, "demo-qseow"))

    async def start(behaviour: Behaviour, timeout: float = 5.0) -> EngineSession:
        async def handler(ws: ServerConnection) -> None:
            await ws.send(json.dumps({"jsonrpc": "2.0", "method": "OnConnected", "params": {"qSessionState": "SESSION_CREATED"}}))
            async for raw in ws:
                await behaviour(ws, json.loads(raw))

        server = await serve(handler, "127.0.0.1", 0)
        servers.append(server)
        port = next(iter(server.sockets)).getsockname()[1]
        connection.timeout = timeout
        target = EngineTarget(url=f"ws://127.0.0.1:{port}/app/x", shown_url="ws://127.0.0.1/app/x")
        session = EngineSession(connection, "x", await open_socket(connection, target, max_message=64 * 1024))
        await session._wait_connected()
        return session

    yield start
    for server in servers:
        server.close()
        await server.wait_closed()
    await connection.aclose()


async def test_junk_and_strangers_are_ignored_then_the_real_answer_counts(hostile: Any) -> None:
    async def behaviour(ws: ServerConnection, request: dict[str, Any]) -> None:
        await ws.send("not json at all")
        await ws.send("[" * 30_000 + "]" * 30_000)  # deeper than the parser's recursion goes
        await ws.send(json.dumps([1, 2, 3]))
        await ws.send(json.dumps({"jsonrpc": "2.0", "id": 999, "result": {"stolen": True}}))  # a call never made
        await ws.send(json.dumps({"jsonrpc": "2.0", "id": request["id"], "result": {"qReturn": "ok"}}))

    session = await hostile(behaviour)
    assert await session.call(-1, "EngineVersion") == {"qReturn": "ok"}
    await session.close()


async def test_an_answer_without_a_result_object_is_an_error(hostile: Any) -> None:
    async def behaviour(ws: ServerConnection, request: dict[str, Any]) -> None:
        await ws.send(json.dumps({"jsonrpc": "2.0", "id": request["id"], "result": "a string"}))

    session = await hostile(behaviour)
    with pytest.raises(EngineError, match="without a result object"):
        await session.call(-1, "EngineVersion")
    await session.close()


async def test_an_error_object_with_odd_fields_still_reads(hostile: Any) -> None:
    async def behaviour(ws: ServerConnection, request: dict[str, Any]) -> None:
        error = {"code": "1003", "parameter": {"x": 1}, "message": "\x1b]52;c;aGk=\x07boom"}
        await ws.send(json.dumps({"jsonrpc": "2.0", "id": request["id"], "error": error}))

    session = await hostile(behaviour)
    with pytest.raises(EngineError) as caught:
        await session.call(-1, "OpenDoc", ["x"])
    assert caught.value.code is None and "\x1b" not in caught.value.message and "boom" in caught.value.message
    await session.close()


async def test_an_oversized_message_closes_the_session_and_fails_the_call(hostile: Any) -> None:
    async def behaviour(ws: ServerConnection, request: dict[str, Any]) -> None:
        await ws.send(json.dumps({"jsonrpc": "2.0", "id": request["id"], "result": {"big": "x" * 200_000}}))

    session = await hostile(behaviour)
    with pytest.raises(EngineClosed, match="bigger than the size cap") as caught:
        await session.call(-1, "GetDocList")
    assert "--max-body" in caught.value.hint
    assert not session.is_open
    await session.close()


async def test_a_silent_engine_ends_in_a_time_limit(hostile: Any) -> None:
    async def behaviour(ws: ServerConnection, request: dict[str, Any]) -> None:
        await asyncio.sleep(0)  # never answers

    session = await hostile(behaviour, 0.3)
    with pytest.raises(EngineError, match=r"did not answer GetDocList within 0\.3 s"):
        await session.call(-1, "GetDocList")
    assert session.is_open  # a slow answer is not a dead session
    await session.close()


async def test_a_close_mid_call_fails_the_call_with_the_reason(hostile: Any) -> None:
    async def behaviour(ws: ServerConnection, request: dict[str, Any]) -> None:
        await ws.close(4000, "engine restarting")

    session = await hostile(behaviour)
    with pytest.raises(EngineClosed, match="code 4000: engine restarting"):
        await session.call(-1, "GetDocList")
    await session.close()
