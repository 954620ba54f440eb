"""`profiles check NAME --online`: the profile against what the server says, one line per setting."""

from __future__ import annotations

import asyncio

from ..core.http.connections import open_connection
from ..core.http.profile_probe import ProbeReport, probe
from ..core.http.profile_settings import DIFFERS, FAILED, NO_ACCESS, OK, WARNING
from ..core.profiles.model import Profile
from ..core.terminal_text import visible

LABELS = {OK: "ok", DIFFERS: "DIFFERS", NO_ACCESS: "no access", WARNING: "warning", FAILED: "FAILED"}


async def _probe(profile: Profile) -> ProbeReport:
    async with open_connection(profile, timeout=30.0) as connection:
        return await probe(connection)


def run_online(profile: Profile) -> int:
    """Print each compared setting; 0 when everything matches, 1 when anything differs."""
    report = asyncio.run(_probe(profile))
    print(visible(f"online     comparing with {report.target}"))
    for check in report.checks:
        print(visible(f"{LABELS[check.status]:<10} {check.setting}: {check.detail}"))
    differs = sum(1 for c in report.checks if c.status == DIFFERS)
    unread = sum(1 for c in report.checks if c.status == NO_ACCESS)
    skipped = f" ({unread} setting(s) could not be read)" if unread else ""
    if report.matches:
        print(f"ok: nothing differs{skipped}")
    elif differs:
        print(f"{differs} setting(s) differ{skipped}")
    else:
        print("could not compare: the server did not answer")
    return 0 if report.matches else 1
