"""The voice line's runner: look up what a menu step needs, run the flow, apply, render TwiML."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from hotline import clock, finder, limits, oncall
from hotline.bounded import record_within_budget
from hotline.catalogs import catalog
from hotline.contacts import get_or_create_contact
from hotline.crisis.detector import assess
from hotline.db import session_scope
from hotline.effects import apply_shared
from hotline.flows.crisis.cues import Danger
from hotline.flows.effects import SetLanguage, Shared
from hotline.flows.limits import Verdict
from hotline.flows.schedule import spoken_label
from hotline.flows.voice import menu as flow
from hotline.flows.warm import line as warm_flow
from hotline.logs import log
from hotline.models import Call, Contact
from hotline.phones import country_of, vault_for
from hotline.queues import get_redis
from hotline.settings import Settings
from hotline.voice import lookups, twiml
from hotline.warm import calls as warm_calls
from hotline.warm import twiml as warm_twiml
from hotline.warm import volunteers

logger = logging.getLogger(__name__)
Record = Callable[[], None]
ANSWERED = frozenset({"completed", "answered"})


@dataclass(frozen=True)
class CallEvent:
    """One call webhook, as hotline.web.events reads it from Twilio's form."""

    call_sid: str
    # The person on the line, and the hotline number between us (theirs is never shown).
    caller: str
    line: str
    direction: str
    heard: flow.Heard = field(default_factory=flow.Heard)
    dial_status: str = ""


def screen_words(words: str) -> tuple[bool, Danger]:
    """Ask the crisis assessor about what a caller said: (a crisis?, the kind of danger).

    Every spoken answer at every menu passes here (the catalogs' help words are checked too);
    voicemail transcriptions are read by ``hotline.warm.voicemail.answer_transcribed``
    (tests/web/test_voice_screening.py checks both are the only readers).
    """
    if not words.strip():
        return False, Danger.SUICIDE
    verdict = assess(words)
    return verdict.crisis, verdict.danger


# Answers, one per route.


def answer_inbound(settings: Settings, event: CallEvent) -> str:
    """The first webhook of a call: record it once, then a meeting's direct line or the menu."""
    with session_scope() as session:
        contact = _start_call(session, settings, event)
        state = flow.VoiceState(language=_language_of(settings, contact))
        if _over_call_limit(session, settings, event, contact):
            return twiml.calls_limited(settings, state.language)
        direct = lookups.by_direct_number(session=session, e164=event.line)
        if direct is not None:
            facts = _facts(session, settings, state, contact, event, meeting_id=direct.id)
            return _run(session, settings, event, contact, flow.start_join(state, facts))
        facts = _facts(session, settings, state, contact, event)
        return _run(session, settings, event, contact, flow.greet(state, facts))


def _over_call_limit(
    session: Session, settings: Settings, event: CallEvent, contact: Contact
) -> bool:
    """Count a new call from the number; over the limit, mark the call and say so."""
    verdict = limits.screen_call(
        redis=get_redis(), settings=settings, phone_hash=contact.phone_hash, call_sid=event.call_sid
    )
    if verdict is Verdict.ANSWER:
        return False
    session.execute(update(Call).where(Call.call_sid == event.call_sid).values(limited=verdict))
    log(logger, "voice_limited", call_sid=event.call_sid, contact_id=contact.id)
    return True


def limited_goodbye(settings: Settings, query: Mapping[str, str]) -> str:
    """After the over-the-limit answer: anything but 9 (handled first) ends the call."""
    return twiml.goodbye(
        flow.VoiceState.from_query(query, _languages(settings)).language, "goodbye"
    )


def crisis_language(settings: Settings, event: CallEvent, query: Mapping[str, str]) -> str | None:
    """The caller's language when they pressed 9 or asked for help at a menu, else None."""
    state = flow.VoiceState.from_query(query, _languages(settings))
    quick = flow.Facts(catalog=catalog(state.language), languages=_languages(settings))
    return state.language if flow.wants_crisis(state, event.heard, quick) else None


def answer_step(settings: Settings, event: CallEvent, query: Mapping[str, str]) -> str:
    """A menu's Gather posted back: crisis first (no database needed), then the flow."""
    language = crisis_language(settings, event, query)
    if language is not None:
        return crisis_answer(settings, event, language)
    state = flow.VoiceState.from_query(query, _languages(settings))
    with session_scope() as session:
        contact = _start_call(session, settings, event)
        lookup = flow.lookup_for(state, event.heard, catalog(state.language))
        facts = _facts(session, settings, state, contact, event, lookup=lookup)
        step = flow.handle(state, event.heard, facts)
        log(logger, "voice_step", call_sid=event.call_sid, menu=state.menu, then=_name(step))
        return _run(session, settings, event, contact, step)


