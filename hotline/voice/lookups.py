"""What the voice runner reads and writes: meetings as the flow sees them, calls, reminders."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hotline import clock, finder, oncall, rooms
from hotline.cases import open_support_case
from hotline.catalogs import catalog
from hotline.find_outcomes import record_find
from hotline.flows.crisis.cues import Danger
from hotline.flows.names import NameStyle, fit_names, spoken_name
from hotline.flows.schedule import same_offset, spoken_label, texted_when
from hotline.flows.sms.keywords import tokenize
from hotline.flows.sms.member import MAX_FIND_SEGMENTS
from hotline.flows.voice import menu as flow
from hotline.logs import log
from hotline.meetings import get_meeting_by_code, get_meeting_by_direct_number
from hotline.models import (
    Call,
    Contact,
    Meeting,
    Subscription,
)
from hotline.outbox import queue_sms
from hotline.phones import vault_for
from hotline.settings import Settings

logger = logging.getLogger(__name__)
SEARCH_LIMIT = flow.PAGE_SIZE * 3
TEXTABLE = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)


def by_direct_number(*, session: Session, e164: str) -> Meeting | None:
    meeting = get_meeting_by_direct_number(session=session, e164=e164) if e164 else None
    return meeting if meeting is not None and meeting.active else None


@dataclass(frozen=True)
class Look:
    """Meetings as the flow sees them, for one caller's language, at one instant."""

    session: Session
    settings: Settings
    language: str
    now: dt.datetime
    # The caller's zone (their number's, their last search's): phone meetings are said in it.
    viewer_zone: str | None = None

    def by_code(self, code: str) -> flow.MeetingFacts | None:
        meeting = get_meeting_by_code(session=self.session, code=code)
        return self.facts(meeting) if meeting is not None else None

    def by_id(self, meeting_id: int) -> flow.MeetingFacts | None:
        meeting = self.session.get(Meeting, meeting_id)
        return self.facts(meeting) if meeting is not None and meeting.active else None

    def by_ids(self, meeting_ids: Iterable[int]) -> tuple[flow.MeetingFacts, ...]:
        found = (self.by_id(meeting_id) for meeting_id in meeting_ids)
        return tuple(meeting for meeting in found if meeting is not None)

    def search(
        self, *, zip_code: str = "", city: str = "", soonest: bool = False
    ) -> tuple[flow.MeetingFacts, ...]:
        """Meetings near the ZIP code or city (nearest first), then phone meetings (soonest first).

        An unknown ZIP code still hears the phone meetings, which serve everyone; a city with no
        groups near it hears none. A city named in several states is the one with a group nearest.
        With soonest, only the phone meetings, soonest first.
        """
        place = None
        if soonest:
            found = self._nearest(None)
        elif zip_code:
            place = finder.place_for_zip(zip_code)
            found = self._nearest(place)
            if place is not None:
                record_find(session=self.session, channel="voice", label=zip_code, found=found)
        else:
            places = finder.places_for_city_name(tuple(tokenize(city)))
            pairs = [(self._nearest(place), place) for place in places]
            found, place = min(pairs, key=lambda pair: _closest(pair[0]), default=([], None))
            if _closest(found) == math.inf:
                return ()
        # The place searched is where the caller is, most likely: times are said in its zone.
        look = replace(self, viewer_zone=place.time_zone) if place and place.time_zone else self
        return tuple(look.facts(nearby.meeting) for nearby in found)

    def _nearest(self, place: finder.Place | None) -> list[finder.NearbyMeeting]:
        return finder.find_nearest_meetings(
            session=self.session,
            origin=None if place is None else (place.latitude, place.longitude),
            topic=None,
            limit=SEARCH_LIMIT,
            offset=0,
            radius_miles=self.settings.find_radius_miles,
            now=self.now,
            include_running=True,
        )

    def facts(self, meeting: Meeting) -> flow.MeetingFacts:
        open_since = self.in_progress(meeting)
        when = open_since or self.next_start(meeting)
        return flow.MeetingFacts(
            id=meeting.id,
            code=meeting.code,
            name=spoken_name(meeting.name, meeting.code, catalog(self.language)),
            format=meeting.format,
            member_pin=meeting.member_pin or None,
            host_pin=meeting.host_pin or None,
            open_now=open_since is not None,
            when=self.spoken_when(meeting, when),
        )

    def spoken_when(self, meeting: Meeting, when: dt.datetime) -> str:
        """Say a time in the caller's zone for a phone meeting, else in the meeting's, naming
        the zone whenever the caller's may differ."""
        zone = meeting.time_zone
        if self.viewer_zone is not None and meeting.format in finder.PHONE_FORMATS:
            zone = self.viewer_zone
        label = spoken_label(when, zone, self.language)
        if self.viewer_zone is not None and same_offset(when, meeting.time_zone, self.viewer_zone):
            return label
        abbreviation = when.astimezone(ZoneInfo(zone)).strftime("%Z")
        words = catalog(self.language)
        name = words.t(f"zones.{abbreviation}") if words.has(f"zones.{abbreviation}") else ""
        return f"{label} {name}".rstrip()

    def in_progress(self, meeting: Meeting) -> dt.datetime | None:
        """The start of the occurrence whose room is open now (it opens a little early)."""
        return finder.occurrence_open(
            session=self.session,
            meeting=meeting,
            now=self.now,
            early_minutes=self.settings.join_window_minutes,
        )

    def next_start(self, meeting: Meeting) -> dt.datetime:
        return finder.next_start(session=self.session, meeting=meeting, now=self.now)

    def starts_in(self, meeting_id: int) -> str:
        """Words for when a meeting starts, for a reminder call: "in one hour", "now"."""
        meeting = self.session.get(Meeting, meeting_id)
        words = catalog(self.language)
        if meeting is None:
            return ""
        started = self.in_progress(meeting)
        if started is not None and started <= self.now:
            return words.t("voice.now")
        start = self.next_start(meeting)
        minutes = round((start - self.now).total_seconds() / 60)
        if 50 <= minutes <= 70:
            return words.t("voice.in_one_hour")
        if minutes < 50:
            return words.t("voice.in_minutes", minutes=minutes)
        return words.t("voice.at_time", when=self.spoken_when(meeting, start))


