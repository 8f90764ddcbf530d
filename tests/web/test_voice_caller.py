"""Helpers for the voice tests (no tests here): a caller that follows TwiML like Twilio would."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import httpx

from hotline.db import session_scope
from hotline.models import Group, Meeting
from tests.twilio import LINE_NUMBER, TwilioPoster, new_sid

MEMBER = "+15551230000"  # not a real number: cannot take texts
MOBILE = "+14155550123"  # a possible mobile number: can take texts
# Monday 3 March 2025, 19:05 in San Francisco (PST, UTC-8).
MONDAY_EVENING = dt.datetime(2025, 3, 4, 3, 5, tzinfo=dt.UTC)


def make_meeting(
    *,
    code: str = "4821",
    name: str = "Evening Circle",
    group_name: str = "Bay Peer Support",
    fmt: str = "phone_bridge",
    member_pin: str | None = None,
    host_pin: str | None = None,
    mute_on_entry: bool = True,
    beep: bool = False,
    weekday: int = 0,
    start: dt.time = dt.time(19, 0),
    postal_code: str = "",
    **columns: object,
) -> int:
    """Create a group and one meeting (Mondays 19:00 in San Francisco); return its id."""
    with session_scope() as session:
        group = Group(slug=f"group-{code}", name=group_name, mute_on_entry=mute_on_entry, beep=beep)
        meeting = Meeting(
            group=group,
            slug=f"meeting-{code}",
            code=code,
            name=name,
            weekday=weekday,
            start_time=start,
            duration_minutes=60,
            time_zone="America/Los_Angeles",
            format=fmt,
            member_pin=member_pin,
            host_pin=host_pin,
            postal_code=postal_code,
            **columns,
        )
        session.add(meeting)
        session.flush()
        return meeting.id


class Caller:
    """One phone call: `start()` dials in, `press()` answers the current Gather."""

    def __init__(
        self,
        twilio: TwilioPoster,
        number: str = MEMBER,
        *,
        to: str = LINE_NUMBER,
        outbound: bool = False,
    ) -> None:
        self.twilio = twilio
        self.number = number
        self.to = to
        self.outbound = outbound
        self.sid = new_sid("CA")
        self.root: ET.Element = ET.Element("Response")
        self.responses: list[httpx.Response] = []

    def fields(self, **extra: str) -> dict[str, str]:
        """Call fields; an outbound call (the line rang the member) swaps From and To."""
        if self.outbound:
            ends = {"From": self.to, "To": self.number, "Caller": self.to, "Called": self.number}
            return self.twilio.call_fields(
                self.to, self.sid, **ends, Direction="outbound-api", **extra
            )
        return self.twilio.call_fields(self.number, self.sid, To=self.to, Called=self.to, **extra)

    def post(self, path: str, **extra: str) -> ET.Element:
        response = self.twilio.post(path, self.fields(**extra))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/xml")
        self.responses.append(response)
        self.root = ET.fromstring(response.text)
        assert self.root.tag == "Response"
        return self.root

    def start(self) -> ET.Element:
        return self.post("/twilio/voice")

    def press(self, digits: str = "", *, speech: str = "") -> ET.Element:
        """Answer the Gather: keys, speech, or nothing at all (an empty result)."""
        action = self.gather().get("action", "")
        extra = {"Digits": digits} if digits else {}
        if speech:
            extra = {"SpeechResult": speech, "Confidence": "0.9"}
        if digits.endswith("#"):
            extra = {"Digits": digits[:-1], "FinishedOnKey": "#"}
        return self.post(path_of(action), **extra)

    def gather(self) -> ET.Element:
        found = self.root.find("Gather")
        assert found is not None, ET.tostring(self.root).decode()
        return found

    def says(self) -> str:
        return " ".join("".join(s.itertext()) for s in self.root.iter("Say"))

    def dial(self) -> ET.Element:
        found = self.root.find("Dial")
        assert found is not None, ET.tostring(self.root).decode()
        return found

    def conference(self) -> ET.Element:
        found = self.dial().find("Conference")
        assert found is not None, ET.tostring(self.root).decode()
        return found


def path_of(url: str) -> str:
    """The path and query of an absolute action URL (the poster adds the public URL back)."""
    parts = urlsplit(url)
    assert parts.scheme == "https" and parts.netloc == "hotline.example.org", url
    return parts.path + (f"?{parts.query}" if parts.query else "")
