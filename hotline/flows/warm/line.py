"""The warm line by voice: a caller waiting for a peer volunteer, and who is rung when. Pure.

A caller who presses 2 waits in a queue of their own. Twilio fetches the wait URL again each
time its answer ends, so every fetch is a tick: `on_hold` says what to do now (the hold
message, which volunteers to ring, or voicemail when nobody came in time). A rung volunteer
hears "Hotline caller, press 1 to take the call"; `screen` decides what their key does. The
database makes "first to press 1 wins" atomic; this module only says who may try.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

SIMULTANEOUS = "simultaneous"
IN_ORDER = "in_order"
RANDOM = "random"
RING_STRATEGIES = (SIMULTANEOUS, IN_ORDER, RANDOM)

# A queue entry's life: waiting (in the queue) -> bridged, voicemail, crisis or abandoned.
WAITING = "waiting"
BRIDGED = "bridged"
VOICEMAIL = "voicemail"
CRISIS = "crisis"
ABANDONED = "abandoned"


@dataclass(frozen=True)
class WarmRules:
    """The warm line's settings: [warm] in config/hotline.toml, which holds every default."""

    ring_strategy: str
    # In order or at random: how long one volunteer rings before the next is tried.
    ring_seconds: int
    # Nobody took the call in this long: the caller is offered voicemail.
    wait_minutes: int
    # One hold cycle: the message, then this long of hold audio (or quiet) before the next.
    hold_seconds: int
    hold_audio_url: str
    voicemail_seconds: int
    # Recordings are deleted from Twilio this long after they were made.
    recording_days: int
    # Text conversations: closed after this long with no text either way.
    relay_idle_minutes: int
    # TALK by text: nobody replied TAKE in this long -> a call-back case.
    relay_wait_minutes: int
    # This many callers waiting asks on-call responders for help.
    surge_waiting: int
    surge_help_minutes: int
    # Caring texts after a crisis case closes (only with the member's YES).
    caring_hours: tuple[int, ...]
    # Tags a caller may ask for in the voice sub-menu after pressing 2 (keys 2, 3 ...), in
    # this order; empty: no sub-menu (speech "a veteran" and TALK veteran still work).
    tag_menu: tuple[str, ...]
    # TALK veteran by text: offered to the tagged volunteers first; nobody took it in this
    # long -> offered to the other peers on shift too.
    relay_tag_minutes: int
    # Each volunteer's call stops ringing after this long (Twilio's `timeout` on the call).
    leg_ring_seconds: int


@dataclass(frozen=True)
class Volunteer:
    """A volunteer on shift now, as the queue sees them."""

    id: int
    languages: frozenset[str] = frozenset({"en"})
    # Already on a warm-line call: not rung.
    busy: bool = False
    # "veterans", "lgbtq", "youth" ...: a caller who asks for one is offered them first.
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Waiting:
    """A caller's place in the queue."""

    id: int
    language: str
    entered_at: dt.datetime
    rung: tuple[int, ...] = ()
    last_ring_at: dt.datetime | None = None
    status: str = WAITING
    # The kind of peer the caller asked for ("veterans"); None: anyone.
    tag: str | None = None


@dataclass(frozen=True)
class Hold:
    """What one wait-URL fetch does: ring some volunteers, hold on, or leave for voicemail."""

    ring: tuple[int, ...] = ()
    voicemail: bool = False
    # Leave the queue (for voicemail, or the crisis line after a 9).
    leave: bool = False
    # Seconds of hold audio (or quiet) after the message.
    pause: int = 0
    # This tick rings peers without the tag the caller asked for (the tagged ones on shift
    # did not answer): the hold message says so.
    widened: bool = False


def on_hold(
    entry: Waiting,
    *,
    volunteers: Sequence[Volunteer],
    rules: WarmRules,
    now: dt.datetime,
) -> Hold:
    """Decide one tick of a waiting caller: who to ring now, or voicemail when time is up."""
    if entry.status == BRIDGED:
        # Taken a moment ago: hold on until the volunteer's <Dial><Queue> picks them up.
        return Hold(pause=_pause(rules))
    if entry.status != WAITING:
        return Hold(leave=True)
    if now - entry.entered_at >= dt.timedelta(minutes=rules.wait_minutes):
        return Hold(voicemail=True, leave=True)
    ring = to_ring(entry, volunteers=volunteers, rules=rules, now=now)
    return Hold(ring=ring, pause=_pause(rules), widened=_widens(entry, volunteers, ring))