def _closest(found: list[finder.NearbyMeeting]) -> float:
    """The distance to the nearest local meeting found; infinite when there is none."""
    local = [nearby.distance_miles for nearby in found if nearby.distance_miles is not None]
    return min(local, default=math.inf)


def record_call(*, session: Session, call_sid: str, contact_id: int, direction: str) -> bool:
    """Record a call once per CallSid; False when a retried webhook finds the row already there.

    One INSERT … ON CONFLICT DO NOTHING on the session's connection, as texts are recorded
    (hotline/inbound.py): no lookup first, no savepoint, no ORM flush.
    """
    values = {
        "call_sid": call_sid,
        "contact_id": contact_id,
        "direction": direction[:20],
        "status": "in-progress",
        "started_at": clock.now(),
    }
    statement = _insert_call(session.get_bind().dialect.name)
    if not session.connection().execute(statement, values).rowcount:
        return False
    log(logger, "call_started", call_sid=call_sid, contact_id=contact_id, direction=direction)
    return True


@functools.cache
def _insert_call(dialect_name: str) -> Any:
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return dialect.insert(Call).on_conflict_do_nothing(index_elements=["call_sid"])


def can_text(*, contact: Contact, e164: str) -> bool:
    """Whether a text can reach this caller: a mobile number that has not opted out."""
    if contact.opted_out_at or contact.invalid_at or not contact.can_sms:
        return False
    try:
        kind = phonenumbers.number_type(phonenumbers.parse(e164))
    except phonenumbers.NumberParseException:
        return False
    return kind in TEXTABLE


