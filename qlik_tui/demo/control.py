"""`/__sim/...`: a control door for tests and demos that run the simulator in another process.

POST /__sim/faults {"rate_limit": 2} flips fault switches; GET /__sim/stats reads counters;
POST /__sim/drop-sessions forgets every session. Not part of any Qlik API.
"""

from __future__ import annotations

import email.utils
import time
from typing import Any, Protocol

from .faults import Faults, Stats
from .http_server import SimRequest, SimResponse


class _Simulator(Protocol):
    faults: Faults
    stats: Stats

    def __call__(self, req: SimRequest) -> SimResponse: ...

    def drop_sessions(self) -> None: ...


class WithControl:
    """Wrap a simulator so /__sim/ paths control it."""

    def __init__(self, simulator: _Simulator) -> None:
        self.simulator = simulator

    def __call__(self, req: SimRequest) -> SimResponse:
        if not req.path.startswith("/__sim/"):
            response = self.simulator(req)
            offset = self.simulator.faults.clock_offset
            if offset:
                response.headers.append(("Date", email.utils.formatdate(time.time() + offset, usegmt=True)))
            return response
        name = req.path[len("/__sim/") :]
        if name == "faults" and req.method == "POST":
            try:
                values: Any = req.json()
                self.simulator.faults.update(values)
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                return SimResponse.json(400, {"error": f"bad fault settings: {exc!r}"})
            return SimResponse.json(200, {"ok": True})
        if name == "stats" and req.method == "GET":
            stats = self.simulator.stats
            return SimResponse.json(
                200, {"requests": stats.requests, "jwt_logins": stats.jwt_logins, "refused_tokens": stats.refused_tokens}
            )
        if name == "drop-sessions" and req.method == "POST":
            self.simulator.drop_sessions()
            return SimResponse.json(200, {"ok": True})
        return SimResponse.json(404, {"error": "unknown control path"})
