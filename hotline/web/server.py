"""How `hotline serve` runs the app: uvicorn with read and keep-alive timeouts, warmed up."""

from __future__ import annotations

import asyncio
import gc
import os
import sys
from typing import Any

import h11
import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.h11_impl import H11Protocol

# A client must send a whole request (headers and body) this soon after connecting or after
# its previous answer; a slow one no longer holds a connection open for as long as it likes.
REQUEST_READ_TIMEOUT_SECONDS = 10.0
KEEP_ALIVE_SECONDS = 5
MAX_HEADER_BYTES = 16 * 1024
MAX_CONNECTIONS = 1000


class TimedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, closing connections that are slow to send their request."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._read_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is h11.DONE:
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._read_timer = self.loop.call_later(REQUEST_READ_TIMEOUT_SECONDS, self._too_slow)

    def _disarm(self) -> None:
        if self._read_timer is not None:
            self._read_timer.cancel()
            self._read_timer = None

    def _too_slow(self) -> None:
        self._read_timer = None
        if self.conn.their_state is not h11.DONE and not self.transport.is_closing():
            self.transport.close()


def config(app: ASGIApp, *, host: str, port: int, **extra: Any) -> uvicorn.Config:
    """uvicorn's settings for the line (the benchmarks use the same for their ceiling)."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=TimedH11Protocol,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        limit_concurrency=MAX_CONNECTIONS,
        backlog=2048,
        # Not logged at the level the line runs at anyway; off, uvicorn skips building it.
        access_log=False,
        **extra,
    )


def warm_up() -> None:
    """Load what the first requests would (catalogs, the crisis model, ZIP data), then freeze.

    Everything loaded at start-up lives as long as the process; `gc.freeze()` keeps the
    collector from walking it again and again (full collections paused requests ~200 ms).
    """
    from hotline import catalogs, finder, places
    from hotline.crisis.detector import assess
    from hotline.flows.language import load as load_languages

    for language in ("en", "es"):
        catalogs.catalog(language)
    assess("hello")
    load_languages()
    finder.place_for_zip("94110")
    places.place_for_city(("belleville",), "ON")  # Canada's towns, read once
    gc.collect()
    gc.freeze()
    # The deadline is kept by the event loop, which takes turns on the GIL with the lanes'
    # threads. A shorter switch interval than Python's 5 ms helps it beside CPU-bound threads
    # (8 busy threads: slowest answer 14.7 s at 5 ms, 6.9 s at 1 ms) but, in one A/B at an
    # offered 200 FIND/s, made the slowest answer worse (3.4 s -> 8.1 s): the default stays,
    # and HOTLINE_SWITCH_INTERVAL_MS sets another (bench/cpu_saturation.py, README).
    chosen = os.environ.get("HOTLINE_SWITCH_INTERVAL_MS")
    if chosen:
        sys.setswitchinterval(float(chosen) / 1000)
