"""The warm line by text: TALK → "reply TAKE 23" → texts relayed through the line's number.

Neither side sees the other's number: each text arrives at the line and the line sends it on
from its own number (an outbox row first, like every text the line sends). The crisis detector
reads each member text before it gets here (hotline/sms/runner.py); a crisis text is still passed on
to the volunteer, marked, with the crisis reply already given to the member.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.orm import Session

from hotline import audit, clock
from hotline.catalogs import catalog
from hotline.flows.catalog import Catalog
from hotline.flows.sms.keywords import Kind, parse
from hotline.flows.warm import line as flow_warm
from hotline.flows.warm import relay as flow
from hotline.logs import log
from hotline.models import Contact, Coordinator, Priority, RelayConversation
from hotline.outbox import aware, queue_sms
from hotline.settings import Settings
from hotline.warm import volunteers

logger = logging.getLogger(__name__)
WAITING, ACTIVE, CLOSED = "waiting", "active", "closed"


# Members ------------------------------------------------------------------------------------


def member_reply(
    *, session: Session, contact: Contact, body: str, now: dt.datetime, known_open: bool = True
) -> str | None:
    """Answer a member's text that belongs to the warm line; None hands it to the member flow.

    `known_open` False says the caller already read that the member has no conversation
    waiting or taken (hotline/sms/runner.py reads it with the contact).
    """
    command = parse(body)
    conversation = _open_conversation(session, contact.id) if known_open else None
    words = catalog(contact.language)
    if conversation is None:
        if command.kind is Kind.TALK:
            return _start(session, contact, words, now, tag=None)
        if (tag := talk_tag(body)) is not None:
            return _start(session, contact, words, now, tag=tag)
        return None
    if command.kind is Kind.STOP:
        # The member flow opts them out; the volunteer is told the conversation ended.
        close(session=session, conversation=conversation, by="opted_out", now=now)
        return None
    if flow.member_closes(body):
        close(session=session, conversation=conversation, by="member", now=now)
        return words.t("warm.relay.closed_member")
    if conversation.status == WAITING:
        return words.t("warm.relay.still_waiting")
    _pass_to_volunteer(session, conversation, body, now)
    return ""


def forward_crisis(
    *, session: Session, contact_id: int, body: str, now: dt.datetime, known_open: bool = True
) -> None:
    """A crisis text in a conversation: the member got the crisis reply; the volunteer sees it.

    `known_open` False says the caller already read that the member has no conversation.
    """
    if not known_open:
        return
    conversation = _open_conversation(session, contact_id)
    if conversation is None or conversation.status != ACTIVE:
        return
    _pass_to_volunteer(session, conversation, body, now, crisis=True)


def _start(
    session: Session, contact: Contact, words: Catalog, now: dt.datetime, *, tag: str | None
) -> str | None:
    """TALK with volunteers on shift: open a conversation and ask them; None: nobody on shift.

    TALK veteran asks the veteran volunteers first (the sweep widens it later), or says
    plainly that none is on shift and asks every peer who speaks the member's language.
    """
    on = volunteers.queue_view(session=session, now=now)
    if not on:
        return None
    conversation = RelayConversation(
        contact_id=contact.id, status=WAITING, opened_at=now, last_activity_at=now, tag=tag
    )
    session.add(conversation)
    session.flush()
    found = flow_warm.tag_on_shift(on, contact.language, tag)
    if tag and not found:
        conversation.widened_at = now
    asked = _offer(session, conversation, flow_warm.offer_to(on, contact.language, tag))
    _audit(session, f"contact:{contact.id}", "relay_opened", conversation, asked=asked, tag=tag)
    if not tag:
        return words.t("warm.relay.finding")
    name = volunteers.tag_name(tag, contact.language)
    return words.t("warm.relay.finding_tag" if found else "warm.relay.tag_missing", tag=name)


def _offer(session: Session, conversation: RelayConversation, staff_ids: Sequence[int]) -> int:
    """Text "reply TAKE 23" to these volunteers (once each, whatever sweeps run)."""
    people = session.scalars(select(Coordinator).where(Coordinator.id.in_(staff_ids))).all()
    for person in people:
        _tell_staff(session, person, "offer", conversation.id, dedupe=f"offer:{person.id}")
    return len(people)


def talk_tag(body: str) -> str | None:
    """The kind of peer a text asks for ("TALK veteran", "HABLAR joven"); None: not that."""
    return flow.talk_tag(body, volunteers.tag_vocabulary())


# Built once, with the contact bound at run time (building costs about what running does).
_OPEN_CONVERSATION = (
    select(RelayConversation)
    .where(
        RelayConversation.contact_id == bindparam("contact_id"),
        RelayConversation.status.in_((WAITING, ACTIVE)),
    )
    .order_by(RelayConversation.id.desc())
)


def _open_conversation(session: Session, contact_id: int) -> RelayConversation | None:
    return session.scalars(_OPEN_CONVERSATION, {"contact_id": contact_id}).first()


def _pass_to_volunteer(
    session: Session,
    conversation: RelayConversation,
    body: str,
    now: dt.datetime,
    *,
    crisis: bool = False,
) -> None:
    holder = _holder(session, conversation)
    if holder is None:
        return
    words = _staff_words(session, holder)
    text = words.t("warm.relay.crisis_marker", text=body) if crisis else body
    _send(session, holder.contact_id, flow.staff_prefix(conversation.id, text))
    conversation.last_activity_at = now
    conversation.texts += 1


def _holder(session: Session, conversation: RelayConversation) -> Coordinator | None:
    if conversation.volunteer_id is None:
        return None
    return session.get(Coordinator, conversation.volunteer_id)


# Volunteers ---------------------------------------------------------------------------------


def staff_command(
    *, session: Session, settings: Settings, staff: Coordinator, body: str, now: dt.datetime
) -> str | None:
    """TAKE 23, END 23, AVAILABLE, AWAY, HELPING, CALL V17; None: not a warm-line word."""
    word = flow.staff_word(body)
    words = _staff_words(session, staff)
    match word:
        case flow.Take(conversation_id):
            return _take(session, staff, words, conversation_id, now)
        case flow.Close(conversation_id):
            return _staff_close(session, staff, words, conversation_id, now)
        case flow.SetAvailable(on):
            until = volunteers.set_available(session=session, staff=staff, on=on, now=now)
            key = "available" if on else "away"
            return words.t(f"warm.staff.{key}" + ("_until" if until else ""), until=_hm(until))
        case flow.Helping():
            hours = settings.warm.surge_help_minutes / 60
            volunteers.set_available(session=session, staff=staff, on=True, now=now, hours=hours)
            return words.t("warm.staff.helping", minutes=settings.warm.surge_help_minutes)
        case flow.CallVoicemail(voicemail_id):
            from hotline.warm.voicemail import call_back

            return call_back(session=session, staff=staff, voicemail_id=voicemail_id, now=now)
    return None


def staff_text(*, session: Session, staff: Coordinator, body: str, now: dt.datetime) -> str | None:
    """A volunteer's free text: pass it to their conversation; None when they are in none."""
    held = session.scalars(_held_by(staff.id)).all()
    if held and parse(body).kind is Kind.STOP:
        # A bare END or STOP opts the volunteer out at Twilio: the line can no longer text
        # them, so their conversations close (the member is told kindly), and the member flow
        # records the opt-out.
        for conversation in held:
            close(session=session, conversation=conversation, by="volunteer", now=now)
        return None
    route = flow.route_staff_text(body, [c.id for c in held])
    words = _staff_words(session, staff)
    if isinstance(route, flow.Ambiguous):
        ids = ", ".join(f"#{i}" for i in route.conversation_ids)
        return words.t("warm.staff.which", ids=ids, first=route.conversation_ids[0])
    if route is None:
        return None
    conversation = next(c for c in held if c.id == route.conversation_id)
    if not route.text:
        return ""
    _send(session, conversation.contact_id, route.text)
    conversation.last_activity_at = now
    conversation.texts += 1
    return ""


