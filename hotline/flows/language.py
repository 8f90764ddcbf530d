"""English or Spanish: the language of a text, for answers built from the text alone.

The crisis reply is built from memory, before the contact (and the language they chose) is
read, so it goes by the text; so do the busy answer and the crisis model's per-language cuts.
``looks_spanish`` (common Spanish words, a quarter of the text) is precise but read 30% of the
Spanish texts in ``tests/data`` as English, and 23% of its Spanish crises: they were answered in
English. Lingua, restricted to the two languages, reads a text's letters and words with models
shipped in its wheel; Spanish when either says so, lingua at ``SPANISH_CONFIDENCE`` or more.
On those sets (session 25): Spanish crises read as English 0.010, English crises as Spanish
0.003 (was 0.0006); every Spanish text 0.025, every English one 0.0023.
"""

from __future__ import annotations

from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from hotline.flows.sms.keywords import looks_spanish

# Chosen on tests/data's labelled languages: 0.5 read 0.56% of English crises as Spanish ("no"
# alone is 0.59 Spanish), 0.9 left 2.1% of Spanish crises in English.
SPANISH_CONFIDENCE = 0.7
# Lingua reads this much of a text at most: its time grows with the text (3 s for 100,000
# characters), and a long message's language shows in its first lines. An SMS is at most 1,600.
READ_CHARACTERS = 2_000


@cache
def _lingua() -> LanguageDetector:
    languages = (Language.ENGLISH, Language.SPANISH)
    return (
        LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()
    )


def reads_spanish(text: str) -> bool:
    """Whether a text is Spanish rather than English (anything else counts as English)."""
    if looks_spanish(text):
        return True
    head = text[:READ_CHARACTERS]
    return _lingua().compute_language_confidence(head, Language.SPANISH) >= SPANISH_CONFIDENCE


def load() -> None:
    """Load the language models now (about 0.7 s), not on the first text that needs them."""
    _lingua()
