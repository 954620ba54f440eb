"""Qlik Cloud's paging links read defensively: `{"data": [...], "links": {"next": {"href": URL}}}`.

A server (or a proxy in between) may send `links` as a list, `next` as a bare string, or a
later page that is not a list at all; each is refused with a message instead of an
AttributeError that ends the app.
"""

from __future__ import annotations

from typing import Any

from ..errors import RequestFailed

HINT = 'Qlik Cloud pages look like {"data": [...], "links": {"next": {"href": "https://..."}}}'


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(type(value), "a number or null")


def next_href(doc: Any) -> str | None:
    """`links.next.href` when there is a next page, None when there is none.

    RequestFailed when `links` or `links.next` is there but not what Qlik sends."""
    links = doc.get("links") if isinstance(doc, dict) else None
    if links is None:
        return None
    if not isinstance(links, dict):
        raise RequestFailed(f"this answer's links is {_kind(links)}, not an object: no next page to follow", HINT)
    following = links.get("next")
    if following in (None, "", {}):
        return None
    if not isinstance(following, dict):
        raise RequestFailed(f'this answer\'s links.next is {_kind(following)}, not {{"href": ...}}: not followed', HINT)
    href = following.get("href")
    if href in (None, ""):
        return None
    if not isinstance(href, str):
        raise RequestFailed(f"this answer's links.next.href is {_kind(href)}, not a URL: not followed", HINT)
    return href


def page_items(doc: Any, page: int) -> list[Any]:
    """The `data` list of page number `page` (RequestFailed when there is none)."""
    data = doc.get("data") if isinstance(doc, dict) else None
    if not isinstance(data, list):
        what = f"its data is {_kind(data)}" if isinstance(doc, dict) and "data" in doc else "it has no data list"
        raise RequestFailed(f"page {page} cannot be joined to the others: {what}", HINT)
    return data
