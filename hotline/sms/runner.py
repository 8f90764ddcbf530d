"""Inbound SMS: crisis first, then record the text once, look up, decide, apply, render TwiML."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

import phonenumbers
from redis import Redis
from sqlalchemy import bindparam, exists, func, literal, select
from sqlalchemy.orm import Session

from hotline import clock, finder, limits, metrics, oncall, subscriptions
from hotline.cases import flag_stop_during_open_case, open_support_case
from hotline.catalogs import catalog
from hotline.contacts import create_contact, get_contact_by_phone, opt_in, opt_out
from hotline.crisis import caring
from hotline.crisis.cases import member_asks_call
from hotline.crisis.detector import assess
from hotline.crisis.resources import crisis_resources
from hotline.db import session_scope, unlocked_reads, write_late_scope
from hotline.effects import apply_shared
from hotline.find_outcomes import record_find
from hotline.flows.crisis.cues import Danger
from hotline.flows.crisis.detect import Level
from hotline.flows.crisis.reply import crisis_reply
from hotline.flows.effects import Shared
from hotline.flows.language import reads_spanish
from hotline.flows.limits import Verdict
from hotline.flows.schedule import local_label, weekly_times
from hotline.flows.sms import member as flow
from hotline.flows.sms.keywords import POSTAL_CODE, Command, Kind, parse
from hotline.inbound import record_inbound
from hotline.logs import log
from hotline.meetings import get_meeting_by_code
from hotline.models import (
    ACTIVE_CASE_STATUSES,
    Contact,
    Coordinator,
    InboundMessage,
    Meeting,
    OutboxMessage,
    Priority,
    RelayConversation,
    SupportCase,
)
from hotline.outbox import queue_call
from hotline.phones import country_of, vault_for
from hotline.queues import get_redis
from hotline.settings import Settings
from hotline.sms.conversations import load_conversation, save_conversation
from hotline.sms.coordinator import handle_coordinator_sms
from hotline.sms.twiml import render_reply
from hotline.warm import relay

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class InboundSms:
    """One inbound text, as hotline.web.events reads it from Twilio's form."""

    message_sid: str
    sender: str
    to: str
    body: str
    # Set by Twilio's Advanced Opt-Out: "STOP", "START" or "HELP".
    opt_out_type: str | None = None


def answer_member(settings: Settings, message: InboundSms, level: Level) -> str:
    """Answer a text that is not a crisis: record it once, then the staff or member flow.

    One transaction for all of it, the limits' blocklist check included.
    """
    with write_late_scope() as session:
        held = _held_reply(session, settings, message)
        if held is not None:
            return held
        facts = _text_facts(session, settings, message)
        if facts.stored is not None:
            log(logger, "sms_duplicate", message_sid=message.message_sid)
            return facts.stored or render_reply()
        contact, new = facts.contact, facts.contact is None
        if contact is None:  # read just now, with the facts: no second look before creating
            vault = vault_for(settings.secret_key)
            language = settings.default_language
            contact = create_contact(
                session=session, vault=vault, e164=message.sender, language=language
            )
        staff_reply = None
        if not new:
            staff_reply = _staff_reply(
                session, settings, contact, message.body, in_relay=facts.staff_in_relay
            )
        if staff_reply is not None:
            metrics.count_reply("staff")
            twiml = render_reply(staff_reply)
        else:
            concern = level is Level.CONCERN
            replies = _member_replies(
                session,
                settings,
                message,
                contact,
                new=new,
                concern=concern,
                relay_open=facts.relay_open and not new,
            )
            twiml = render_reply(*replies)
        _record(session, message, contact.id, twiml, crisis_level=level.value)
        log(logger, "sms_received", message_sid=message.message_sid, contact_id=contact.id)
    return twiml


def busy_reply(settings: Settings, message: InboundSms) -> str:
    """The answer when the line could not answer in time: try again soon, and the crisis line."""
    language = "es" if reads_spanish(message.body) else settings.default_language
    return render_reply(catalog(language).t("sms.busy"))


