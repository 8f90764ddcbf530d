"""Coordinator and responder commands by SMS, and the escalation ladder: pure decisions."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from hotline.flows.schedule import local_label

LEVEL_ORDER = ("none", "concern", "talk", "crisis", "imminent")
DEFAULT_WAIT_MINUTES = 3


@dataclass(frozen=True)
class Ack:
    case_id: int


@dataclass(frozen=True)
class Done:
    case_id: int


@dataclass(frozen=True)
class CallBack:
    case_id: int


@dataclass(frozen=True)
class SetOncall:
    on: bool


@dataclass(frozen=True)
class Broadcast:
    code: str
    text: str


@dataclass(frozen=True)
class Confirm:
    pass


@dataclass(frozen=True)
class CancelMeeting:
    code: str


@dataclass(frozen=True)
class Usage:
    """A staff word without what it needs ("ACK" alone): answer with the command list."""


Command = Ack | Done | CallBack | SetOncall | Broadcast | Confirm | CancelMeeting | Usage

_NUMBERED: dict[str, Callable[[int], Command]] = {"ACK": Ack, "DONE": Done, "CALL": CallBack}
_NUMBER = r"#?\s*(\d{1,9})"
_BROADCAST, _CANCEL = "BROADCAST", "CANCEL"
# Every staff word that takes a number: ``keywords.is_keyword_and_number`` reads these too.
NUMBERED_WORDS = frozenset((*_NUMBERED, _BROADCAST, _CANCEL))
_NUMBERED_RE = re.compile(rf"^({'|'.join(_NUMBERED)})\s*{_NUMBER}[\s.!]*$")
_ONCALL_RE = re.compile(r"^ON\s*-?\s*CALL\s*(ON|OFF|YES|NO)?[\s.!]*$")
_BROADCAST_RE = re.compile(
    rf"^{_BROADCAST}\s*{_NUMBER}(?:[\s:,-]+(.*))?$", re.DOTALL | re.IGNORECASE
)
_CANCEL_RE = re.compile(rf"^{_CANCEL}\s*{_NUMBER}[\s.!]*$")
_YES = {"YES", "Y", "SI", "SÍ"}


def parse_command(body: str) -> Command | None:
    """Read a staff command, forgiving case and spacing; None means "not a staff command"."""
    text = " ".join(body.split())
    upper = text.upper()
    if upper.rstrip(".! ") in _YES:
        return Confirm()
    if match := _NUMBERED_RE.match(upper):
        return _NUMBERED[match.group(1)](int(match.group(2)))
    if upper.rstrip(".! ") in {"ACK", "DONE"}:
        return Usage()
    if match := _ONCALL_RE.match(upper):
        return SetOncall(on=match.group(1) in {"ON", "YES"}) if match.group(1) else Usage()
    # The broadcast text keeps its own case and line breaks.
    if match := _BROADCAST_RE.match(body.strip()):
        return Broadcast(code=match.group(1), text=(match.group(2) or "").strip())
    if upper.startswith("BROADCAST"):
        return Usage()
    if match := _CANCEL_RE.match(upper):
        return CancelMeeting(code=match.group(1))
    # "CANCEL" alone is a carrier opt-out word and "CALL 4821" joins a meeting: the member flow
    # answers those, so anything else is not ours.
    return None


def is_higher_level(new: str, old: str) -> bool:
    """Return whether level `new` is more urgent than `old`."""
    return _rank(new) > _rank(old)


def _rank(level: str) -> int:
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER)


@dataclass(frozen=True)
class Rung:
    """One step up the ladder: the tier to page and how long to wait for an ACK."""

    tier: int
    wait: dt.timedelta


def next_rung(*, tiers: Sequence[int], paged: int, waits: Sequence[int]) -> Rung | None:
    """Pick the tier after the last one paged; past the top, the top tier again. None: no tiers."""
    ladder = sorted(set(tiers))
    if not ladder:
        return None
    higher = [tier for tier in ladder if tier > paged]
    tier = higher[0] if higher else ladder[-1]
    return Rung(tier=tier, wait=wait_for(position=ladder.index(tier), waits=waits))


def wait_for(*, position: int, waits: Sequence[int]) -> dt.timedelta:
    """Return the ACK wait for the rung at `position`; rungs past the list use its last value."""
    minutes = waits[min(position, len(waits) - 1)] if waits else DEFAULT_WAIT_MINUTES
    return dt.timedelta(minutes=max(1, minutes))


def occurrence_label(when: dt.datetime, time_zone: str, language: str) -> str:
    """Return "Tue 3/5 7:00pm" (or "mar 5/3 19:00") for a meeting start, in its zone."""
    local = when.astimezone(ZoneInfo(time_zone))
    day, clock = local_label(when, time_zone, language).split(" ", 1)
    date = f"{local.day}/{local.month}" if language == "es" else f"{local.month}/{local.day}"
    return f"{day} {date} {clock}"
