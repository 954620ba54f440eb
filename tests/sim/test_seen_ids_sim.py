"""Seen ids from real simulator answers: the response URL names the resource of the ids."""

from __future__ import annotations

from qlik_tui.core.catalog.seen_ids import SeenIds
from qlik_tui.core.http.connections import open_connection
from qlik_tui.core.http.types import Request
from qlik_tui.demo.environment import Demo
from tests.sim.conftest import profile


async def test_app_placeholder_prefers_app_ids_over_newer_stream_ids(demo: Demo) -> None:
    seen = SeenIds()
    async with open_connection(profile(demo, "demo-qseow")) as conn:
        apps = await conn.send(Request.build("GET", "/qrs/app/full"))
        seen.collect(apps.json(), apps.url)
        streams = await conn.send(Request.build("GET", "/qrs/stream/full"))
        seen.collect(streams.json(), streams.url)
    app_ids = {a["id"] for a in apps.json()}
    stream_ids = {s["id"] for s in streams.json()}
    matching, others = seen.candidates("id", "/qrs/app/{id}")
    assert matching and {s.value for s in matching} <= app_ids
    assert stream_ids & {s.value for s in others}
    owners = {a["owner"]["id"] for a in apps.json()}
    users, _ = seen.candidates("id", "/qrs/user/{id}")
    assert owners <= {s.value for s in users}


async def test_cloud_spaces_and_items(demo: Demo) -> None:
    seen = SeenIds()
    async with open_connection(profile(demo, "demo-cloud")) as conn:
        items = await conn.send(Request.build("GET", "/api/v1/items"))
        seen.collect(items.json(), items.url)
        spaces = await conn.send(Request.build("GET", "/api/v1/spaces"))
        seen.collect(spaces.json(), spaces.url)
    space_ids = {s["id"] for s in spaces.json()["data"]}
    matching, _ = seen.candidates("spaceId", "/api/v1/spaces/{spaceId}")
    assert space_ids <= {s.value for s in matching}
    item_matching, _ = seen.candidates("itemId", "/api/v1/items/{itemId}")
    assert {s.value for s in item_matching} & {i["id"] for i in items.json()["data"]}
    assert not space_ids & {s.value for s in item_matching}
