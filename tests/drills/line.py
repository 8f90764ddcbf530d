"""Signed, concurrent posts to a running line, timed from when each was meant to be sent."""

from __future__ import annotations

import asyncio
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from hotline.settings import Settings
from hotline.web.twilio_auth import sign
from tests.loopback_http import Connection, form_request
from tests.twilio import LINE_NUMBER, new_sid, sms_fields


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
        return Post("/twilio/sms", sms_fields(self.settings, sender, body, sid=sid))

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
        """Send every post at once (up to `connections` in flight); return them in order.

        Each answer's time runs from when all were meant to be sent: waiting for a free
        connection counts, as it would for Twilio.
        """
        return asyncio.run(self._post_all(posts, connections))

    async def _post_all(self, posts: Sequence[Post], connections: int) -> list[Answer]:
        host, port = self.url.removeprefix("http://").split(":")
        requests = [self._bytes(post) for post in posts]
        answers: list[Answer | None] = [None] * len(posts)
        queue = iter(range(len(posts)))
        started = time.monotonic()

        async def run(connection: Connection) -> None:
            for index in queue:
                reply = await connection.send(requests[index])
                body = reply.body.decode()
                answers[index] = Answer(
                    posts[index], reply.status, body, time.monotonic() - started
                )
            connection.close()

        count = min(connections, len(posts))
        await asyncio.gather(*(run(Connection(host, int(port))) for _ in range(count)))
        return [answer for answer in answers if answer is not None]

    def _bytes(self, post: Post) -> bytes:
        signature = sign(self.settings, self.url + post.path, post.fields)
        headers = {"X-Twilio-Signature": signature}
        return form_request(self.url.removeprefix("http://"), post.path, post.fields, headers)


def texts(answer: Answer) -> list[str]:
    return ["".join(message.itertext()) for message in answer.root().iter("Message")]
