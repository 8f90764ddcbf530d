"""Tables, SQLAlchemy 2.0 typed. Queries live beside their domain noun, not here."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from hotline import clock


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: DateTime(timezone=True),
        dict[str, Any]: JSON,
    }


class MeetingFormat(enum.StrEnum):
    IN_PERSON = "in_person"
    PHONE_BRIDGE = "phone_bridge"
    EXTERNAL_BRIDGE = "external_bridge"
    ONLINE = "online"


class OutboxStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    ABANDONED = "abandoned"
    SKIPPED = "skipped"


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    ACKED = "acked"
    CLOSED = "closed"


# A support case still needing a person: here, beside the column, so hotline/cases.py and
# hotline/crisis/caring.py (which cases.py imports) both read it without an import cycle.
ACTIVE_CASE_STATUSES = (CaseStatus.OPEN.value, CaseStatus.ACKED.value)


class Priority(enum.StrEnum):
    URGENT = "urgent"
    DEFAULT = "default"
    BULK = "bulk"


class Group(Base):
    __tablename__ = "groups"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    mute_on_entry: Mapped[bool] = mapped_column(Boolean, default=True)
    beep: Mapped[bool] = mapped_column(Boolean, default=False)
    # Minutes before each occurrence to remind; None means the line's default.
    reminder_lead_minutes: Mapped[list[int] | None] = mapped_column(JSON, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    meetings: Mapped[list[Meeting]] = relationship(back_populates="group")


class Meeting(Base):
    __tablename__ = "meetings"
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    # Short numeric code a caller types on a keypad ("4821").
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    # Python weekday: Monday is 0, Sunday is 6 (the Meeting Guide feed uses Sunday = 0).
    weekday: Mapped[int] = mapped_column(Integer)
    # Further weekdays the same meeting meets at start_time (one code for all its days);
    # read them through hotline.flows.schedule.weekly_times, never alone.
    more_weekdays: Mapped[list[int]] = mapped_column(JSON, default=list)
    start_time: Mapped[dt.time] = mapped_column(Time)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    time_zone: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(20), default=MeetingFormat.IN_PERSON.value)
    member_pin: Mapped[str | None] = mapped_column(String(12), default=None)
    host_pin: Mapped[str | None] = mapped_column(String(12), default=None)
    address: Mapped[str] = mapped_column(String(500), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    state: Mapped[str] = mapped_column(String(60), default="")
    postal_code: Mapped[str] = mapped_column(String(20), default="")
    country: Mapped[str] = mapped_column(String(2), default="US")
    latitude: Mapped[float | None] = mapped_column(Float, default=None)
    longitude: Mapped[float | None] = mapped_column(Float, default=None)
    types: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    conference_phone: Mapped[str | None] = mapped_column(String(40), default=None)
    conference_digits: Mapped[str | None] = mapped_column(String(40), default=None)
    conference_url: Mapped[str | None] = mapped_column(String(500), default=None)
    # A Twilio number dedicated to this meeting: calls to it skip the menu.
    direct_number: Mapped[str | None] = mapped_column(String(20), unique=True, default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Callers the room admits at once; None means the line's [voice] max_participants.
    max_participants: Mapped[int | None] = mapped_column(Integer, default=None)
    updated_at: Mapped[dt.datetime] = mapped_column(default=clock.now, onupdate=clock.now)
    group: Mapped[Group] = relationship(back_populates="meetings")
    # Where it meets ("St Andrews Church") and how to get in online or by phone (passcodes).
    location: Mapped[str] = mapped_column(String(300), default="")
    conference_notes: Mapped[str] = mapped_column(Text, default="")
    # True when a person can go to the address: not temporarily closed, not approximate.
    in_person: Mapped[bool] = mapped_column(Boolean, default=True)
    # The feed it came from; set when a re-read no longer lists it (kept for history).
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("feeds.id"), index=True, default=None)
    retired_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # When staff detached it from its feed: later reads of the feed leave it as it is.
    detached_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    __table_args__ = (
        Index("ix_meetings_geo", "latitude", "longitude"),
        Index("ix_meetings_listed", "active", "in_person", "latitude", "longitude"),
        # The finder's phone index checks max(updated_at) per request: an index makes it O(1).
        Index("ix_meetings_updated_at", "updated_at"),
    )


class Feed(Base):
    """A meeting feed (Meeting Guide JSON or a BMLT server) and how its last read went."""

    __tablename__ = "feeds"
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(1000), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="meeting_guide")  # or "bmlt"
    # Registered feeds (`hotline feeds add`) are re-read by the scheduler; one-off imports not.
    registered: Mapped[bool] = mapped_column(Boolean, default=False)
    default_time_zone: Mapped[str | None] = mapped_column(String(64), default=None)
    etag: Mapped[str | None] = mapped_column(String(200), default=None)
    last_modified: Mapped[str | None] = mapped_column(String(100), default=None)
    checked_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    loaded_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(String(300), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)


class MeetingCancellation(Base):
    __tablename__ = "meeting_cancellations"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    occurs_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    __table_args__ = (UniqueConstraint("meeting_id", "occurs_on"),)


class Room(Base):
    """A live conference for one meeting occurrence; its name is an opaque token."""

    __tablename__ = "rooms"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    conference_sid: Mapped[str | None] = mapped_column(String(40), default=None)
    participants: Mapped[int] = mapped_column(Integer, default=0)
    last_sequence: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="waiting")
    opened_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    ended_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class Contact(Base):
    """A phone number that reached the line; the number itself is stored encrypted."""

    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    # HMAC-SHA256 of the E.164 number, keyed by the secret key: the only lookup path.
    phone_hash: Mapped[str] = mapped_column(String(64), unique=True)
    phone_encrypted: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8), default="en")
    country: Mapped[str] = mapped_column(String(2), default="US")
    time_zone: Mapped[str | None] = mapped_column(String(64), default=None)
    can_sms: Mapped[bool] = mapped_column(Boolean, default=True)
    opted_out_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    invalid_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)


class Subscription(Base):
    __tablename__ = "subscriptions"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    # "sms" for reminder texts, "voice" for reminder calls.
    channel: Mapped[str] = mapped_column(String(8), default="sms")
    # When this run of reminders began (reset when an ended subscription restarts): the
    # reminder tick gives subscriptions started since its last run their nearest reminder.
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now, index=True)
    ended_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    __table_args__ = (UniqueConstraint("contact_id", "meeting_id"),)


class InboundMessage(Base):
    __tablename__ = "inbound_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    message_sid: Mapped[str] = mapped_column(String(64), unique=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    body: Mapped[str | None] = mapped_column(Text, default=None)
    # The TwiML we answered with, so a retried webhook gets the same answer.
    reply_twiml: Mapped[str | None] = mapped_column(Text, default=None)
    crisis_level: Mapped[str] = mapped_column(String(12), default="none")
    # Why the line did not answer as usual: "blocked", "slowed" (the one slow-down reply) or
    # "throttled" (silence); None for a text answered normally.
    limited: Mapped[str | None] = mapped_column(String(12), default=None)
    received_at: Mapped[dt.datetime] = mapped_column(default=clock.now, index=True)


class Broadcast(Base):
    __tablename__ = "broadcasts"
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), default=None)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), default=None)
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("coordinators.id"))
    body: Mapped[str | None] = mapped_column(Text, default=None)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    segments: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    # The Spanish version, for members whose language is Spanish (None: everyone gets `body`).
    body_es: Mapped[str | None] = mapped_column(Text, default=None)
    # When a scheduled broadcast starts; the scheduler's tick starts it once this has passed.
    send_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class OutboxMessage(Base):
    """An outbound text or call: a row first, then a job; never sent twice."""

    __tablename__ = "outbox_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), default="sms")  # "sms" or "call"
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    body: Mapped[str | None] = mapped_column(Text, default=None)
    # For calls: the TwiML path under /twilio/voice/ the answered call fetches.
    call_path: Mapped[str | None] = mapped_column(String(300), default=None)
    purpose: Mapped[str] = mapped_column(String(16), default="reply")
    priority: Mapped[str] = mapped_column(String(8), default=Priority.DEFAULT.value)
    status: Mapped[str] = mapped_column(String(12), default=OutboxStatus.QUEUED.value, index=True)
    ignore_quiet_hours: Mapped[bool] = mapped_column(Boolean, default=False)
    # Unique business key, e.g. "reminder:<sub>:<occurrence>:<lead>", so duplicates cannot exist.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True, default=None)
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id"), index=True)
    # What the row is about, as columns the sender reads (rows queued before 0012 carry them
    # only in dedupe_key): a reminder's subscription and the occurrence it announces, and the
    # meeting whose zone keeps quiet hours for a contact of no known zone.
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("subscriptions.id"), default=None
    )
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), default=None)
    occurs_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    segments: Mapped[int] = mapped_column(Integer, default=1)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    twilio_sid: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    error_code: Mapped[str | None] = mapped_column(String(12), default=None)
    error_reason: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now, index=True)
    sent_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    updated_at: Mapped[dt.datetime] = mapped_column(default=clock.now, onupdate=clock.now)


class Call(Base):
    __tablename__ = "calls"
    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    direction: Mapped[str] = mapped_column(String(20), default="inbound")
    status: Mapped[str] = mapped_column(String(20), default="ringing")
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), default=None)
    started_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    ended_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # Why the call got only the short answer: "throttled" (too many calls from the number).
    limited: Mapped[str | None] = mapped_column(String(12), default=None)


class Coordinator(Base):
    """A staff member (admin, coordinator, responder, volunteer), verified by their phone.

    The table keeps its first name; hotline/staff.py holds what each role may do.
    """

    __tablename__ = "coordinators"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    # "admin", "coordinator", "responder" or "volunteer".
    role: Mapped[str] = mapped_column(String(16), default="coordinator")
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), default=None)
    # ONCALL ON/OFF; with shifts it holds only until `oncall_until` (when the schedule next
    # changes), without shifts it is the whole truth.
    oncall: Mapped[bool] = mapped_column(Boolean, default=False)
    oncall_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    # Escalation tier (1 is paged first); the highest tier is the last fallback.
    tier: Mapped[int] = mapped_column(Integer, default=1)
    password_hash: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    # Removed staff keep their row, so cases and audit events still name who acted.
    removed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    meetings: Mapped[list[Meeting]] = relationship(secondary="staff_meetings", lazy="selectin")
    shifts: Mapped[list[StaffShift]] = relationship(
        back_populates="staff", lazy="selectin", cascade="all, delete-orphan"
    )


class StaffMeeting(Base):
    """A meeting a coordinator runs (their groups are these meetings' groups)."""

    __tablename__ = "staff_meetings"
    staff_id: Mapped[int] = mapped_column(ForeignKey("coordinators.id"), primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), primary_key=True)


