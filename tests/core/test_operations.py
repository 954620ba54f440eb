"""Which operation a method and path are (the editor's rule for keeping query rows)."""

from __future__ import annotations

from qlik_tui.core.catalog.builtin import Endpoint
from qlik_tui.core.catalog.operations import find_operation, fits, operation_of


def test_a_filled_in_path_is_its_template() -> None:
    assert fits("/qrs/app/{id}", "/qrs/app/3f2a5c1e-0000-4000-8000-000000000001")
    assert fits("/qrs/app/{id}", "/qrs/app/{id}")
    assert fits("/qrs/app/{id}", "/QRS/App/abc/?x=1")
    assert not fits("/qrs/app/{id}", "/qrs/app/")
    assert not fits("/qrs/app/{id}", "/qrs/app/abc/copy")


def test_literal_paths_win_over_templates() -> None:
    assert operation_of("GET", "/qrs/app/full") == ("GET", "/qrs/app/full")
    assert operation_of("GET", "/qrs/app/abc") == ("GET", "/qrs/app/{id}")
    assert operation_of("POST", "/qrs/stream") != operation_of("GET", "/qrs/stream")
    assert operation_of("GET", "/qrs/nothing/here/") == ("GET", "/qrs/nothing/here")


def test_a_discovered_endpoint_counts() -> None:
    found = Endpoint("GET", "/qrs/odag/{id}/links", "links", "ODAG", source="server")
    assert find_operation("GET", "/qrs/odag/42/links") is None
    assert find_operation("GET", "/qrs/odag/42/links", [found]) is found
    assert operation_of("GET", "/qrs/odag/42/links", [found]) == ("GET", "/qrs/odag/{id}/links")