def to_ring(
    entry: Waiting, *, volunteers: Sequence[Volunteer], rules: WarmRules, now: dt.datetime
) -> tuple[int, ...]:
    """Return the volunteers to ring now: all at once, or the next one when the last rang out.

    A caller who asked for a tag gets the tagged volunteers first; once each of them has rung
    out, the other peers who speak the language are rung too.
    """
    speakers = speakers_of(volunteers, entry.language)
    tagged = [v for v in speakers if entry.tag in v.tags] if entry.tag else []
    first = [v for v in tagged if not v.busy and v.id not in entry.rung]
    rung_out = not _still_ringing(entry, rules, now)
    if first:
        pool = first
    elif tagged and not rung_out:
        return ()  # the tagged volunteers are still ringing: give them their turn
    else:
        pool = [v for v in speakers if not v.busy and v.id not in entry.rung]
    fresh = [v.id for v in pool]
    if not fresh:
        return ()
    if rules.ring_strategy == SIMULTANEOUS:
        return tuple(fresh)
    if not rung_out:
        return ()
    if rules.ring_strategy == RANDOM:
        # Seeded by the entry, so a repeated tick picks the same person (no double ring).
        return (random.Random(entry.id * 7919 + len(entry.rung)).choice(fresh),)
    return (fresh[0],)


def _still_ringing(entry: Waiting, rules: WarmRules, now: dt.datetime) -> bool:
    if entry.last_ring_at is None:
        return False
    return now - entry.last_ring_at < dt.timedelta(seconds=rules.ring_seconds)


def speakers_of(volunteers: Sequence[Volunteer], language: str) -> list[Volunteer]:
    """Volunteers who speak the caller's language; everyone on shift when nobody does."""
    speakers = [v for v in volunteers if language in v.languages]
    return speakers or list(volunteers)


def tag_on_shift(volunteers: Sequence[Volunteer], language: str, tag: str | None) -> bool:
    """True when a free volunteer with the tag who speaks the language is on shift."""
    speakers = speakers_of(volunteers, language)
    return bool(tag) and any(tag in v.tags and not v.busy for v in speakers)


def offer_to(volunteers: Sequence[Volunteer], language: str, tag: str | None) -> list[int]:
    """Who a TALK by text is offered to: the free tagged speakers, else every speaker."""
    speakers = speakers_of(volunteers, language)
    tagged = [v.id for v in speakers if tag and tag in v.tags and not v.busy]
    return tagged or [v.id for v in speakers]


def _widens(entry: Waiting, volunteers: Sequence[Volunteer], ring: tuple[int, ...]) -> bool:
    """True when this ring goes past the tagged volunteers for the first time."""
    if not entry.tag or not ring:
        return False
    tagged = {v.id for v in volunteers if entry.tag in v.tags}
    rung = set(entry.rung)
    return bool(rung & tagged) and not rung - tagged and not set(ring) & tagged


def _pause(rules: WarmRules) -> int:
    # The hold message comes back every 30-60 s whatever the setting says.
    return min(max(rules.hold_seconds, 30), 60)


# The volunteer's leg.

# What a rung volunteer's keypress leads to.
ASK = "ask"  # "Hotline caller, press 1 to take the call"
TAKE = "take"  # try to take it (the database decides who was first)
GONE = "gone"  # someone else took it, or the caller left
DECLINE = "decline"  # no key (voicemail pickup, no answer) or another key: hang up


def screen(*, status: str, taken_by: int | None, digits: str | None) -> str:
    """Decide a volunteer's leg: ask, try to take, or end it (digits None: just answered)."""
    if status != WAITING or taken_by is not None:
        return GONE
    if digits is None:
        return ASK
    return TAKE if digits == "1" else DECLINE


# After the queue.


def after_queue(*, queue_result: str, status: str) -> str:
    """What the caller hears when the queue lets go of them (Twilio's QueueResult)."""
    if queue_result == "bridged":
        return BRIDGED
    if queue_result == "hangup":
        return ABANDONED
    if status == CRISIS:
        return CRISIS
    # Left for voicemail, or Twilio could not keep them queued: never leave them in silence.
    return VOICEMAIL


def surge(*, waiting: int, rules: WarmRules) -> bool:
    """True when the queue is long enough to ask on-call responders to help."""
    return rules.surge_waiting > 0 and waiting >= rules.surge_waiting