def _held_by(staff_id: int) -> Select[RelayConversation]:
    return (
        select(RelayConversation)
        .where(RelayConversation.volunteer_id == staff_id, RelayConversation.status == ACTIVE)
        .order_by(RelayConversation.id)
    )


def _take(
    session: Session, staff: Coordinator, words: Catalog, conversation_id: int, now: dt.datetime
) -> str:
    """The first TAKE wins: one conditional UPDATE, so two at once cannot both get it."""
    taken = session.execute(
        update(RelayConversation)
        .where(RelayConversation.id == conversation_id, RelayConversation.status == WAITING)
        .values(status=ACTIVE, volunteer_id=staff.id, taken_at=now, last_activity_at=now)
        .execution_options(synchronize_session=False)
    )
    conversation = session.get(RelayConversation, conversation_id, populate_existing=True)
    if conversation is None:
        return words.t("warm.staff.unknown", id=conversation_id)
    if not getattr(taken, "rowcount", 0):
        mine = conversation.volunteer_id == staff.id and conversation.status == ACTIVE
        if mine:
            return words.t("warm.staff.yours", id=conversation_id)
        # Closed with nobody holding it (nobody took it in time, or the member left).
        nobody = conversation.volunteer_id is None
        return words.t("warm.staff.gone" if nobody else "warm.staff.taken", id=conversation_id)
    member = session.get(Contact, conversation.contact_id)
    if member is not None:
        _send(session, member.id, catalog(member.language).t("warm.relay.joined"))
    _audit(session, f"coordinator:{staff.id}", "relay_taken", conversation)
    log(logger, "relay_taken", conversation_id=conversation_id, coordinator_id=staff.id)
    return words.t("warm.staff.yours", id=conversation_id)