def answer_reminder_call(settings: Settings, event: CallEvent, subscription_id: int) -> str:
    """The answered leg of a reminder call: join now, or stop these calls."""
    with session_scope() as session:
        contact = _start_call(session, settings, event)
        subscription = lookups.subscription_for(
            session=session, subscription_id=subscription_id, contact_id=contact.id
        )
        if subscription is None:
            return twiml.goodbye(_language_of(settings, contact), "goodbye")
        state = flow.VoiceState(
            menu=flow.REMINDER_CALL,
            language=_language_of(settings, contact),
            meeting_id=subscription.meeting_id,
            subscription_id=subscription.id,
        )
        facts = _facts(session, settings, state, contact, event)
        return _run(session, settings, event, contact, flow.ask(state, facts))


def answer_join_call(settings: Settings, event: CallEvent, meeting_id: int) -> str:
    """The answered leg of `CALL 4821`: straight to the meeting's PIN or room."""
    with session_scope() as session:
        contact = _start_call(session, settings, event)
        state = flow.VoiceState(language=_language_of(settings, contact))
        facts = _facts(session, settings, state, contact, event, meeting_id=meeting_id)
        return _run(session, settings, event, contact, flow.start_join(state, facts))


# The crisis dial waits this long at most for its support case to be recorded (so the case
# is there when the dial ends and the fallback looks for a responder); a slower database
# records it later, from the spool if need be.
CRISIS_CASE_WAIT_SECONDS = 2.0


def crisis_dial(settings: Settings, event: CallEvent, language: str) -> tuple[str, Record]:
    """The dial for the danger heard, and the recording of its support case."""
    danger = event.heard.danger if event.heard.crisis else Danger.SUICIDE
    country = country_of(event.caller) or settings.default_country
    log(logger, "voice_crisis", call_sid=event.call_sid, danger=danger.value)
    answer = twiml.crisis_dial(settings, language, danger=danger, country=country)
    # Looked up when run, so the recording can be replaced (slowed down) in tests.
    return answer, lambda: _record_crisis_call(settings, event, danger)


def crisis_answer(settings: Settings, event: CallEvent, language: str) -> str:
    """Dial the crisis line; the support case is recorded only if the database can, in time."""
    answer, record = crisis_dial(settings, event, language)
    record_within_budget(
        record, event="crisis_case", budget=CRISIS_CASE_WAIT_SECONDS, call_sid=event.call_sid
    )
    return answer


def busy_answer(settings: Settings, query: Mapping[str, str] | None = None) -> str:
    """The answer when the line could not answer in time: a menu where 9 still reaches help."""
    if not query:  # a new call: we do not know the caller's language yet
        return twiml.busy_menu(settings, _languages(settings))
    return twiml.busy_menu(
        settings, (flow.VoiceState.from_query(query, _languages(settings)).language,)
    )


def record_call_late(settings: Settings, event: CallEvent) -> None:
    """Record a call the line did not answer in time, so it is never lost."""
    with session_scope() as session:
        _start_call(session, settings, event)


def _record_crisis_call(settings: Settings, event: CallEvent, danger: Danger) -> None:
    with session_scope() as session:
        contact = _start_call(session, settings, event)
        lookups.open_crisis_case(session=session, contact_id=contact.id, danger=danger)


def answer_crisis_fallback(settings: Settings, event: CallEvent, query: Mapping[str, str]) -> str:
    """The crisis dial ended: if nobody answered, ring the on-call responder, else say 988."""
    language = query.get("l", "")
    language = language if language in _languages(settings) else settings.default_language
    if event.dial_status in ANSWERED or query.get("s") != "1":
        return twiml.goodbye(language)
    number: str | None = None
    with contextlib.suppress(Exception), session_scope() as session:
        number = lookups.oncall_responder_number(session=session, settings=settings)
    log(logger, "voice_crisis_fallback", call_sid=event.call_sid, responder=number is not None)
    if number is None or not event.line:
        return twiml.goodbye(language)
    return twiml.responder_dial(settings, language, number, event.line)


# The runner's parts.


def _languages(settings: Settings) -> tuple[str, ...]:
    return settings.languages or (settings.default_language,)


def _language_of(settings: Settings, contact: Contact) -> str:
    languages = _languages(settings)
    return contact.language if contact.language in languages else languages[0]


def _start_call(session: Session, settings: Settings, event: CallEvent) -> Contact:
    vault = vault_for(settings.secret_key)
    contact = get_or_create_contact(
        session=session, vault=vault, e164=event.caller, language=settings.default_language
    )
    lookups.record_call(
        session=session, call_sid=event.call_sid, contact_id=contact.id, direction=event.direction
    )
    return contact


