"""The voice menu as a pure state machine: where the caller is + what they pressed or said.

The runner (hotline/voice/runner.py) looks up what a step needs (`lookup_for`), gathers `Facts`,
calls `handle`, applies the `Step`'s effects and renders it as TwiML. Nothing here does I/O.

Key 9 (or a spoken "help") means crisis help at every menu; `*` repeats a menu and `0` goes back
to the main menu. In menus where a number is typed and then `#`, a lone 9 or 0 keeps that
meaning: no meeting code or PIN is a single digit.
"""

from __future__ import annotations

import hmac
from dataclasses import replace

from hotline.flows.catalog import Catalog
from hotline.flows.digits import is_number
from hotline.flows.effects import RequestCallback, SetLanguage, Subscribe, Unsubscribe
from hotline.flows.voice.speech import digits_in, key_for_speech, language_for_speech
from hotline.flows.voice.steps import (
    CLOSED,
    CRISIS_KEY,
    FIND_RESULTS,
    FIND_ZIP,
    JOIN_CODE,
    JOIN_PIN,
    LANGUAGE,
    MAIN,
    MENUS,
    NUMBER_MENUS,
    PAGE_SIZE,
    PIN_TRIES,
    REMIND_CHOICE,
    REMIND_CODE,
    REMINDER_CALL,
    WARM_CLOSED,
    WARM_TAG,
    Ask,
    CodeLookup,
    CrisisDial,
    DialBridge,
    Effect,
    EnterWarmLine,
    Facts,
    Hangup,
    Heard,
    JoinRoom,
    Line,
    MeetingFacts,
    OpenCrisisCase,
    Pause,
    Said,
    SearchLookup,
    Step,
    TextResults,
    Then,
    VoiceState,
    line,
    spell,
)
from hotline.flows.warm.relay import tag_heard

# The steps' vocabulary is part of this module's interface: callers write `flow.Step`.
__all__ = [
    "CLOSED",
    "CRISIS_KEY",
    "FIND_RESULTS",
    "FIND_ZIP",
    "JOIN_CODE",
    "JOIN_PIN",
    "LANGUAGE",
    "MAIN",
    "MENUS",
    "NUMBER_MENUS",
    "PAGE_SIZE",
    "PIN_TRIES",
    "REMINDER_CALL",
    "REMIND_CHOICE",
    "REMIND_CODE",
    "WARM_CLOSED",
    "WARM_TAG",
    "Ask",
    "CodeLookup",
    "CrisisDial",
    "DialBridge",
    "Effect",
    "EnterWarmLine",
    "Facts",
    "Hangup",
    "Heard",
    "JoinRoom",
    "Line",
    "MeetingFacts",
    "OpenCrisisCase",
    "Pause",
    "Said",
    "SearchLookup",
    "Step",
    "TextResults",
    "Then",
    "VoiceState",
    "ask",
    "crisis",
    "greet",
    "handle",
    "line",
    "lookup_for",
    "spell",
    "start_join",
    "wants_crisis",
]

# Entry points.


def greet(state: VoiceState, facts: Facts) -> Step:
    """The first answer of an inbound call: the language menu, or the main menu."""
    if len(facts.languages) > 1:
        return ask(replace(state, menu=LANGUAGE, attempt=0), facts)
    return ask(replace(state, menu=MAIN, attempt=0), facts, before=(line("welcome"),))


def start_join(state: VoiceState, facts: Facts) -> Step:
    """Go straight to facts.meeting (a direct number, or an outbound `CALL 4821`)."""
    if facts.meeting is None:
        return ask(replace(state, menu=MAIN, attempt=0), facts, before=(line("welcome"),))
    return _join(state, facts, facts.meeting)


def crisis(_state: VoiceState | None = None) -> Step:
    return Step((line("crisis_connect"),), CrisisDial(), (OpenCrisisCase(),))


def wants_crisis(state: VoiceState, heard: Heard, facts: Facts) -> bool:
    """True when the caller asked for crisis help, by key 9 or by what they said."""
    return heard.crisis or _key(state, heard, facts) == CRISIS_KEY


