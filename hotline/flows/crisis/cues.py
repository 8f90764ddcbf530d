"""Cues for the crisis detector: what a cue is, and how a cue file becomes tables.

The cues themselves are data, in ``config/crisis_cues.toml`` (read by
``hotline.crisis.detector``; ``parse_cues`` here checks and builds them). Patterns are written
against the text that ``crisis.normalise`` produces: lowercase ASCII letters and digits, single
spaces, ``#`` between clauses, no apostrophes (``dont``, ``im``), no accents (``mas``, ``dano``).
Two rules are applied to every pattern by ``prepare``, as
the normaliser applies them to the text, so patterns keep their natural spelling:

* runs of one letter collapse to one (``kill`` matches ``kil``, ``killll`` and ``kil``);
* a space matches one optional space (``k i l l m y s e l f`` is glued into ``killmyself``).

Patterns hold no capturing groups. Names never contain message text.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass

import regex


class Kind(enum.Enum):
    IDEATION = "ideation"  # thoughts, wishes or intent of suicide or self-harm
    ATTEMPT = "attempt"  # an act under way or just done: imminent on its own
    FAREWELL = "farewell"  # goodbye notes and last words: ideation and a time cue at once
    DISTRESS = "distress"  # weak on its own: concern, not crisis
    NEGATED = "negated"  # "I'm not suicidal": concern, not crisis
    MEANS = "means"  # a method named: raises ideation to imminent
    TIME = "time"  # now, tonight, goodbye: raises ideation to imminent
    IDIOM = "idiom"  # "dying to join": whatever it overlaps is not a cue
    PAST = "past"  # "years ago": the message may only look back
    PRESENT = "present"  # "again", "tonight": it does not only look back


class Danger(enum.StrEnum):
    """The kind of danger a crisis text shows: each gets its own help."""

    SUICIDE = "suicide"  # suicide or self-harm
    MEDICAL = "medical"  # an overdose, a poisoning, a medical emergency
    VIOLENCE = "violence"  # violence from someone else
    OTHERS = "others"  # danger to others


@dataclass(frozen=True, slots=True)
class Cue:
    name: str
    weight: float
    kind: Kind
    pattern: str
    danger: Danger = Danger.SUICIDE


_PATTERN_REPEATS = re.compile(r"(?<!\\)([a-z])\1+")
_PATTERN_NOOSE = re.compile(r"(?:(?<=\\b)|(?<![a-z\\]))no{2,}s")


def prepare(pattern: str) -> str:
    """Apply the normaliser's letter collapse and glued-word rule to a pattern.

    As in ``crisis.normalise``, "noose" is spelled "noze" first, so it never collapses into
    "nose" (the Spanish "no se" written as one word).
    """
    pattern = _PATTERN_NOOSE.sub("noz", pattern)
    return _PATTERN_REPEATS.sub(r"\1", pattern).replace(" ", " ?")


# --- reading patterns: which letters can a cue start with --------------------------------

WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def split_top_level(pattern: str) -> list[str]:
    """Split a pattern at the '|' that are outside every group and character class."""
    parts, start, depth, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*parts, pattern[start:]]


def first_chars(pattern: str) -> frozenset[str] | None:
    """Return the characters a match of `pattern` can start with, or None when unsure."""
    body = pattern.removeprefix(r"\b")
    if not body:
        return None
    if body[0] in WORD_CHARS:
        return None if _optional_at(body, 1) else frozenset(body[0])
    if body.startswith("(?:"):
        return _group_first_chars(body)
    if body.startswith("[") and "]" in body:
        end = body.index("]")
        return None if _optional_at(body, end + 1) else _class_chars(body[1:end])
    return None


def _optional_at(pattern: str, i: int) -> bool:
    return pattern[i : i + 1] in ("?", "*") or pattern[i : i + 2] == "{0"


def _group_first_chars(body: str) -> frozenset[str] | None:
    end = _closing_paren(body)
    sets = [first_chars(alt) for alt in split_top_level(body[3:end])]
    if end < 0 or any(chars is None for chars in sets):
        return None
    found = frozenset().union(*[chars for chars in sets if chars is not None])
    if _optional_at(body, end + 1):
        rest = first_chars(body[end + 2 :])
        return None if rest is None else found | rest
    return found


def _closing_paren(body: str) -> int:
    depth, i, in_class = 0, 0, False
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            i += 1
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch in "()":
            depth += 1 if ch == "(" else -1
            if depth == 0:
                return i
        i += 1
    return -1


def _class_chars(spec: str) -> frozenset[str] | None:
    if not spec or spec[0] == "^" or "\\" in spec:
        return None
    chars: set[str] = set()
    i = 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            chars.update(chr(c) for c in range(ord(spec[i]), ord(spec[i + 2]) + 1))
            i += 3
        else:
            chars.add(spec[i])
            i += 1
    return frozenset(chars)


def specialise(pattern: str, char: str) -> str:
    """Drop the leading alternatives of `pattern` that cannot start with `char`.

    ``(?:going to|want to|will) end it`` becomes ``(?:going to) end it`` for "g": the regex
    engine then walks one branch instead of all of them at every word starting with "g".
    """
    body = pattern.removeprefix(r"\b")
    end = _closing_paren(body) if body.startswith("(?:") else -1
    if end < 0 or _optional_at(body, end + 1):
        return body
    kept = [
        specialise(alt, char)
        for alt in split_top_level(body[3:end])
        if char in (first_chars(alt) or WORD_CHARS)
    ]
    return f"(?:{'|'.join(kept)}){body[end + 1 :]}"


# --- cue tables as data (config/crisis_cues.toml) -----------------------------------------


class CueFileError(ValueError):
    """A cue file the detector cannot use; the message is one line naming the problem."""


@dataclass(frozen=True, slots=True)
class CueEntry:
    """One cue as written in the file, with the texts it must and must not match."""

    cue: Cue
    examples: tuple[str, ...]
    counter_examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CueTables:
    """The cues the detector scans for, by the role each plays, in file order."""

    screen: tuple[Cue, ...]  # idioms and denials
    main: tuple[Cue, ...]  # risk cues (ideation, attempt, farewell, distress)
    modifier: tuple[Cue, ...]  # means and times
    context: tuple[Cue, ...]  # past and present
    entries: tuple[CueEntry, ...]
    # Words that are no evidence for the learned model ("ok", "bye", "gracias"): one pattern,
    # matched as whole words; what is left is all the model reads. None: the model reads all.
    small_talk: str | None = None
    small_talk_examples: tuple[str, ...] = ()

    @property
    def names(self) -> frozenset[str]:
        return frozenset(cue.name for cue in self.screen + self.main + self.modifier + self.context)


_ROLE = {
    Kind.IDIOM: "screen",
    Kind.NEGATED: "screen",
    Kind.MEANS: "modifier",
    Kind.TIME: "modifier",
    Kind.PAST: "context",
    Kind.PRESENT: "context",
}
_REFERENCE = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
_CUE_KEYS = frozenset(
    {"name", "kind", "weight", "danger", "patterns", "examples", "counter_examples"}
)
_MAX_DEPTH = 8


def parse_cues(data: Mapping[str, object]) -> CueTables:
    """Check a decoded cue file and build the tables; raise CueFileError on the first fault."""
    fragments = data.get("fragments", {})
    raw_cues = data.get("cue")
    if not isinstance(fragments, dict) or not all(isinstance(v, str) for v in fragments.values()):
        raise CueFileError("[fragments] must map names to patterns")
    if not isinstance(raw_cues, list) or not raw_cues:
        raise CueFileError("no [[cue]] entries")
    extra = set(data) - {"fragments", "cue", "small_talk"}
    if extra:
        raise CueFileError(f"unknown table {sorted(extra)[0]!r}")
    roles: dict[str, list[Cue]] = {"screen": [], "main": [], "modifier": [], "context": []}
    entries: list[CueEntry] = []
    seen: set[str] = set()
    for number, raw in enumerate(raw_cues, start=1):
        entry = _entry(raw, fragments, number)
        if entry.cue.name in seen:
            raise CueFileError(f"cue {number}: name {entry.cue.name!r} is used twice")
        seen.add(entry.cue.name)
        roles[_ROLE.get(entry.cue.kind, "main")].append(entry.cue)
        entries.append(entry)
    small_talk, small_talk_examples = _small_talk(data.get("small_talk"), fragments)
    return CueTables(
        tuple(roles["screen"]),
        tuple(roles["main"]),
        tuple(roles["modifier"]),
        tuple(roles["context"]),
        tuple(entries),
        small_talk,
        small_talk_examples,
    )


def _small_talk(raw: object, fragments: Mapping[str, str]) -> tuple[str | None, tuple[str, ...]]:
    """Check the [small_talk] table: patterns (whole words) and examples made of them only."""
    if raw is None:
        return None, ()
    where = "[small_talk]"
    if not isinstance(raw, dict) or set(raw) != {"patterns", "examples"}:
        raise CueFileError(f"{where} must have patterns and examples, nothing else")
    patterns = [_expand(pattern, fragments, where) for pattern in _texts(raw, "patterns", where)]
    pattern = "|".join(f"(?:{one})" for one in patterns)
    _check_pattern(pattern, where)
    return pattern, _texts(raw, "examples", where)


def _check_pattern(pattern: str, where: str) -> None:
    try:
        compiled = regex.compile(prepare(pattern))  # the engine the detector runs them on
    except regex.error as exc:
        raise CueFileError(f"{where}: bad pattern ({exc})") from None
    if compiled.groups:
        raise CueFileError(f"{where}: a pattern has a capturing group; use (?:...)")


def _entry(raw: object, fragments: Mapping[str, str], number: int) -> CueEntry:
    if not isinstance(raw, dict):
        raise CueFileError(f"cue {number} is not a table")
    unknown = set(raw) - _CUE_KEYS
    if unknown:
        raise CueFileError(f"cue {number}: unknown key {sorted(unknown)[0]!r}")
    name, kind, weight = raw.get("name"), raw.get("kind"), raw.get("weight")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_:]*", name):
        raise CueFileError(f"cue {number}: name must be lowercase letters, digits, '_' or ':'")
    where = f"cue {name!r}"
    try:
        cue_kind = Kind(kind)
        danger = Danger(raw.get("danger", Danger.SUICIDE.value))
    except ValueError as exc:
        raise CueFileError(f"{where}: {exc}") from None
    if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 <= weight <= 1:
        raise CueFileError(f"{where}: weight must be a number from 0 to 1")
    patterns = _texts(raw, "patterns", where)
    examples = _texts(raw, "examples", where)
    counter_examples = _texts(raw, "counter_examples", where)
    expanded = [_expand(pattern, fragments, where) for pattern in patterns]
    for pattern in expanded:
        _check_pattern(pattern, where)
    cue = Cue(name, float(weight), cue_kind, "|".join(expanded), danger)
    return CueEntry(cue, examples, counter_examples)


def _texts(raw: Mapping[str, object], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise CueFileError(f"{where}: {key} must be a non-empty list of texts")
    return tuple(value)


def _expand(pattern: str, fragments: Mapping[str, str], where: str, depth: int = 0) -> str:
    if depth > _MAX_DEPTH:
        raise CueFileError(f"{where}: fragments refer to each other in a loop")

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in fragments:
            raise CueFileError(f"{where}: unknown fragment {{{name}}}")
        return _expand(fragments[name], fragments, where, depth + 1)

    return _REFERENCE.sub(one, pattern)
