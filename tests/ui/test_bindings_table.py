"""The app's binding table: one action per key, one binding per id (merged features each brought keys)."""

from __future__ import annotations

from collections import Counter

from textual.binding import Binding

from qlik_tui.ui.bindings import APP_BINDINGS


def test_no_key_is_bound_twice_and_ids_are_unique() -> None:
    bindings = [b for b in APP_BINDINGS if isinstance(b, Binding)]
    assert len(bindings) == len(APP_BINDINGS)
    keys = Counter(key.strip() for b in bindings for key in b.key.split(","))
    assert [k for k, n in keys.items() if n > 1] == []
    ids = Counter(b.id for b in bindings)
    assert [i for i, n in ids.items() if n > 1] == []
    assert keys["f9"] == keys["f12"] == keys["shift+f12"] == 1  # curl export, the Engine view, the Saved tab