def _staff_close(
    session: Session,
    staff: Coordinator,
    words: Catalog,
    conversation_id: int | None,
    now: dt.datetime,
) -> str | None:
    held = session.scalars(_held_by(staff.id)).all()
    if conversation_id is None:
        if len(held) != 1:
            return None if not held else words.t("warm.staff.which_end", first=held[0].id)
        conversation_id = held[0].id
    conversation = next((c for c in held if c.id == conversation_id), None)
    if conversation is None:
        return words.t("warm.staff.not_yours", id=conversation_id)
    close(session=session, conversation=conversation, by="volunteer", now=now)
    return words.t("warm.staff.closed", id=conversation_id)


# Closing ------------------------------------------------------------------------------------


def close(*, session: Session, conversation: RelayConversation, by: str, now: dt.datetime) -> None:
    """Close a conversation: a kind word to the member (unless they left), a note to staff."""
    conversation.status, conversation.closed_by, conversation.closed_at = CLOSED, by, now
    member = session.get(Contact, conversation.contact_id)
    if member is not None and by in ("volunteer", "idle"):
        _send(session, member.id, catalog(member.language).t(f"warm.relay.closed_{by}"))
    holder = _holder(session, conversation)
    if holder is not None and by != "volunteer":
        _tell_staff(session, holder, f"ended_{by}", conversation.id)
    duration = int((now - aware(conversation.taken_at or now)).total_seconds())
    _audit(session, "system", "relay_closed", conversation, by=by, seconds=duration)
    log(logger, "relay_closed", conversation_id=conversation.id, by=by)


def sweep(*, session: Session, settings: Settings, now: dt.datetime) -> int:
    """Close idle conversations; a TALK nobody took becomes a call-back case. Return how many."""
    rules = settings.warm
    idle = now - dt.timedelta(minutes=rules.relay_idle_minutes)
    unanswered = now - dt.timedelta(minutes=rules.relay_wait_minutes)
    stale: Sequence[RelayConversation] = session.scalars(
        select(RelayConversation)
        .where(
            ((RelayConversation.status == ACTIVE) & (RelayConversation.last_activity_at < idle))
            | ((RelayConversation.status == WAITING) & (RelayConversation.opened_at < unanswered))
        )
        .with_for_update(skip_locked=True)
    ).all()
    for conversation in stale:
        if conversation.status == ACTIVE:
            close(session=session, conversation=conversation, by="idle", now=now)
        else:
            _unanswered(session, conversation, now)
    return len(stale) + _widen(session, now - dt.timedelta(minutes=rules.relay_tag_minutes), now)


def _widen(session: Session, before: dt.datetime, now: dt.datetime) -> int:
    """TALK veteran that no veteran volunteer took in time: ask the other peers too."""
    waiting = session.scalars(
        select(RelayConversation)
        .where(
            RelayConversation.status == WAITING,
            RelayConversation.tag.is_not(None),
            RelayConversation.widened_at.is_(None),
            RelayConversation.opened_at < before,
        )
        .with_for_update(skip_locked=True)
    ).all()
    on = volunteers.queue_view(session=session, now=now) if waiting else []
    for conversation in waiting:
        conversation.widened_at = now
        member = session.get(Contact, conversation.contact_id)
        language = member.language if member is not None else "en"
        first = set(flow_warm.offer_to(on, language, conversation.tag))
        others = [i for i in flow_warm.offer_to(on, language, None) if i not in first]
        asked = _offer(session, conversation, others)
        _audit(session, "system", "relay_widened", conversation, asked=asked)
        if member is not None and asked:
            name = volunteers.tag_name(conversation.tag or "", language)
            _send(session, member.id, catalog(language).t("warm.relay.widened", tag=name))
    return len(waiting)