class StaffShift(Base):
    """A weekly shift of one staff member on a rota ("oncall"), in a time zone."""

    __tablename__ = "staff_shifts"
    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("coordinators.id"), index=True)
    rota: Mapped[str] = mapped_column(String(20), default="oncall")
    weekday: Mapped[int] = mapped_column(Integer)  # Python's: Monday is 0
    start_time: Mapped[dt.time] = mapped_column(Time)
    minutes: Mapped[int] = mapped_column(Integer)
    time_zone: Mapped[str] = mapped_column(String(64))
    staff: Mapped[Coordinator] = relationship(back_populates="shifts")


class SupportCase(Base):
    __tablename__ = "support_cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12), default="crisis")  # "crisis" or "talk"
    level: Mapped[str] = mapped_column(String(12), default="crisis")
    # A crisis case's kind of danger ("suicide", "medical", "violence", "others"); None for talk.
    danger: Mapped[str | None] = mapped_column(String(12), default=None)
    source: Mapped[str] = mapped_column(String(8), default="sms")
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    tier: Mapped[int] = mapped_column(Integer, default=0)
    # Bumped on every escalation step so a stale job can tell it was superseded.
    escalation_version: Mapped[int] = mapped_column(Integer, default=0)
    next_escalation_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # When someone was first paged for it (metrics: seconds from open to first page).
    first_paged_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    acked_by_id: Mapped[int | None] = mapped_column(ForeignKey("coordinators.id"), default=None)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    acked_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    closed_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class AuditEvent(Base):
    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=clock.now, index=True)
    actor: Mapped[str] = mapped_column(String(60))  # "system", "coordinator:3", "contact:9"
    action: Mapped[str] = mapped_column(String(60))
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int | None] = mapped_column(Integer, default=None)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


