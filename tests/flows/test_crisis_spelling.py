"""The second normalisation step: abbreviations spelled out, run-together words split."""

from __future__ import annotations

import time

import pytest

from hotline.crisis.detector import detector
from hotline.flows.crisis.detect import normalise
from hotline.flows.crisis.spelling import Vocabulary, refine

WORDS = Vocabulary(
    ["i", "to", "me", "want", "die", "my", "no", "quiero", "morir", "kil", "myself", "end", "life"]
)


def _refine(text: str, spanish: bool = False) -> str:
    return refine(normalise(text), WORDS, lambda _: spanish)


@pytest.mark.parametrize(
    ("text", "spanish", "read"),
    [
        ("iwanttodie", False, "i want to die"),  # "wantto" is "wanto" once repeats collapse
        ("IWANNNTTTODIEEE", False, "i want to die"),
        ("killmyself", False, "kil myself"),
        ("quieromorir", True, "quiero morir"),
        ("mequieromorir", True, "me quiero morir"),
        ("endmylife", False, "end my life"),
        ("idc anymore", False, "i dont care anymore"),
        ("toy cansada x todo", True, "estoy cansada por todo"),
        ("ppl", False, "people"),  # "pl" once repeats collapse
        ("a toy for my son", False, "a toy for my son"),  # Spanish abbreviations: Spanish only
        ("x", False, "x"),
        ("wishing", False, "wishing"),  # no whole split: left alone
        ("tomorrow", False, "tomorow"),  # "to" + "morow": no split into known words
    ],
)
def test_refine(text: str, spanish: bool, read: str) -> None:
    assert _refine(text, spanish) == read


def test_a_split_of_mostly_particles_is_refused() -> None:
    # "notome": "no", "to", "me" are known, but a word cut into particles is not words run together
    assert _refine("notome") == "notome"


def test_a_known_word_is_never_split() -> None:
    words = Vocabulary(["i", "want", "to", "die", "iwantodie"])
    assert refine("iwantodie", words, lambda _: False) == "iwantodie"


def test_without_a_vocabulary_only_abbreviations_change() -> None:
    assert refine(normalise("iwanttodie idc"), None, lambda _: False) == "iwantodie i dont care"


def test_spanish_is_asked_only_when_a_word_could_be_a_spanish_abbreviation() -> None:
    asked: list[str] = []

    def spanish(spelled: str) -> bool:
        asked.append(spelled)
        return True

    assert refine("i want to die", WORDS, spanish) == "i want to die"
    assert asked == []
    assert refine("toy en peligro", WORDS, spanish) == "estoy en peligro"
    assert asked == ["estoy en peligro"]


def test_a_long_unknown_word_is_quick() -> None:
    started = time.process_time()
    for _ in range(100):
        refine("a" * 39 + "b", WORDS, lambda _: False)
        refine("quiero" * 6, WORDS, lambda _: True)
    assert time.process_time() - started < 1.0


def test_the_line_reads_run_together_words_as_words() -> None:
    # The shipped model's vocabulary splits what the training text never ran together.
    line = detector()
    assert line.words is not None
    assert line.normalise("ijustwanttodie") == "i just want to die"
    assert line.assess("ijustwanttodie tonight").crisis
    assert line.normalise("nopuedomas") == "no puedo mas"
    # A run-together spelling the training text holds is learnt as it is (session 26's train7
    # has "mequieromatar"), not split.
    assert "mequieromatar" in line.words and line.normalise("mequieromatar") == "mequieromatar"
    assert line.assess("mequieromatar").crisis
    # Spanish abbreviations in a text that reads as Spanish once they are spelled out; not in
    # an English one.
    assert line.normalise("toy en peligro, mi ex se metio a la casa").startswith("estoy en")
    assert line.normalise("i have a toy") == "i have a toy"
    assert line.normalise("k bye") == "k bye"
    assert line.normalise("ppl suck") == "people suck"