def _unanswered(session: Session, conversation: RelayConversation, now: dt.datetime) -> None:
    """Nobody replied TAKE: a call-back case pages on-call staff, and the member is told so."""
    from hotline.cases import open_support_case

    close(session=session, conversation=conversation, by="unanswered", now=now)
    open_support_case(
        session=session, contact_id=conversation.contact_id, kind="talk", level="talk", source="sms"
    )
    member = session.get(Contact, conversation.contact_id)
    if member is not None:
        _send(session, member.id, catalog(member.language).t("warm.relay.unanswered"))


# Sending ------------------------------------------------------------------------------------


def _send(session: Session, contact_id: int, body: str) -> None:
    # A person is waiting on the other end: urgent, and never held for quiet hours.
    queue_sms(
        session=session,
        contact_id=contact_id,
        body=body,
        purpose="relay",
        priority=Priority.URGENT,
        ignore_quiet_hours=True,
    )


def _tell_staff(
    session: Session, staff: Coordinator, key: str, conversation_id: int, dedupe: str = ""
) -> None:
    words = _staff_words(session, staff)
    body = flow.staff_prefix(conversation_id, words.t(f"warm.staff.{key}", id=conversation_id))
    queue_sms(
        session=session,
        contact_id=staff.contact_id,
        body=body,
        purpose="relay",
        priority=Priority.URGENT,
        ignore_quiet_hours=True,
        dedupe_key=f"relay:{conversation_id}:{dedupe}" if dedupe else None,
    )


def _staff_words(session: Session, staff: Coordinator) -> Catalog:
    contact = session.get(Contact, staff.contact_id)
    return catalog(contact.language if contact is not None else "en")


def _hm(when: dt.datetime | None) -> str:
    return f"{aware(when):%H:%M} UTC" if when is not None else ""


def _audit(
    session: Session, actor: str, action: str, conversation: RelayConversation, **detail: object
) -> None:
    audit.record(
        session=session,
        actor=actor,
        action=action,
        subject_type="relay",
        subject_id=conversation.id,
        **detail,
    )


# Entry points for hotline/sms/runner.py, by contact -----------------------------------------------


_STAFF = select(Coordinator).where(
    Coordinator.contact_id == bindparam("contact_id"), Coordinator.removed_at.is_(None)
)
# A staff member holding a warm-line conversation (the one query staff_text_for needs).
_STAFF_IN_RELAY = (
    select(Coordinator)
    .join(RelayConversation, RelayConversation.volunteer_id == Coordinator.id)
    .where(Coordinator.contact_id == bindparam("contact_id"), RelayConversation.status == ACTIVE)
)


def _staff(session: Session, contact_id: int) -> Coordinator | None:
    return session.scalars(_STAFF, {"contact_id": contact_id}).first()


def staff_command_for(
    *, session: Session, settings: Settings, contact_id: int, body: str, now: dt.datetime
) -> str | None:
    """A warm-line word from a staff number; None: not staff, or not one of those words."""
    # Parsed first: most texts are not warm-line words, and then need no staff lookup.
    staff = _staff(session, contact_id) if flow.staff_word(body) is not None else None
    if staff is None:
        return None
    return staff_command(session=session, settings=settings, staff=staff, body=body, now=now)


def staff_text_for(*, session: Session, contact_id: int, body: str, now: dt.datetime) -> str | None:
    """A staff member's free text in their conversations; None: not staff or in none."""
    staff = session.scalars(_STAFF_IN_RELAY, {"contact_id": contact_id}).first()
    if staff is None:  # one query: not staff, or in no conversation
        return None
    return staff_text(session=session, staff=staff, body=body, now=now)


def staff_reply_for(
    *, session: Session, settings: Settings, contact_id: int, body: str, in_relay: bool = True
) -> str | None:
    """A warm-line word or a conversation text from staff; None: neither.

    `in_relay` False says the caller already read that the sender holds no conversation.
    """
    now = clock.now()
    reply = staff_command_for(
        session=session, settings=settings, contact_id=contact_id, body=body, now=now
    )
    if reply is not None or not in_relay:
        return reply
    return staff_text_for(session=session, contact_id=contact_id, body=body, now=now)
