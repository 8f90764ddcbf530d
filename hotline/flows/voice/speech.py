"""What a caller's words stand for: a menu key, a number, a language. Word lists live in the
catalogs (`voice.words.<menu>.<key>`), so a translator can teach the menu new words."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from hotline.flows.catalog import Catalog
from hotline.flows.digits import ascii_digits, is_number

KEYS = "0123456789*"
# Checked first, in this order, at every menu: crisis help wins over everything.
ANY_KEYS = ("9", "*", "0")


def normalise(text: str) -> str:
    """Lower-case, drop accents and punctuation: "¡Español!" -> "espanol"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.findall(r"[a-z0-9]+", plain))


def phrases(words: str) -> list[str]:
    """Split a catalog word list ("join, main menu") into normalised phrases."""
    return [phrase for phrase in (normalise(part) for part in words.split(",")) if phrase]


def _first_match(spoken: str, choices: Iterable[tuple[str, str]]) -> str | None:
    """Return the choice whose phrase is heard earliest in `spoken`."""
    padded = f" {spoken} "
    best: tuple[int, str] | None = None
    for choice, words in choices:
        for phrase in phrases(words):
            at = padded.find(f" {phrase} ")
            if at >= 0 and (best is None or at < best[0]):
                best = (at, choice)
    return best[1] if best else None


def key_for_speech(speech: str, menu: str, catalog: Catalog) -> str | None:
    """Return the key the caller's words stand for at `menu` ("" menu: only 9, * and 0)."""
    spoken = normalise(speech)
    if not spoken:
        return None
    for key in ANY_KEYS:
        if _first_match(spoken, [(key, _words(catalog, f"any.{key}"))]):
            return key
    if not menu:
        return None
    table = [(key, _words(catalog, f"{menu}.{key}")) for key in KEYS]
    return _first_match(spoken, [(key, words) for key, words in table if words])


def digits_in(speech: str, catalog: Catalog) -> str:
    """Return the digits in spoken words: "four 8 two one" -> "4821"."""
    names = phrases(_words(catalog, "digits"))
    found = []
    for token in ascii_digits(normalise(speech)).split():
        if is_number(token):
            found.append(token)
        elif token in names:
            found.append(str(names.index(token)))
    return "".join(found)


def language_for_speech(speech: str, language_words: Mapping[str, str]) -> str | None:
    """Return the language whose name the caller said ("espanol" -> "es")."""
    spoken = normalise(speech)
    return _first_match(spoken, language_words.items()) if spoken else None


def _words(catalog: Catalog, name: str) -> str:
    key = f"voice.words.{name}"
    return catalog.t(key) if catalog.has(key) else ""
