"""The crisis reply: the right help for the danger, the member's country and language, short."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotline.catalogs import catalog
from hotline.crisis.resources import CrisisResourcesError, crisis_resources, load_crisis_resources
from hotline.flows.crisis.cues import Danger
from hotline.flows.crisis.reply import country_values, crisis_reply, dial_number, fields
from hotline.flows.segments import count_segments

NUMBERS = crisis_resources()
COUNTRIES = (*NUMBERS, "FR", "AR")


def reply(danger: Danger, language: str, country: str = "US", *, oncall: bool = False) -> str:
    return crisis_reply(
        danger=danger,
        language=language,
        country=country,
        oncall=oncall,
        texts=catalog(language),
        numbers=NUMBERS,
    )


# What each kind of danger names in the US, in English and in Spanish.
US_HELP = {
    (Danger.SUICIDE, "en"): ["call or text 988", "text HOME to 741741"],
    (Danger.SUICIDE, "es"): ["Llame al 988 y oprima 2", "AYUDA al 988 o al 741741"],
    (Danger.MEDICAL, "en"): ["Call 911 now", "Poison Control: 1-800-222-1222", "988"],
    (Danger.MEDICAL, "es"): ["Llame al 911", "Control de Envenenamientos: 1-800-222-1222", "988"],
    (Danger.VIOLENCE, "en"): ["call 911", "1-800-799-7233", "text START to 88788", "shared phone"],
    (Danger.VIOLENCE, "es"): ["llame al 911", "1-800-799-7233", "telefono compartido"],
    (Danger.OTHERS, "en"): ["call 911", "988"],
    (Danger.OTHERS, "es"): ["llame al 911", "988"],
}


@pytest.mark.parametrize(("danger", "language"), US_HELP)
def test_each_danger_names_its_own_help(danger: Danger, language: str) -> None:
    text = reply(danger, language)
    for words in US_HELP[danger, language]:
        assert words.lower() in text.lower(), (danger, language, text)
    others = {d for d in Danger if d is not danger}
    assert all(reply(d, language) != text for d in others)


def test_the_order_of_help_follows_the_danger() -> None:
    medical = reply(Danger.MEDICAL, "en")
    assert medical.index("911") < medical.index("1-800-222-1222") < medical.index("988")
    violence = reply(Danger.VIOLENCE, "en")
    assert violence.index("911") < violence.index("1-800-799-7233")
    assert "741741" not in violence and "Poison" not in violence


@pytest.mark.parametrize(
    ("language", "country", "expected"),
    [
        ("en", "us", ["call or text 988"]),
        ("en", "CA", ["call or text 988 now, any time"]),
        ("en", "GB", ["116 123 (Samaritans)", "SHOUT to 85258"]),
        ("es", "MX", ["800 911 2000 (Linea de la Vida)"]),
        ("en", "FR", ["findahelpline.com"]),
        ("es", "AR", ["findahelpline.com", "Usted importa"]),
        ("fr", "US", ["call or text 988"]),  # an unknown language reads English
    ],
)
def test_suicide_help_by_country_and_language(
    language: str, country: str, expected: list[str]
) -> None:
    text = reply(Danger.SUICIDE, language, country)
    for words in expected:
        assert words.lower() in text.lower()


def test_a_country_without_a_service_reads_a_wording_that_does_not_need_it() -> None:
    assert "Poison" not in reply(Danger.MEDICAL, "en", "CA")
    assert reply(Danger.MEDICAL, "en", "CA").startswith("Call 911 now.")
    assert reply(Danger.VIOLENCE, "en", "GB").startswith("If you are in danger now, call 999.")
    assert "local emergency number" in reply(Danger.VIOLENCE, "es", "FR").replace(
        "numero de emergencias local", "local emergency number"
    )


def test_someone_on_call_is_named_only_when_someone_can_be_paged() -> None:
    for danger in Danger:
        off, on = reply(danger, "en"), reply(danger, "en", oncall=True)
        assert "alerting" not in off and "CALL" not in off
        if danger is Danger.VIOLENCE:  # a call only when the person says it is safe
            assert on == off + " Reply CALL if it is safe for us to call you."
        else:
            assert on == off + " We are alerting someone on call at this line."


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_violence_reply_never_promises_a_call_it_was_not_asked_for(language: str) -> None:
    for country in COUNTRIES:
        on = reply(Danger.VIOLENCE, language, country, oncall=True).lower()
        assert "alerting" not in on and "will call" not in on and "avisando" not in on
        assert ("responda llamar si es seguro" if language == "es" else "reply call if") in on


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("danger", list(Danger))
def test_every_reply_fits_one_segment_and_two_with_the_on_call_line(
    danger: Danger, language: str
) -> None:
    for country in COUNTRIES:
        plain = count_segments(reply(danger, language, country))
        assert (plain.encoding, plain.segments) == ("GSM-7", 1), (country, plain)
        with_oncall = count_segments(reply(danger, language, country, oncall=True))
        assert with_oncall.segments <= 2, (country, with_oncall)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("danger", list(Danger))
def test_the_last_wording_of_each_danger_needs_no_number(danger: Danger, language: str) -> None:
    words = catalog(language)
    keys = [f"crisis.{danger.value}.{n}" for n in range(1, 10) if words.has(f"crisis.{danger}.{n}")]
    assert len(keys) >= 3 and f"crisis.{danger.value}.{len(keys) + 1}" not in words.strings
    assert fields(words.t(keys[-1])) == set()
    assert all(fields(words.t(key)) <= _known_names() for key in keys)


def _known_names() -> set[str]:
    from hotline.crisis.resources import NAMES

    return set(NAMES)


def test_language_overrides_and_dial_numbers() -> None:
    assert country_values(NUMBERS, "US", "es")["text_keyword"] == "AYUDA"
    assert country_values(NUMBERS, "US", "en")["text_keyword"] == "HOME"
    assert dial_number(NUMBERS, "US", Danger.VIOLENCE) == "+18007997233"
    assert dial_number(NUMBERS, "US", Danger.MEDICAL) == "+18002221222"
    assert dial_number(NUMBERS, "US", Danger.SUICIDE) is None  # the line's crisis_number
    assert dial_number(NUMBERS, "FR", Danger.VIOLENCE) is None


@pytest.mark.parametrize(
    "content",
    [
        '[US]\nemergency = "911"\n',  # no [default]
        "[default]\n[US]\nnonsense = 1\n",
        '[default]\n[US]\npoison = ""\n',
        '[default]\n[US]\ndial_violence = "1-800-799-7233"\n',
        "[default\n",
    ],
)
def test_a_broken_numbers_file_is_refused_in_one_line(tmp_path: Path, content: str) -> None:
    path = tmp_path / "crisis.toml"
    path.write_text(content)
    with pytest.raises(CrisisResourcesError) as raised:
        load_crisis_resources(path)
    assert "\n" not in str(raised.value)
