"""The warm line's queue, ring strategies and screening, as tables."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from hotline.flows.warm import line as flow
from hotline.flows.warm.line import Hold, Volunteer, Waiting
from hotline.settings import load_settings

# The line's own rules, from config/hotline.toml (the one home of their defaults).
LINE = load_settings({}).warm

T0 = dt.datetime(2026, 3, 8, 17, 0, tzinfo=dt.UTC)
EN = frozenset({"en"})
ES = frozenset({"es"})
BOTH = frozenset({"en", "es"})
ANA, BEN, CARA = Volunteer(1, EN), Volunteer(2, BOTH), Volunteer(3, EN)


def _entry(**changes: object) -> Waiting:
    values: dict[str, object] = {"id": 17, "language": "en", "entered_at": T0}
    values.update(changes)
    return Waiting(**values)  # type: ignore[arg-type]


def _at(seconds: int) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("strategy", "entry", "volunteers", "now", "ring"),
    [
        # Simultaneous: everyone free who speaks the language, once.
        ("simultaneous", _entry(), [ANA, BEN, CARA], _at(0), (1, 2, 3)),
        ("simultaneous", _entry(rung=(1, 2, 3), last_ring_at=T0), [ANA, BEN, CARA], _at(50), ()),
        # A volunteer already on a call is not rung; once free, they are.
        ("simultaneous", _entry(), [ANA, Volunteer(2, BOTH, busy=True)], _at(0), (1,)),
        ("simultaneous", _entry(rung=(1,), last_ring_at=T0), [ANA, BEN], _at(45), (2,)),
        # A Spanish caller rings the Spanish speakers only...
        ("simultaneous", _entry(language="es"), [ANA, BEN, CARA], _at(0), (2,)),
        # ...and everyone on shift when nobody speaks it.
        ("simultaneous", _entry(language="es"), [ANA, CARA], _at(0), (1, 3)),
        # In order: one at a time, the next when the last has rung its 25 s.
        ("in_order", _entry(), [ANA, BEN, CARA], _at(0), (1,)),
        ("in_order", _entry(rung=(1,), last_ring_at=T0), [ANA, BEN, CARA], _at(10), ()),
        ("in_order", _entry(rung=(1,), last_ring_at=T0), [ANA, BEN, CARA], _at(25), (2,)),
        ("in_order", _entry(rung=(1, 2), last_ring_at=_at(25)), [ANA, BEN, CARA], _at(60), (3,)),
        ("in_order", _entry(rung=(1, 2, 3), last_ring_at=_at(60)), [ANA, BEN, CARA], _at(99), ()),
        # Nobody on shift: nothing to ring (the caller still waits, then voicemail).
        ("simultaneous", _entry(), [], _at(0), ()),
        ("in_order", _entry(), [], _at(0), ()),
    ],
)
def test_who_is_rung(
    strategy: str,
    entry: Waiting,
    volunteers: list[Volunteer],
    now: dt.datetime,
    ring: tuple[int, ...],
) -> None:
    rules = dataclasses.replace(LINE, ring_strategy=strategy)
    assert flow.to_ring(entry, volunteers=volunteers, rules=rules, now=now) == ring


def test_random_rings_one_free_volunteer_and_the_same_one_on_a_repeated_tick() -> None:
    rules = dataclasses.replace(LINE, ring_strategy="random")
    volunteers = [ANA, BEN, CARA, Volunteer(4, EN, busy=True)]
    first = flow.to_ring(_entry(), volunteers=volunteers, rules=rules, now=T0)
    assert len(first) == 1 and first[0] in {1, 2, 3}
    assert flow.to_ring(_entry(), volunteers=volunteers, rules=rules, now=T0) == first
    rung = _entry(rung=first, last_ring_at=T0)
    second = flow.to_ring(rung, volunteers=volunteers, rules=rules, now=_at(30))
    assert len(second) == 1 and second[0] in {1, 2, 3} - set(first)
    orders = {
        flow.to_ring(_entry(id=i), volunteers=volunteers, rules=rules, now=T0) for i in range(40)
    }
    assert orders == {(1,), (2,), (3,)}


@pytest.mark.parametrize(
    ("entry", "now", "hold"),
    [
        (_entry(), _at(0), Hold(ring=(1, 2), pause=40)),
        (_entry(rung=(1, 2)), _at(200), Hold(ring=(), pause=40)),
        # Nobody took it within wait_minutes (4): voicemail.
        (_entry(rung=(1, 2)), _at(240), Hold(voicemail=True, leave=True)),
        # Just taken: hold on (no ring) until the volunteer's dial picks the caller up, even
        # past the wait; a 9 or a voicemail decided already leaves the queue.
        (_entry(status="bridged"), _at(10), Hold(pause=40)),
        (_entry(status="bridged"), _at(300), Hold(pause=40)),
        (_entry(status="crisis"), _at(10), Hold(leave=True)),
        (_entry(status="voicemail"), _at(10), Hold(leave=True)),
    ],
)
def test_a_hold_tick(entry: Waiting, now: dt.datetime, hold: Hold) -> None:
    assert flow.on_hold(entry, volunteers=[ANA, BEN], rules=LINE, now=now) == hold


@pytest.mark.parametrize(("setting", "pause"), [(10, 30), (40, 40), (90, 60)])
def test_the_hold_message_comes_back_every_30_to_60_seconds(setting: int, pause: int) -> None:
    rules = dataclasses.replace(LINE, hold_seconds=setting)
    assert flow.on_hold(_entry(), volunteers=[], rules=rules, now=T0).pause == pause


@pytest.mark.parametrize(
    ("status", "taken_by", "digits", "then"),
    [
        ("waiting", None, None, flow.ASK),
        ("waiting", None, "1", flow.TAKE),
        # A voicemail pickup or a volunteer who lets it ring posts no digits: not taken.
        ("waiting", None, "", flow.DECLINE),
        ("waiting", None, "2", flow.DECLINE),
        ("waiting", None, "11", flow.DECLINE),
        # Someone was first, or the caller left the queue.
        ("waiting", 4, None, flow.GONE),
        ("waiting", 4, "1", flow.GONE),
        ("bridged", 4, "1", flow.GONE),
        ("voicemail", None, "1", flow.GONE),
        ("abandoned", None, None, flow.GONE),
    ],
)
def test_the_volunteers_screening_leg(
    status: str, taken_by: int | None, digits: str | None, then: str
) -> None:
    assert flow.screen(status=status, taken_by=taken_by, digits=digits) == then


@pytest.mark.parametrize(
    ("queue_result", "status", "then"),
    [
        ("bridged", "bridged", flow.BRIDGED),
        ("hangup", "waiting", flow.ABANDONED),
        ("leave", "voicemail", flow.VOICEMAIL),
        ("leave", "crisis", flow.CRISIS),
        ("queue-full", "waiting", flow.VOICEMAIL),
        ("system-error", "waiting", flow.VOICEMAIL),
        ("redirected", "crisis", flow.CRISIS),
    ],
)
def test_when_the_queue_lets_go(queue_result: str, status: str, then: str) -> None:
    assert flow.after_queue(queue_result=queue_result, status=status) == then


@pytest.mark.parametrize(
    ("waiting", "threshold", "ask"), [(2, 3, False), (3, 3, True), (9, 0, False)]
)
def test_surge(waiting: int, threshold: int, ask: bool) -> None:
    assert (
        flow.surge(waiting=waiting, rules=dataclasses.replace(LINE, surge_waiting=threshold)) is ask
    )
