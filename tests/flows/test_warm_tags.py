"""Asking for a kind of peer (a volunteer's tag), by voice and by text, as tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from hotline.catalogs import catalog
from hotline.flows.voice import menu as flow
from hotline.flows.voice.menu import Heard, VoiceState
from hotline.flows.warm import line as warm
from hotline.flows.warm import relay
from hotline.flows.warm.line import Volunteer, Waiting
from hotline.settings import load_settings

LINE = load_settings({}).warm  # the shipped [warm] rules
VOCABULARY = relay.tag_vocabulary([catalog("en"), catalog("es")])
T0 = dt.datetime(2026, 3, 8, 17, 0, tzinfo=dt.UTC)
EN, ES = frozenset({"en"}), frozenset({"es"})
VET = frozenset({"veterans"})
# Ana and Cara are veterans (Cara speaks Spanish); Ben and Dan are not.
ANA, BEN = Volunteer(1, EN, tags=VET), Volunteer(2, EN)
CARA, DAN = Volunteer(3, ES, tags=VET), Volunteer(4, EN)


@pytest.mark.parametrize(
    ("body", "tag"),
    [
        ("TALK veteran", "veterans"),
        ("talk to a veteran", "veterans"),
        ("Talk with someone who is a vet.", "veterans"),
        ("HABLAR joven", "youth"),
        ("hablar con un veterano", "veterans"),
        ("hablar con alguien LGBTQ", "lgbtq"),
        ("talk young person", "youth"),
        ("TALK gay", "lgbtq"),
        # Plain TALK is the keyword itself; anything else is not a request for a tag.
        ("TALK", None),
        ("talk about my divorce", None),
        ("talk veteran youth", None),
        ("veteran", None),
        ("find veteran groups", None),
    ],
)
def test_talk_words_name_a_tag_in_english_or_spanish(body: str, tag: str | None) -> None:
    assert relay.talk_tag(body, VOCABULARY) == tag


def _facts(language: str = "en", /, **values: Any) -> flow.Facts:
    base = flow.Facts(
        catalog=catalog(language), warm_open=True, warm_vocabulary=VOCABULARY, languages=("en",)
    )
    return replace(base, **values)


def _said(step: flow.Step) -> list[str]:
    return [s.key.removeprefix("voice.") for s in step.said if isinstance(s, flow.Line)]


MENU = ("veterans", "lgbtq", "youth")


@pytest.mark.parametrize(
    ("menu", "heard", "facts", "tag", "said"),
    [
        # Said at the main menu: the tag's volunteers first, and honestly whether any is free.
        ("main", "a veteran please", {"warm_tags_free": VET}, "veterans", "tag_looking"),
        ("main", "talk to a veteran", {}, "veterans", "tag_missing"),
        ("main", "talk to someone", {"warm_tags_free": VET}, None, ""),
        # The sub-menu: 1 or silence is anyone; 2, 3, 4 the tags in the configured order.
        ("warm_tag", "", {"warm_tag_menu": MENU}, None, ""),
        ("warm_tag", "1", {"warm_tag_menu": MENU}, None, ""),
        (
            "warm_tag",
            "2",
            {"warm_tag_menu": MENU, "warm_tags_free": VET},
            "veterans",
            "tag_looking",
        ),
        ("warm_tag", "3", {"warm_tag_menu": MENU, "warm_tags_free": VET}, "lgbtq", "tag_missing"),
        ("warm_tag", "4", {"warm_tag_menu": MENU}, "youth", "tag_missing"),
        ("warm_tag", "say:someone young", {"warm_tag_menu": MENU}, "youth", "tag_missing"),
        ("warm_tag", "say:anyone", {"warm_tag_menu": MENU}, None, ""),
    ],
)
def test_a_caller_asks_for_a_kind_of_peer(
    menu: str, heard: str, facts: dict[str, Any], tag: str | None, said: str
) -> None:
    speech = heard.removeprefix("say:") if menu == "main" or heard.startswith("say:") else ""
    digits = "" if speech else heard
    step = flow.handle(VoiceState(menu=menu), Heard(digits=digits, speech=speech), _facts(**facts))
    assert step.then == flow.EnterWarmLine(tag)
    assert _said(step) == ["warm.connecting", *([f"warm.{said}"] if said else [])]


def test_the_sub_menu_reads_its_tags_in_order_and_a_missing_one_never() -> None:
    facts = _facts(warm_tag_menu=("veterans", "nonesuch", "youth"))
    step = flow.handle(VoiceState(menu="main"), Heard(digits="2"), facts)
    assert step.then == flow.Ask(VoiceState(menu="warm_tag"))
    options = [dict(s.values) for s in step.said if isinstance(s, flow.Line)][1:]
    assert options == [{"tag": "veteran", "digit": "2"}, {"tag": "young", "digit": "3"}]


def test_a_tag_word_in_another_request_at_the_main_menu_is_not_the_warm_line() -> None:
    step = flow.handle(VoiceState(menu="main"), Heard(speech="find a group for veterans"), _facts())
    assert step.then == flow.Ask(VoiceState(menu="find_zip"))


def test_without_a_sub_menu_2_goes_straight_to_the_queue() -> None:
    step = flow.handle(VoiceState(menu="main"), Heard(digits="2"), _facts())
    assert step.then == flow.EnterWarmLine(None)


def _entry(**changes: Any) -> Waiting:
    values: dict[str, Any] = {"id": 17, "language": "en", "entered_at": T0, "tag": "veterans"}
    values.update(changes)
    return Waiting(**values)


def _at(seconds: int) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("strategy", "entry", "volunteers", "now", "ring", "widened"),
    [
        # The veteran who speaks English is rung first; the others when she has rung out.
        ("simultaneous", _entry(), [ANA, BEN, CARA, DAN], _at(0), (1,), False),
        ("simultaneous", _entry(rung=(1,), last_ring_at=T0), [ANA, BEN, DAN], _at(10), (), False),
        (
            "simultaneous",
            _entry(rung=(1,), last_ring_at=T0),
            [ANA, BEN, DAN],
            _at(25),
            (2, 4),
            True,
        ),
        (
            "simultaneous",
            _entry(rung=(1, 2, 4), last_ring_at=_at(25)),
            [ANA, BEN, DAN],
            _at(60),
            (),
            False,
        ),
        ("in_order", _entry(rung=(1,), last_ring_at=T0), [ANA, BEN, DAN], _at(25), (2,), True),
        (
            "in_order",
            _entry(rung=(1, 2), last_ring_at=_at(25)),
            [ANA, BEN, DAN],
            _at(50),
            (4,),
            False,
        ),
        # No veteran on shift (or the only one is on a call): everyone who speaks English, now.
        ("simultaneous", _entry(), [BEN, DAN], _at(0), (2, 4), False),
        ("simultaneous", _entry(), [replace(ANA, busy=True), BEN], _at(0), (2,), False),
        # A veteran who does not speak the caller's language is not preferred over speakers.
        ("simultaneous", _entry(), [CARA, BEN], _at(0), (2,), False),
        # A Spanish caller asking for a veteran: Cara.
        ("simultaneous", _entry(language="es"), [ANA, BEN, CARA], _at(0), (3,), False),
        # No tag asked: unchanged, everyone who speaks the language.
        ("simultaneous", _entry(tag=None), [ANA, BEN, DAN], _at(0), (1, 2, 4), False),
    ],
)
def test_tagged_volunteers_are_rung_first_then_every_peer(
    strategy: str,
    entry: Waiting,
    volunteers: list[Volunteer],
    now: dt.datetime,
    ring: tuple[int, ...],
    widened: bool,
) -> None:
    hold = warm.on_hold(
        entry, volunteers=volunteers, rules=replace(LINE, ring_strategy=strategy), now=now
    )
    assert (hold.ring, hold.widened) == (ring, widened)


@pytest.mark.parametrize(
    ("volunteers", "language", "tag", "found", "offered"),
    [
        ([ANA, BEN, DAN], "en", "veterans", True, [1]),
        ([BEN, DAN], "en", "veterans", False, [2, 4]),
        ([replace(ANA, busy=True), BEN], "en", "veterans", False, [1, 2]),
        ([ANA, BEN, CARA], "es", "veterans", True, [3]),
        ([ANA, BEN], "es", "veterans", True, [1]),  # nobody speaks Spanish: all on shift
        ([ANA, BEN, DAN], "en", None, False, [1, 2, 4]),
        ([ANA, CARA], "en", "youth", False, [1]),
    ],
)
def test_who_a_talk_by_text_is_offered_to(
    volunteers: list[Volunteer], language: str, tag: str | None, found: bool, offered: list[int]
) -> None:
    assert warm.tag_on_shift(volunteers, language, tag) is found
    assert warm.offer_to(volunteers, language, tag) == offered
