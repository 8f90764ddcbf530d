"""The voice menu as tables: state + what was pressed or said -> where the call goes next."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from hotline.catalogs import catalog
from hotline.flows import effects
from hotline.flows.voice import menu as flow
from hotline.flows.voice.menu import Heard, MeetingFacts, VoiceState

OPEN = MeetingFacts(1, "4821", "Evening Circle", "phone_bridge", open_now=True, when="Mon 7:00pm")
PINNED = replace(OPEN, member_pin="2468", host_pin="1357")
HOST_ONLY = replace(OPEN, host_pin="1357")
SHUT = replace(OPEN, open_now=False)
EXTERNAL = replace(OPEN, format="external_bridge")
IN_PERSON = replace(OPEN, format="in_person")
FOUND = tuple(replace(OPEN, id=i, code=f"{i}000", open_now=i == 1) for i in (1, 2, 3, 4))
WORDS = {"en": "english", "es": "espanol, español"}


def facts(language: str = "en", /, **values: Any) -> flow.Facts:
    base = flow.Facts(catalog=catalog(language), languages=("en", "es"), language_words=WORDS)
    return replace(base, **values)


def heard(entry: str) -> Heard:
    """ "4821" is keys, "say:..." is speech, "" is nothing at all."""
    if entry.startswith("say:"):
        return Heard(speech=entry[4:])
    return Heard(digits=entry)


def outcome(step: flow.Step) -> str:
    """A step in a few words: where it goes, its effects, and the first thing said."""
    then = step.then
    if isinstance(then, flow.Ask):
        where = f"ask {then.state.menu} {then.state.attempt}"
    elif isinstance(then, flow.JoinRoom):
        where = "join host" if then.host else "join"
    else:
        where = type(then).__name__
    effects = " ".join(type(effect).__name__ for effect in step.effects)
    first = next((s.key.removeprefix("voice.") for s in step.said if isinstance(s, flow.Line)), "")
    return " | ".join(part for part in (where, effects, first) if part)


TABLE = [
    # menu, attempt, input, facts, expected
    ("language", 0, "1", {}, "ask main 0 | SetLanguage | main"),
    ("language", 0, "2", {}, "ask main 0 | SetLanguage | main"),
    ("language", 0, "say:Español", {}, "ask main 0 | SetLanguage | main"),
    ("language", 0, "", {}, "ask language 1 | no_input"),
    ("language", 0, "5", {}, "ask language 1 | wrong_key"),
    ("language", 1, "", {}, "ask main 0 | main"),  # nobody pressed: serve them anyway
    ("language", 0, "9", {}, "CrisisDial | OpenCrisisCase | crisis_connect"),
    ("main", 0, "1", {}, "ask join_code 0 | join_code"),
    ("main", 0, "3", {}, "ask find_zip 0 | find_zip"),
    ("main", 0, "4", {}, "ask remind_code 0 | remind_code"),
    # 2: talk with a peer; the queue when volunteers are on shift, else when it opens next.
    ("main", 0, "2", {"warm_open": True}, "EnterWarmLine | warm.connecting"),
    ("main", 0, "2", {"warm_opens": "Tue 6:00pm"}, "ask warm_closed 0 | warm.closed"),
    ("main", 0, "2", {}, "ask warm_closed 0 | warm.closed_never"),
    ("main", 0, "say:talk to someone", {"warm_open": True}, "EnterWarmLine | warm.connecting"),
    (
        "warm_closed",
        0,
        "1",
        {"can_call_back": True},
        "ask main 0 | RequestCallback | warm.callback_done",
    ),
    # Nobody on call could return the call: 1 is not offered, so it is not taken.
    ("warm_closed", 0, "1", {}, "ask warm_closed 1 | wrong_key"),
    ("warm_closed", 0, "0", {}, "ask main 0 | back_to_main"),
    ("warm_closed", 0, "9", {}, "CrisisDial | OpenCrisisCase | crisis_connect"),
    # The kind-of-peer sub-menu (only when [warm] tag_menu lists tags): silence is anyone.
    (
        "main",
        0,
        "2",
        {"warm_open": True, "warm_tag_menu": ("veterans",)},
        "ask warm_tag 0 | warm.tag_menu",
    ),
    ("warm_tag", 0, "", {"warm_open": True}, "EnterWarmLine | warm.connecting"),
    ("warm_tag", 0, "7", {"warm_open": True}, "ask warm_tag 1 | wrong_key"),
    ("warm_tag", 0, "9", {}, "CrisisDial | OpenCrisisCase | crisis_connect"),
    ("main", 1, "*", {}, "ask main 0 | main"),
    ("main", 0, "", {}, "ask main 1 | no_input"),
    ("main", 0, "7", {}, "ask main 1 | wrong_key"),
    ("main", 1, "", {}, "Hangup | no_input"),
    ("main", 1, "#", {}, "Hangup | wrong_key"),
    ("main", 0, "9", {}, "CrisisDial | OpenCrisisCase | crisis_connect"),
    ("main", 0, "say:I want to join a meeting", {}, "ask join_code 0 | join_code"),
    ("main", 0, "say:find a group", {}, "ask find_zip 0 | find_zip"),
    ("main", 0, "say:reminders", {}, "ask remind_code 0 | remind_code"),
    ("main", 0, "say:help me", {}, "CrisisDial | OpenCrisisCase | crisis_connect"),
    ("main", 0, "say:repeat that", {}, "ask main 0 | main"),
    ("main", 0, "say:banana", {}, "ask main 1 | wrong_key"),
    ("join_code", 0, "4821", {"meeting": OPEN}, "join | joining"),
    ("join_code", 0, "say:four eight two one", {"meeting": OPEN}, "join | joining"),
    ("join_code", 0, "4821", {"meeting": PINNED}, "ask join_pin 0 | join_pin"),
    ("join_code", 0, "4821", {"meeting": HOST_ONLY}, "ask join_pin 0 | join_host_pin"),
    ("join_code", 0, "4821", {"meeting": SHUT}, "ask closed 0 | closed"),
    ("join_code", 0, "4821", {"meeting": EXTERNAL}, "DialBridge | external"),
    ("join_code", 0, "4821", {"meeting": IN_PERSON}, "ask main 0 | not_by_phone"),
    ("join_code", 0, "4821", {}, "ask join_code 1 | code_unknown"),
    ("join_code", 1, "4821", {}, "Hangup | code_unknown"),
    ("join_code", 0, "", {}, "ask join_code 1 | no_input"),
    ("join_code", 0, "*", {}, "ask join_code 0 | join_code"),
    ("join_code", 0, "0", {}, "ask main 0 | back_to_main"),
    ("join_code", 0, "9", {}, "CrisisDial | OpenCrisisCase | crisis_connect"),
    ("join_code", 0, "say:help", {}, "CrisisDial | OpenCrisisCase | crisis_connect"),
    ("join_pin", 0, "2468", {"meeting": PINNED}, "join | joining"),
    ("join_pin", 0, "1357", {"meeting": PINNED}, "join host | joining_host"),
    ("join_pin", 0, "1111", {"meeting": PINNED}, "ask join_pin 1 | pin_wrong"),
    ("join_pin", 1, "", {"meeting": PINNED}, "ask join_pin 2 | no_input"),
    ("join_pin", 2, "1111", {"meeting": PINNED}, "ask main 0 | pin_wrong"),
    ("join_pin", 0, "", {"meeting": HOST_ONLY}, "join | joining"),
    ("join_pin", 0, "1357", {"meeting": HOST_ONLY}, "join host | joining_host"),
    ("join_pin", 0, "2468", {"meeting": replace(PINNED, open_now=False)}, "ask closed 0 | closed"),
    ("join_pin", 0, "9", {"meeting": PINNED}, "CrisisDial | OpenCrisisCase | crisis_connect"),
    ("join_pin", 0, "0", {"meeting": PINNED}, "ask main 0 | back_to_main"),
    ("closed", 0, "1", {"meeting": SHUT}, "ask main 0 | Subscribe | closed_subscribed"),
    ("closed", 0, "say:call me", {"meeting": SHUT}, "ask main 0 | Subscribe | closed_subscribed"),
    ("closed", 0, "0", {"meeting": SHUT}, "ask main 0 | back_to_main"),
    ("closed", 0, "*", {"meeting": SHUT}, "ask closed 0 | closed"),
    ("closed", 0, "", {"meeting": SHUT}, "ask closed 1 | no_input"),
    ("closed", 0, "4", {"meeting": SHUT}, "ask closed 1 | wrong_key"),
    ("closed", 0, "9", {"meeting": SHUT}, "CrisisDial | OpenCrisisCase | crisis_connect"),
    ("find_zip", 0, "94110", {"results": FOUND}, "ask find_results 0 | find_intro"),
    ("find_zip", 0, "94110", {}, "ask find_zip 1 | find_none"),
    ("find_zip", 0, "say:Nowhere", {}, "ask find_zip 1 | find_none"),
    ("find_zip", 0, "941", {}, "ask find_zip 1 | wrong_key"),
    ("find_zip", 0, "", {}, "ask find_zip 1 | no_input"),
    ("find_zip", 0, "9", {}, "CrisisDial | OpenCrisisCase | crisis_connect"),
    ("find_results", 0, "1", {"results": FOUND}, "join | joining"),
    (
        "find_results",
        0,
        "2",
        {"results": FOUND, "can_text": True},
        "ask main 0 | TextResults | find_texted",
    ),
    ("find_results", 0, "2", {"results": FOUND}, "ask find_results 1 | wrong_key"),
    ("find_results", 0, "3", {"results": FOUND}, "ask find_results 0 | find_intro"),
    ("find_results", 0, "say:more", {"results": FOUND}, "ask find_results 0 | find_intro"),
    ("find_results", 0, "*", {"results": FOUND}, "ask find_results 0 | find_intro"),
    ("find_results", 0, "", {"results": FOUND}, "ask find_results 1 | no_input"),
    ("find_results", 0, "9", {"results": FOUND}, "CrisisDial | OpenCrisisCase | crisis_connect"),
    ("find_results", 0, "1", {}, "ask find_zip 0 | find_zip"),  # results gone: search again
    ("remind_code", 0, "4821", {"meeting": OPEN}, "ask remind_choice 0 | remind_choice"),
    ("remind_code", 0, "4821", {}, "ask remind_code 1 | code_unknown"),
    ("remind_code", 0, "", {}, "ask remind_code 1 | no_input"),
    ("remind_code", 0, "9", {}, "CrisisDial | OpenCrisisCase | crisis_connect"),
    (
        "remind_choice",
        0,
        "1",
        {"meeting": OPEN, "can_text": True},
        "ask main 0 | Subscribe | remind_text_done",
    ),
    ("remind_choice", 0, "1", {"meeting": OPEN}, "ask remind_choice 0 | remind_cannot_text"),
    ("remind_choice", 0, "2", {"meeting": OPEN}, "ask main 0 | Subscribe | remind_call_done"),
    (
        "remind_choice",
        0,
        "say:calls",
        {"meeting": OPEN},
        "ask main 0 | Subscribe | remind_call_done",
    ),
    ("remind_choice", 0, "", {"meeting": OPEN}, "ask remind_choice 1 | no_input"),
    ("remind_choice", 0, "9", {"meeting": OPEN}, "CrisisDial | OpenCrisisCase | crisis_connect"),
    ("reminder_call", 0, "1", {"meeting": OPEN}, "join | joining"),
    ("reminder_call", 0, "1", {"meeting": SHUT}, "ask closed 0 | closed"),
    ("reminder_call", 0, "2", {"meeting": OPEN}, "Hangup | Unsubscribe | reminder_stopped"),
    (
        "reminder_call",
        0,
        "say:stop",
        {"meeting": OPEN},
        "Hangup | Unsubscribe | reminder_stopped",
    ),
    ("reminder_call", 0, "", {"meeting": OPEN}, "ask reminder_call 1 | no_input"),
    ("reminder_call", 1, "", {"meeting": OPEN}, "Hangup | no_input"),
    ("reminder_call", 0, "9", {"meeting": OPEN}, "CrisisDial | OpenCrisisCase | crisis_connect"),
]


@pytest.mark.parametrize(("menu", "attempt", "entry", "known", "expected"), TABLE)
def test_menu_table(
    menu: str, attempt: int, entry: str, known: dict[str, object], expected: str
) -> None:
    state = VoiceState(menu=menu, attempt=attempt, meeting_id=1, subscription_id=7)
    if "results" in known:
        state = replace(state, results=tuple(m.id for m in FOUND))
    assert outcome(flow.handle(state, heard(entry), facts(**known))) == expected


def test_every_menu_is_in_the_table() -> None:
    assert {row[0] for row in TABLE} == flow.MENUS


@pytest.mark.parametrize(
    ("known", "said"),
    [
        (
            {"warm_opens": "Tue 6:00pm", "can_call_back": True},
            ["warm.closed", "warm.closed_menu"],
        ),
        ({"warm_opens": "Tue 6:00pm"}, ["warm.closed", "warm.closed_menu_nobody"]),
        ({"can_call_back": True}, ["warm.closed_never", "warm.closed_menu"]),
    ],
)
def test_outside_hours_says_when_the_warm_line_opens_and_offers_only_what_is_real(
    known: dict[str, object], said: list[str]
) -> None:
    step = flow.handle(VoiceState(menu="main"), heard("2"), facts(**known))
    assert [s.key.removeprefix("voice.") for s in step.said if isinstance(s, flow.Line)] == said
    if "warm_opens" in known:
        assert ("when", "Tue 6:00pm") in step.said[0].values  # type: ignore[union-attr]


def test_spanish_words_work_in_spanish() -> None:
    state = VoiceState(menu="main", language="es")
    step = flow.handle(state, heard("say:quiero buscar un grupo"), facts("es"))
    assert outcome(step) == "ask find_zip 0 | find_zip"
    assert outcome(flow.handle(state, heard("say:¡Ayuda!"), facts("es"))).startswith("CrisisDial")


def test_speech_the_crisis_assessor_flagged_is_crisis_anywhere() -> None:
    for menu in flow.MENUS:
        state = VoiceState(menu=menu, meeting_id=1)
        step = flow.handle(state, Heard(speech="anything", crisis=True), facts(meeting=OPEN))
        assert isinstance(step.then, flow.CrisisDial), menu


def test_choosing_spanish_switches_the_state_language() -> None:
    step = flow.handle(VoiceState(menu="language"), heard("2"), facts())
    assert isinstance(step.then, flow.Ask)
    assert step.then.state.language == "es"
    assert step.effects == (effects.SetLanguage("es"),)


def test_greeting_asks_for_a_language_only_when_there_are_several() -> None:
    assert outcome(flow.greet(VoiceState(), facts())) == "ask language 0 | welcome"
    single = facts(languages=("en",))
    assert outcome(flow.greet(VoiceState(), single)) == "ask main 0 | welcome"


def test_start_join_goes_to_the_meeting_or_the_menu() -> None:
    assert outcome(flow.start_join(VoiceState(), facts(meeting=PINNED))) == (
        "ask join_pin 0 | join_pin"
    )
    assert outcome(flow.start_join(VoiceState(), facts())) == "ask main 0 | welcome"


def test_find_results_read_codes_digit_by_digit_and_offer_text_only_to_mobiles() -> None:
    state = VoiceState(menu="find_results", results=tuple(m.id for m in FOUND))
    landline = flow.ask(state, facts(results=FOUND))
    keys = [s.key for s in landline.said if isinstance(s, flow.Line)]
    assert "voice.find_option_text" not in keys
    assert "voice.find_option_more" in keys
    items = [s for s in landline.said if isinstance(s, flow.Line) and s.key == "voice.find_item"]
    assert len(items) == 3
    assert ("code", "1, 0, 0, 0") in items[0].values
    assert any(isinstance(s, flow.Pause) for s in landline.said)
    mobile = flow.ask(state, facts(results=FOUND, can_text=True))
    assert any(isinstance(s, flow.Line) and s.key == "voice.find_option_text" for s in mobile.said)
    last = flow.ask(replace(state, page=1), facts(results=FOUND))
    assert not any(
        isinstance(s, flow.Line) and s.key == "voice.find_option_more" for s in last.said
    )


def test_find_results_offer_to_join_only_a_group_that_meets_by_phone() -> None:
    state = VoiceState(menu="find_results", results=(1, 2))
    for first, offered in ((OPEN, True), (EXTERNAL, True), (IN_PERSON, False)):
        step = flow.ask(state, facts(results=(first, replace(OPEN, id=2, code="2000"))))
        keys = [s.key for s in step.said if isinstance(s, flow.Line)]
        assert ("voice.find_option_join" in keys) is offered, first.format


@pytest.mark.parametrize(
    ("menu", "entry", "expected"),
    [
        ("join_code", "4821", flow.CodeLookup("4821")),
        ("join_code", "say:four eight two one", flow.CodeLookup("4821")),
        ("join_code", "9", None),
        ("join_code", "", None),
        ("remind_code", "4821", flow.CodeLookup("4821")),
        ("find_zip", "94110", flow.SearchLookup(zip_code="94110")),
        ("find_zip", "say:nine four one one zero", flow.SearchLookup(zip_code="94110")),
        ("find_zip", "say:Oakland.", flow.SearchLookup(city="Oakland")),
        ("find_zip", "say:help", None),
        ("find_zip", "941", None),
        ("main", "1", None),
    ],
)
def test_what_the_runner_must_look_up(
    menu: str, entry: str, expected: flow.CodeLookup | flow.SearchLookup | None
) -> None:
    assert flow.lookup_for(VoiceState(menu=menu), heard(entry), catalog("en")) == expected


def test_state_round_trips_through_the_query_string() -> None:
    state = VoiceState("find_results", 1, "es", 12, 7, (3, 4, 5), 1)
    assert VoiceState.from_query(state.to_query(), ("en", "es")) == state


@pytest.mark.parametrize(
    "query",
    [{}, {"m": "nope", "a": "x", "l": "fr", "mt": "-1", "r": "a-b", "p": "99"}, {"a": "9" * 40}],
)
def test_an_odd_query_string_falls_back_to_the_main_menu(query: dict[str, str]) -> None:
    state = VoiceState.from_query(query, ("en", "es"))
    assert (state.menu, state.language, state.meeting_id) == ("main", "en", None)
    assert state.attempt <= flow.PIN_TRIES and state.page <= 2


@pytest.mark.parametrize(
    ("language", "heard", "soonest"),
    [
        ("en", Heard(digits="1"), True),
        ("en", Heard(speech="Now."), True),
        ("en", Heard(speech="right now"), True),
        ("es", Heard(speech="ahora"), True),
        ("en", Heard(digits="94110"), False),
        ("en", Heard(speech="oakland now"), False),  # a city first: not the soonest alone
    ],
)
def test_the_zip_prompt_takes_a_request_for_the_soonest(
    language: str, heard: Heard, soonest: bool
) -> None:
    found = flow.lookup_for(VoiceState(menu=flow.FIND_ZIP), heard, catalog(language))
    assert isinstance(found, flow.SearchLookup)
    assert found.soonest is soonest
