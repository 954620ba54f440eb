"""The simulator's QRS filter reads bare GUIDs (`id eq 90fbbd11-...`), as the repository does."""

from __future__ import annotations

import pytest

from qlik_tui.demo.qrs_filter import compile_filter


@pytest.mark.parametrize("guid", ["90fbbd11-9c1c-4af7-9e87-66ed88daf401", "abcdef12-9c1c-4af7-9e87-66ed88daf401"])
def test_bare_guids_starting_with_a_digit_or_a_letter(guid: str) -> None:
    match = compile_filter(f"id eq {guid} and published eq true")
    assert match({"id": guid, "published": True}) and not match({"id": "other", "published": True})
