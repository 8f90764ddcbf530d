"""A loopback stand-in for Twilio's Messages.json and Calls.json that can be told to misbehave.

It answers like Twilio (201 with a JSON resource, or an error document), and records every
request with its time, so tests can count sends per recipient and measure pacing.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

# What the stand-in can be told to answer, besides "ok".
ERRORS = {
    "429": (429, 20429, "Too Many Requests"),
    "500": (500, 20500, "Internal Server Error"),
    "503": (503, 20503, "Service Unavailable"),
    "21610": (400, 21610, "Attempt to send to unsubscribed recipient"),
    "21211": (400, 21211, "Invalid 'To' Phone Number"),
    "21614": (400, 21614, "'To' number is not a valid mobile number"),
    "21601": (400, 21601, "Phone number is not a valid SMS-capable inbound phone number"),
}


@dataclass
class Request:
    at: float
    path: str
    fields: dict[str, str]
    answer: str


@dataclass
class TwilioStandIn:
    """Serve on 127.0.0.1 in a background thread; `script` answers in order, then `mode`."""

    mode: str = "ok"
    hang_seconds: float = 30.0
    # mode "flaky": answer 429 or 500 to `flaky_rate` of requests until `flaky_until`
    # (time.monotonic()), then "ok". Seeded, so a run is repeatable.
    flaky_rate: float = 0.3
    flaky_until: float = 0.0
    _rng: random.Random = field(default_factory=lambda: random.Random(20261201))
    script: deque[str] = field(default_factory=deque)
    requests: list[Request] = field(default_factory=list)
    port: int = 0
    _loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None
    _sids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _prefix: str = field(default_factory=lambda: uuid.uuid4().hex[:16])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> TwilioStandIn:
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,), daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(5)

    def reset(self, mode: str = "ok", *script: str) -> None:
        self.mode = mode
        self.script = deque(script)
        self.requests = []

    def sent(self, kind: str = "Messages") -> list[Request]:
        """Requests of a kind that were accepted (answered 201)."""
        return [r for r in self.requests if r.path.endswith(f"/{kind}.json") and r.answer == "ok"]

    def _run(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        server = loop.run_until_complete(
            loop.create_server(lambda: _Connection(self), "127.0.0.1", self.port, backlog=512)
        )
        self.port = server.sockets[0].getsockname()[1]
        ready.set()
        loop.run_forever()
        server.close()
        loop.close()

    def answer(self, method: str, path: str, body: bytes) -> tuple[int, bytes, bool]:
        """Return status, JSON body and whether to hang before answering."""
        fields = dict(parse_qsl(body.decode()))
        answer = self.script.popleft() if self.script else self.mode
        if answer == "flaky":
            trouble = time.monotonic() < self.flaky_until and self._rng.random() < self.flaky_rate
            answer = self._rng.choice(("429", "500")) if trouble else "ok"
        self.requests.append(Request(time.monotonic(), path, fields, answer))
        if method != "POST" or not path.endswith(".json"):
            return 404, b'{"code": 20404, "message": "not found", "status": 404}', False
        if answer in ERRORS:
            status, code, message = ERRORS[answer]
            error = {"code": code, "message": message, "status": status, "more_info": ""}
            return status, json.dumps(error).encode(), False
        kind = "CA" if path.endswith("/Calls.json") else "SM"
        resource = {
            "sid": f"{kind}{self._prefix}{next(self._sids):016x}",
            "account_sid": path.split("/")[3],
            "to": fields.get("To"),
            "from": fields.get("From"),
            "status": "queued",
            "num_segments": "1",
            "api_version": "2010-04-01",
        }
        return 201, json.dumps(resource).encode(), answer == "hang"


class _Connection(asyncio.Protocol):
    """HTTP/1.1 with keep-alive, just enough for requests' POSTs."""

    def __init__(self, standin: TwilioStandIn) -> None:
        self.standin = standin
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].decode("latin-1")
            length = 0
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if len(self.buffer) < end + 4 + length:
                return
            body = self.buffer[end + 4 : end + 4 + length]
            self.buffer = self.buffer[end + 4 + length :]
            method, path, _ = head.split("\r\n", 1)[0].split(" ", 2)
            status, payload, hang = self.standin.answer(method, path, body)
            response = (
                f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(payload)}\r\n\r\n".encode()
                + payload
            )
            if hang:
                loop = asyncio.get_running_loop()
                loop.call_later(self.standin.hang_seconds, self._write, response)
            else:
                self._write(response)

    def _write(self, response: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(response)
