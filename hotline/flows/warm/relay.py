"""The warm line by text: volunteers' words, and where a text in a conversation goes. Pure.

A member who texts TALK while volunteers are on shift starts conversation 23; on-shift
volunteers are texted "reply TAKE 23" and the first TAKE gets it. From then on the line's
number relays texts both ways, so neither side sees the other's number. A volunteer may hold
several conversations: every text they get starts "#23:", and a text they send names its
conversation first ("23 hi") unless they are in only one.

Closing words: BYE (ADIOS) from the member; END 23 (or BYE 23) from a volunteer. A bare END is
one of Twilio's default opt-out words, so it opts the member out of everything (and so closes
the conversation too) instead of being a closing word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from hotline.flows.catalog import Catalog
from hotline.flows.sms.keywords import fold_accents, tokenize


@dataclass(frozen=True)
class Take:
    conversation_id: int


@dataclass(frozen=True)
class Close:
    conversation_id: int | None  # None: the only one the volunteer is in


@dataclass(frozen=True)
class SetAvailable:
    on: bool


@dataclass(frozen=True)
class Helping:
    """Answer to a surge call: take warm-line calls for a while."""


@dataclass(frozen=True)
class CallVoicemail:
    voicemail_id: int


StaffWord = Take | Close | SetAvailable | Helping | CallVoicemail

_TAKE_WORDS = ("TAKE", "TOMAR", "TOMO")
_CLOSE_WORDS = ("END", "BYE", "ADIOS", "FIN")
_CALL_VOICEMAIL_WORDS = ("CALL", "LLAMAR")
# Every warm-line word that takes a number: ``keywords.is_keyword_and_number`` reads these too.
NUMBERED_WORDS = frozenset((*_TAKE_WORDS, *_CLOSE_WORDS, *_CALL_VOICEMAIL_WORDS))
_TAKE = re.compile(rf"^(?:{'|'.join(_TAKE_WORDS)})\s*#?\s*(\d{{1,9}})[\s.!]*$")
_CLOSE = re.compile(rf"^(?:{'|'.join(_CLOSE_WORDS)})\s*#?\s*(\d{{1,9}})?[\s.!]*$")
_CALL_VOICEMAIL = re.compile(
    rf"^(?:{'|'.join(_CALL_VOICEMAIL_WORDS)})\s*V\s*#?\s*(\d{{1,9}})[\s.!]*$"
)
_AVAILABLE = {"AVAILABLE", "DISPONIBLE"}
_AWAY = {"AWAY", "AUSENTE"}
_HELPING = {"HELPING", "AYUDANDO", "HELP OUT"}
# "23 hello", "#23: hello", "#23 - hello".
_ADDRESSED = re.compile(r"^\s*#?\s*(\d{1,9})\s*[:,.\-]?\s+(.+)$", re.DOTALL)
_MEMBER_CLOSE = {"BYE", "ADIOS", "GOODBYE", "CHAO"}


def _upper(body: str) -> str:
    return " ".join(fold_accents(body).upper().split())


def staff_word(body: str) -> StaffWord | None:
    """Read a volunteer's warm-line word; None: not one of them."""
    text = _upper(body)
    bare = text.rstrip(".! ")
    if match := _TAKE.match(text):
        return Take(int(match.group(1)))
    if bare == "END":
        return None  # Twilio's opt-out word: the member flow answers it
    if match := _CLOSE.match(text):
        return Close(int(match.group(1)) if match.group(1) else None)
    if match := _CALL_VOICEMAIL.match(text):
        return CallVoicemail(int(match.group(1)))
    if bare in _AVAILABLE:
        return SetAvailable(on=True)
    if bare in _AWAY:
        return SetAvailable(on=False)
    if bare in _HELPING:
        return Helping()
    return None


@dataclass(frozen=True)
class Relay:
    conversation_id: int
    text: str


@dataclass(frozen=True)
class Ambiguous:
    """A volunteer in several conversations sent a text without saying which."""

    conversation_ids: tuple[int, ...]


def route_staff_text(body: str, active: Sequence[int]) -> Relay | Ambiguous | None:
    """Decide which of a volunteer's conversations a free text belongs to; None: none of them."""
    if not active:
        return None
    match = _ADDRESSED.match(body)
    if match and int(match.group(1)) in active:
        return Relay(int(match.group(1)), match.group(2).strip())
    if len(active) == 1:
        return Relay(active[0], body.strip())
    return Ambiguous(tuple(sorted(active)))


def member_closes(body: str) -> bool:
    """True when a member's text in a conversation means "I am done talking"."""
    return _upper(body).rstrip(".! ") in _MEMBER_CLOSE


def staff_prefix(conversation_id: int, text: str) -> str:
    """Every text a volunteer gets about a conversation starts with its number."""
    return f"#{conversation_id}: {text}"


# Asking for a kind of peer: "TALK veteran", "talk to a veteran", "HABLAR con un joven".

_TALK = frozenset({"talk", "hablar"})
# Words around the tag that carry no meaning for it.
_TALK_FILLER = frozenset(
    {
        "to", "with", "a", "an", "someone", "somebody", "who", "is", "person", "peer",
        "volunteer", "please", "con", "un", "una", "alguien", "que", "sea", "persona",
        "voluntario", "voluntaria", "por", "favor",
    }
)  # fmt: skip
_TAG_WORDS = re.compile(r"^warm\.tags\.([a-z0-9_]+)\.words$")


def tag_vocabulary(catalogs: Iterable[Catalog]) -> dict[str, str]:
    """Map every word for a tag, in every language, to the tag: "veterano" -> "veterans"."""
    vocabulary: dict[str, str] = {}
    for words in catalogs:
        for key, listed in words.strings.items():
            if match := _TAG_WORDS.match(key):
                for word in tokenize(listed):
                    vocabulary.setdefault(word, match.group(1))
    return vocabulary


def talk_tag(body: str, vocabulary: Mapping[str, str]) -> str | None:
    """The tag a TALK text asks for ("TALK veteran" -> "veterans"); None: not such a text."""
    tokens = tokenize(body)
    if len(tokens) < 2 or tokens[0] not in _TALK:
        return None
    rest = [token for token in tokens[1:] if token not in _TALK_FILLER]
    tags = {vocabulary.get(token) for token in rest}
    if not 1 <= len(rest) <= 2 or len(tags) != 1 or None in tags:
        return None
    return tags.pop()


def tag_heard(words: str, vocabulary: Mapping[str, str]) -> str | None:
    """The first tag named anywhere in what a caller said ("talk to a veteran")."""
    return next((vocabulary[t] for t in tokenize(words) if t in vocabulary), None)