def record_late(settings: Settings, message: InboundSms, level: Level) -> None:
    """Record a text the line did not answer in time, so it is never lost; STOP still counts."""
    if parse(message.body, opt_out_type=message.opt_out_type).kind in (Kind.STOP, Kind.START):
        answer_member(settings, message, level)
        return
    with session_scope() as session:
        if _stored_reply(session, message.message_sid) is not None:
            return
        contact, _ = _contact(session, settings, message.sender)
        _record(session, message, contact.id, busy_reply(settings, message), level.value)
        log(logger, "sms_recorded_late", message_sid=message.message_sid, contact_id=contact.id)


# Crisis -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CrisisAnswer:
    """The crisis reply built from memory, and the recording that may improve on it."""

    fallback: str
    record: Callable[[], str]
    danger: Danger = Danger.SUICIDE


def crisis_answer(
    settings: Settings, message: InboundSms, *, level: str, danger: Danger | None = None
) -> CrisisAnswer:
    """Build the crisis reply from memory first, so it goes out even with the DB and Redis down.

    The help fits the danger the text shows (read again from the text when not given).
    """
    metrics.count_reply("crisis")
    danger = danger or assess(message.body).danger
    language = "es" if reads_spanish(message.body) else settings.default_language
    country = country_of(message.sender) or settings.default_country
    fallback = render_reply(_crisis_text(danger, language, country, escalated=False))
    # Looked up when run, so the recording can be replaced (slowed down) in tests.
    return CrisisAnswer(
        fallback,
        lambda: _record_crisis(settings, message, level=level, danger=danger, language=language),
        danger,
    )


@dataclass(frozen=True)
class CrisisReply:
    """The crisis reply to one text, built from memory alone."""

    twiml: str
    danger: Danger
    level: Level


def crisis_reply_for(
    body: str, *, language: str, country: str, escalated: bool = False
) -> CrisisReply | None:
    """Return the crisis TwiML and kind of danger for a text, or None when it is not a crisis.

    Pure and in memory: no database, no queue, nothing that can block. It says someone on call
    is being alerted only when `escalated` (a case was really opened).
    """
    assessment = assess(body)
    if not assessment.crisis:
        return None
    text = _crisis_text(assessment.danger, language, country, escalated=escalated)
    return CrisisReply(render_reply(text), assessment.danger, assessment.level)


def _crisis_text(danger: Danger, language: str, country: str, *, escalated: bool) -> str:
    """The help for the danger, the number's country and language; the catalog's if that fails."""
    try:
        return crisis_reply(
            danger=danger,
            language=language,
            country=country,
            oncall=escalated,
            texts=catalog(language),
            numbers=crisis_resources(),
        )
    except Exception as exc:
        log(logger, "crisis_resources_failed", logging.ERROR, error=type(exc).__name__)
        # Never a volunteer's call to a person in danger from someone else (crisis_reply.promise).
        promise = escalated and danger is not Danger.VIOLENCE
        return flow.catalog_crisis_reply(catalog(language), escalated=promise)


def _record_crisis(
    settings: Settings, message: InboundSms, *, level: str, danger: Danger, language: str
) -> str:
    with session_scope() as session:
        # One SELECT for the stored reply, the contact and their warm-line conversations.
        facts = _text_facts(session, settings, message)
        if facts.stored is not None:
            log(logger, "sms_duplicate", message_sid=message.message_sid)
            return facts.stored or render_reply()
        contact = facts.contact
        if contact is None:
            vault = vault_for(settings.secret_key)
            contact = create_contact(
                session=session, vault=vault, e164=message.sender, language=language
            )
        relayed = relay.staff_reply_for(
            session=session,
            settings=settings,
            contact_id=contact.id,
            body=message.body,
            in_relay=facts.staff_in_relay,
        )
        if relayed is not None:
            # A volunteer's TAKE 8 (the detector hears "take 8 pills") or their words to a
            # member ("are you thinking of killing yourself?") are warm-line work, not a
            # crisis of theirs.
            twiml = render_reply(relayed)
            _record(session, message, contact.id, twiml, crisis_level=level)
            return twiml
        case = open_support_case(
            session=session,
            contact_id=contact.id,
            kind="crisis",
            level=level,
            source="sms",
            danger=danger.value,
        )
        twiml = render_reply(_crisis_with_callback(session, contact, danger))
        _record(session, message, contact.id, twiml, crisis_level=level)
        # A crisis text in a warm-line conversation still reaches the volunteer, marked.
        relay.forward_crisis(
            session=session,
            contact_id=contact.id,
            body=message.body,
            now=clock.now(),
            known_open=facts.relay_open,
        )
        log(
            logger,
            "sms_crisis",
            message_sid=message.message_sid,
            contact_id=contact.id,
            case_id=case.id,
            crisis_level=level,
            danger=danger.value,
        )
    return twiml


