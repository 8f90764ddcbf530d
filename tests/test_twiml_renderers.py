"""One TwiML renderer per channel, and every `<Say>` in the catalog's language.

Only hotline/sms/twiml.py (SMS), hotline/voice/twiml.py (voice) and hotline/warm/twiml.py (the
warm line's own verbs, built with the voice helpers) may import the twilio library's TwiML
builders; only the voice renderer's `say` calls `.say(`, and no module spells a Say language.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse

from hotline.catalogs import catalog
from hotline.flows.voice import menu as flow
from hotline.settings import Settings
from hotline.sms.twiml import render_reply
from hotline.voice import twiml as voice_twiml

HOTLINE = Path(__file__).resolve().parents[1] / "hotline"
RENDERERS = {"sms/twiml.py", "voice/twiml.py", "warm/twiml.py"}
TWIML_IMPORT = re.compile(r"^\s*(?:from|import)\s+twilio\.twiml\b", re.MULTILINE)
SAY_CALL = re.compile(r"\.say\(")
# A BCP-47 tag such as "es-US" or "en-GB" written in code (Twilio's Say language).
SAY_LANGUAGE = re.compile(r"[\"'][a-z]{2}-[A-Z]{2}[\"']")


def _sources() -> dict[str, str]:
    return {
        path.relative_to(HOTLINE).as_posix(): path.read_text(encoding="utf-8")
        for path in HOTLINE.rglob("*.py")
        if "migrations" not in path.parts
    }


def test_only_the_channel_renderers_build_twiml() -> None:
    # The SMS renderer writes its <Message> verbs itself (checked against the library below).
    builders = {name for name, text in _sources().items() if TWIML_IMPORT.search(text)}
    assert builders == RENDERERS - {"sms/twiml.py"}


def _library_reply(*texts: str) -> str:
    response = MessagingResponse()
    for text in texts:
        if text:
            response.message(text)
    return str(response)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=["Cs"])), max_size=4))
def test_the_sms_renderer_writes_what_the_twilio_library_writes(texts: list[str]) -> None:
    assert render_reply(*texts) == _library_reply(*texts)


def test_the_sms_renderer_escapes_markup_and_keeps_the_rest() -> None:
    odd = "a & b < c > d \"e\" 'f' ñ 😀\n"
    assert render_reply(odd) == _library_reply(odd)
    assert "&amp; b &lt; c &gt; d" in render_reply(odd)
    assert render_reply() == render_reply("", "") == _library_reply()


def test_only_the_voice_renderer_says_anything() -> None:
    sayers = {name for name, text in _sources().items() if SAY_CALL.search(text)}
    assert sayers == {"voice/twiml.py"}


def test_no_module_spells_a_say_language() -> None:
    spelled = {
        name: SAY_LANGUAGE.findall(text)
        for name, text in _sources().items()
        if SAY_LANGUAGE.search(text)
    }
    assert spelled == {}


def test_the_patterns_see_what_they_refuse() -> None:
    text = 'from twilio.twiml.voice_response import VoiceResponse\nr.say("hi", language="es-US")\n'
    assert TWIML_IMPORT.search(text)
    assert SAY_CALL.search(text)
    assert SAY_LANGUAGE.findall(text) == ['"es-US"']


# The voice menus' Gather is written directly too (hotline/voice/twiml.py, _menu_xml).

ODD_TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"]))


@settings(max_examples=300, deadline=None)
@given(ODD_TEXT, ODD_TEXT, ODD_TEXT)
def test_a_say_is_written_as_the_twilio_library_writes_it(
    text: str, language: str, voice: str
) -> None:
    response = VoiceResponse()
    response.say(text, language=language, voice=voice)
    written = voice_twiml.say_xml(text, language, voice)
    assert str(response) == f'<?xml version="1.0" encoding="UTF-8"?><Response>{written}</Response>'


def _library_menu(settings: Settings, step: flow.Step) -> str:
    response = VoiceResponse()
    voice_twiml.gather(response, settings, step)
    return str(response)


def _plain_lines(language: str) -> list[flow.Line]:
    words = catalog(language)
    keys = sorted(k for k, v in words.strings.items() if k.startswith("voice.") and "{" not in v)
    return [flow.Line(key) for key in keys[:40]]


@pytest.mark.parametrize("menu", sorted(flow.MENUS))
def test_every_menu_is_the_twilio_librarys_gather_byte_for_byte(
    settings: Settings, menu: str
) -> None:
    for language in settings.languages:
        lines = _plain_lines(language)
        state = flow.VoiceState(menu, 1, language, meeting_id=7, results=(3, 4), page=1)
        saids: list[tuple[flow.Said, ...]] = [
            (),
            (flow.Pause(2),),
            (lines[0], flow.Pause(), *lines[1:4]),
            tuple(lines),
        ]
        for said in saids:
            step = flow.Step(said, flow.Ask(state))
            assert voice_twiml.render_step(settings, step, language) == _library_menu(
                settings, step
            )
            other = flow.Line(lines[5].key, (), "es" if language == "en" else "en")
            step = flow.Step((other,), flow.Ask(state))
            assert voice_twiml.render_step(settings, step, language) == _library_menu(
                settings, step
            )
