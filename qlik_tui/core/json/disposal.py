"""Free big documents in the background, a slice at a time.

Dropping the last reference to a parsed 100 MB response frees millions of objects in one C
call (~0.1 s holding the GIL): the event loop stalls. Handing it to a thread that deletes it
in slices lets the loop run between slices. The thread only empties a document nobody else
holds (checked by reference count), so nothing in use is ever touched.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

BIG = 20_000  # elements; smaller documents are freed where they fall
SLICE = 500


def dispose_in_background(doc: Any) -> None:
    """Let a daemon thread free `doc` once every other reference to it is gone."""
    if not isinstance(doc, (list, dict)) or _size(doc) < BIG:
        return
    holder = [doc]
    del doc
    threading.Thread(target=_drain, args=(holder,), name="qlik-tui dispose", daemon=True).start()


def _size(doc: list[Any] | dict[str, Any]) -> int:
    if isinstance(doc, list):
        return len(doc)
    return max((len(v) for v in doc.values() if isinstance(v, (list, dict))), default=0)


def _drain(holder: list[Any]) -> None:
    for _ in range(50):  # give the UI up to 5 s to drop its references
        # refs: the holder list and getrefcount's own argument
        if sys.getrefcount(holder[0]) <= 2:
            break
        time.sleep(0.1)
    else:
        return  # still in use (a trail, another view): leave it to normal refcounting
    doc = holder.pop()
    lists = [doc] if isinstance(doc, list) else [v for v in doc.values() if isinstance(v, list)]
    for items in lists:
        while items:
            del items[-SLICE:]
            time.sleep(0)  # let the event loop in between slices