def _crisis_with_callback(session: Session, contact: Contact, danger: Danger) -> str:
    """The help for the danger, promising a call back only when someone can be paged."""
    reach = oncall.coverage(session=session, now=clock.now(), exclude_contact_id=contact.id)
    if reach is oncall.Coverage.NONE:
        text = _crisis_text(danger, contact.language, contact.country, escalated=False)
        return text + catalog(contact.language).t("sms.nobody.crisis")
    return _crisis_text(danger, contact.language, contact.country, escalated=True)


# Limits -------------------------------------------------------------------------------------


def _held_reply(session: Session, settings: Settings, message: InboundSms) -> str | None:
    """Record a text from a blocked or flooding number and answer it once or not at all.

    None lets the text through to the member flow. Runs after the crisis check, so a crisis text
    is never held back.
    """
    command = parse(message.body, opt_out_type=message.opt_out_type)
    phone_hash = vault_for(settings.secret_key).index(message.sender)
    verdict = limits.screen_inbound(
        session=session,
        redis=get_redis(),
        settings=settings,
        e164=message.sender,
        phone_hash=phone_hash,
        opt_keyword=command.kind in (Kind.STOP, Kind.START),
    )
    if verdict is Verdict.ANSWER:
        return None
    stored = _stored_reply(session, message.message_sid)
    if stored is not None:
        return stored
    contact, _ = _contact(session, settings, message.sender)
    slow_down = catalog(contact.language).t("limits.slow_down")
    twiml = render_reply(slow_down if verdict is Verdict.SLOW_DOWN else "")
    _record(session, message, contact.id, twiml, limited=verdict.value)
    log(
        logger,
        "sms_limited",
        message_sid=message.message_sid,
        contact_id=contact.id,
        limit=verdict.value,
    )
    return twiml


# Recording ----------------------------------------------------------------------------------


_STORED = select(InboundMessage.reply_twiml).where(
    InboundMessage.message_sid == bindparam("message_sid")
)


def _stored_reply(session: Session, message_sid: str) -> str | None:
    """Return the reply already given to this MessageSid (Twilio retries), if any."""
    stored = session.connection().execute(_STORED, {"message_sid": message_sid}).first()
    if stored is None:
        return None
    log(logger, "sms_duplicate", message_sid=message_sid)
    return stored.reply_twiml or render_reply()


@dataclass(frozen=True)
class _TextFacts:
    """What an ordinary text's answer reads first, in one statement (see _FACTS)."""

    stored: str | None  # the reply already given to this MessageSid; "" if it had none
    contact: Contact | None
    staff_in_relay: bool  # a staff member with a warm-line conversation taken
    relay_open: bool  # a member with a warm-line conversation waiting or taken


# One SELECT for what four used to read: the MessageSid's stored reply (Twilio retries), the
# sender's contact, and whether either side of a warm-line conversation is theirs, so the
# staff and warm-line lookups run only for the few numbers they can concern. Built once: an
# ORM statement costs more to build than to run.
_FACTS = (
    select(
        Contact,
        select(func.coalesce(InboundMessage.reply_twiml, ""))
        .where(InboundMessage.message_sid == bindparam("message_sid"))
        .scalar_subquery()
        .label("stored"),
        exists()
        .where(
            Coordinator.contact_id == Contact.id,
            RelayConversation.volunteer_id == Coordinator.id,
            RelayConversation.status == relay.ACTIVE,
        )
        .label("staff_in_relay"),
        exists()
        .where(
            RelayConversation.contact_id == Contact.id,
            RelayConversation.status.in_((relay.WAITING, relay.ACTIVE)),
        )
        .label("relay_open"),
    )
    .select_from(select(literal(1).label("one")).subquery())
    .outerjoin(Contact, Contact.phone_hash == bindparam("phone_hash"))
)


