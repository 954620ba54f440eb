"""F1: the help is read from the bindings themselves, so it cannot leave a key out.

It walks the screen F1 was pressed on: the app's bindings, the screen's, and those of every
widget on it that qlik-tui defines (Textual's own editing keys, such as the cursor moves of an
input box, are Textual's and not listed).
"""

from __future__ import annotations

import re
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

from .palette import key_label

# Keys that belong to Textual widgets but that a person needs to know about.
ALSO: list[tuple[str, str]] = [
    ("Enter", "switch profile, load endpoint, re-run history entry, expand a tree node"),
    ("ctrl+p", "command palette: every action, profile and endpoint"),
    ("Tab / shift+Tab", "next / previous box"),
]


def own_bindings(node: DOMNode) -> list[Binding]:
    """The bindings `node`'s qlik-tui classes declare (inherited ones included)."""
    found: list[Binding] = []
    for cls in type(node).__mro__:
        if not cls.__module__.startswith("qlik_tui.") or "BINDINGS" not in cls.__dict__:
            continue
        for binding in cls.__dict__["BINDINGS"]:
            if isinstance(binding, Binding):
                found.append(binding)
            elif isinstance(binding, tuple):
                found.append(Binding(*binding))
    return found


# Friendlier titles for some widgets; any other widget is named after its class.
TITLES = {"JsonTree": "In the response tree", "RawView": "In the raw view", "FindBar": "In the find bar"}


def section_name(node: DOMNode) -> str:
    """'In the response tree', or the class name in words: 'EndpointBrowser' -> 'Endpoint browser'."""
    name = type(node).__name__
    if name in TITLES:
        return TITLES[name]
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()
    return words[0].upper() + words[1:]


def rows_of(bindings: list[Binding]) -> list[tuple[str, str]]:
    """One row per action: its keys and its description."""
    rows: dict[str, tuple[str, str]] = {}
    for binding in bindings:
        keys = key_label(binding.key)
        description = binding.description or binding.action
        if binding.tooltip:
            description = f"{description}: {binding.tooltip}"
        if binding.action in rows:
            earlier_keys, earlier = rows[binding.action]
            rows[binding.action] = (f"{earlier_keys} / {keys}", earlier)
        else:
            rows[binding.action] = (keys, description)
    return list(rows.values())


def help_sections(app: App[Any], screen: Screen[Any]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The keys of the app, of `screen`, and of every qlik-tui widget on it, by widget."""
    # Only the app keys that work now (none that need a profile on the welcome screen).
    usable = [b for b in own_bindings(app) if app.check_action(b.action, ()) is not False]
    sections: list[tuple[str, list[tuple[str, str]]]] = [("Everywhere", rows_of(usable))]
    seen: set[type] = set()
    for node in [screen, *screen.walk_children()]:
        bindings = own_bindings(node)
        if bindings and type(node) not in seen:
            seen.add(type(node))
            sections.append((section_name(node), rows_of(bindings)))
    sections.append(("Also", ALSO))
    return sections
