"""The member SMS line: a parsed command and what the runner looked up become replies + effects.

Pure: no database, no Redis. The runner (hotline/sms/runner.py) looks up what a command needs
(`NEEDS`, filled into a `Lookup`), calls `decide`, then applies the effects and renders the
replies.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial

from hotline.flows.catalog import Catalog
from hotline.flows.digits import keyed_digits
from hotline.flows.effects import RequestCallback, SetLanguage, Shared, Subscribe, Unsubscribe
from hotline.flows.names import NameStyle, fit_names, gsm_safe, plain_name, texted_name
from hotline.flows.schedule import day_names, meeting_days, texted_when, told_in
from hotline.flows.segments import count_segments
from hotline.flows.sms.keywords import Command, Kind

PHONE_FORMATS = frozenset({"phone_bridge", "external_bridge"})
MAX_FIND_SEGMENTS = 2
# INFO gives the whole name (Meeting.name holds 300) when it fits, else a shorter one.
_INFO_NAME_LIMITS = (300, 60, 28)
_BY_PHONE = ("phone_bridge", "external_bridge")


@dataclass(frozen=True)
class MeetingView:
    """What a reply may say about one meeting, looked up by the runner."""

    id: int
    code: str
    name: str
    format: str
    next_start: dt.datetime  # aware UTC
    time_zone: str
    distance_miles: float | None = None
    address: str = ""
    dial_in: str | None = None  # an external bridge's number, formatted for reading
    dial_digits: str | None = None
    notes: str = ""
    has_pin: bool = False
    lead_minutes: tuple[int, ...] = ()
    # Every weekday it meets (Monday is 0) in its own zone, all at next_start's wall-clock time.
    weekdays: tuple[int, ...] = ()
    # How a person can attend: at the address (in_person), where ("St Andrews Church"), the
    # online link and the passcode notes a feed gives.
    in_person: bool = True
    location: str = ""
    online_url: str | None = None
    conference_notes: str = ""


@dataclass(frozen=True)
class FindCursor:
    """A search the member can page through with MORE; `offset` is the next page's start."""

    place: str | None
    latitude: float | None
    longitude: float | None
    time_zone: str | None
    topic: str | None
    offset: int = 0
    metric: bool = False  # distances in kilometres (a Canadian place), else miles


@dataclass(frozen=True)
class Conversation:
    find: FindCursor | None = None


@dataclass(frozen=True)
class ContactFacts:
    language: str
    opted_out: bool
    new: bool = False


@dataclass(frozen=True)
class FindResults:
    """One page of a search (one meeting more than a page when there is a next page)."""

    query: FindCursor | None
    meetings: tuple[MeetingView, ...] = ()
    # Why there is no search: "unknown_zip", "unknown_city", "no_place", "no_search".
    problem: str | None = None
    problem_value: str = ""


class Need(enum.Enum):
    """What the runner must look up before `decide` can answer a command (one fetcher each)."""

    NOTHING = "nothing"
    SEARCH = "search"  # FIND: a new search from the command's words
    NEXT_PAGE = "next_page"  # MORE: the next page of the saved search
    SUBSCRIPTIONS = "subscriptions"  # MY: the meetings the member gets reminders for
    TALK = "talk"  # TALK: an open talk case, who is on call, when someone next is
    MEETING = "meeting"  # the meeting a code names, and whether the member is subscribed


# Every command, and what answering it needs (tests/test_sms_lookups.py: no Kind left out).
NEEDS: Mapping[Kind, Need] = {
    Kind.HELP: Need.NOTHING,
    Kind.MENU: Need.NOTHING,
    Kind.FIND: Need.SEARCH,
    Kind.MORE: Need.NEXT_PAGE,
    Kind.INFO: Need.MEETING,
    Kind.REMIND: Need.MEETING,
    Kind.MY: Need.SUBSCRIPTIONS,
    Kind.LEAVE: Need.MEETING,
    Kind.CALL: Need.MEETING,
    Kind.TALK: Need.TALK,
    Kind.LANGUAGE: Need.NOTHING,
    Kind.STOP: Need.NOTHING,
    Kind.START: Need.NOTHING,
    Kind.UNKNOWN: Need.NOTHING,
}