def _text_facts(session: Session, settings: Settings, message: InboundSms) -> _TextFacts:
    phone_hash = vault_for(settings.secret_key).index(message.sender)
    row = session.execute(
        _FACTS, {"message_sid": message.message_sid, "phone_hash": phone_hash}
    ).one()
    contact, stored, staff_in_relay, relay_open = row
    return _TextFacts(stored, contact, bool(staff_in_relay), bool(relay_open))


def _contact(
    session: Session, settings: Settings, e164: str, *, language: str | None = None
) -> tuple[Contact, bool]:
    vault = vault_for(settings.secret_key)
    found = get_contact_by_phone(session=session, vault=vault, e164=e164)
    if found is not None:
        return found, False
    language = language or settings.default_language
    return create_contact(session=session, vault=vault, e164=e164, language=language), True


def _record(
    session: Session,
    message: InboundSms,
    contact_id: int,
    twiml: str,
    crisis_level: str = "none",
    limited: str | None = None,
) -> None:
    recorded = record_inbound(
        session=session,
        message_sid=message.message_sid,
        contact_id=contact_id,
        body=message.body,
        reply_twiml=twiml,
        crisis_level=crisis_level,
        limited=limited,
    )
    if not recorded:
        log(logger, "sms_duplicate_race", message_sid=message.message_sid)


# Deciding -----------------------------------------------------------------------------------


def _staff_reply(
    session: Session, settings: Settings, contact: Contact, body: str, *, in_relay: bool = True
) -> str | None:
    """Answer a staff command (ACK 12, ONCALL ON ...); None hands the text to the member flow.

    `in_relay` False says the sender holds no warm-line conversation (read with the contact),
    so their free text needs no lookup to be handed on.
    """
    if contact.opted_out_at is not None:
        return None
    now = clock.now()
    warm = relay.staff_command_for(
        session=session, settings=settings, contact_id=contact.id, body=body, now=now
    )
    if warm is not None:
        return warm
    reply = handle_coordinator_sms(
        session=session, settings=settings, contact_id=contact.id, body=body, now=now
    )
    if reply is not None or not in_relay:
        return reply
    return relay.staff_text_for(session=session, contact_id=contact.id, body=body, now=now)


def _member_replies(
    session: Session,
    settings: Settings,
    message: InboundSms,
    contact: Contact,
    *,
    new: bool,
    concern: bool = False,
    relay_open: bool = True,
) -> tuple[str, ...]:
    asked = None
    if contact.opted_out_at is None:
        asked = member_asks_call(
            session=session, contact=contact, body=message.body, now=clock.now()
        )
    warm = asked or _warm_reply(session, settings, contact, message.body, relay_open=relay_open)
    if warm is not None:
        return (warm,)
    redis = get_redis()
    decision = _decide(session, redis, settings, message, contact, new=new, concern=concern)
    for effect in decision.effects:
        _apply(effect, session=session, redis=redis, settings=settings, contact=contact)
    return decision.replies


def _warm_reply(
    session: Session, settings: Settings, contact: Contact, body: str, *, relay_open: bool = True
) -> str | None:
    """The warm line's part: a text conversation, TALK to a volunteer, a caring-text YES."""
    if contact.opted_out_at is not None:
        return None
    now = clock.now()
    reply = relay.member_reply(
        session=session, contact=contact, body=body, now=now, known_open=relay_open
    )
    if reply is not None:
        return reply
    return caring.member_yes(session=session, contact=contact, body=body, now=now)


