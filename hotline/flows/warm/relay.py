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
from collections.abc import Sequence
from dataclasses import dataclass

from hotline.flows.sms.keywords import fold_accents


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

_TAKE = re.compile(r"^(?:TAKE|TOMAR|TOMO)\s*#?\s*(\d{1,9})[\s.!]*$")
_CLOSE = re.compile(r"^(?:END|BYE|ADIOS|FIN)\s*#?\s*(\d{1,9})?[\s.!]*$")
_CALL_VOICEMAIL = re.compile(r"^(?:CALL|LLAMAR)\s*V\s*#?\s*(\d{1,9})[\s.!]*$")
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