def subscription_for(
    *, session: Session, subscription_id: int, contact_id: int
) -> Subscription | None:
    subscription = session.get(Subscription, subscription_id)
    if subscription is None or subscription.contact_id != contact_id:
        return None
    return subscription if subscription.ended_at is None else None


def text_results(
    *,
    session: Session,
    settings: Settings,
    contact_id: int,
    meeting_ids: tuple[int, ...],
    language: str,
) -> None:
    """Queue the find results the caller heard as one text, through the outbox."""
    look = Look(session=session, settings=settings, language=language, now=clock.now())
    words = catalog(language)
    contact = session.get(Contact, contact_id)
    viewer_zone = contact.time_zone if contact is not None else None
    heard = [
        meeting
        for meeting_id in meeting_ids
        if (meeting := session.get(Meeting, meeting_id)) is not None and meeting.active
    ]

    def item(meeting: Meeting, style: NameStyle) -> str:
        # Written for a text (GSM-7 words, the zone abbreviated), not as the voice said it.
        when = texted_when(
            look.in_progress(meeting) or look.next_start(meeting),
            meeting.time_zone,
            language,
            by_phone=meeting.format in finder.PHONE_FORMATS,
            viewer_zone=viewer_zone,
        )
        name = style(meeting.name, meeting.code)
        return words.t("voice.find_text_item", code=meeting.code, when=when, name=name)

    def render(style: NameStyle) -> str:
        return words.t("voice.find_text", items="; ".join(item(m, style) for m in heard))

    body = fit_names(render, words, segments=MAX_FIND_SEGMENTS)
    # The caller asked for these just now: quiet hours hold reminders and broadcasts, not this.
    queue_sms(
        session=session, contact_id=contact_id, body=body, purpose="find", ignore_quiet_hours=True
    )


def open_crisis_case(*, session: Session, contact_id: int, danger: Danger) -> None:
    case = open_support_case(
        session=session,
        contact_id=contact_id,
        kind="crisis",
        level="crisis",
        source="voice",
        danger=danger.value,
    )
    log(logger, "crisis_case_opened", case_id=case.id, source="voice")


def oncall_responder_number(*, session: Session, settings: Settings) -> str | None:
    """The number of the on-call responder paged first (lowest tier), decrypted for dialling."""
    for staff in oncall.on_call(session=session, now=clock.now()):
        contact = session.get(Contact, staff.contact_id)
        if staff.role == "responder" and contact is not None and contact.invalid_at is None:
            return vault_for(settings.secret_key).decrypt(contact.phone_encrypted)
    return None


def room_for(
    *, session: Session, settings: Settings, meeting_id: int, call_sid: str
) -> dict[str, Any] | None:
    """Open (or find) the room of the meeting's current occurrence; None when it is closed."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        return None
    look = Look(session=session, settings=settings, language="en", now=clock.now())
    occurrence = look.in_progress(meeting)
    if occurrence is None:
        return None
    name = rooms.room_name(
        secret_key=settings.secret_key, meeting_id=meeting.id, occurrence=occurrence
    )
    room = rooms.open_room(session=session, meeting_id=meeting.id, name=name)
    call = session.scalars(select(Call).where(Call.call_sid == call_sid)).first()
    if call is not None:
        call.meeting_id = meeting.id
    log(logger, "room_dialled", call_sid=call_sid, room_id=room.id, meeting_id=meeting.id)
    return {
        "room": room.name,
        "muted": meeting.group.mute_on_entry,
        "beep": meeting.group.beep,
        "host_starts": bool(meeting.host_pin),
        "max_participants": meeting.max_participants,
    }


def bridge_of(*, session: Session, meeting_id: int) -> tuple[str, str]:
    """The external bridge's number and the digits to send once it answers."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or not meeting.conference_phone:
        return "", ""
    phone, _, inline = meeting.conference_phone.partition(",")
    digits = meeting.conference_digits or (("," + inline) if inline else "")
    return phone.strip(), digits