def _facts(
    session: Session,
    settings: Settings,
    state: flow.VoiceState,
    contact: Contact,
    event: CallEvent,
    *,
    meeting_id: int | None = None,
    lookup: flow.CodeLookup | flow.SearchLookup | None = None,
) -> flow.Facts:
    """Gather what the flow needs: the meeting in play, find results, whether texts reach."""
    now = clock.now()
    if isinstance(lookup, flow.SearchLookup) and lookup.zip_code:
        place = finder.place_for_zip(lookup.zip_code)
        if place is not None and place.time_zone:
            contact.time_zone = place.time_zone  # the caller's zone: their last search's
    look = lookups.Look(
        session=session,
        settings=settings,
        language=state.language,
        now=now,
        viewer_zone=contact.time_zone,
    )
    meeting = None
    results: tuple[flow.MeetingFacts, ...] = ()
    if isinstance(lookup, flow.CodeLookup):
        meeting = look.by_code(lookup.code)
    elif meeting_id or state.meeting_id:
        meeting = look.by_id(meeting_id or state.meeting_id or 0)
    if isinstance(lookup, flow.SearchLookup):
        results = look.search(zip_code=lookup.zip_code, city=lookup.city, soonest=lookup.soonest)
    elif state.results:
        results = look.by_ids(state.results)
    languages = _languages(settings)
    return flow.Facts(
        catalog=catalog(state.language),
        languages=languages,
        can_text=lookups.can_text(contact=contact, e164=event.caller),
        meeting=meeting,
        results=results,
        starts=look.starts_in(meeting.id) if meeting and state.menu == flow.REMINDER_CALL else "",
        language_words={lang: catalog(lang).t("voice.words.language_name") for lang in languages},
        **_warm_facts(session, settings, state, now),
    )


def _warm_facts(
    session: Session, settings: Settings, state: flow.VoiceState, now: dt.datetime
) -> dict[str, Any]:
    """Whether the warm line is open, when it opens next, whether a call back is real, and
    which kinds of peer (tags) are free now."""
    if state.menu not in (flow.MAIN, flow.WARM_CLOSED, flow.WARM_TAG):
        return {}
    staff = oncall.active_staff(session=session)  # read once for the three answers below
    opens = volunteers.opens_next(session=session, now=now, staff=staff)
    coverage = oncall.coverage(session=session, now=now, staff=staff)
    on = volunteers.queue_view(session=session, now=now, staff=staff)
    free = [v for v in warm_flow.speakers_of(on, state.language) if not v.busy]
    return {
        "warm_open": bool(on),
        "warm_tag_menu": settings.warm.tag_menu,
        "warm_tags_free": frozenset(tag for v in free for tag in v.tags),
        "warm_vocabulary": volunteers.tag_vocabulary(),
        "warm_opens": spoken_label(opens[0], opens[1], state.language) if opens else "",
        "can_call_back": coverage is not oncall.Coverage.NONE,
    }


def _run(
    session: Session, settings: Settings, event: CallEvent, contact: Contact, step: flow.Step
) -> str:
    """Apply a step's effects and render it."""
    language = step.then.state.language if isinstance(step.then, flow.Ask) else None
    for effect in step.effects:
        if isinstance(effect, Shared):
            apply_shared(effect, session=session, contact=contact, channel="voice")
            language = effect.language if isinstance(effect, SetLanguage) else language
        elif isinstance(effect, flow.TextResults):
            lookups.text_results(
                session=session,
                settings=settings,
                contact_id=contact.id,
                meeting_ids=effect.meeting_ids,
                language=language or contact.language,
            )
    language = language or _language_of(settings, contact)
    if isinstance(step.then, flow.CrisisDial):
        return crisis_answer(settings, event, language)
    return _render(session, settings, event, step, language, contact.id)


def _render(
    session: Session,
    settings: Settings,
    event: CallEvent,
    step: flow.Step,
    language: str,
    contact_id: int,
) -> str:
    """Look up where the step leads (a queue entry, a room, a bridge), then render it."""
    then = step.then
    if isinstance(then, flow.EnterWarmLine):
        entry = warm_calls.enter(
            session=session,
            contact_id=contact_id,
            call_sid=event.call_sid,
            language=language,
            now=clock.now(),
            tag=then.tag,
        )
        enqueue = functools.partial(warm_twiml.enqueue, settings=settings, entry_id=entry.id)
        return twiml.render_step(settings, step, language, enqueue=enqueue)
    if isinstance(then, flow.JoinRoom):
        room = lookups.room_for(
            session=session, settings=settings, meeting_id=then.meeting_id, call_sid=event.call_sid
        )
        return twiml.render_step(settings, step, language, room=room)
    if isinstance(then, flow.DialBridge):
        bridge_to = lookups.bridge_of(session=session, meeting_id=then.meeting_id)
        return twiml.render_step(settings, step, language, bridge_to=bridge_to)
    return twiml.render_step(settings, step, language)


def _name(step: flow.Step) -> str:
    then = step.then
    return then.state.menu if isinstance(then, flow.Ask) else type(then).__name__
