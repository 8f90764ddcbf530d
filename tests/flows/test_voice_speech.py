"""What spoken words stand for, in English and Spanish."""

from __future__ import annotations

import pytest

from hotline.catalogs import catalog
from hotline.flows.voice.speech import digits_in, key_for_speech, language_for_speech, normalise


@pytest.mark.parametrize(
    ("language", "menu", "speech", "key"),
    [
        ("en", "main", "I'd like to join a meeting", "1"),
        ("en", "main", "Find.", "3"),
        ("en", "main", "reminders please", "4"),
        ("en", "main", "two", "2"),
        ("en", "main", "I want to talk to someone", "2"),
        ("es", "main", "quiero hablar con alguien", "2"),
        ("en", "main", "help", "9"),
        ("en", "main", "help me find a group", "9"),  # crisis words win
        ("en", "main", "say that again", "*"),
        ("en", "find_results", "more", "3"),
        ("en", "reminder_call", "stop", "2"),
        ("en", "main", "pizza", None),
        ("en", "main", "", None),
        ("es", "main", "Buscar un grupo", "3"),
        ("es", "main", "¡Ayuda!", "9"),
        ("es", "main", "menú principal", "0"),
        ("es", "remind_choice", "llamadas", "2"),
        ("en", "", "join", None),  # only 9, * and 0 without a menu
    ],
)
def test_key_for_speech(language: str, menu: str, speech: str, key: str | None) -> None:
    assert key_for_speech(speech, menu, catalog(language)) == key


@pytest.mark.parametrize(
    ("language", "speech", "digits"),
    [
        ("en", "four eight two one", "4821"),
        ("en", "4821.", "4821"),
        ("en", "meeting 48 21", "4821"),
        ("es", "cuatro ocho dos uno", "4821"),
        ("en", "hello", ""),
    ],
)
def test_digits_in(language: str, speech: str, digits: str) -> None:
    assert digits_in(speech, catalog(language)) == digits


def test_language_for_speech() -> None:
    words = {"en": "english", "es": "español, espanol, spanish"}
    assert language_for_speech("Español", words) == "es"
    assert language_for_speech("english please", words) == "en"
    assert language_for_speech("", words) is None


def test_normalise() -> None:
    assert normalise("¡Menú  Principal!") == "menu principal"
