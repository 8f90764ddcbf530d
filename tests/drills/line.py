"""Signed, concurrent posts to a running line, timed from when each was meant to be sent."""

from __future__ import annotations

import asyncio
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from hotline.settings import Settings
from hotline.web.twilio_auth import sign
from tests.twilio import LINE_NUMBER, new_sid


@dataclass(frozen=True)
class Post:
    path: str
    fields: dict[str, str]


@dataclass(frozen=True)
class Answer:
    post: Post
    status: int
    text: str
    seconds: float

    def root(self) -> ET.Element:
        return ET.fromstring(self.text)


class Line:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.url = settings.public_url

    def sms(self, sender: str, body: str, *, sid: str | None = None) -> Post:
        fields = {
            "MessageSid": sid or new_sid("SM"),
            "AccountSid": self.settings.twilio_account_sid,
            "From": sender,
            "To": LINE_NUMBER,
            "Body": body,
            "NumMedia": "0",
        }
        return Post("/twilio/sms", fields)

    def call(self, sender: str, path: str = "/twilio/voice", **extra: str) -> Post:
        fields = {
            "CallSid": new_sid("CA"),
            "AccountSid": self.settings.twilio_account_sid,
            "From": sender,
            "To": LINE_NUMBER,
            "CallStatus": "in-progress",
            "Direction": "inbound",
            **extra,
        }
        return Post(path, fields)

    def post_all(self, posts: Sequence[Post], *, connections: int = 100) -> list[Answer]:
        """Send every post at once (up to `connections` in flight); return them in order."""
        return asyncio.run(self._post_all(posts, connections))

    async def _post_all(self, posts: Sequence[Post], connections: int) -> list[Answer]:
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        async with httpx.AsyncClient(base_url=self.url, limits=limits, timeout=30) as client:
            return list(await asyncio.gather(*(self._post(client, post) for post in posts)))

    async def _post(self, client: httpx.AsyncClient, post: Post) -> Answer:
        started = time.monotonic()
        signature = sign(self.settings, self.url + post.path, post.fields)
        response = await client.post(
            post.path, data=post.fields, headers={"X-Twilio-Signature": signature}
        )
        return Answer(post, response.status_code, response.text, time.monotonic() - started)


def texts(answer: Answer) -> list[str]:
    return ["".join(message.itertext()) for message in answer.root().iter("Message")]