SOONEST_KEY = "1"  # then pound: a ZIP has five digits, and 0 is the main menu everywhere


def _asks_for_soonest(speech: str, catalog: Catalog) -> bool:
    words = set(speech.lower().strip(" .?!").split())
    return bool(words) and words <= set(catalog.t("voice.words.soonest").replace(",", " ").split())


def lookup_for(
    state: VoiceState, heard: Heard, catalog: Catalog
) -> CodeLookup | SearchLookup | None:
    """Say what the runner must look up before `handle` can decide."""
    if state.menu in (JOIN_CODE, REMIND_CODE):
        code = heard.digits or digits_in(heard.speech, catalog)
        return CodeLookup(code) if len(code) > 1 else None
    if state.menu == FIND_ZIP:
        if heard.digits == SOONEST_KEY or _asks_for_soonest(heard.speech, catalog):
            return SearchLookup(soonest=True)
        if heard.digits:
            return SearchLookup(zip_code=heard.digits) if len(heard.digits) == 5 else None
        spoken = digits_in(heard.speech, catalog)
        if len(spoken) == 5:
            return SearchLookup(zip_code=spoken)
        city = heard.speech.strip(" .?!")
        if city and key_for_speech(heard.speech, "", catalog) is None:
            return SearchLookup(city=city[:60])
    return None


def handle(state: VoiceState, heard: Heard, facts: Facts) -> Step:
    """Decide the next step for what the caller pressed or said at `state.menu`."""
    if wants_crisis(state, heard, facts):
        return crisis(state)
    if state.menu in (MAIN, WARM_TAG) and heard.speech:
        facts = replace(facts, warm_tag=tag_heard(heard.speech, facts.warm_vocabulary) or "")
    key = _key(state, heard, facts)
    if state.menu == MAIN and facts.warm_tag:
        # "A veteran" asks for the warm line as plainly as "talk to someone"; "find a group
        # for veterans" is still a search.
        if key in ("?", WARM_KEY):
            key = WARM_KEY
        else:
            facts = replace(facts, warm_tag="")
    if key == "*":
        return ask(replace(state, attempt=0), facts)
    if key == "0" and state.menu not in (MAIN, LANGUAGE, REMINDER_CALL):
        return ask(_main(state), facts, before=(line("back_to_main"),))
    return _HANDLERS[state.menu](state, key, facts)


def _key(state: VoiceState, heard: Heard, facts: Facts) -> str:
    """The key pressed, or the key the caller's words stand for ("" when nothing fits)."""
    if heard.digits:
        return heard.digits
    if not heard.speech:
        return ""
    if state.menu in NUMBER_MENUS:
        spoken = digits_in(heard.speech, facts.catalog)
        if len(spoken) > 1:
            return spoken
        return key_for_speech(heard.speech, "", facts.catalog) or "?"
    if state.menu == LANGUAGE:
        language = language_for_speech(heard.speech, facts.language_words)
        if language in facts.languages:
            return str(facts.languages.index(language) + 1)
    return key_for_speech(heard.speech, state.menu, facts.catalog) or "?"


# Prompts.


def ask(state: VoiceState, facts: Facts, *, before: tuple[Said, ...] = ()) -> Step:
    """Say `before`, then the menu's prompt inside a Gather for `state`."""
    return Step(before + _prompt(state, facts), Ask(state))


def _prompt(state: VoiceState, facts: Facts) -> tuple[Said, ...]:
    meeting = facts.meeting
    if state.menu == LANGUAGE:
        options = tuple(
            line("language_option", language, digit=index + 1)
            for index, language in enumerate(facts.languages)
        )
        return (line("welcome"), *options)
    if state.menu == JOIN_PIN and meeting is not None and meeting.member_pin is None:
        return (line("join_host_pin"),)
    if state.menu == CLOSED and meeting is not None:
        return (line("closed", name=meeting.name, when=meeting.when), line("closed_menu"))
    if state.menu == REMIND_CHOICE and meeting is not None:
        return (line("remind_choice", name=meeting.name),)
    if state.menu == REMINDER_CALL and meeting is not None:
        return (
            line("reminder_call", name=meeting.name, when=facts.starts),
            line("reminder_call_menu"),
        )
    if state.menu == FIND_RESULTS:
        return _results_prompt(state, facts)
    if state.menu == WARM_CLOSED:
        return _warm_closed_prompt(facts)
    if state.menu == WARM_TAG:
        return _warm_tag_prompt(facts)
    return (line(_SIMPLE_PROMPTS.get(state.menu, "main")),)


