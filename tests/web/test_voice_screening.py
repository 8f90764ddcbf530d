"""Issue 12, item 6: screening covers everything a person says to the line.

Words spoken at every voice menu reach the crisis detector and dial the line that fits the
danger; the warm line's own menus (hold, the volunteer's screen) take keys only, so no speech
arrives anywhere unscreened; every route that reads Twilio's ``SpeechResult`` does it through
``hotline.voice.CallEvent`` (which screens it) and every ``TranscriptionText`` through
``hotline.warm.voicemail.answer_transcribed``. Texts (SMS, and member texts in a warm-line
conversation) are covered in tests/web/test_crisis_dangers.py and tests/warm/test_relay.py;
voicemail transcriptions in tests/jobs/test_warm_voice.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.twilio import TwilioPoster
from tests.web.test_voice import monday_evening  # noqa: F401 (a fixture)
from tests.web.test_voice_caller import Caller, make_meeting

HOTLINE = Path(__file__).resolve().parents[2] / "hotline"
MENUS = [
    [],  # the language menu
    ["1"],  # the main menu
    ["1", "1"],  # a meeting code
    ["1", "1", "4821#"],  # its PIN
    ["1", "2"],  # the warm line, outside its hours
    ["1", "3"],  # a ZIP or a city
    ["1", "4"],  # reminders: a meeting code
    ["1", "4", "4821#"],  # text or call
]
SAID = [
    ("i want to end my life", "+18002738255"),
    ("my husband is hitting me and says he will kill me", "+18007997233"),
    ("my friend took all her pills and is not breathing", "+18002221222"),
]


def at_menu(twilio: TwilioPoster, path: list[str]) -> Caller:
    """A caller who pressed `path` on a Monday evening, at a menu that takes speech."""
    make_meeting(member_pin="2468")
    caller = Caller(twilio)
    caller.start()
    for digits in path:
        caller.press(digits)
        gather = caller.root.find("Gather")
        assert gather is not None and "speech" in (gather.get("input") or ""), caller.says()
    return caller


@pytest.mark.usefixtures("monday_evening")
@pytest.mark.parametrize("path", MENUS)
@pytest.mark.parametrize(("said", "line"), SAID)
def test_words_of_danger_said_at_any_menu_dial_the_line_that_fits(
    twilio: TwilioPoster, path: list[str], said: str, line: str
) -> None:
    caller = at_menu(twilio, path)
    caller.press(speech=said)
    dial = caller.dial()
    assert (dial.text or "").strip() == line, (path, said, caller.says())


@pytest.mark.usefixtures("monday_evening")
@pytest.mark.parametrize("path", MENUS)
def test_an_ordinary_goodbye_said_at_a_menu_is_not_a_crisis(
    twilio: TwilioPoster, path: list[str]
) -> None:
    caller = at_menu(twilio, path)
    caller.press(speech="ok bye")
    assert caller.root.find("Dial") is None, caller.says()


def test_speech_and_transcriptions_are_read_only_where_they_are_screened() -> None:
    readers = {
        path.relative_to(HOTLINE).as_posix()
        for path in HOTLINE.rglob("*.py")
        if re.search(r"[\"']SpeechResult[\"']", path.read_text(encoding="utf-8"))
    }
    # voice/terminal.py plays Twilio's part for `hotline call` (it writes the field).
    assert readers == {"web/events.py", "voice/terminal.py"}
    source = (HOTLINE / "web" / "events.py").read_text(encoding="utf-8")
    assert "heard = flow.Heard(digits, speech, *screen_words(speech))" in source
    transcribed = {
        path.relative_to(HOTLINE).as_posix()
        for path in HOTLINE.rglob("*.py")
        if re.search(r"[\"']TranscriptionText[\"']", path.read_text(encoding="utf-8"))
    }
    # web/events.py reads it into the WarmEvent the route hands to the screening reader.
    assert transcribed == {"web/events.py", "voice/terminal.py"}
    route = (HOTLINE / "web" / "warm.py").read_text(encoding="utf-8")
    assert "voicemail.answer_transcribed(sid, text)" in route
    assert "sid, text = event.recording_sid, event.transcription" in route


def test_the_warm_lines_own_menus_take_keys_only() -> None:
    # Speech there would bypass nothing (CallEvent screens it) but is not read either: keys only.
    source = (HOTLINE / "warm" / "twiml.py").read_text(encoding="utf-8")
    inputs = re.findall(r"input=\"([^\"]+)\"", source)
    assert inputs and set(inputs) == {"dtmf"}
