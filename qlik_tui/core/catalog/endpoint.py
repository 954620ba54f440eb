"""One catalog entry: an API operation as the browser, the palette and `endpoints` show it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .deprecation import Deprecation

# `{id}`, never a saved request's `{{variable}}` (filled from the profile's vars instead).
PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}/]+)\}(?!\})")
BUILTIN = "built-in"
SERVER = "server"


@dataclass(frozen=True)
class Endpoint:
    """One operation: method, path with {placeholders}, a summary, its group and source.

    `params` are the query keys offered as editor rows (every required one included),
    `required` the query keys the spec requires, `optional` its other query keys;
    path parameters are the {placeholders}, always required."""

    method: str
    path: str
    summary: str
    group: str
    params: tuple[str, ...] = ()
    body: str | None = None  # an example body (JSON text)
    source: str = BUILTIN  # "built-in", "server", or the OpenAPI file it came from
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    takes_body: bool = False
    deprecation: Deprecation | None = None
    newer: str = ""  # 'GET /api/analytics/...': Qlik names a successor (x-qlik-replaced-by), not yet deprecating this
    rate_limit: str = ""  # 'tier 2, 100/min' (Qlik Cloud's x-qlik-tier)

    @property
    def placeholders(self) -> list[str]:
        """Names of the {placeholders} in the path."""
        return PLACEHOLDER.findall(self.path)

    def label(self) -> str:
        """'GET /qrs/app/full'."""
        return f"{self.method} {self.path}"

    def key(self) -> tuple[str, str]:
        """Identity for merging: method and path, case-insensitive (QRS paths are)."""
        return self.method.upper(), self.path.lower().rstrip("/")

    def mark(self, today: date | None = None) -> str:
        """'' or the deprecation note ('past sunset 2026-09; use GET /api/scheduling/tasks'), or
        the successor Qlik names for an operation not deprecated yet ('newer: GET /api/...')."""
        if self.deprecation:
            return self.deprecation.mark(today)
        return f"newer: {self.newer}" if self.newer else ""

    def describe(self) -> str:
        """The summary, or (for entries without one) the query keys it takes (* required)
        and whether it takes a body."""
        if self.summary:
            return self.summary
        keys = [f"{k}*" for k in self.required] + [k for k in (*self.params, *self.optional) if k not in self.required]
        parts = [f"query: {' '.join(keys)}"] if keys else []
        return " · ".join([*parts, "body"] if self.takes_body else parts)

    def line(self, width: int = 52, today: date | None = None) -> str:
        """'METHOD PATH  summary  [deprecated…]' for `qlik-tui endpoints`."""
        mark = self.mark(today)
        text = "  ".join(t for t in (self.describe(), f"[{mark}]" if mark else "") if t)
        return f"{self.method:<7}{self.path:<{width}}  {text}".rstrip()
