"""Qlik Cloud paging links read defensively: odd shapes are refused with a message."""

from __future__ import annotations

import pytest

from qlik_tui.core.errors import RequestFailed
from qlik_tui.core.json.paging import next_href, page_items


def test_next_href_of_the_shapes_qlik_sends() -> None:
    assert (
        next_href({"data": [], "links": {"next": {"href": "https://t/api/v1/items?next=x"}}}) == "https://t/api/v1/items?next=x"
    )
    assert next_href({"data": [], "links": {"self": {"href": "s"}}}) is None
    assert next_href({"data": [], "links": {"next": {"href": ""}}}) is None
    assert next_href({"data": []}) is None
    assert next_href([1, 2]) is None


@pytest.mark.parametrize(
    ("links", "says"),
    [
        (["https://t/next"], "links is a list"),
        ({"next": "https://t/next"}, "links.next is a string"),
        ({"next": ["https://t/next"]}, "links.next is a list"),
        ({"next": {"href": 3}}, "links.next.href is a number"),
    ],
)
def test_odd_links_are_refused_with_a_message(links: object, says: str) -> None:
    with pytest.raises(RequestFailed, match=says) as info:
        next_href({"data": [], "links": links})
    assert "href" in info.value.hint


def test_page_items_wants_a_data_list() -> None:
    assert page_items({"data": [1]}, 2) == [1]
    with pytest.raises(RequestFailed, match="page 3 cannot be joined to the others: its data is a string"):
        page_items({"data": "x"}, 3)
    with pytest.raises(RequestFailed, match="it has no data list"):
        page_items([1], 4)
