"""Replies a missed crisis could land on name the crisis line, in every language."""

from __future__ import annotations

import pytest

from hotline.catalogs import catalog

SMS_KEYS = ("sms.menu", "sms.help", "sms.stopped", "sms.sorry", "sms.concern", "sms.crisis")
VOICE_KEYS = ("voice.goodbye", "voice.sorry", "voice.crisis_again")


@pytest.mark.parametrize("language", ["en", "es"])
def test_fallback_texts_name_988(language: str) -> None:
    words = catalog(language)
    for key in SMS_KEYS:
        assert "988" in words.strings[key], (language, key)


@pytest.mark.parametrize("language", ["en", "es"])
def test_spoken_goodbyes_name_988_digit_by_digit(language: str) -> None:
    words = catalog(language)
    for key in VOICE_KEYS:
        assert "9 8 8" in words.strings[key], (language, key)
