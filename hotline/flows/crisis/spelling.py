"""Crisis normalisation, second step: chat abbreviations spelled out, run-together words split.

``detect.normalise`` has already lowercased the text, dropped accents, undone leetspeak and
letter spacing and collapsed repeated letters. ``refine`` then works on its words:

- abbreviations the cue file does not already read are spelled out as words (``idc`` -> "i dont
  care", ``ntp`` -> "no te preocupes"); the Spanish ones only in a text that looks Spanish once
  they are spelled out, where ``toy`` is "estoy" and ``x`` is "por". Keys are as ``normalise``
  leaves them, repeated letters collapsed (``ppl`` is "pl", ``nmms`` "nms");
- a long word the vocabulary does not know is split into known words when it can be wholly
  ("iwantodie" -> "i want to die", "quieromorir" -> "quiero morir"), by dynamic programming over
  the vocabulary's words, each costing the logarithm of its frequency rank, so common words win.
  A letter collapsed at a word boundary ("want" + "to" is "wanto" once repeats are collapsed)
  may start the next word too, at a small extra cost. A split made mostly of words of one or
  two letters is refused: it is an unknown word cut into particles, not words run together.

The vocabulary is the trainer's: the words of the training text, most frequent first, stored in
the model file (``words``), so the cues and the model both read the text it produced.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

# Spelled out in every text: none of these is a word of either language.
ABBREVIATIONS = {
    "idc": "i dont care",
    "imo": "in my opinion",
    "cuz": "because",
    "cus": "because",
    "bc": "because",
    "bcuz": "because",
    "becuz": "because",
    "2nite": "tonight",
    "2day": "today",
    "smth": "something",
    "sth": "something",
    "pl": "people",
    "nobdy": "nobody",
    "tmb": "tambien",
    "tb": "tambien",
    "ntp": "no te preocupes",
    "nms": "no mames",
    "tqm": "te quiero mucho",
    "porq": "porque",
    "xfa": "por favor",
    "pls": "please",
    "plz": "please",
}
# Spelled out only in a text that looks Spanish: each is a word, or a letter, in English.
SPANISH_ABBREVIATIONS = {
    "k": "que",
    "d": "de",
    "x": "por",
    "bn": "bien",
    "toy": "estoy",
    "ta": "esta",
    "tas": "estas",
    "tamos": "estamos",
    "pa": "para",
    "n": "en",
}
_ONE_LETTER_WORDS = frozenset("iayoe")
SPLIT_FROM = 6  # shorter unknown words are left alone
SPLIT_UP_TO = 40  # so are longer ones: no message needs it, and it keeps the work bounded
LONGEST_PIECE = 16
_SHARED_LETTER_COST = 2.0
PIECE_COST = 2.0  # on top of each piece's log rank: fewer pieces win
COMMON = 400
_LONG_WORD = re.compile(rf"\b[a-z]{{{SPLIT_FROM},{SPLIT_UP_TO}}}\b")
_WORD = re.compile(r"\b[a-z0-9]+\b")


class Vocabulary:
    """Known words, most frequent first, and the cost of each word usable as a piece.

    Only the ``COMMON`` most frequent words are pieces ("i", "want", "to", "die", "quiero",
    "morir"): an unknown word made of rarer ones is left whole, so a word the training text
    lacks is not cut into fragments ("guard" + "ando").
    """

    def __init__(self, words: Sequence[str]) -> None:
        self.words = tuple(words)
        self._known = frozenset(self.words)
        self._rank = {word: rank for rank, word in enumerate(self.words)}
        self._cost = {
            word: math.log(rank + 2) + PIECE_COST
            for rank, word in enumerate(self.words)
            if rank < COMMON and (len(word) > 1 or word in _ONE_LETTER_WORDS)
        }

    def __contains__(self, word: object) -> bool:
        return word in self._known

    def rank(self, word: str) -> int | None:
        """A known word's place by frequency (0: the commonest); None for an unknown word."""
        return self._rank.get(word)

    def split(self, token: str) -> str | None:
        """The token as known words joined by spaces, or None if it cannot be split wholly."""
        size = len(token)
        cost = self._cost
        # best[end] = (cost, pieces) of the cheapest split of token[:end]
        best: list[tuple[float, tuple[str, ...]] | None] = [None] * (size + 1)
        best[0] = (0.0, ())
        for start in range(size):
            here = best[start]
            if here is None:
                continue
            spent, pieces = here
            for end in range(start + 1, min(size, start + LONGEST_PIECE) + 1):
                if end - start == size:
                    continue  # the token itself is no split
                piece = token[start:end]
                tries = [(piece, 0.0)]
                if start:  # the letter collapsed at the boundary may begin this word too
                    tries.append((token[start - 1] + piece, _SHARED_LETTER_COST))
                for word, extra in tries:
                    price = cost.get(word)
                    if price is None:
                        continue
                    total = spent + price + extra
                    old = best[end]
                    if old is None or total < old[0]:
                        best[end] = (total, (*pieces, word))
        found = best[size]
        if found is None:
            return None
        pieces = found[1]
        short = sum(len(piece) <= 2 for piece in pieces)
        if short > len(pieces) - short:
            return None  # mostly particles ("con te es to"): a word the vocabulary lacks
        return " ".join(pieces)


def refine(normal: str, vocabulary: Vocabulary | None, spanish: Callable[[str], bool]) -> str:
    """Spell out abbreviations and split run-together words of a normalised text.

    ``spanish`` tells whether a text looks Spanish; it is asked, of the text with the Spanish
    abbreviations spelled out too ("toy en peligro" reads as Spanish once it is "estoy en
    peligro"), only when a word could be one.
    """

    def spell(match: re.Match[str]) -> str:
        word = match.group()
        return ABBREVIATIONS.get(word, word)

    text = _WORD.sub(spell, normal)
    if any(word in SPANISH_ABBREVIATIONS for word in text.split()):
        spelled = " ".join(SPANISH_ABBREVIATIONS.get(word, word) for word in text.split())
        if spanish(spelled):
            text = spelled
    if vocabulary is None:
        return text

    def split(match: re.Match[str]) -> str:
        word = match.group()
        if word in vocabulary:
            return word
        return vocabulary.split(word) or word

    return _LONG_WORD.sub(split, text)
