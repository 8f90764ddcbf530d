"""The voice channel's one TwiML renderer (the twilio library; a menu's Gather written directly);
no database here.

Menu steps, the crisis dial, the staff legs (a crisis alert read aloud, the masked callback
bridge) and the building blocks hotline/warm/twiml.py uses for the warm line's own verbs. Every
`<Say>` goes through `say` (in a menu's Gather, its twin `_said_xml`), so its language and
voice always come from the catalog.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from twilio.twiml.voice_response import Gather, VoiceResponse

from hotline.catalogs import catalog
from hotline.crisis.resources import CrisisResourcesError, crisis_resources
from hotline.flows.catalog import Catalog
from hotline.flows.crisis.cues import Danger
from hotline.flows.crisis.reply import dial_number
from hotline.flows.voice import menu as flow
from hotline.flows.voice.speech import phrases
from hotline.settings import Settings

# Twilio's public hold music, played to members until the host starts the room.
HOLD_MUSIC_URL = "http://twimlets.com/holdmusic?Bucket=com.twilio.music.classical"
GATHER_TIMEOUT_SECONDS = 6
DIAL_TIMEOUT_SECONDS = 30
CONFERENCE_EVENTS = "start end join leave"


def step_url(settings: Settings, state: flow.VoiceState) -> str:
    """The action URL of a menu: the state as opaque ids, never a number or a name."""
    return f"{settings.public_url}/twilio/voice/step?{urlencode(state.to_query())}"


def say(target: VoiceResponse | Gather, said: flow.Said, language: str) -> None:
    if isinstance(said, flow.Pause):
        target.pause(length=said.seconds)
        return
    words = catalog(said.language or language)
    target.say(
        words.t(said.key, **dict(said.values)),
        language=words.t("voice.say_language"),
        voice=words.t("voice.say_voice"),
    )


def say_all(target: VoiceResponse | Gather, said: tuple[flow.Said, ...], language: str) -> None:
    for item in said:
        say(target, item, language)


# A menu's Gather, the TwiML of most voice webhooks, is written out directly rather than
# through the library's XML objects (a fraction of the cost); tests/test_twiml_renderers.py
# checks it is the library's output byte for byte. Everything else still uses the library.
_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'


def _text(text: str) -> str:
    """What ElementTree (the library's serialiser) does to element text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(value: str) -> str:
    """What ElementTree does to an attribute's value."""
    value = _text(value).replace('"', "&quot;")
    return value.replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#09;")


def say_xml(text: str, language: str, voice: str) -> str:
    """`<Say>` as the library writes it: attributes sorted, an empty text a closed element."""
    opening = f'<Say language="{_attribute(language)}" voice="{_attribute(voice)}"'
    return f"{opening}>{_text(text)}</Say>" if text else f"{opening} />"


def _said_xml(said: flow.Said, language: str) -> str:
    if isinstance(said, flow.Pause):
        return f'<Pause length="{said.seconds}" />'
    words = catalog(said.language or language)
    return say_xml(
        words.t(said.key, **dict(said.values)),
        words.t("voice.say_language"),
        words.t("voice.say_voice"),
    )


def _gather_xml(action: str, hints: str, language: str, *, number: bool, inner: str) -> str:
    """gather's `<Gather>` as the library writes it: its attributes sorted by name."""
    entry = ' finishOnKey="#"' if number else ""
    digits = "" if number else ' numDigits="1"'
    return (
        f'<Gather action="{_attribute(action)}" actionOnEmptyResult="true"{entry}'
        f' hints="{_attribute(hints)}" input="dtmf speech" language="{_attribute(language)}"'
        f' method="POST"{digits} speechTimeout="auto" timeout="{GATHER_TIMEOUT_SECONDS}"'
        + (f">{inner}</Gather>" if inner else " />")
    )


def _menu_xml(settings: Settings, step: flow.Step) -> str:
    """gather's TwiML, without the library: a Gather saying the step, posting back."""
    assert isinstance(step.then, flow.Ask)
    state = step.then.state
    action = step_url(settings, state)
    inner = "".join(_said_xml(item, state.language) for item in step.said)
    return _gather_xml(
        action,
        hints(state),
        catalog(state.language).t("voice.say_language"),
        number=state.menu in flow.NUMBER_MENUS,
        inner=inner,
    )


# Hints by (language, menu), with the catalog they were read from: a menu's hints change only
# with its catalog, and reading them (normalising every phrase) cost more than the rest of a
# menu's TwiML.
_HINTS: dict[tuple[str, str], tuple[Catalog, str]] = {}


def hints(state: flow.VoiceState) -> str:
    """Speech hints for a menu: the catalog words it understands, plus digits for numbers."""
    words = catalog(state.language)
    kept = _HINTS.get((state.language, state.menu))
    if kept is not None and kept[0] is words:
        return kept[1]
    found = _read_hints(words, state.menu)
    _HINTS[(state.language, state.menu)] = (words, found)
    return found


def _read_hints(words: Catalog, menu: str) -> str:
    keys = [f"voice.words.any.{key}" for key in flow.CRISIS_KEY + "*0"]
    keys += [f"voice.words.{menu}.{key}" for key in "0123456789*"]
    if menu in flow.NUMBER_MENUS:
        keys.append("voice.words.digits")
    if menu == flow.LANGUAGE:
        keys.append("voice.words.language_name")
    if menu in (flow.MAIN, flow.WARM_TAG):
        keys += sorted(
            k for k in words.strings if k.startswith("warm.tags.") and k.endswith(".words")
        )
    found: list[str] = []
    for key in keys:
        if words.has(key):
            found += [p for p in phrases(words.t(key)) if p not in found]
    return ", ".join(found)


def gather(
    response: VoiceResponse, settings: Settings, step: flow.Step, *, limited: bool = False
) -> None:
    """Say the step inside a Gather that takes keys or speech and always posts back.

    `limited`: the caller is over the call limit; the step after this one is only key 9
    (crisis help) or goodbye (see CALLS_LIMITED).
    """
    assert isinstance(step.then, flow.Ask)
    state = step.then.state
    entry = {"finish_on_key": "#"} if state.menu in flow.NUMBER_MENUS else {"num_digits": 1}
    action = step_url(settings, state) + (f"&{CALLS_LIMITED}=1" if limited else "")
    menu = response.gather(
        input="dtmf speech",
        action=action,
        method="POST",
        action_on_empty_result=True,
        speech_timeout="auto",
        timeout=GATHER_TIMEOUT_SECONDS,
        hints=hints(state),
        language=catalog(state.language).t("voice.say_language"),
        **entry,
    )
    say_all(menu, step.said, state.language)


def crisis_dial(
    settings: Settings, language: str, *, danger: Danger = Danger.SUICIDE, country: str = "US"
) -> str:
    """Say what to do and dial the line for the danger; the fallback runs if nobody answers."""
    response = VoiceResponse()
    key = f"crisis_connect_{danger.value}"
    say(
        response,
        flow.line(key if catalog(language).has(f"voice.{key}") else "crisis_connect"),
        language,
    )
    number = _crisis_number(settings, language, danger, country)
    fallback = (
        f"{settings.public_url}/twilio/voice/crisis-fallback?{urlencode({'l': language, 's': 1})}"
    )
    response.dial(number, action=fallback, method="POST", timeout=DIAL_TIMEOUT_SECONDS)
    return str(response)


def _crisis_number(settings: Settings, language: str, danger: Danger, country: str) -> str:
    """The line for this danger in the caller's country, else the line's crisis number."""
    try:
        found = dial_number(crisis_resources(), country, danger)
    except CrisisResourcesError:
        found = None
    if found:
        return found
    return settings.crisis_number_es if language == "es" else settings.crisis_number


def responder_dial(settings: Settings, language: str, number: str, caller_id: str) -> str:
    """Ring the on-call responder from the hotline's number, so neither sees the other's."""
    response = VoiceResponse()
    say(response, flow.line("crisis_responder"), language)
    done = (
        f"{settings.public_url}/twilio/voice/crisis-fallback?{urlencode({'l': language, 's': 2})}"
    )
    response.dial(
        number, action=done, method="POST", timeout=DIAL_TIMEOUT_SECONDS, caller_id=caller_id
    )
    return str(response)


def busy_menu(settings: Settings, languages: tuple[str, ...]) -> str:
    """The main menu's Gather, saying (in each language) that 9 still reaches crisis help."""
    response = VoiceResponse()
    state = flow.VoiceState(menu=flow.MAIN, language=languages[0])
    said = tuple(flow.line("busy", language) for language in languages)
    gather(response, settings, flow.Step(said, flow.Ask(state)))
    say(response, flow.line("crisis_again"), languages[0])
    response.hangup()
    return str(response)


# The query flag of a Gather answered to a number over the call limit.
CALLS_LIMITED = "q"


def calls_limited(settings: Settings, language: str) -> str:
    """The short answer to a number calling too often: 9 reaches crisis help, then goodbye."""
    response = VoiceResponse()
    state = flow.VoiceState(menu=flow.MAIN, language=language)
    gather(
        response, settings, flow.Step((flow.line("calls_limited"),), flow.Ask(state)), limited=True
    )
    say(response, flow.line("crisis_again"), language)
    response.hangup()
    return str(response)


def goodbye(language: str, key: str = "crisis_again") -> str:
    return said_then_hang_up(language, flow.line(key))


def said_then_hang_up(language: str, *said: flow.Said) -> str:
    """Say the lines and hang up."""
    response = VoiceResponse()
    say_all(response, said, language)
    response.hangup()
    return str(response)


def said_twice(language: str, line: flow.Said) -> str:
    """Say one line twice with a pause after each (a crisis alert read to a responder)."""
    response = VoiceResponse()
    for _ in range(2):
        say(response, line, language)
        response.pause(length=1)
    return str(response)


def masked_dial(
    language: str, *, before: flow.Said, number: str, caller_id: str, after: flow.Said
) -> str:
    """Dial a member for staff from the line's number, so neither sees the other's number."""
    response = VoiceResponse()
    say(response, before, language)
    dial = response.dial(caller_id=caller_id, timeout=DIAL_TIMEOUT_SECONDS)
    dial.number(number)
    say(response, after, language)
    return str(response)


# Where a spoken step leads once said (the runner looks each up; nothing here reads storage).
Enqueue = Callable[[VoiceResponse], None]


def render_step(
    settings: Settings,
    step: flow.Step,
    language: str,
    *,
    enqueue: Enqueue | None = None,
    room: dict[str, Any] | None = None,
    bridge_to: tuple[str, str] | None = None,
) -> str:
    """Render one menu step: a Gather for a question, else the lines and where they lead.

    `enqueue` puts the caller in the warm line's queue, `room` is the conference to join
    (None: the meeting has no room now) and `bridge_to` the (phone, digits) of a phone bridge.
    """
    then = step.then
    if isinstance(then, flow.Ask):
        return f"{_DECLARATION}<Response>{_menu_xml(settings, step)}</Response>"
    response = VoiceResponse()
    say_all(response, step.said, language)
    if isinstance(then, flow.EnterWarmLine):
        assert enqueue is not None
        enqueue(response)
        return str(response)
    if isinstance(then, flow.JoinRoom):
        if room is not None:
            conference(response, settings, host=then.host, **room)
            say(response, flow.line("meeting_ended"), language)
    elif isinstance(then, flow.DialBridge):
        phone, digits = bridge_to or ("", "")
        if phone:
            bridge(response, phone, digits)
        say(response, flow.line("goodbye"), language)
    response.hangup()
    return str(response)


def conference(
    response: VoiceResponse,
    settings: Settings,
    *,
    room: str,
    host: bool,
    muted: bool,
    beep: bool,
    host_starts: bool,
    max_participants: int | None = None,
) -> None:
    """Dial into a room; members wait with music for the host when the meeting has one."""
    dial = response.dial()
    dial.conference(
        room,
        muted=muted and not host,
        start_conference_on_enter=host or not host_starts,
        end_conference_on_exit=False,
        wait_url=HOLD_MUSIC_URL,
        wait_method="GET",
        record="do-not-record",
        beep="true" if beep else "false",
        max_participants=max_participants or settings.max_participants,
        status_callback=f"{settings.public_url}/twilio/status/conference",
        status_callback_method="POST",
        status_callback_event=CONFERENCE_EVENTS,
    )


def send_digits(digits: str) -> str:
    """Turn feed digits (",,8675309#") into Twilio's sendDigits ("wwww8675309#")."""
    waits = digits.replace(",", "ww")
    return "".join(char for char in waits if char in "0123456789#*w")


def bridge(response: VoiceResponse, phone: str, digits: str) -> None:
    dial = response.dial()
    if digits:
        dial.number(phone, send_digits=send_digits(digits))
    else:
        dial.number(phone)
