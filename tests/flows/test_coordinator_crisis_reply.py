"""The crisis reply: the right line for the member's country and language, short and plain."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotline.crisis_resources import CrisisResourcesError, crisis_resources, load_crisis_resources
from hotline.flows.crisis_reply import crisis_reply
from hotline.flows.segments import count_segments

RESOURCES = crisis_resources()


@pytest.mark.parametrize(
    ("language", "country", "expected"),
    [
        ("en", "US", ["call or text 988", "text HOME to 741741"]),
        ("es", "US", ["Llame al 988 y oprima 2", "AYUDA"]),
        ("en", "us", ["call or text 988"]),
        ("en", "FR", ["findahelpline.com"]),
        ("es", "AR", ["findahelpline.com", "Usted importa"]),
        ("es", "CA", ["findahelpline.com", "Usted importa"]),  # no Spanish entry for Canada
        ("fr", "US", ["call or text 988"]),  # an unknown language reads the country's English
        ("fr", "FR", ["findahelpline.com", "You matter"]),
    ],
)
def test_resources_by_country_and_language(
    language: str, country: str, expected: list[str]
) -> None:
    reply = crisis_reply(language=language, country=country, oncall=False, resources=RESOURCES)
    for words in expected:
        assert words.lower() in reply.lower()


def test_a_volunteer_is_promised_only_when_someone_is_on_call() -> None:
    off = crisis_reply(language="en", country="US", oncall=False, resources=RESOURCES)
    on = crisis_reply(language="en", country="US", oncall=True, resources=RESOURCES)
    assert "volunteer" not in off
    assert on.startswith(off)
    assert on.endswith("A peer volunteer will reach out soon.")


def test_every_reply_is_plain_text_in_two_segments_at_most() -> None:
    for country, languages in RESOURCES.items():
        for language in languages:
            for oncall in (False, True):
                reply = crisis_reply(
                    language=language, country=country, oncall=oncall, resources=RESOURCES
                )
                count = count_segments(reply)
                assert count.encoding == "GSM-7", (country, language)
                assert count.segments <= 2, (country, language, reply)
    us = crisis_reply(language="en", country="US", oncall=True, resources=RESOURCES)
    assert count_segments(us).segments == 1


def test_a_file_without_a_default_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "crisis.toml"
    path.write_text('[US.en]\nreply = "Call or text 988."\n')
    with pytest.raises(CrisisResourcesError):
        load_crisis_resources(path)
    path.write_text('[default.en]\nreply = "x"\n[US.en]\noncall = "only"\n')
    with pytest.raises(CrisisResourcesError):
        load_crisis_resources(path)