@dataclass(frozen=True)
class Lookup:
    find: FindResults | None = None
    meeting: MeetingView | None = None
    subscribed: bool = False
    subscriptions: tuple[MeetingView, ...] = ()
    talk_open: bool = False
    line_number: str = ""
    # The reader's time zone (their last search's, else their number's): phone meetings are
    # told in it.
    viewer_zone: str | None = None
    # Nobody on call and no admin to fall back on; `next_shift` labels when someone is.
    nobody_on_call: bool = False
    next_shift: str = ""


@dataclass(frozen=True)
class OptOut:
    pass


@dataclass(frozen=True)
class OptIn:
    pass


@dataclass(frozen=True)
class QueueJoinCall:
    meeting_id: int


@dataclass(frozen=True)
class SaveConversation:
    conversation: Conversation


# The SMS line's own effects, and those it shares with voice (hotline/flows/effects.py).
Effect = OptOut | OptIn | QueueJoinCall | SaveConversation | Shared


@dataclass(frozen=True)
class Decision:
    replies: tuple[str, ...] = ()
    effects: tuple[Effect, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class LineRules:
    """The few line settings a decision needs."""

    page_size: int = 3
    radius_miles: float = 50.0
    lead_minutes: tuple[int, ...] = (1440, 60)
    languages: tuple[str, ...] = ("en", "es")


Texts = Callable[[str], Catalog]


def reply_language(command: Command, contact: ContactFacts) -> str:
    """A first text with a Spanish keyword is answered (and remembered) in Spanish."""
    if contact.new and command.spanish:
        return "es"
    return contact.language


def decide(
    command: Command,
    *,
    contact: ContactFacts,
    conversation: Conversation,
    lookup: Lookup,
    texts: Texts,
    rules: LineRules,
    concern: bool = False,
) -> Decision:
    """Return the replies and effects for one (non-crisis) text.

    `concern` is the detector's word that the text is worrying but not a crisis: rather than
    the menu, such a text gets the offer of a peer call and the crisis line.
    """
    if contact.opted_out:
        return _opted_out(command, texts(contact.language))
    language = reply_language(command, contact)
    if concern and command.kind is Kind.UNKNOWN:
        decision = Decision((texts(language).t("sms.concern"),))
    else:
        decision = _answer(command, conversation, lookup, texts(language), rules, texts)
    if language != contact.language and command.kind is not Kind.LANGUAGE:
        return replace(decision, effects=(SetLanguage(language), *decision.effects))
    return decision


def catalog_crisis_reply(texts: Catalog, *, escalated: bool) -> str:
    """The catalog's crisis text, when config/crisis.toml cannot be used.

    It promises a call back only when a case was really opened.
    """
    return texts.t("sms.crisis") + (texts.t("sms.crisis_oncall") if escalated else "")


def _opted_out(command: Command, texts: Catalog) -> Decision:
    if command.kind is Kind.START:
        return Decision((texts.t("sms.started"),), (OptIn(),))
    if command.kind is Kind.STOP:
        return Decision((texts.t("sms.stopped"),))
    return Decision()


def _answer(
    command: Command,
    conversation: Conversation,
    lookup: Lookup,
    texts: Catalog,
    rules: LineRules,
    all_texts: Texts,
) -> Decision:
    kind = command.kind
    if kind is Kind.STOP:
        return Decision((texts.t("sms.stopped"),), (OptOut(),))
    if kind is Kind.HELP:
        return Decision((texts.t("sms.help"),))
    if kind in (Kind.FIND, Kind.MORE):
        return _find(lookup.find, texts, rules)
    if kind in (Kind.INFO, Kind.REMIND, Kind.LEAVE, Kind.CALL) and command.code is None:
        return Decision((texts.t(f"sms.{kind.value}.ask_code"),))
    if kind is Kind.INFO:
        return _info(command, lookup, texts)
    if kind is Kind.REMIND:
        return _remind(command, lookup, texts, rules)
    if kind is Kind.LEAVE:
        return _leave(command, lookup, texts)
    if kind is Kind.MY:
        return Decision((_my(lookup.subscriptions, texts, lookup.viewer_zone),))
    if kind is Kind.CALL:
        return _call(command, lookup, texts)
    if kind is Kind.TALK:
        effects: tuple[Effect, ...] = () if lookup.talk_open else (RequestCallback(),)
        return Decision((_talk_reply(lookup, texts),), effects)
    if kind is Kind.LANGUAGE and command.language in rules.languages:
        chosen = all_texts(command.language)
        return Decision((chosen.t("sms.language.set"),), (SetLanguage(command.language),))
    return Decision((texts.t("sms.menu"),))


def _talk_reply(lookup: Lookup, texts: Catalog) -> str:
    """Promise a call back only when someone can be paged; else say when someone will be."""
    if not lookup.nobody_on_call:
        return texts.t("sms.talk.queued")
    if lookup.next_shift:
        return texts.t("sms.nobody.talk_until", when=lookup.next_shift)
    return texts.t("sms.nobody.talk")


# Find ---------------------------------------------------------------------------------------


def _find(found: FindResults | None, texts: Catalog, rules: LineRules) -> Decision:
    if found is None or found.query is None:
        problem = found.problem if found and found.problem else "no_place"
        value = found.problem_value if found else ""
        return Decision((texts.t(f"sms.find.{problem}", value=value),))
    query, page = found.query, found.meetings[: rules.page_size]
    if not page:
        key = "none_topic" if query.topic else "none"
        key = "no_more" if query.offset else key
        return Decision((texts.t(f"sms.find.{key}", topic=query.topic or ""),))
    has_more = len(found.meetings) > rules.page_size
    header = _find_header(query, page, texts, rules)
    footer = texts.t("sms.find.footer_more" if has_more else "sms.find.footer", code=page[0].code)

    def render(style: NameStyle) -> str:
        return "\n".join([header, *(_find_line(m, query, texts, style) for m in page), footer])

    text = fit_names(render, texts, segments=MAX_FIND_SEGMENTS)
    following = replace(query, offset=query.offset + len(page))
    return Decision((text,), (SaveConversation(Conversation(find=following)),))


def _find_header(
    query: FindCursor, page: Sequence[MeetingView], texts: Catalog, rules: LineRules
) -> str:
    if query.offset:
        return texts.t("sms.find.more_header")
    if query.place is None:
        return texts.t("sms.find.phone_header")
    if page[0].distance_miles is None:
        radius = _distance(rules.radius_miles, query.metric, texts, whole=True)
        return texts.t("sms.find.nothing_near", radius=radius, place=query.place)
    return texts.t("sms.find.near_header", place=query.place)


def _find_line(meeting: MeetingView, query: FindCursor, texts: Catalog, style: NameStyle) -> str:
    if meeting.distance_miles is None:
        where = texts.t("sms.find.by_phone")
    else:
        where = _distance(meeting.distance_miles, query.metric, texts)
    when = when_label(meeting, texts.language, viewer_zone=query.time_zone)
    name = style(meeting.name, meeting.code)
    return texts.t("sms.find.line", code=meeting.code, when=when, name=name, where=where)


_KM_PER_MILE = 1.609344


def _distance(miles: float, metric: bool, texts: Catalog, *, whole: bool = False) -> str:
    """A distance as the reader counts it: "0.7 mi", or "1.1 km" for a Canadian place; a
    radius (whole) is rounded to a whole number ("50 miles", "80 km")."""
    value = miles * _KM_PER_MILE if metric else miles
    if whole:
        key = "sms.find.radius_km" if metric else "sms.find.radius_miles"
        return texts.t(key, radius=f"{value:.0f}" if metric else f"{value:g}")
    shown = f"{value:.1f}" if value < 10 else f"{value:.0f}"
    return texts.t("sms.find.km" if metric else "sms.find.miles", miles=shown)


def when_label(meeting: MeetingView, language: str, *, viewer_zone: str | None) -> str:
    """Day and time of the meeting's next start for this reader (see `texted_when`)."""
    return texted_when(
        meeting.next_start,
        meeting.time_zone,
        language,
        by_phone=meeting.format in _BY_PHONE,
        viewer_zone=viewer_zone,
    )


# Details and reminders ----------------------------------------------------------------------


def _unknown(command: Command, texts: Catalog) -> Decision:
    return Decision((texts.t("sms.unknown_code", code=command.code),))


def _info(command: Command, lookup: Lookup, texts: Catalog) -> Decision:
    meeting = lookup.meeting
    if meeting is None:
        return _unknown(command, texts)
    when = when_label(meeting, texts.language, viewer_zone=lookup.viewer_zone)
    joining = _every(meeting, lookup.viewer_zone, texts) + _how_to_join(
        meeting, lookup.line_number, texts
    )

    def render(style: NameStyle) -> str:
        name = style(meeting.name, meeting.code)
        return texts.t("sms.info.head", code=meeting.code, name=name, when=when) + joining

    text = fit_names(render, texts, segments=MAX_FIND_SEGMENTS, limits=_INFO_NAME_LIMITS)
    for extra in (meeting.conference_notes, meeting.notes):
        extra = " ".join(gsm_safe(extra).split())
        if extra:
            text = _fit(text, " " + extra, MAX_FIND_SEGMENTS)
    return Decision((text,))


def _every(meeting: MeetingView, viewer_zone: str | None, texts: Catalog) -> str:
    """ "Every Mon, Wed, Fri." for a meeting on several days (its next start alone is told
    before), in the days of the zone the time was told in; nothing for a weekly meeting."""
    if len(set(meeting.weekdays)) < 2:
        return ""
    zone = told_in(meeting.time_zone, by_phone=meeting.format in _BY_PHONE, viewer_zone=viewer_zone)
    days = meeting_days(meeting.weekdays, meeting.next_start, meeting.time_zone, zone)
    if len(days) == 7:
        return texts.t("sms.info.daily")
    return texts.t("sms.info.days", days=day_names(days, texts.language))


def _how_to_join(meeting: MeetingView, line_number: str, texts: Catalog) -> str:
    pin = texts.t("sms.info.pin") if meeting.has_pin else ""
    if meeting.format == "phone_bridge":
        hosted = texts.t("sms.info.hosted", line=line_number, code=meeting.code)
        return hosted + pin + _where_to_go(meeting, texts)
    if meeting.format == "external_bridge" and meeting.dial_in:
        keys = keyed_digits(meeting.dial_digits or "")
        digits = texts.t("sms.info.digits", digits=keys) if keys else ""
        external = texts.t("sms.info.external", phone=meeting.dial_in, digits=digits)
        return external + _where_to_go(meeting, texts)
    return _where_to_go(meeting, texts)


def _where_to_go(meeting: MeetingView, texts: Catalog) -> str:
    """In person at the address, and/or online only (which a flip phone cannot join)."""
    place = ", ".join(part for part in (meeting.location, meeting.address) if part)
    at = texts.t("sms.info.address", address=gsm_safe(place)) if place else ""
    if not meeting.in_person:
        at = ""
    if meeting.format == "phone_bridge" or meeting.format == "external_bridge":
        return texts.t("sms.info.also_at", address=gsm_safe(place)) if at else ""
    if meeting.format == "online" and meeting.online_url:
        key = "sms.info.also_online" if at else "sms.info.online_only"
        return at + texts.t(key, url=meeting.online_url)
    return at


def _remind(command: Command, lookup: Lookup, texts: Catalog, rules: LineRules) -> Decision:
    meeting = lookup.meeting
    if meeting is None:
        return _unknown(command, texts)
    leads = lead_phrase(meeting.lead_minutes or rules.lead_minutes, texts)
    text = fit_names(
        lambda style: texts.t(
            "sms.remind.on", code=meeting.code, name=style(meeting.name, meeting.code), leads=leads
        ),
        texts,
        segments=1,
    )
    effects: tuple[Effect, ...] = () if lookup.subscribed else (Subscribe(meeting.id),)
    return Decision((text,), effects)


def _leave(command: Command, lookup: Lookup, texts: Catalog) -> Decision:
    meeting = lookup.meeting
    if meeting is None or not lookup.subscribed:
        return Decision((texts.t("sms.leave.none", code=command.code),))
    return Decision((texts.t("sms.leave.done", code=meeting.code),), (Unsubscribe(meeting.id),))


def _my(subscriptions: Sequence[MeetingView], texts: Catalog, viewer_zone: str | None) -> str:
    if not subscriptions:
        return texts.t("sms.my.none")
    footer = texts.t("sms.my.footer")
    # Names in another script (UCS-2) would crowd meetings out of the list: name those by number.
    for style in (partial(texted_name, texts=texts), partial(plain_name, texts=texts)):
        text, listed = texts.t("sms.my.header"), 0
        for meeting in subscriptions:
            line = texts.t(
                "sms.my.line",
                code=meeting.code,
                name=style(meeting.name, meeting.code),
                when=when_label(meeting, texts.language, viewer_zone=viewer_zone),
            )
            longer = f"{text}\n{line}"
            if count_segments(f"{longer}\n{footer}").segments > MAX_FIND_SEGMENTS:
                break
            text, listed = longer, listed + 1
        if listed == len(subscriptions):
            break
    return f"{text}\n{footer}"


def _call(command: Command, lookup: Lookup, texts: Catalog) -> Decision:
    meeting = lookup.meeting
    if meeting is None:
        return _unknown(command, texts)
    key = "sms.call.queued" if _joinable_by_phone(meeting) else "sms.call.not_by_phone"
    text = fit_names(
        lambda style: texts.t(key, code=meeting.code, name=style(meeting.name, meeting.code)),
        texts,
        segments=1,
    )
    if key == "sms.call.not_by_phone":
        return Decision((text,))
    return Decision((text,), (QueueJoinCall(meeting.id),))


def _joinable_by_phone(meeting: MeetingView) -> bool:
    """A call can put the member in: the line's own bridge, or an external one it can dial."""
    if meeting.format == "phone_bridge":
        return True
    return meeting.format == "external_bridge" and meeting.dial_in is not None


def lead_phrase(minutes: Sequence[int], texts: Catalog) -> str:
    """Say lead times the way people do: "a day and an hour"."""
    parts = [_lead(value, texts) for value in sorted(set(minutes), reverse=True)]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + texts.t("sms.lead.and") + parts[-1]


def _lead(minutes: int, texts: Catalog) -> str:
    if minutes % 1440 == 0:
        days = minutes // 1440
        return texts.t("sms.lead.day") if days == 1 else texts.t("sms.lead.days", n=days)
    if minutes % 60 == 0:
        hours = minutes // 60
        return texts.t("sms.lead.hour") if hours == 1 else texts.t("sms.lead.hours", n=hours)
    return texts.t("sms.lead.minutes", n=minutes)


# Text shaping -------------------------------------------------------------------------------


def _fit(text: str, extra: str, segments: int) -> str:
    """Append as much of `extra` as fits in `segments`, cut at a word."""
    if count_segments(text + extra).segments <= segments:
        return text + extra
    words = extra.split(" ")
    while words and count_segments(text + " ".join(words) + "...").segments > segments:
        words.pop()
    return text + " ".join(words) + "..." if len(words) > 1 else text