def _decide(
    session: Session,
    redis: Redis,
    settings: Settings,
    message: InboundSms,
    contact: Contact,
    *,
    new: bool,
    concern: bool = False,
) -> flow.Decision:
    command = parse(message.body, opt_out_type=message.opt_out_type)
    if command.kind is Kind.UNKNOWN and relay.talk_tag(message.body) is not None:
        # TALK veteran with nobody on shift: the same call-back answer as TALK.
        command = Command(Kind.TALK)
    elif command.kind is Kind.UNKNOWN and new and reads_spanish(message.body):
        # A first text in Spanish without a keyword ("oigan, hay juntas por zoom?")
        # is answered, and remembered, in Spanish, as a first Spanish keyword is.
        command = dataclasses.replace(command, spanish=True)
    metrics.count_reply("concern" if concern else command.kind.value)
    facts = flow.ContactFacts(contact.language, contact.opted_out_at is not None, new=new)
    conversation = load_conversation(redis=redis, phone_hash=contact.phone_hash)
    lookup = flow.Lookup()
    if not facts.opted_out:
        lookup = _look_up(session, settings, command, conversation, contact, message.to)
    return flow.decide(
        command,
        contact=facts,
        conversation=conversation,
        lookup=lookup,
        texts=catalog,
        rules=line_rules(settings),
        concern=concern,
    )


def line_rules(settings: Settings) -> flow.LineRules:
    return flow.LineRules(
        page_size=settings.find_page_size,
        radius_miles=settings.find_radius_miles,
        lead_minutes=settings.reminder_lead_minutes,
        languages=settings.languages,
    )


def _look_up(
    session: Session,
    settings: Settings,
    command: Command,
    conversation: flow.Conversation,
    contact: Contact,
    line_number: str,
) -> flow.Lookup:
    """Fetch what the command needs to be answered (the flow's NEEDS), and nothing else."""
    asked = _Asked(session, settings, command, conversation, contact, line_number, clock.now())
    return FETCHERS[flow.NEEDS[command.kind]](asked)


@dataclass(frozen=True)
class _Asked:
    """What a fetcher may read: the text's command and who sent it, to which number, when."""

    session: Session
    settings: Settings
    command: Command
    conversation: flow.Conversation
    contact: Contact
    line_number: str
    now: dt.datetime


def _nothing(asked: _Asked) -> flow.Lookup:
    return flow.Lookup()


def _new_search(asked: _Asked) -> flow.Lookup:
    command, contact = asked.command, asked.contact
    query = _find_query(command)
    if command.words in _NOW and command.zip_code is None:
        # FIND NOW / BUSCAR AHORA: the phone meetings starting soonest, in the member's time.
        query = flow.FindCursor(None, None, None, contact.time_zone, topic=None)
    if isinstance(query, flow.FindCursor) and query.time_zone:
        contact.time_zone = query.time_zone  # the member's zone: their last search's
    return flow.Lookup(find=_search(asked.session, asked.settings, query, asked.now, new=True))


def _next_page(asked: _Asked) -> flow.Lookup:
    found = _search(asked.session, asked.settings, asked.conversation.find, asked.now)
    return flow.Lookup(find=found)


def _subscribed(asked: _Asked) -> flow.Lookup:
    session, contact = asked.session, asked.contact
    meetings = subscriptions.list_subscribed_meetings(session=session, contact_id=contact.id)
    views = tuple(_view(session, meeting, asked.now) for meeting in meetings)
    return flow.Lookup(subscriptions=views, viewer_zone=contact.time_zone)


def _talk(asked: _Asked) -> flow.Lookup:
    return _talk_lookup(asked.session, asked.settings, asked.contact, asked.now)


def _meeting(asked: _Asked) -> flow.Lookup:
    code, contact = asked.command.code, asked.contact
    if code is None:
        return flow.Lookup()  # "REMIND" alone: the flow asks for the code
    found = _meeting_lookup(asked.session, code, contact.id, asked.line_number, asked.now)
    find = asked.conversation.find
    viewer = find.time_zone if find else None
    return dataclasses.replace(found, viewer_zone=viewer or contact.time_zone)


# One fetcher per need (tests/test_sms_lookups.py: none left out).
FETCHERS: dict[flow.Need, Callable[[_Asked], flow.Lookup]] = {
    flow.Need.NOTHING: _nothing,
    flow.Need.SEARCH: _new_search,
    flow.Need.NEXT_PAGE: _next_page,
    flow.Need.SUBSCRIPTIONS: _subscribed,
    flow.Need.TALK: _talk,
    flow.Need.MEETING: _meeting,
}


