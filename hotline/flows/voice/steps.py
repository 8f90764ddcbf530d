"""The voice menu's vocabulary: where a caller is, what they did, and what happens next."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from hotline.flows.catalog import Catalog
from hotline.flows.crisis.cues import Danger
from hotline.flows.digits import as_int, is_number
from hotline.flows.effects import Shared

LANGUAGE = "language"
MAIN = "main"
JOIN_CODE = "join_code"
JOIN_PIN = "join_pin"
CLOSED = "closed"
FIND_ZIP = "find_zip"
FIND_RESULTS = "find_results"
REMIND_CODE = "remind_code"
REMIND_CHOICE = "remind_choice"
REMINDER_CALL = "reminder_call"
# The warm line outside its hours: when it opens next, a call back, or the crisis line.
WARM_CLOSED = "warm_closed"
# After 2, when the line offers kinds of peer: 1 (or silence) anyone, 2... a tag.
WARM_TAG = "warm_tag"
MENUS = frozenset(
    {
        WARM_CLOSED,
        WARM_TAG,
        LANGUAGE,
        MAIN,
        JOIN_CODE,
        JOIN_PIN,
        CLOSED,
        FIND_ZIP,
        FIND_RESULTS,
        REMIND_CODE,
        REMIND_CHOICE,
        REMINDER_CALL,
    }
)
# Menus that take a number ended by `#` rather than one key.
NUMBER_MENUS = frozenset({JOIN_CODE, JOIN_PIN, FIND_ZIP, REMIND_CODE})
PIN_TRIES = 3
PAGE_SIZE = 3
CRISIS_KEY = "9"


@dataclass(frozen=True)
class VoiceState:
    """Where a caller is. It travels in action URLs, so it holds ids only, never a number."""

    menu: str = MAIN
    attempt: int = 0
    language: str = "en"
    meeting_id: int | None = None
    subscription_id: int | None = None
    results: tuple[int, ...] = ()
    page: int = 0

    def to_query(self) -> dict[str, str]:
        query = {"m": self.menu, "a": str(self.attempt), "l": self.language}
        if self.meeting_id is not None:
            query["mt"] = str(self.meeting_id)
        if self.subscription_id is not None:
            query["s"] = str(self.subscription_id)
        if self.results:
            query["r"] = "-".join(str(i) for i in self.results)
            query["p"] = str(self.page)
        return query

    @classmethod
    def from_query(cls, query: Mapping[str, str], languages: tuple[str, ...]) -> VoiceState:
        """Parse a step's query string; anything odd falls back to the main menu's defaults."""
        menu = query.get("m", MAIN)
        language = query.get("l", "")
        results = tuple(_int(i) or 0 for i in query.get("r", "").split("-") if is_number(i))
        return cls(
            menu=menu if menu in MENUS else MAIN,
            attempt=min(_int(query.get("a")) or 0, PIN_TRIES),
            language=language if language in languages else languages[0],
            meeting_id=_int(query.get("mt")),
            subscription_id=_int(query.get("s")),
            results=results[: PAGE_SIZE * 3],
            page=min(_int(query.get("p")) or 0, 2),
        )


def _int(value: str | None) -> int | None:
    # Ids go to INTEGER columns (32-bit on PostgreSQL): nine digits always fit.
    return as_int(value, max_digits=9)


@dataclass(frozen=True)
class Heard:
    """What a Gather posted: keypad digits, or speech (already checked for crisis words)."""

    digits: str = ""
    speech: str = ""
    crisis: bool = False
    danger: Danger = Danger.SUICIDE  # what the words showed, when `crisis`


@dataclass(frozen=True)
class MeetingFacts:
    id: int
    code: str
    name: str  # as the voice can say it (hotline.flows.names.spoken_name), never empty
    format: str
    member_pin: str | None = None
    host_pin: str | None = None
    open_now: bool = False
    # The next start, as words in the caller's language ("Tue 7:00pm").
    when: str = ""


@dataclass(frozen=True)
class Facts:
    """What the runner knows for this step."""

    catalog: Catalog
    languages: tuple[str, ...] = ("en",)
    can_text: bool = False
    # The meeting in the state, or the one a typed code named (None: no such meeting).
    meeting: MeetingFacts | None = None
    # Find results, in order (for FIND_ZIP after a search, or FIND_RESULTS).
    results: tuple[MeetingFacts, ...] = ()
    # For a reminder call: "in one hour" and the like.
    starts: str = ""
    language_words: Mapping[str, str] = field(default_factory=dict)
    # The warm line: open now (volunteers on shift), when it opens next as words ("" when no
    # shift is ever scheduled), and whether anyone on call could return a call.
    warm_open: bool = False
    warm_opens: str = ""
    can_call_back: bool = False
    # Kinds of peer: the sub-menu's tags in order, the tags of free volunteers on shift who
    # speak the caller's language, every word for a tag ("veterano" -> "veterans"), and the
    # tag the caller just named ("" when none; `handle` fills it from what they said).
    warm_tag_menu: tuple[str, ...] = ()
    warm_tags_free: frozenset[str] = frozenset()
    warm_vocabulary: Mapping[str, str] = field(default_factory=dict)
    warm_tag: str = ""


# What the runner must look up before `handle`.
@dataclass(frozen=True)
class CodeLookup:
    code: str


@dataclass(frozen=True)
class SearchLookup:
    zip_code: str = ""
    city: str = ""
    soonest: bool = False  # the phone meetings starting soonest ("0" at the ZIP prompt)


# What to say. A Line names a catalog key; `language` overrides the call's language.
@dataclass(frozen=True)
class Line:
    key: str
    values: tuple[tuple[str, str], ...] = ()
    language: str | None = None


@dataclass(frozen=True)
class Pause:
    seconds: int = 1


Said = Line | Pause


# How a step ends.
@dataclass(frozen=True)
class Ask:
    state: VoiceState


@dataclass(frozen=True)
class Hangup:
    pass


@dataclass(frozen=True)
class CrisisDial:
    pass


@dataclass(frozen=True)
class JoinRoom:
    meeting_id: int
    host: bool = False


@dataclass(frozen=True)
class DialBridge:
    meeting_id: int


@dataclass(frozen=True)
class EnterWarmLine:
    """Put the caller in the warm line's queue; volunteers on shift are rung."""

    # The kind of peer asked for: its volunteers are rung first. None: anyone.
    tag: str | None = None


Then = Ask | Hangup | CrisisDial | JoinRoom | DialBridge | EnterWarmLine


# Effects the runner applies: the voice line's own, and those it shares with SMS
# (hotline/flows/effects.py).
@dataclass(frozen=True)
class TextResults:
    meeting_ids: tuple[int, ...]


@dataclass(frozen=True)
class OpenCrisisCase:
    pass


Effect = TextResults | OpenCrisisCase | Shared


@dataclass(frozen=True)
class Step:
    said: tuple[Said, ...]
    then: Then
    effects: tuple[Effect, ...] = ()


def line(key: str, language: str | None = None, /, **values: object) -> Line:
    return Line(f"voice.{key}", tuple((k, str(v)) for k, v in values.items()), language)


def spell(code: str) -> str:
    """Say a code digit by digit, with a short pause between ("4, 8, 2, 1")."""
    return ", ".join(code)