_SIMPLE_PROMPTS = {
    MAIN: "main",
    JOIN_CODE: "join_code",
    JOIN_PIN: "join_pin",
    FIND_ZIP: "find_zip",
    REMIND_CODE: "remind_code",
}


def _page(state: VoiceState, facts: Facts) -> tuple[MeetingFacts, ...]:
    return facts.results[state.page * PAGE_SIZE : (state.page + 1) * PAGE_SIZE]


def _has_more(state: VoiceState, facts: Facts) -> bool:
    return len(facts.results) > (state.page + 1) * PAGE_SIZE


_BY_PHONE = ("phone_bridge", "external_bridge")


def _results_prompt(state: VoiceState, facts: Facts) -> tuple[Said, ...]:
    said: list[Said] = [line("find_intro"), Pause(1)]
    for meeting in _page(state, facts):
        said += [line("find_item", name=meeting.name, when=meeting.when, code=spell(meeting.code))]
        said += [Pause(2)]
    page = _page(state, facts)
    if page and page[0].format in _BY_PHONE:
        # Offered only when the first group can be joined from this call: "press 1 to join"
        # before an in-person group was answered "does not meet by phone".
        said.append(line("find_option_join"))
    if facts.can_text:
        said.append(line("find_option_text"))
    if _has_more(state, facts):
        said.append(line("find_option_more"))
    said.append(line("find_option_repeat"))
    return tuple(said)


# Menus.


def _main(state: VoiceState) -> VoiceState:
    return VoiceState(menu=MAIN, language=state.language)


def _retry(state: VoiceState, key: str, facts: Facts, *why: Said) -> Step:
    """Say what went wrong and ask once more; the second miss ends the call kindly."""
    said = why or ((line("no_input") if not key else line("wrong_key")),)
    if state.attempt >= 1:
        return Step((*said, line("goodbye")), Hangup())
    return ask(replace(state, attempt=state.attempt + 1), facts, before=said)


def _language(state: VoiceState, key: str, facts: Facts) -> Step:
    index = int(key) - 1 if is_number(key) and len(key) == 1 else -1
    if 0 <= index < len(facts.languages):
        chosen = facts.languages[index]
        main = VoiceState(menu=MAIN, language=chosen)
        return Step(_prompt(main, facts), Ask(main), (SetLanguage(chosen),))
    if state.attempt >= 1:
        # A caller who cannot press keys still gets served, in the language we know for them.
        return ask(_main(state), facts)
    return _retry(state, key, facts)


WARM_KEY = "2"


def _main_menu(state: VoiceState, key: str, facts: Facts) -> Step:
    menus = {"1": JOIN_CODE, "3": FIND_ZIP, "4": REMIND_CODE}
    if key == WARM_KEY:
        return _warm_line(state, facts)
    if key in menus:
        return ask(VoiceState(menu=menus[key], language=state.language), facts)
    return _retry(state, key, facts)


def _warm_line(state: VoiceState, facts: Facts) -> Step:
    """Talk with a peer: the queue when volunteers are on shift, else when it opens next."""
    if not facts.warm_open:
        return ask(VoiceState(menu=WARM_CLOSED, language=state.language), facts)
    if facts.warm_tag or not _tag_menu(facts):
        return _enter_warm_line(facts, facts.warm_tag or None)
    return ask(VoiceState(menu=WARM_TAG, language=state.language), facts)


def _tag_menu(facts: Facts) -> tuple[str, ...]:
    return tuple(t for t in facts.warm_tag_menu if facts.catalog.has(f"warm.tags.{t}.spoken"))


