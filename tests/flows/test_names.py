"""Meeting names as they go out: the same flip-phone-safe form in every SMS reply and by voice."""

from __future__ import annotations

import pytest

from hotline.catalogs import catalog
from hotline.flows import names
from hotline.flows.segments import count_segments
from hotline.flows.sms import member as flow
from hotline.flows.sms.keywords import parse
from tests.flows.test_sms import EN, ES, SF, decide, meeting, only

JAPANESE = "希望の会"
LONG_JAPANESE = "東京うつ病と不安の仲間の会・毎週火曜日の夜の集まり"
EMOJI = "🌈✨"
UNNAMED = {"en": "meeting 4821", "es": "reunion 4821"}
CONTACT = {"en": EN, "es": ES}


@pytest.mark.parametrize(
    ("name", "texted", "said"),
    [
        ("Grupo de Oración", "Grupo de Oracion", "Grupo de Oración"),  # a voice reads accents
        ("“Hope” – Łódź 💙", '"Hope" - Lodz', "Hope - Łódź"),
        ("Grupo de Apoyo en Español", "Grupo de Apoyo en Español", "Grupo de Apoyo en Español"),
        (JAPANESE, JAPANESE, "meeting 4, 8, 2, 1"),  # no voice here reads Japanese
        ("Надежда 12", "Надежда 12", "meeting 4, 8, 2, 1"),
        ("Hope ٣", "Hope ٣", "meeting 4, 8, 2, 1"),  # digits of another script: not said
        (EMOJI, "meeting 4821", "meeting 4, 8, 2, 1"),
        ("   ", "meeting 4821", "meeting 4, 8, 2, 1"),
        ("#?!", "#?!", "meeting 4, 8, 2, 1"),
    ],
)
def test_one_form_for_texts_and_one_for_voice(name: str, texted: str, said: str) -> None:
    words = catalog("en")
    assert names.texted_name(name, "4821", words) == texted
    assert names.spoken_name(name, "4821", words) == said


def test_spanish_falls_back_in_spanish() -> None:
    assert names.texted_name(EMOJI, "4821", catalog("es")) == "reunion 4821"
    assert names.spoken_name(JAPANESE, "4821", catalog("es")) == "la reunión 4, 8, 2, 1"


def test_fit_names_keeps_another_script_while_it_fits_then_names_by_number() -> None:
    words = catalog("en")

    def render(style: names.NameStyle) -> str:
        return f"Reminder: {style(JAPANESE, '4821')} (#4821) is Tue 7:00pm."

    assert (
        names.fit_names(render, words, segments=1) == f"Reminder: {JAPANESE} (#4821) is Tue 7:00pm."
    )
    long = "Reminder: {} (#4821) is Tue 7:00pm. Text INFO 4821 for details, LEAVE 4821 to stop."
    assert names.fit_names(
        lambda style: long.format(style(JAPANESE, "4821")), words, segments=1
    ) == (long.format("meeting 4821"))


def view(name: str, **values: object) -> flow.MeetingView:
    return meeting("4821", name=name, format="phone_bridge", distance_miles=None, **values)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name", [JAPANESE, LONG_JAPANESE, EMOJI, "Grupo de Oración Nocturna"])
def test_every_sms_reply_names_the_meeting_within_its_segments(language: str, name: str) -> None:
    contact, m = CONTACT[language], view(name)
    replies = {
        "REMIND 4821": (only(decide(parse("REMIND 4821"), contact, flow.Lookup(meeting=m))), 1),
        "CALL 4821": (only(decide(parse("CALL 4821"), contact, flow.Lookup(meeting=m))), 1),
        "INFO 4821": (
            only(
                decide(
                    parse("INFO 4821"), contact, flow.Lookup(meeting=m, line_number="+15550100000")
                )
            ),
            2,
        ),
        "MY": (only(decide(parse("MY"), contact, flow.Lookup(subscriptions=(m,)))), 2),
    }
    for body, (reply, segments) in replies.items():
        assert count_segments(reply).segments <= segments, (body, reply)
        assert "#4821" in reply or "4821" in reply
        texted = names.texted_name(name, "4821", catalog(language), 300)
        fallback = UNNAMED[language]
        assert texted[:10] in reply or fallback in reply, (body, reply)
        assert "  " not in reply and "()" not in reply, (body, reply)


@pytest.mark.parametrize("language", ["en", "es"])
def test_find_with_three_names_in_another_script_fits_two_segments(language: str) -> None:
    page = tuple(
        meeting(code, name=f"{LONG_JAPANESE}{code}", format="phone_bridge", distance_miles=None)
        for code in ("4821", "4822", "4823")
    )
    found = flow.FindResults(SF, page)
    reply = only(decide(parse("FIND 94110"), CONTACT[language], flow.Lookup(find=found)))

    assert count_segments(reply).segments <= flow.MAX_FIND_SEGMENTS, reply
    for code in ("4821", "4822", "4823"):
        assert f"#{code}" in reply
    # Too long for UCS-2 segments: each is named by its number, and the text goes as GSM-7.
    assert UNNAMED[language].replace("4821", "4822") in reply
    assert count_segments(reply).encoding == "GSM-7"


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_short_name_in_another_script_is_kept_where_it_fits(language: str) -> None:
    m = view(JAPANESE)
    info = only(decide(parse("INFO 4821"), CONTACT[language], flow.Lookup(meeting=m)))
    call = only(decide(parse("CALL 4821"), CONTACT[language], flow.Lookup(meeting=m)))
    remind = only(decide(parse("REMIND 4821"), CONTACT[language], flow.Lookup(meeting=m)))

    assert JAPANESE in info and count_segments(info).segments <= 2
    assert JAPANESE in call and count_segments(call).segments == 1
    # REMIND's one segment cannot carry it as UCS-2 (70 characters): the number names it.
    assert UNNAMED[language] in remind and count_segments(remind).segments == 1


def test_my_names_by_number_rather_than_crowd_a_meeting_out() -> None:
    subscriptions = tuple(
        meeting(code, name=f"{JAPANESE}{code}", format="phone_bridge", distance_miles=None)
        for code in ("4821", "4822", "4823", "4824")
    )
    reply = only(decide(parse("MY"), EN, flow.Lookup(subscriptions=subscriptions)))

    assert count_segments(reply).segments <= flow.MAX_FIND_SEGMENTS
    for code in ("4821", "4822", "4823", "4824"):
        assert f"#{code}" in reply
