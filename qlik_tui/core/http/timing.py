"""Where a request's time went: DNS, connect, TLS, time to first byte, download.

Read from httpx's `trace` request extension (httpcore's connection and HTTP/1.1 events). A
request on a kept-alive connection has no DNS, connect or TLS phase: those are None then.
httpcore resolves the host inside its TCP connect, so DNS is timed here by one lookup of the
same name just before that connect (only for a new connection to a host name, never for an
IP address); the connect figure is then what is left of the connect phase.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from dataclasses import dataclass
from typing import Any

DNS_LIMIT = 10.0  # seconds: a resolver that hangs must not hold the request for the timing alone


@dataclass(frozen=True)
class Timing:
    """Seconds spent in each phase of the last HTTP exchange (None: the phase did not happen)."""

    dns: float | None
    connect: float | None
    tls: float | None
    first_byte: float | None  # request sent -> response headers received (the server's time)
    download: float | None  # response headers -> last body byte

    def describe(self, compact: bool = False) -> str:
        """'DNS 2 ms · connect 1 ms · TLS 9 ms · first byte 40 ms · download 3 ms' (compact: shorter names)."""
        names = ("dns", "tcp", "tls", "wait", "body") if compact else ("DNS", "connect", "TLS", "first byte", "download")
        values = (self.dns, self.connect, self.tls, self.first_byte, self.download)
        parts = [f"{name} {_ms(value)}" for name, value in zip(names, values, strict=True) if value is not None]
        if self.connect is None and self.tls is None:
            parts.insert(0, "reused connection" if not compact else "reused")
        return " · ".join(parts)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.001 else "<1 ms"


class TimingTrace:
    """An httpx `trace` callback that notes when each phase starts and ends."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.marks: dict[str, float] = {}
        self.dns: float | None = None

    async def __call__(self, event: str, info: dict[str, Any]) -> None:
        """Called by httpcore at every phase's start and end."""
        name = event.split(".", 1)[1] if "." in event else event  # "http11.x" and "http2.x" alike
        self.marks.setdefault(name, time.perf_counter())
        if name == "connect_tcp.started" and not _is_address(self.host):
            started = time.perf_counter()
            try:
                loop = asyncio.get_running_loop()
                await asyncio.wait_for(loop.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM), DNS_LIMIT)
            except (OSError, TimeoutError, UnicodeError):
                return  # the connect itself will fail and say why; no DNS figure
            self.dns = time.perf_counter() - started
            self.marks[name] = time.perf_counter()  # the connect phase starts after the lookup

    def _span(self, start: str, end: str) -> float | None:
        if start in self.marks and end in self.marks:
            return max(0.0, self.marks[end] - self.marks[start])
        return None

    def timing(self, finished: float) -> Timing:
        """The phases, with the body read ending at `finished` (time.perf_counter())."""
        headers = self.marks.get("receive_response_headers.complete")
        return Timing(
            dns=self.dns,
            connect=self._span("connect_tcp.started", "connect_tcp.complete"),
            tls=self._span("start_tls.started", "start_tls.complete"),
            first_byte=self._span("send_request_headers.started", "receive_response_headers.complete"),
            download=max(0.0, finished - headers) if headers is not None else None,
        )


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
