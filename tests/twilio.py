"""Build and sign webhook posts with the fields Twilio really sends (see shared/TWILIO.md)."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import httpx
from starlette.testclient import TestClient

from hotline import bounded
from hotline.settings import Settings
from hotline.web.twilio_auth import sign

_counter = itertools.count(1)
LINE_NUMBER = "+15005550006"


def new_sid(prefix: str) -> str:
    return f"{prefix}{next(_counter):032x}"


class TwilioPoster:
    def __init__(self, client: TestClient, settings: Settings) -> None:
        self.client = client
        self.settings = settings
        # Wait for the line's background recordings after each post; off to watch them race.
        self.settle = True

    def post(self, path: str, params: dict[str, str], *, signed: bool = True) -> httpx.Response:
        url = self.settings.public_url + path
        headers = {"X-Twilio-Signature": sign(self.settings, url, params) if signed else ""}
        response: httpx.Response = self.client.post(path, data=params, headers=headers)
        # What the line records after answering (a crisis case, a late text) lands before the
        # test reads the database, as it would before the caller's next step.
        if self.settle:
            bounded.settle()
        return response

    def sms(self, sender: str, body: str, *, sid: str | None = None) -> httpx.Response:
        return self.post("/twilio/sms", sms_fields(self.settings, sender, body, sid=sid))

    def call_fields(self, sender: str, call_sid: str, **extra: str) -> dict[str, str]:
        fields = {
            "CallSid": call_sid,
            "AccountSid": self.settings.twilio_account_sid,
            "From": sender,
            "To": LINE_NUMBER,
            "Caller": sender,
            "Called": LINE_NUMBER,
            "CallStatus": "in-progress",
            "Direction": "inbound",
            "ApiVersion": "2010-04-01",
            "FromCountry": "US",
        }
        fields.update(extra)
        return fields


def sms_fields(
    settings: Settings, sender: str, body: str, *, sid: str | None = None
) -> dict[str, str]:
    """The fields of an inbound text, as Twilio posts them."""
    params = {
        "MessageSid": sid or new_sid("SM"),
        "AccountSid": settings.twilio_account_sid,
        "From": sender,
        "To": LINE_NUMBER,
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsStatus": "received",
        "FromCountry": "US",
        "ToCountry": "US",
        "ApiVersion": "2010-04-01",
    }
    params["SmsSid"] = params["SmsMessageSid"] = params["MessageSid"]
    return params


def sms_texts(response: httpx.Response) -> list[str]:
    """Return the text of every <Message> in a TwiML messaging response."""
    root = ET.fromstring(response.text)
    assert root.tag == "Response", response.text
    return ["".join(message.itertext()) for message in root.iter("Message")]