def _meeting_lookup(
    session: Session, code: str, contact_id: int, line_number: str, now: dt.datetime
) -> flow.Lookup:
    meeting = get_meeting_by_code(session=session, code=code)
    if meeting is None:
        return flow.Lookup()
    subscribed = subscriptions.get_active_subscription(
        session=session, contact_id=contact_id, meeting_id=meeting.id
    )
    return flow.Lookup(
        meeting=_view(session, meeting, now),
        subscribed=subscribed is not None,
        line_number=_readable(line_number),
    )


_NOW = frozenset({("now",), ("ahora",), ("right", "now"), ("ya",)})


def _find_query(command: Command) -> flow.FindCursor | flow.FindResults:
    """Turn FIND's words into a place and a topic, or say what was not understood."""
    if command.zip_code is not None:
        place = finder.place_for_zip(command.zip_code)
        if place is None:
            return flow.FindResults(None, problem="unknown_zip", problem_value=command.zip_code)
        return _cursor(place, " ".join(command.words))
    if not command.words:
        return flow.FindResults(None, problem="no_place")
    place, topic = finder.place_for_city(command.words, command.state)
    if place is not None:
        return _cursor(place, " ".join([topic, *command.tail]).strip())
    if command.state is not None:
        typed = " ".join([*command.words, command.state, *command.tail])
        return flow.FindResults(None, problem="unknown_city", problem_value=typed)
    postal = _postal_code_in(command.words)
    if postal is not None:
        code, topic = postal
        place = finder.place_for_postal_code(code)
        if place is None:
            return flow.FindResults(None, problem="unknown_postal", problem_value=code)
        return _cursor(place, " ".join([topic, *command.tail]).strip())
    if finder.names_a_city(command.words):
        return flow.FindResults(None, problem="need_state", problem_value=" ".join(command.words))
    # No place named: a topic alone ("FIND anxiety") searches the phone meetings.
    return flow.FindCursor(None, None, None, None, topic=" ".join(command.words))


def _postal_code_in(words: tuple[str, ...]) -> tuple[str, str] | None:
    """A Canadian postal code in the words ("k8n5w6", "k8n"), and the other words (a topic)."""
    for at, word in enumerate(words):
        if POSTAL_CODE.fullmatch(word):
            return word.upper(), " ".join(words[:at] + words[at + 1 :])
    return None


def _cursor(place: finder.Place, topic: str) -> flow.FindCursor:
    return flow.FindCursor(
        place.label,
        place.latitude,
        place.longitude,
        place.time_zone,
        topic=topic or None,
        metric=place.metric,
    )


def _search(
    session: Session,
    settings: Settings,
    query: flow.FindCursor | flow.FindResults | None,
    now: dt.datetime,
    *,
    new: bool = False,
) -> flow.FindResults:
    if query is None:
        return flow.FindResults(None, problem="no_search")
    if isinstance(query, flow.FindResults):
        return query
    origin = None if query.latitude is None else (query.latitude, query.longitude or 0.0)
    with unlocked_reads(session) as reader:
        found = finder.find_nearest_meetings(
            session=reader,
            origin=origin,
            topic=query.topic,
            limit=settings.find_page_size + 1,  # one more tells whether MORE has anything
            offset=query.offset,
            radius_miles=settings.find_radius_miles,
            now=now,
        )
    if new and origin is not None:
        record_find(session=session, channel="sms", label=query.place or "", found=found)
    views = tuple(_view(session, f.meeting, now, f.distance_miles, f.next_start) for f in found)
    return flow.FindResults(query, views)


