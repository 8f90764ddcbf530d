"""Every text and call that names a meeting names it the way FIND does, in both languages.

Reminders, cancel notices, retirement notices, the voice menu's `<Say>` and the find results a
caller asks to have texted: a name in another script is kept while the text fits its segments,
Latin letters go plain, and no name is ever empty ("meeting 4821").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from hotline import clock
from hotline.db import session_scope
from hotline.flows.segments import count_segments
from hotline.jobs import reminders
from hotline.models import Contact, Meeting, OutboxMessage
from hotline.retirement import retired_text
from hotline.settings import Settings
from hotline.sms.coordinator import cancel_next_occurrence
from tests.clock import travel
from tests.jobs.factories import make_contact, make_meeting, subscribe
from tests.twilio import TwilioPoster
from tests.web.test_voice_caller import MOBILE, MONDAY_EVENING, Caller
from tests.web.test_voice_caller import make_meeting as make_voice_meeting

JAPANESE = "希望の会"
UNNAMED = {"en": "meeting 4821", "es": "reunion 4821"}
SAID_UNNAMED = {"en": "meeting 4, 8, 2, 1", "es": "la reunión 4, 8, 2, 1"}
# The name, and what one-segment notices say for it.
NAMES = [
    (JAPANESE, UNNAMED),  # UCS-2 leaves 70 characters: too few for a reminder, so by number
    ("🌈✨", UNNAMED),  # nothing textable
    ("Grupo de Oración", {"en": "Grupo de Oracion", "es": "Grupo de Oracion"}),  # GSM-7 kept
]


@pytest.fixture()
def monday_evening() -> Iterator[None]:
    with travel(MONDAY_EVENING, tick=False):
        yield


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(("name", "texted"), NAMES)
def test_reminder_and_retirement_texts_name_the_meeting_in_one_segment(
    settings: Settings, language: str, name: str, texted: dict[str, str]
) -> None:
    with session_scope() as session:
        meeting = make_meeting(session, name=name)
        occurrence = dt.datetime(2025, 3, 11, 3, tzinfo=dt.UTC)
        texts = [
            reminders.reminder_text(language=language, meeting=meeting, occurrence=occurrence),
            retired_text(language=language, meeting=meeting, similar=()),
        ]
    for text in texts:
        assert texted[language] in text, text
        assert count_segments(text).segments == 1, text
        assert count_segments(text).encoding == "GSM-7", text


def test_a_long_name_is_shortened_at_a_word_not_cut_mid_word(settings: Settings) -> None:
    name = "Depression and Bipolar Support Alliance of the East Bay (Wednesdays, downstairs)"
    with session_scope() as session:
        meeting = make_meeting(session, name=name)
        occurrence = dt.datetime(2025, 3, 11, 3, tzinfo=dt.UTC)
        text = reminders.reminder_text(language="en", meeting=meeting, occurrence=occurrence)
    assert text.startswith(
        "Reminder: Depression and Bipolar Support Alliance of the East Bay (#4821)"
    )
    assert count_segments(text).segments == 1


@pytest.mark.parametrize(("name", "texted"), NAMES)
def test_the_cancel_notice_names_the_meeting_in_each_members_language(
    settings: Settings, name: str, texted: dict[str, str]
) -> None:
    with travel(MONDAY_EVENING, tick=False), session_scope() as session:
        meeting = make_meeting(session, name=name)
        for language in ("en", "es"):
            subscribe(session, make_contact(session, settings, language=language), meeting)
        cancel_next_occurrence(session=session, meeting=meeting, coordinator_id=1, now=clock.now())
    with session_scope() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "cancel")).all()
        languages = {c.id: c.language for c in session.scalars(select(Contact))}
        bodies = {languages[row.contact_id]: row.body or "" for row in rows}
    assert set(bodies) == {"en", "es"}
    for language, body in bodies.items():
        assert f"{texted[language]} (#4821)" in body, body
        assert count_segments(body).segments == 1, body


@pytest.mark.parametrize(("language", "key"), [("en", "1"), ("es", "2")])
@pytest.mark.parametrize("name", [JAPANESE, "🌈✨"])
def test_the_voice_says_a_name_it_cannot_read_by_its_number(
    twilio: TwilioPoster, monday_evening: None, language: str, key: str, name: str
) -> None:
    make_voice_meeting(code="4821", name=name)
    caller = Caller(twilio)
    caller.start()
    caller.press(key)  # the language
    caller.press("1")  # join a meeting
    caller.press("4821#")
    said = caller.says()
    assert SAID_UNNAMED[language] in said, said
    assert name not in said


def test_the_voice_says_a_latin_name_with_its_accents(
    twilio: TwilioPoster, monday_evening: None
) -> None:
    make_voice_meeting(code="4821", name="Grupo de Oración 💙")
    caller = Caller(twilio)
    caller.start()
    caller.press("2")
    caller.press("1")
    caller.press("4821#")
    assert "Grupo de Oración" in caller.says() and "💙" not in caller.says()


@pytest.mark.parametrize(("language", "key"), [("en", "1"), ("es", "2")])
def test_find_results_texted_after_a_call_name_meetings_as_find_does(
    twilio: TwilioPoster, monday_evening: None, language: str, key: str
) -> None:
    long_name = "東京うつ病と不安の仲間の会・毎週火曜日の夜"
    for code in ("4821", "4822", "4823"):
        make_voice_meeting(code=code, name=f"{long_name}{code}")
    caller = Caller(twilio, MOBILE)
    caller.start()
    caller.press(key)
    caller.press("3")  # find
    caller.press("94110#")
    assert SAID_UNNAMED[language] in caller.says()
    caller.press("2")  # get these by text
    with session_scope() as session:
        (row,) = session.scalars(select(OutboxMessage)).all()
        body = row.body or ""
        names = {m.code: m.name for m in session.scalars(select(Meeting))}
    assert count_segments(body).segments <= 2, body
    for code in names:
        assert f"#{code}" in body
    assert UNNAMED[language].replace("4821", "4822") in body, body
