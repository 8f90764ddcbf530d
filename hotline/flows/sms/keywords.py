"""Read a member's text as a command: forgiving of case, accents, punctuation and typos.

A keyword counts only as a command: the whole text, or the keyword with its argument (``MY``,
``MY REMINDERS``, ``INFO 4821``, ``FIND oakland ca``), give or take filler and thanks. A
sentence that merely starts with a keyword ("my husband has a knife...", "es que no puedo")
is UNKNOWN, so it reaches the crisis detector's concern offer and the menu, never a command.
"""

from __future__ import annotations

import enum
import functools
import re
import threading
import unicodedata
from dataclasses import dataclass

from hotline.flows.digits import ascii_digits


class Kind(enum.StrEnum):
    HELP = "help"
    MENU = "menu"
    FIND = "find"
    MORE = "more"
    INFO = "info"
    REMIND = "remind"
    MY = "my"
    LEAVE = "leave"
    CALL = "call"
    TALK = "talk"
    LANGUAGE = "language"
    STOP = "stop"
    START = "start"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Command:
    kind: Kind
    code: str | None = None  # a meeting code (INFO, REMIND, LEAVE, CALL)
    zip_code: str | None = None  # FIND by ZIP
    words: tuple[str, ...] = ()  # FIND: words other than the ZIP (city and/or topic)
    state: str | None = None  # FIND: a two-letter state after a city ("oakland ca")
    tail: tuple[str, ...] = ()  # FIND: words after the state, a topic ("oakland ca anxiety")
    language: str | None = None  # LANGUAGE: "en" or "es"
    spanish: bool = False  # the member used a Spanish keyword