# The coordinator dashboard -------------------------------------------------------------------


class CaseNote(Base):
    """A private note by staff on a support case: their own words, never the member's."""

    __tablename__ = "case_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("support_cases.id"), index=True)
    coordinator_id: Mapped[int] = mapped_column(ForeignKey("coordinators.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)


class RoomParticipant(Base):
    """One call leg in a live room, known by an anonymous label ("#3"), never by its number."""

    __tablename__ = "room_participants"
    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"), index=True)
    call_sid: Mapped[str] = mapped_column(String(64))
    label: Mapped[int] = mapped_column(Integer)
    muted: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    left_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    __table_args__ = (UniqueConstraint("room_id", "call_sid"),)


class FindOutcome(Base):
    """One new search (FIND by text, or by voice): where, and whether a group was near.

    Tied to no contact: the area (first 3 digits of a ZIP) and a yes/no are all it keeps, so
    a service committee can see unmet demand without seeing who asked.
    """

    __tablename__ = "find_outcomes"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=clock.now, index=True)
    channel: Mapped[str] = mapped_column(String(8))  # "sms" or "voice"
    zip3: Mapped[str | None] = mapped_column(String(3), default=None)
    # A meeting in person or online within the find radius (phone meetings serve everyone).
    local_found: Mapped[bool] = mapped_column(Boolean)
    results: Mapped[int] = mapped_column(Integer, default=0)


# The warm line (a caller or texter talking to a peer volunteer now) ----------------------------


class VolunteerProfile(Base):
    """A warm-line volunteer's languages, tags and AVAILABLE/AWAY; a responder's opt-in."""

    __tablename__ = "volunteer_profiles"
    staff_id: Mapped[int] = mapped_column(ForeignKey("coordinators.id"), primary_key=True)
    languages: Mapped[str] = mapped_column(String(40), default="en")  # "en,es"
    tags: Mapped[str] = mapped_column(String(200), default="")  # "veterans,youth"
    # A responder who takes warm-line calls too (volunteers always do).
    opted_in: Mapped[bool] = mapped_column(Boolean, default=False)
    # AVAILABLE / AWAY / HELPING: holds until `available_until` (None: until changed).
    available: Mapped[bool | None] = mapped_column(Boolean, default=None)
    available_until: Mapped[dt.datetime | None] = mapped_column(default=None)


class WarmCall(Base):
    """A caller in the warm line's queue, from pressing 2 to bridged, voicemail or hang-up."""

    __tablename__ = "warm_calls"
    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    status: Mapped[str] = mapped_column(String(12), default="waiting", index=True)
    rung: Mapped[list[int]] = mapped_column(JSON, default=list)
    last_ring_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("coordinators.id"), default=None)
    entered_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    answered_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    ended_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # The kind of peer the caller asked for ("veterans"); None: anyone.
    tag: Mapped[str | None] = mapped_column(String(20), default=None)