def _view(
    session: Session,
    meeting: Meeting,
    now: dt.datetime,
    distance: float | None = None,
    next_start: dt.datetime | None = None,
) -> flow.MeetingView:
    if next_start is None:
        next_start = finder.next_start(session=session, meeting=meeting, now=now)
    external = meeting.format == "external_bridge"
    return flow.MeetingView(
        id=meeting.id,
        code=meeting.code,
        name=meeting.name,
        format=meeting.format,
        next_start=next_start,
        time_zone=meeting.time_zone,
        distance_miles=distance,
        address=_full_address(meeting),
        dial_in=_readable(meeting.conference_phone or "") if external else None,
        dial_digits=meeting.conference_digits if external else None,
        notes=meeting.notes,
        has_pin=bool(meeting.member_pin),
        lead_minutes=tuple(meeting.group.reminder_lead_minutes or ()),
        weekdays=tuple(day for day, _ in weekly_times(meeting)),
        in_person=meeting.in_person,
        location=meeting.location,
        online_url=meeting.conference_url,
        conference_notes=meeting.conference_notes,
    )


def _full_address(meeting: Meeting) -> str:
    """The address with its city, unless the feed's address line already names it."""
    if meeting.city and meeting.city.lower() not in meeting.address.lower():
        return ", ".join(part for part in (meeting.address, meeting.city) if part)
    return meeting.address


def _readable(e164: str) -> str:
    """Format a number the way a member dials it at home: "(415) 555-0100"."""
    try:
        parsed = phonenumbers.parse(e164, "US")
    except phonenumbers.NumberParseException:
        return e164
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL))


def _talk_lookup(
    session: Session, settings: Settings, contact: Contact, now: dt.datetime
) -> flow.Lookup:
    talk_open = _talk_open(session, contact.id)
    reach = oncall.coverage(session=session, now=now, exclude_contact_id=contact.id)
    if reach is not oncall.Coverage.NONE:
        return flow.Lookup(talk_open=talk_open)
    upcoming = oncall.next_shift(session=session, now=now)
    zone = contact.time_zone or settings.time_zone
    label = local_label(upcoming, zone, contact.language) if upcoming else ""
    return flow.Lookup(talk_open=talk_open, nobody_on_call=True, next_shift=label)


def _talk_open(session: Session, contact_id: int) -> bool:
    statement = select(SupportCase.id).where(
        SupportCase.contact_id == contact_id,
        SupportCase.kind == "talk",
        SupportCase.status.in_(ACTIVE_CASE_STATUSES),  # open, or taken by a volunteer
    )
    return session.scalars(statement).first() is not None


# Applying effects ---------------------------------------------------------------------------


def _apply(
    effect: flow.Effect, *, session: Session, redis: Redis, settings: Settings, contact: Contact
) -> None:
    if isinstance(effect, Shared):
        apply_shared(effect, session=session, contact=contact, channel="sms")
        return
    match effect:
        case flow.OptOut():
            opt_out(contact=contact)
            # Honoured at once, but a STOP in the middle of a crisis needs a human look.
            flag_stop_during_open_case(session=session, contact_id=contact.id)
            log(logger, "sms_opted_out", contact_id=contact.id)
        case flow.OptIn():
            opt_in(contact=contact)
            log(logger, "sms_opted_in", contact_id=contact.id)
        case flow.QueueJoinCall(meeting_id):
            _queue_join_call(session, contact.id, meeting_id)
        case flow.SaveConversation(conversation):
            save_conversation(
                redis=redis,
                phone_hash=contact.phone_hash,
                conversation=conversation,
                ttl_seconds=settings.cursor_ttl_seconds,
            )


# A repeated CALL while the first call is still on its way must not ring the member twice (or
# let one number make the line dial it over and over).
JOIN_CALL_COOLDOWN = dt.timedelta(minutes=5)


def _queue_join_call(session: Session, contact_id: int, meeting_id: int) -> None:
    path = f"outbound/join/{meeting_id}"
    recent = session.scalars(
        select(OutboxMessage.id).where(
            OutboxMessage.contact_id == contact_id,
            OutboxMessage.call_path == path,
            OutboxMessage.created_at >= clock.now() - JOIN_CALL_COOLDOWN,
        )
    ).first()
    if recent is not None:
        log(logger, "sms_join_call_recent", contact_id=contact_id, outbox_id=recent)
        return
    row = queue_call(
        session=session,
        contact_id=contact_id,
        call_path=path,
        purpose="join",
        priority=Priority.URGENT,
        ignore_quiet_hours=True,  # the member asked for this call just now
    )
    log(logger, "sms_join_call_queued", contact_id=contact_id, outbox_id=row.id)