def _enter_warm_line(facts: Facts, tag: str | None) -> Step:
    """Queue the caller; a tag asked for is honestly found on shift, or honestly not."""
    said: tuple[Said, ...] = (line("warm.connecting"),)
    if tag:
        name = _tag_name(facts, tag)
        found = tag in facts.warm_tags_free
        said += (line("warm.tag_looking" if found else "warm.tag_missing", tag=name),)
    return Step(said, EnterWarmLine(tag))


def _tag_name(facts: Facts, tag: str) -> str:
    key = f"warm.tags.{tag}.spoken"
    return facts.catalog.t(key) if facts.catalog.has(key) else tag


def _warm_tag_prompt(facts: Facts) -> tuple[Said, ...]:
    options = tuple(
        line("warm.tag_option", tag=_tag_name(facts, tag), digit=index + 2)
        for index, tag in enumerate(_tag_menu(facts))
    )
    return (line("warm.tag_menu"), *options)


def _warm_tag(state: VoiceState, key: str, facts: Facts) -> Step:
    """The kind of peer: 1 or silence anyone, 2... a tag; a tag said by name counts too."""
    menu = _tag_menu(facts)
    if facts.warm_tag:
        return _enter_warm_line(facts, facts.warm_tag)
    if key in ("", "1"):
        return _enter_warm_line(facts, None)
    index = int(key) - 2 if is_number(key) and len(key) == 1 else -1
    if 0 <= index < len(menu):
        return _enter_warm_line(facts, menu[index])
    return _retry(state, key, facts)


def _warm_closed_prompt(facts: Facts) -> tuple[Said, ...]:
    opens = line("warm.closed", when=facts.warm_opens) if facts.warm_opens else None
    menu = line("warm.closed_menu" if facts.can_call_back else "warm.closed_menu_nobody")
    return (opens or line("warm.closed_never"), menu)


def _warm_closed(state: VoiceState, key: str, facts: Facts) -> Step:
    if key == "1" and facts.can_call_back:
        main = _main(state)
        done = line("warm.callback_done")
        return Step((done, *_prompt(main, facts)), Ask(main), (RequestCallback(),))
    return _retry(state, key, facts)


def _join_code(state: VoiceState, key: str, facts: Facts) -> Step:
    if len(key) > 1 and is_number(key):
        if facts.meeting is None:
            return _retry(state, "?", facts, line("code_unknown", code=spell(key)))
        return _join(state, facts, facts.meeting)
    return _retry(state, key, facts)


def _join(state: VoiceState, facts: Facts, meeting: MeetingFacts) -> Step:
    """Send a caller to a meeting: its own bridge, its PIN, its room, or when it opens."""
    at_meeting = VoiceState(language=state.language, meeting_id=meeting.id)
    if meeting.format == "external_bridge":
        return Step((line("external"),), DialBridge(meeting.id))
    if meeting.format != "phone_bridge":
        said = line("not_by_phone", name=meeting.name, code=spell(meeting.code))
        return ask(_main(state), facts, before=(said,))
    if not meeting.open_now:
        return ask(replace(at_meeting, menu=CLOSED), _with(facts, meeting))
    if meeting.member_pin or meeting.host_pin:
        return ask(replace(at_meeting, menu=JOIN_PIN), _with(facts, meeting))
    return Step((line("joining", name=meeting.name),), JoinRoom(meeting.id))


def _with(facts: Facts, meeting: MeetingFacts) -> Facts:
    return replace(facts, meeting=meeting)


def _join_pin(state: VoiceState, key: str, facts: Facts) -> Step:
    meeting = facts.meeting
    if meeting is None:
        return ask(_main(state), facts)
    if not meeting.open_now:
        return ask(replace(state, menu=CLOSED, attempt=0), facts)
    if _same(key, meeting.host_pin):
        return Step((line("joining_host", name=meeting.name),), JoinRoom(meeting.id, host=True))
    if _same(key, meeting.member_pin) or (not key and meeting.member_pin is None):
        return Step((line("joining", name=meeting.name),), JoinRoom(meeting.id))
    problem = line("no_input") if not key else line("pin_wrong")
    if state.attempt + 1 >= PIN_TRIES:
        return ask(_main(state), facts, before=(problem, line("pin_locked"), line("back_to_main")))
    return ask(replace(state, attempt=state.attempt + 1), facts, before=(problem,))