# Twilio's own opt-out and opt-in words: matched exactly, never by guessing at a typo.
OPT_OUT_WORDS = frozenset(
    {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"}
)
# These mean "stop" even with more words after them ("stop texting me"); "end" or "quit" do not.
_CLEAR_OPT_OUT = frozenset({"stop", "stopall", "unsubscribe", "optout"})
# ...but only words about the texts themselves: "stop hitting me" is not an opt-out.
_OPT_OUT_WORDS_AFTER = frozenset(
    {
        "texting", "text", "texts", "messaging", "messages", "message", "sending", "send",
        "contacting", "calling", "me", "us", "all", "it", "this", "these", "now", "please",
        "pls", "plz", "thanks", "thank", "you", "por", "favor", "ya", "mensajes", "gracias",
    }
)  # fmt: skip
OPT_IN_WORDS = frozenset({"start", "unstop", "yes"})

# keyword -> (kind, is Spanish)
_KEYWORDS: dict[str, tuple[Kind, bool]] = {
    "help": (Kind.HELP, False),
    "ayuda": (Kind.HELP, True),
    "info": (Kind.INFO, False),
    "informacion": (Kind.INFO, True),
    "menu": (Kind.MENU, False),
    "hi": (Kind.MENU, False),
    "hello": (Kind.MENU, False),
    "hola": (Kind.MENU, True),
    "find": (Kind.FIND, False),
    "search": (Kind.FIND, False),
    "buscar": (Kind.FIND, True),
    "busca": (Kind.FIND, True),
    "more": (Kind.MORE, False),
    "next": (Kind.MORE, False),
    "mas": (Kind.MORE, True),
    "remind": (Kind.REMIND, False),
    "reminder": (Kind.REMIND, False),
    "reminders": (Kind.REMIND, False),
    "recordar": (Kind.REMIND, True),
    "recuerdame": (Kind.REMIND, True),
    "my": (Kind.MY, False),
    "list": (Kind.MY, False),
    "mis": (Kind.MY, True),
    "lista": (Kind.MY, True),
    "leave": (Kind.LEAVE, False),
    "salir": (Kind.LEAVE, True),
    "dejar": (Kind.LEAVE, True),
    "call": (Kind.CALL, False),
    "llamar": (Kind.CALL, True),
    "llamame": (Kind.CALL, True),
    "talk": (Kind.TALK, False),
    "hablar": (Kind.TALK, True),
    "en": (Kind.LANGUAGE, False),
    "english": (Kind.LANGUAGE, False),
    "ingles": (Kind.LANGUAGE, True),
    "es": (Kind.LANGUAGE, True),
    "espanol": (Kind.LANGUAGE, True),
    "spanish": (Kind.LANGUAGE, False),
}
_LANGUAGE_OF = {
    "en": "en",
    "english": "en",
    "ingles": "en",
    "es": "es",
    "espanol": "es",
    "spanish": "es",
}
# Short words are matched exactly: one typo away from "my" or "en" is too many real words.
_TYPO_MIN_LENGTH = 4
_TYPO_KEYWORDS = tuple(word for word in _KEYWORDS if len(word) >= _TYPO_MIN_LENGTH)
# Words people put around a command that carry no meaning for it.
_FILLER = frozenset(
    {
        "a", "al", "an", "and", "around", "at", "de", "del", "el", "en", "for", "group",
        "groups", "grupo", "grupos", "in", "la", "las", "los", "me", "meeting", "meetings",
        "near", "cerca", "of", "please", "por", "favor", "pls", "the", "to", "un", "una",
        "zip", "code", "codigo", "postal", "number", "numero",
    }
)  # fmt: skip
# Politeness around any command: "MY please", "INFO 4821 thanks", "hi there".
_COURTESY = frozenset(
    {"thanks", "thank", "you", "thx", "ty", "gracias", "now", "ahora", "again", "there", "hey"}
)
# Words a command may carry besides filler, courtesy and a meeting code ("remind me about 4821").
_ARGUMENT_WORDS: dict[Kind, frozenset[str]] = {
    Kind.MY: frozenset(
        {"reminders", "reminder", "recordatorios", "list", "lista", "subscriptions"}
    ),
    Kind.REMIND: frozenset({"about", "on", "sobre", "recordatorio", "reminders", "reminder"}),
    Kind.LEAVE: frozenset({"reminders", "reminder", "recordatorios", "from"}),
    Kind.CALL: frozenset({"into", "join"}),
    Kind.MORE: frozenset({"results", "resultados", "meetings", "reuniones"}),
    Kind.HELP: frozenset({"menu"}),
}
_CODED = (Kind.INFO, Kind.REMIND, Kind.LEAVE, Kind.CALL)
# FIND takes a place and a topic ("find san francisco, ca depression"), not a sentence.
_FIND_MAX_WORDS = 5
_STATES = frozenset(
    {
        "al", "ak", "az", "ar", "ca", "co", "ct", "de", "dc", "fl", "ga", "hi", "id", "il",
        "in", "ia", "ks", "ky", "la", "me", "md", "ma", "mi", "mn", "ms", "mo", "mt", "ne",
        "nv", "nh", "nj", "nm", "ny", "nc", "nd", "oh", "ok", "or", "pa", "ri", "sc", "sd",
        "tn", "tx", "ut", "vt", "va", "wa", "wv", "wi", "wy", "pr", "vi", "gu",
    }
)  # fmt: skip
# Canada's provinces and territories after a town ("belleville on"); "on" only as the last word.
_PROVINCES = frozenset(
    {"ab", "bc", "mb", "nb", "nl", "ns", "nt", "nu", "on", "pe", "qc", "sk", "yt"}
)
# A province written out in one word ("belleville ontario") reads as its code.
_PROVINCE_NAMES = {
    "alberta": "ab", "manitoba": "mb", "nunavut": "nu", "ontario": "on", "quebec": "qc",
    "saskatchewan": "sk", "yukon": "yt",
}  # fmt: skip
_ZIP = re.compile(r"^[0-9]{5}$")
# A Canadian postal code ("k8n5w6") or its first half, the FSA ("k8n"), after tokenize.
POSTAL_CODE = re.compile(r"[a-z][0-9][a-z](?:[0-9][a-z][0-9])?")
_CODE = re.compile(r"^[0-9]{3,12}$")


# The last text this thread parsed: one answer reads the same text four or five times (the
# limits, the warm line, the crisis case's CALL, the member flow).
_last = threading.local()


def parse(body: str, *, opt_out_type: str | None = None) -> Command:
    """Return the command a text asks for; anything unclear is UNKNOWN (the menu)."""
    last: tuple[str, str | None, Command] | None = getattr(_last, "parsed", None)
    if last is not None and last[0] == body and last[1] == opt_out_type:
        return last[2]  # a Command is frozen: the same answer is safe to share
    command = _parse(body, opt_out_type)
    _last.parsed = (body, opt_out_type, command)
    return command


def _parse(body: str, opt_out_type: str | None) -> Command:
    forced = _from_opt_out_type(opt_out_type)
    if forced is not None:
        return forced
    tokens = tokenize(body)
    if not tokens:
        return Command(Kind.UNKNOWN)
    compliance = _compliance(tokens)
    if compliance is not None:
        return compliance
    if len(tokens) == 1 and _ZIP.match(tokens[0]):
        return Command(Kind.FIND, zip_code=tokens[0])
    if len(tokens) == 1 and _CODE.match(tokens[0]):
        return Command(Kind.INFO, code=tokens[0])
    return _keyword_command(tokens)


def tokenize(body: str) -> list[str]:
    """Lowercase, drop accents and punctuation, and split letters from digits ("info#4821")."""
    # ASCII digits only past this point: "٩٤١١٠" is 94110, and nothing native sees "٩".
    text = ascii_digits(fold_accents(body)).lower()
    text = re.sub(r"\b(\d{5})-\d{4}\b", r"\1", text)  # ZIP+4
    text = re.sub(r"\b([a-z][0-9][a-z]) ([0-9][a-z][0-9])\b", r"\1\2", text)  # "k8n 5w6"
    tokens: list[str] = []
    for chunk in re.findall(r"[a-z0-9]+", text):
        # A Canadian postal code stays one word; other runs split letters from digits.
        tokens += [chunk] if POSTAL_CODE.fullmatch(chunk) else re.findall(r"[a-z]+|[0-9]+", chunk)
    return tokens


def fold_accents(text: str) -> str:
    """Return text without combining accents: "MÁS" -> "MAS", "español" -> "espanol"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _from_opt_out_type(opt_out_type: str | None) -> Command | None:
    """Twilio's Advanced Opt-Out has already classified the text: trust it."""
    kind = {"STOP": Kind.STOP, "START": Kind.START, "HELP": Kind.HELP}.get(
        (opt_out_type or "").strip().upper()
    )
    return Command(kind) if kind is not None else None


def _compliance(tokens: list[str]) -> Command | None:
    first = tokens[0]
    if len(tokens) == 1 and first in OPT_OUT_WORDS:
        return Command(Kind.STOP)
    if first in _CLEAR_OPT_OUT and all(t in _OPT_OUT_WORDS_AFTER for t in tokens[1:]):
        return Command(Kind.STOP)
    if tokens[:2] == ["opt", "out"]:
        return Command(Kind.STOP)
    if len(tokens) == 1 and first in OPT_IN_WORDS:
        return Command(Kind.START)
    if first == "unstop" or tokens[:2] == ["opt", "in"]:
        return Command(Kind.START)
    if first == "cancel" and len(tokens) == 2 and _CODE.match(tokens[1]):
        # "CANCEL 4821" from a member means the reminders for that meeting, not everything.
        return Command(Kind.LEAVE, code=tokens[1])
    return None


def _keyword_command(tokens: list[str]) -> Command:
    for position, token in enumerate(tokens[:3]):
        keyword = _keyword(token)
        if keyword is None:
            continue
        # A keyword further in only counts after filler ("hi, find 94110", "please info 4821").
        if position and not all(t in _FILLER for t in tokens[:position]):
            break
        return _command(keyword, tokens[position + 1 :])
    return Command(Kind.UNKNOWN)


def _keyword(token: str) -> str | None:
    if token in _KEYWORDS:
        return token
    if len(token) < _TYPO_MIN_LENGTH:
        return None
    close = [word for word in _TYPO_KEYWORDS if _one_edit_apart(token, word)]
    return close[0] if len(close) == 1 else None


def _command(keyword: str, rest: list[str]) -> Command:
    kind, spanish = _KEYWORDS[keyword]
    code = next((token for token in rest if _CODE.match(token)), None)
    if kind is Kind.MENU and rest:
        # "hi, find 94110": the greeting was only a greeting.
        inner = _keyword_command(rest)
        if inner.kind is not Kind.UNKNOWN:
            return inner
    if not _is_argument(kind, rest, code):
        return Command(Kind.UNKNOWN)
    if kind is Kind.INFO:
        return Command(Kind.INFO, code=code, spanish=spanish) if code else Command(Kind.HELP)
    if kind in (Kind.REMIND, Kind.LEAVE, Kind.CALL):
        return Command(kind, code=code, spanish=spanish)
    if kind is Kind.FIND:
        return _find(rest, spanish)
    if kind is Kind.LANGUAGE:
        return Command(kind, language=_LANGUAGE_OF[keyword], spanish=spanish)
    return Command(kind, spanish=spanish)


def _is_argument(kind: Kind, rest: list[str], code: str | None) -> bool:
    """True when the words after a keyword are its argument, not the rest of a sentence."""
    if kind is Kind.FIND:
        words = [token for token in rest if token not in _FILLER and token not in _COURTESY]
        return len(words) <= _FIND_MAX_WORDS
    allowed = _ARGUMENT_WORDS.get(kind, frozenset())
    return all(
        token in _FILLER
        or token in _COURTESY
        or token in allowed
        or (token == code and kind in _CODED)
        for token in rest
    )


def _is_state(word: str, at: int, words: list[str]) -> bool:
    if word in _STATES or word in _PROVINCE_NAMES:
        return True
    return word in _PROVINCES and (word != "on" or at == len(words) - 1)


def _find(rest: list[str], spanish: bool) -> Command:
    zip_code = next((token for token in rest if _ZIP.match(token)), None)
    words = [token for token in rest if token != zip_code and token not in _FILLER]
    if zip_code is None:
        at = max(
            (i for i, word in enumerate(words) if i and _is_state(word, i, words)), default=None
        )
        if at is not None:
            return Command(
                Kind.FIND,
                words=tuple(words[:at]),
                state=_PROVINCE_NAMES.get(words[at], words[at]).upper(),
                tail=tuple(words[at + 1 :]),
                spanish=spanish,
            )
    return Command(Kind.FIND, zip_code=zip_code, words=tuple(words), spanish=spanish)


def _one_edit_apart(typed: str, word: str) -> bool:
    """True when one insertion, deletion, substitution or swap of neighbours turns typed to word."""
    if abs(len(typed) - len(word)) > 1 or typed == word:
        return False
    if len(typed) == len(word):
        diffs = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
        if len(diffs) == 1:
            return True
        first = diffs[0]
        return (
            diffs == [first, first + 1]
            and typed[first] == word[first + 1]
            and (typed[first + 1] == word[first])
        )
    short, long = sorted((typed, word), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


@functools.cache
def _staff_numbered() -> frozenset[str]:
    """Staff and warm-line words that take a case or conversation number ("ACK 12", "DONE 12",
    "CANCEL 4821", "TAKE 23", "END 23"), lowercased: the word sets the coordinator's and the
    relay's regexes are built from, so the lists cannot drift."""
    # Imported here: the relay imports this module.
    from hotline.flows.sms.coordinator import NUMBERED_WORDS as STAFF
    from hotline.flows.warm.relay import NUMBERED_WORDS as WARM

    return frozenset(word.lower() for word in STAFF | WARM)


_WORD_AND_NUMBER = re.compile(r"([^\W\d_]+)\s*#?\s*\d{1,12}[.!]?")


def is_keyword_and_number(body: str) -> bool:
    """Tell whether a text is one of the line's keywords and a number: "LEAVE 4821", "done #14".

    A member keyword (or a typo of one, as ``parse`` reads it), a staff or warm-line word, or
    an opt-out or opt-in word counts; any other word and a number ("pills 40") does not.
    """
    match = _WORD_AND_NUMBER.fullmatch(body.strip())
    return match is not None and _is_line_word(match.group(1))


_BARE_WORD = re.compile(r"([^\W\d_]+)[.!]?")


def is_bare_keyword(body: str) -> bool:
    """Tell whether a text is one of the line's keywords alone: "END", "revoke", "help!".

    The same words as ``is_keyword_and_number`` (member keywords and their typos, staff and
    warm-line words, opt-out and opt-in words), with no number after them.
    """
    match = _BARE_WORD.fullmatch(body.strip())
    return match is not None and _is_line_word(match.group(1))


def _is_line_word(found: str) -> bool:
    """A member keyword (or a typo of one), a staff or warm-line word, or an opt word."""
    word = fold_accents(found).lower()
    return (
        word in _staff_numbered()
        or word in OPT_OUT_WORDS
        or word in OPT_IN_WORDS
        or _keyword(word) is not None
    )


_SPANISH_WORDS = frozenset(
    {
        "quiero", "morir", "estoy", "ayuda", "ayudame", "vida", "matarme", "suicidarme",
        "suicidio", "tengo", "puedo", "hola", "gracias", "necesito", "sola", "solo", "nadie",
        "nada", "porque", "para", "favor", "buscar", "hablar", "yo", "muerto", "muerta",
        "quitarme", "mas", "grupo", "donde", "como", "esta", "soy", "mucho", "siento",
        # words a Spanish text in danger is made of ("ya no aguanto, me quiero matar")
        "ya", "aguanto", "matar", "mi", "mis", "que", "el", "los", "las", "una", "con", "voy",
        "novio", "novia", "esposo", "esposa", "marido", "hijo", "hija", "pero", "muy", "todo",
        "hoy", "noche", "se", "lo", "le", "morirme", "dice", "amenazo", "quiere", "miedo",
        "ayer", "anoche", "pastillas", "del", "al", "papa", "mama",
    }
)  # fmt: skip


def looks_spanish(body: str, at_least: int = 1) -> bool:
    """Guess whether a text is Spanish, to answer a first-time texter in their language.

    A quarter of its words, and at least ``at_least`` of them, are common Spanish words.
    """
    tokens = tokenize(body)
    hits = sum(token in _SPANISH_WORDS for token in tokens)
    return hits >= max(1, at_least) and hits * 4 >= len(tokens)
