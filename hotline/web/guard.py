"""The outermost layer: bodies counted as they stream, and a safe answer whatever was raised."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from starlette.exceptions import HTTPException
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hotline.flows.digits import as_int
from hotline.logs import log

logger = logging.getLogger(__name__)
# Twilio's webhooks are a few KB; the dashboard's forms smaller still.
MAX_BODY_BYTES = 64 * 1024
LIMITED_PREFIXES = ("/twilio", "/admin")
# Never swallowed: the server is stopping, or a task is being cancelled.
_PASS_THROUGH = (asyncio.CancelledError, KeyboardInterrupt, SystemExit, GeneratorExit)


class BodyTooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(413, "request too large")


class BodyLimit:
    """Refuse a body over the limit, by its Content-Length or, chunked, as its bytes arrive."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope["path"]).startswith(LIMITED_PREFIXES):
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and not _fits(length, self.max_bytes):
            await PlainTextResponse("request too large", 413)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise BodyTooLarge()
            return message

        await self.app(scope, counted, send)


def _fits(length: bytes, max_bytes: int) -> bool:
    value = as_int(length.decode("latin-1").strip(), max_digits=18)
    return value is not None and value <= max_bytes


class SafeAnswer:
    """Turn anything raised below, BaseException from native code included, into a safe answer."""

    def __init__(self, app: ASGIApp, answer: Callable[[str, BaseException], Response]) -> None:
        self.app = app
        self.answer = answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except _PASS_THROUGH:
            raise
        except BaseException as exc:
            path = str(scope["path"])
            log(logger, "unhandled_error", logging.ERROR, path=path, error=type(exc).__name__)
            if started:  # too late to answer differently; end the response
                return
            await self.answer(path, exc)(scope, receive, send)