def _same(typed: str, pin: str | None) -> bool:
    return bool(pin) and bool(typed) and hmac.compare_digest(typed.encode(), str(pin).encode())


def _closed(state: VoiceState, key: str, facts: Facts) -> Step:
    meeting = facts.meeting
    if meeting is None:
        return ask(_main(state), facts)
    if key == "1":
        done = line("closed_subscribed", name=meeting.name)
        return Step(
            (done, *_prompt(_main(state), facts)),
            Ask(_main(state)),
            (Subscribe(meeting.id, "voice"),),
        )
    return _retry(state, key, facts)


def _find_zip(state: VoiceState, key: str, facts: Facts) -> Step:
    if facts.results:
        ids = tuple(meeting.id for meeting in facts.results)
        found = VoiceState(menu=FIND_RESULTS, language=state.language, results=ids)
        return ask(found, facts)
    if (len(key) == 5 and is_number(key)) or key == "?":
        return _retry(state, key, facts, line("find_none"))
    return _retry(state, key, facts)


def _find_results(state: VoiceState, key: str, facts: Facts) -> Step:
    page = _page(state, facts)
    if not page:
        return ask(replace(state, menu=FIND_ZIP, results=(), page=0, attempt=0), facts)
    if key == "1":
        return _join(state, facts, page[0])
    if key == "2" and facts.can_text:
        texted = TextResults(tuple(meeting.id for meeting in page))
        return Step(
            (line("find_texted"), *_prompt(_main(state), facts)), Ask(_main(state)), (texted,)
        )
    if key == "3":
        if _has_more(state, facts):
            return ask(replace(state, page=state.page + 1, attempt=0), facts)
        return ask(replace(state, attempt=0), facts, before=(line("find_no_more"),))
    return _retry(state, key, facts)


def _remind_code(state: VoiceState, key: str, facts: Facts) -> Step:
    if len(key) > 1 and is_number(key):
        if facts.meeting is None:
            return _retry(state, "?", facts, line("code_unknown", code=spell(key)))
        chosen = VoiceState(
            menu=REMIND_CHOICE, language=state.language, meeting_id=facts.meeting.id
        )
        return ask(chosen, facts)
    return _retry(state, key, facts)


def _remind_choice(state: VoiceState, key: str, facts: Facts) -> Step:
    meeting = facts.meeting
    if meeting is None:
        return ask(_main(state), facts)
    main = _main(state)
    if key == "1" and facts.can_text:
        done = line("remind_text_done", name=meeting.name)
        return Step((done, *_prompt(main, facts)), Ask(main), (Subscribe(meeting.id, "sms"),))
    if key == "1":
        return ask(replace(state, attempt=0), facts, before=(line("remind_cannot_text"),))
    if key == "2":
        done = line("remind_call_done", name=meeting.name)
        return Step((done, *_prompt(main, facts)), Ask(main), (Subscribe(meeting.id, "voice"),))
    return _retry(state, key, facts)


def _reminder_call(state: VoiceState, key: str, facts: Facts) -> Step:
    meeting = facts.meeting
    if meeting is None:
        return Step((line("goodbye"),), Hangup())
    if key == "1":
        return _join(state, facts, meeting)
    if key == "2" and state.subscription_id is not None:
        stopped = line("reminder_stopped", name=meeting.name)
        return Step((stopped,), Hangup(), (Unsubscribe(meeting.id),))
    return _retry(state, key, facts)


_HANDLERS = {
    LANGUAGE: _language,
    MAIN: _main_menu,
    JOIN_CODE: _join_code,
    JOIN_PIN: _join_pin,
    CLOSED: _closed,
    FIND_ZIP: _find_zip,
    FIND_RESULTS: _find_results,
    REMIND_CODE: _remind_code,
    REMIND_CHOICE: _remind_choice,
    REMINDER_CALL: _reminder_call,
    WARM_CLOSED: _warm_closed,
    WARM_TAG: _warm_tag,
}
