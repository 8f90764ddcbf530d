"""Drills: one MessageSid 1,000 times at once; bodies too big, chunked or slow to arrive."""

from __future__ import annotations

import socket
import time

import pytest
from sqlalchemy import func, select
from starlette.types import Message

from hotline import bounded
from hotline.db import session_scope
from hotline.models import InboundMessage
from hotline.web import guard, server
from hotline.web.app import create_app
from tests.drills.line import Line, texts

COPIES = 1000


@pytest.mark.usefixtures("quick_deadline", "database")
def test_the_same_message_sid_a_thousand_times_at_once(line: Line) -> None:
    post = line.sms("+14155550142", "HELP", sid="SM" + "d" * 32)
    answers = line.post_all([post] * COPIES)
    assert {answer.status for answer in answers} == {200}
    assert all(answer.seconds <= bounded.WEBHOOK_DEADLINE_SECONDS + 2 for answer in answers)
    replies = {texts(answer)[0] for answer in answers}
    # The real answer, or (for copies the full lanes shed) the short one; both name 988.
    assert all("988" in reply for reply in replies)
    assert any(reply.startswith("Hotline: find peer-support groups") for reply in replies)
    bounded.SPOOL.drain()
    with session_scope() as session:
        stored = session.scalar(select(func.count()).select_from(InboundMessage))
    assert stored == 1


def _receive_forever(chunk: bytes, pulled: list[int]) -> object:
    async def receive() -> Message:
        pulled.append(len(chunk))
        return {"type": "http.request", "body": chunk, "more_body": True}

    return receive


@pytest.mark.usefixtures("database")
@pytest.mark.parametrize("path", ["/twilio/sms", "/admin/sign-in"])
def test_a_chunked_body_is_cut_off_at_the_limit_as_it_streams(path: str) -> None:
    """A body with no Content-Length (chunked) is counted as it arrives, and refused early."""
    import asyncio

    app = create_app()
    pulled: list[int] = []
    sent: list[Message] = []
    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"content-type", b"application/x-www-form-urlencoded")],
        "scheme": "http",
        "server": ("127.0.0.1", 80),
        "client": ("127.0.0.1", 5000),
        "root_path": "",
        "http_version": "1.1",
    }

    async def send(message: Message) -> None:
        sent.append(message)

    receive = _receive_forever(b"Body=" + b"x" * 8187, pulled)
    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    assert sent[0]["status"] == 413
    # 100 MB would have been read in full before; now reading stops just past 64 KB.
    assert sum(pulled) <= guard.MAX_BODY_BYTES + 8192


@pytest.mark.usefixtures("database")
def test_an_oversized_chunked_post_to_a_live_line_is_refused_before_it_ends(line: Line) -> None:
    with _connected(line) as sock:
        sock.sendall(_head("/twilio/sms", b"Transfer-Encoding: chunked"))
        chunk = b"x" * 16384
        answer = b""
        for _ in range(64):  # up to 1 MB, stopping once the line has answered
            try:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except OSError:
                break
            answer += _read_some(sock)
            if answer:
                break
        answer += _read_some(sock, wait=2.0)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:80]


@pytest.mark.usefixtures("database")
def test_a_declared_oversized_body_is_refused_unread(line: Line) -> None:
    with _connected(line) as sock:
        sock.sendall(_head("/admin/sign-in", b"Content-Length: 104857600"))
        answer = _read_some(sock, wait=2.0)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:80]


@pytest.mark.usefixtures("database")
def test_a_client_slow_to_send_its_headers_is_cut_off(
    line: Line, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server, "REQUEST_READ_TIMEOUT_SECONDS", 0.5)
    with _connected(line) as sock:
        sock.sendall(b"POST /twilio/sms HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        closed = False
        while time.monotonic() - started < 5:
            try:
                sock.sendall(b"X-Slow: 1\r\n")  # a byte now and then, never the end
            except OSError:
                closed = True
                break
            if _read_some(sock, wait=0.2) == b"" and _peer_closed(sock):
                closed = True
                break
    assert closed, "a slow client kept its connection past the read timeout"


def _head(path: str, length: bytes) -> bytes:
    form = b"Content-Type: application/x-www-form-urlencoded"
    return b"POST %s HTTP/1.1\r\nHost: x\r\n%s\r\n%s\r\n\r\n" % (path.encode(), length, form)


def _connected(line: Line) -> socket.socket:
    host, port = line.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=5)


def _read_some(sock: socket.socket, wait: float = 0.05) -> bytes:
    sock.settimeout(wait)
    try:
        return sock.recv(65536)
    except (TimeoutError, BlockingIOError):
        return b""
    except OSError:
        return b""
    finally:
        sock.settimeout(5)


def _peer_closed(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
    finally:
        sock.setblocking(True)