class Voicemail(Base):
    """A message left on the warm line. The recording stays at Twilio until retention ends."""

    __tablename__ = "voicemails"
    id: Mapped[int] = mapped_column(primary_key=True)
    warm_call_id: Mapped[int | None] = mapped_column(ForeignKey("warm_calls.id"), default=None)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    recording_sid: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    # The transcription is read by the crisis detector and never stored.
    crisis: Mapped[bool] = mapped_column(Boolean, default=False)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("support_cases.id"), default=None)
    called_by_id: Mapped[int | None] = mapped_column(ForeignKey("coordinators.id"), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now, index=True)
    called_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class RelayConversation(Base):
    """A member and a volunteer texting through the line's number (TALK, then TAKE 23)."""

    __tablename__ = "relay_conversations"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("coordinators.id"), default=None)
    # "waiting" (for a TAKE), "active", "closed".
    status: Mapped[str] = mapped_column(String(10), default="waiting", index=True)
    opened_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    taken_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_activity_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    closed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # "member", "volunteer", "idle", "unanswered", "opted_out".
    closed_by: Mapped[str | None] = mapped_column(String(12), default=None)
    texts: Mapped[int] = mapped_column(Integer, default=0)
    # TALK veteran: offered to the tagged volunteers first, to every peer from `widened_at`.
    tag: Mapped[str | None] = mapped_column(String(20), default=None)
    widened_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class CaringConsent(Base):
    """A member's YES to caring texts, asked while their crisis case was open."""

    __tablename__ = "caring_consents"
    case_id: Mapped[int] = mapped_column(ForeignKey("support_cases.id"), primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    asked_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    agreed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    scheduled_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class BlockedNumber(Base):
    """A number or prefix the line records but does not answer (crisis texts excepted).

    A full number is kept only as its keyed hash (the contacts' phone_hash); a prefix such as
    +1900 names no one and is kept as typed, so it can be listed.
    """

    __tablename__ = "blocked_numbers"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # "number" or "prefix"
    value: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    __table_args__ = (UniqueConstraint("kind", "value"),)
