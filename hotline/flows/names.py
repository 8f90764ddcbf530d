"""A meeting's name as it goes out: texted to a flip phone, or said by the line's voice.

Every place a name reaches a person (FIND, INFO, REMIND, CALL, reminders, cancel and retirement
notices, the voice menu and its texts) shapes it here, so a name reads the same everywhere:
letters kept where GSM-7 carries them, Latin letters plainly where an accent would force UCS-2,
other scripts kept while the text still fits its segments, and never an empty name ("meeting
4821" instead).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import partial

from hotline.flows.catalog import Catalog
from hotline.flows.segments import count_segments, is_gsm7
from hotline.flows.sms.keywords import fold_accents
from hotline.flows.voice.steps import spell

NAME_CHARS = 28
# A one-text notice (a reminder, a cancellation) gives the fullest of these that fits.
NAME_LIMITS = (60, 40, NAME_CHARS, 20)
# Shapes a name into what goes out, from the name and the meeting's code.
NameStyle = Callable[[str, str], str]

# A cut name should not end on a joining word ("Grupo de apoyo en").
_DANGLING = frozenset(
    {"a", "and", "con", "de", "del", "el", "en", "for", "la", "of"}
    | {"para", "the", "y", "&", "-", "+", "/"}
)
_TRAILING_ASIDE = re.compile(r"\s*\([^()]*\)$")  # "Grief Group (Downtown)" -> "Grief Group"
# Latin letters with no accent to fold away, written as SMS can carry them.
_LATIN = {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l",
          "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "Þ": "Th", "ı": "i"}  # fmt: skip
_CURLY = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "..."})


def gsm_safe(text: str) -> str:
    """Keep feed text readable on any phone: GSM-7 where a plain letter keeps the meaning.

    Curly quotes go straight and Latin letters SMS cannot carry lose their accents ("é" to
    "e", "ß" to "ss"); letters of other scripts (a name in Japanese) are kept, though the text
    then goes as UCS-2, since no plain letter says the same. Emoji and symbols are dropped.
    """
    text = text.translate(_CURLY)
    if is_gsm7(text):  # most names: nothing to change
        return text
    out = []
    for ch in text:
        if is_gsm7(ch):
            out.append(ch)
            continue
        plain = _LATIN.get(ch) or fold_accents(ch)
        if plain and all(is_gsm7(c) for c in plain):
            out.append(plain)
        elif unicodedata.category(ch)[0] in "LN" and "LATIN" not in unicodedata.name(ch, ""):
            out.append(ch)
    return "".join(out)


@functools.lru_cache(maxsize=4096)  # the same few names go out again and again
def shorten(name: str, limit: int) -> str:
    """Fit a name in `limit`: drop a trailing aside in parentheses, then cut at a word."""
    name = " ".join(gsm_safe(name).split())
    if len(name) <= limit:
        return name
    name = _TRAILING_ASIDE.sub("", name) or name
    if len(name) <= limit:
        return name
    words = name[: limit + 1].split(" ")[:-1]
    opened = [i for i, word in enumerate(words) if "(" in word]
    if opened and ")" not in " ".join(words[opened[-1] :]):
        # A cut inside parentheses would leave one open: keep the words before them.
        words = words[: opened[-1]] or words
    while len(words) > 1 and words[-1].lower() in _DANGLING:
        words.pop()
    cut = " ".join(words).rstrip(",;:-")
    return cut if len(cut) >= limit // 2 else name[:limit]


def texted_name(name: str, code: str, texts: Catalog, limit: int = NAME_CHARS) -> str:
    """The name fit for a text in `limit` characters; never empty ("meeting 4821")."""
    return shorten(name, limit) or texts.t("sms.unnamed", code=code)


def plain_name(name: str, code: str, texts: Catalog, limit: int = NAME_CHARS) -> str:
    """The name in GSM-7 alone: a name only another script can write says "meeting 4821"."""
    shaped = texted_name(name, code, texts, limit)
    return shaped if is_gsm7(shaped) else texts.t("sms.unnamed", code=code)


def fit_names(
    render: Callable[[NameStyle], str],
    texts: Catalog,
    *,
    segments: int,
    limits: Sequence[int] = (NAME_CHARS,),
) -> str:
    """Render a text with its names in the first style that fits in `segments`.

    Names are kept as written (any script) at each limit, longest first; when the text still
    needs more segments (a name in Japanese makes the whole text UCS-2, 70 characters a
    segment), names only another script can write give way to "meeting 4821". The last try
    is returned even when nothing fits.
    """
    styles = [partial(texted_name, texts=texts, limit=limit) for limit in limits]
    styles += [partial(plain_name, texts=texts, limit=limit) for limit in limits]
    text = ""
    for style in styles:
        text = render(style)
        if count_segments(text).segments <= segments:
            break
    return text


def spoken_name(name: str, code: str, texts: Catalog) -> str:
    """The name as the line's voice can say it; never empty ("meeting 4, 8, 2, 1").

    The voice reads Latin letters (accents help it) and ASCII digits; emoji and symbols are
    left out. A name with letters of another script is not said in part: the voice of the
    caller's language cannot read them, so the meeting is named by its number.
    """
    kept = []
    for ch in unicodedata.normalize("NFC", name.translate(_CURLY)):
        kind = unicodedata.category(ch)[0]
        if kind in "LN" and not (ch.isascii() or "LATIN" in unicodedata.name(ch, "")):
            return texts.t("voice.unnamed", code=spell(code))
        if kind in "LNZ" or ch in _SAYABLE:
            kept.append(" " if kind == "Z" else ch)
    said = " ".join("".join(kept).split())
    return said if any(ch.isalnum() for ch in said) else texts.t("voice.unnamed", code=spell(code))


_SAYABLE = frozenset("'-&,.()/#+:")
