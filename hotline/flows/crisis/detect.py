"""Crisis-risk detector for member messages in English and Spanish.

``Detector.assess`` normalises a message (case, accents, look-alike letters, leetspeak, letter
spacing, repeated letters), removes idioms and denials, then scores weighted cues. It is pure
and fast: a detector compiles its cue tables once, when it is built. The tables and the model
are data (``config/crisis_cues.toml``, ``config/crisis_model.json``), read and checked outside
the flows by ``hotline.crisis.detector``, which also holds the line's one detector.

Missing a crisis costs far more than a false alarm, so ambiguous wording leans towards
CONCERN or CRISIS; only idioms, topic talk and talk of the past pull a message down.

A small learned model (``crisis_model``, weights in ``config/crisis_model.json``) runs
alongside the cues: when the cues say NONE, or CONCERN from a weak risk cue, and
the model is confident, the message is raised to CRISIS (cue name ``model``) or at least
CONCERN (``model:weak``). A denial, or a distress word with no time or means beside it,
keeps the cues' verdict ("hopeless" alone is a concern; "hopeless, the pills are here" is the
model's to raise). The model lowers a level in one case only: a CRISIS (not IMMINENT) the
cues raised from words the model reads as plainly safe (probability under the model file's
``veto`` for the text's language, chosen on dev rows) becomes CONCERN (cue
``model:doubt``), so the person still gets the concern offer but nobody is paged for "wrote a
letter to my younger self". Without a model, a detector uses the cues only.
"""

from __future__ import annotations

import enum
import math
import re
import time
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import regex

from hotline.flows.crisis import model as crisis_model
from hotline.flows.crisis.cues import (
    WORD_CHARS,
    Cue,
    CueTables,
    Danger,
    Kind,
    first_chars,
    prepare,
    specialise,
    split_top_level,
)
from hotline.flows.crisis.spelling import Vocabulary, refine
from hotline.flows.language import reads_spanish
from hotline.flows.sms.keywords import is_bare_keyword, is_keyword_and_number, looks_spanish


class Level(enum.StrEnum):
    NONE = "none"
    CONCERN = "concern"
    CRISIS = "crisis"
    IMMINENT = "imminent"


@dataclass(frozen=True, slots=True)
class CrisisAssessment:
    score: float
    level: Level
    matched: tuple[str, ...]
    danger: Danger = Danger.SUICIDE  # the kind of danger, when it is a crisis

    @property
    def crisis(self) -> bool:
        """Tell whether the message needs the crisis reply (CRISIS or IMMINENT)."""
        return self.level in (Level.CRISIS, Level.IMMINENT)

    def as_json(self, text: str) -> dict[str, object]:
        """Return the object `hotline crisis-check` prints for one line."""
        return {
            "text": text,
            "crisis": self.crisis,
            "score": round(self.score, 3),
            "level": self.level.value,
            "danger": self.danger.value if self.crisis else None,
            "matched": list(self.matched),
        }


CRISIS_THRESHOLD = 0.5
CONCERN_THRESHOLD = 0.2
IMMINENT_FLOOR = 0.95
RECOVERY_FACTOR = 0.35  # how much a cue counts in a message that only looks back

MODEL_CUE = "model"
MODEL_WEAK_CUE = "model:weak"
MODEL_DOUBT_CUE = "model:doubt"
# The cues' scan of one text stopped at its time budget (``SCAN_SECONDS``): the verdict is what
# they had found by then, and the model's.
UNFINISHED_CUE = "cues:unfinished"
# The cues run on the ``regex`` engine, which bounds a match by time (Python's ``re`` cannot be
# stopped mid-match) and does not blow up where ``re`` backtracks exponentially: the two farewell
# cues session 24 fixed held ``re`` for minutes on one 90-character text, ``regex`` 16 ms. A normal
# text's scan takes well under a millisecond; this bounds a pathological one, which costs the
# event loop no more than this (``assess`` runs on it). It counts the thread's CPU time between
# matches (``time.thread_time``), so time spent waiting for the GIL behind busy lane threads,
# or for the CPU on a loaded machine, does not cut an ordinary text's scan short.
SCAN_SECONDS = 0.5
# A text of one of the training text's this many commonest words is never raised to CRISIS by
# the model alone (``_one_common_word``).
ONE_WORD_RANK = 1000
_NONE = CrisisAssessment(0.0, Level.NONE, ())


# --- the learned model ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Model:
    """Weights of the learned model, and the probabilities that raise a level (from CV)."""

    weights: Mapping[int, float]
    bias: float
    high: float  # at or above: CRISIS
    mid: float  # at or above: at least CONCERN
    # A head per danger other than suicide: (weights, bias) against suicide or self-harm.
    dangers: Mapping[Danger, tuple[Mapping[int, float], float]] = field(default_factory=dict)
    # (high, mid) for a language, from its own rows; others use the two above.
    languages: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    # Below this, a cues-only CRISIS (never IMMINENT) is lowered to CONCERN; 0 never lowers.
    veto: float = 0.0
    # The training text's words, most frequent first: run-together words are split into them.
    words: Vocabulary | None = None
    # A language's own veto, where it has one; others use ``veto``.
    vetoes: Mapping[str, float] = field(default_factory=dict)

    def veto_for(self, text: str, p: float) -> float:
        """The veto for the language the text is in; the language is read only when ``p``
        falls between the vetoes."""
        if not self.vetoes:
            return self.veto
        lowest = min(self.veto, *self.vetoes.values())
        highest = max(self.veto, *self.vetoes.values())
        if p >= highest:
            return lowest  # no language's veto lowers it
        if p < lowest:
            return highest  # every language's does
        return self.vetoes.get("es" if reads_spanish(text) else "en", self.veto)

    def thresholds(self, text: str, p: float | None = None) -> tuple[float, float]:
        """(high, mid) for the language the text is in. Given the text's probability ``p``, the
        language is not read when every language's cuts put ``p`` on the same side."""
        if self.languages:
            if p is not None and all(
                p >= max(cuts) or p < min(cuts)
                for cuts in zip(*self.languages.values(), strict=True)
            ):
                return next(iter(self.languages.values()))
            language = "es" if reads_spanish(text) else "en"
            if language in self.languages:
                return self.languages[language]
        return self.high, self.mid

    def probability(self, normalised_text: str) -> float:
        return crisis_model.probability(normalised_text, self.weights, self.bias)

    def danger(self, normalised_text: str) -> Danger:
        """The danger a text the model raised most likely shows.

        With a suicide head among the heads, the head with the highest margin wins (one
        against the rest each); without one, suicide unless a head reads its danger as likelier.
        """
        indices = crisis_model.features(normalised_text)
        best, best_margin = Danger.SUICIDE, 0.0 if Danger.SUICIDE not in self.dangers else -math.inf
        for danger, (weights, bias) in self.dangers.items():
            margin = crisis_model.margin(indices, weights, bias)
            if margin > best_margin:
                best, best_margin = danger, margin
        return best


def parse_model(raw: object) -> Model | None:
    """Build a model from a decoded model file; None if it is malformed (cues only, then)."""
    try:
        assert isinstance(raw, dict)
        if raw["buckets"] != crisis_model.BUCKETS:
            return None
        weights = _weights(raw["weights"])
        bias, high, mid = float(raw["bias"]), float(raw["high"]), float(raw["mid"])
        veto = float(raw.get("veto", 0.0))
        dangers = {
            Danger(name): (
                _weights(head["weights"]),
                float(head["bias"]),
            )
            for name, head in raw.get("dangers", {}).items()
        }
        languages = {
            str(code): (float(cuts["high"]), float(cuts["mid"]))
            for code, cuts in raw.get("languages", {}).items()
        }
        vetoes = {
            str(code): float(cuts["veto"])
            for code, cuts in raw.get("languages", {}).items()
            if "veto" in cuts
        }
        listed = raw.get("words")
        assert listed is None or (
            isinstance(listed, list) and all(isinstance(w, str) for w in listed)
        )
        words = None if listed is None else Vocabulary(listed)
    except (AssertionError, ValueError, TypeError, KeyError, AttributeError):
        return None
    heads = [
        value
        for head_weights, head_bias in dangers.values()
        for value in (head_bias, *head_weights.values())
    ]
    cuts = [(high, mid), *languages.values()]
    every_veto = (veto, *vetoes.values())
    values = (*every_veto, bias, *weights.values(), *heads, *(v for pair in cuts for v in pair))
    if not all(math.isfinite(v) for v in values) or not all(0.0 < m <= h <= 1.0 for h, m in cuts):
        return None
    if not all(0.0 <= v < min(m for _, m in cuts) for v in every_veto):
        return None
    return Model(weights, bias, high, mid, dangers, languages, veto, words, vetoes)


def _weights(raw: object) -> dict[int, float]:
    """Weights as the model file holds them: packed (``crisis_model.pack``) or index -> weight."""
    assert isinstance(raw, dict)
    if "gaps" in raw:
        return crisis_model.unpack(raw)
    return {int(index): float(w) for index, w in raw.items()}


# --- normalisation -------------------------------------------------------------------------

# Apostrophes go (can't -> cant); '#' is ours (clause break); look-alike letters become ASCII.
_TRANSLATE = str.maketrans(
    {
        "'": None,
        "\u2019": None,
        "\u2018": None,
        "\u02bc": None,
        "`": None,
        "\u00b4": None,
        "#": " ",
        "\u0430": "a",
        "\u0435": "e",
        "\u043e": "o",
        "\u0440": "p",
        "\u0441": "c",
        "\u0443": "y",
        "\u0445": "x",
        "\u0456": "i",
        "\u0458": "j",
        "\u0455": "s",
        "\u043a": "k",
        "\u043c": "m",
        "\u0442": "t",
        "\u043d": "h",
        "\u03bf": "o",
        "\u03b9": "i",
        "\u03b1": "a",
        "\u03b5": "e",
        "\u03ba": "k",
        "\u03bd": "v",
        "\u03c4": "t",
        "\u03c5": "u",
        "\u03c1": "p",
    }
)
# Combining marks (accents after NFKD), zero-width and direction marks, soft hyphen.
_INVISIBLE = re.compile(
    "[\u0300-\u036f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\u1ab0-\u1aff\u1dc0-\u1dff"
    "\u20d0-\u20ff\ufe20-\ufe2f\U000e0000-\U000e007f]"
)
# An accented "mató" is someone else's past act ("la clase me mató"), never "I kill myself".
_PAST_MATO = re.compile("mat(?:\u00f3|o\u0301)\\b")
_LEET_CHARS = "0-9@$!|"
# Three or more single characters split by spaces or punctuation: "k i l l", "k.m.s".
_SPACED = re.compile(
    rf"(?<![a-z0-9])(?:[a-z{_LEET_CHARS}][ .,:;_*~+/\\-]{{1,3}}){{2,}}[a-z{_LEET_CHARS}]"
    r"(?![a-z0-9])"
)
_SPACED_SEPARATORS = re.compile(r"[ .,:;_*~+/\\-]")
# Tokens holding a digit or symbol, matched from the token start only (linear on long words).
_LEET_TOKEN = re.compile(
    rf"(?<![a-z{_LEET_CHARS}])[a-z{_LEET_CHARS}]*[{_LEET_CHARS}][a-z{_LEET_CHARS}]*"
)
_LEET_HINT = re.compile(f"[{_LEET_CHARS}]")
_NUMBER_LIKE = re.compile(
    r"[0-9]+(?:st|nd|rd|th|am|pm|a|p|h|hr|hrs|m|min|mins|mg|ml|k|km|kms|kg|lb|lbs|s|x|yo|yr|yrs"
    r"|ish)?|.*[0-9]{3}.*"
)
_LEET = {"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
_TEXT_SPEAK_TO = re.compile(r"(?<=[a-z] )2(?= [a-z])")  # "want 2 die"
_CLAUSE = re.compile(r"[.!?;\n\r]+")
_NON_WORD = re.compile(r"[^a-z0-9#]+")
_REPEATS = re.compile(r"([a-z])\1+")
# "noose" would collapse into "nose", the Spanish "no se" run together (and an English nose):
# the rope keeps a spelling of its own, "noze", which ``cues.prepare`` gives patterns too.
_NOOSE = re.compile(r"\bno{2,}s")
# Text-speak and phone-keyboard spellings, spelled out so every cue sees the full word.
_TEXT_SPEAK = {
    "u": "you",
    "ur": "your",
    "b": "be",
    "r": "are",
    "wnat": "want",
    "wnt": "want",
    "wan": "want",
    "thru": "through",
    "rly": "really",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "2moro": "tomorrow",
    "ded": "dead",
    "aki": "aqui",
    "aca": "aqui",
    "kiero": "quiero",
    "qiero": "quiero",
    "kiere": "quiere",
    "kisiera": "quisiera",
    "kieres": "quieres",
    "xq": "porque",
    "pq": "porque",
    "q": "que",
}
_TEXT_SPEAK_WORD = re.compile(
    r"\b(?:" + "|".join(sorted(_TEXT_SPEAK, key=len, reverse=True)) + r")\b"
)


def normalise(text: str) -> str:
    """Reduce a message to lowercase ASCII words, '#' between clauses, one letter per run."""
    text = text.casefold()
    if text.isascii():  # the common case, and str.replace is much faster than translate
        text = text.replace("'", "").replace("`", "").replace("#", " ")
    else:
        text = _PAST_MATO.sub("mataba", text.translate(_TRANSLATE))
        text = _INVISIBLE.sub("", unicodedata.normalize("NFKD", text))
    text = _SPACED.sub(_glue, text)
    if _LEET_HINT.search(text):
        text = _TEXT_SPEAK_TO.sub("to", _LEET_TOKEN.sub(_unleet, text))
    text = _CLAUSE.sub(" # ", text)
    text = _NON_WORD.sub(" ", text)
    text = _TEXT_SPEAK_WORD.sub(_spell_out, text)
    if "oos" in text:
        text = _NOOSE.sub("noz", text)
    return _REPEATS.sub(r"\1", text).strip()


def _spell_out(match: re.Match[str]) -> str:
    return _TEXT_SPEAK[match.group()]


def _glue(match: re.Match[str]) -> str:
    return _SPACED_SEPARATORS.sub("", match.group())


def _unleet(match: re.Match[str]) -> str:
    token = match.group()
    core = token.rstrip("!|$@")
    if not any("a" <= ch <= "z" for ch in core) or _NUMBER_LIKE.fullmatch(core):
        return token
    out: list[str] = []
    for ch in core:
        if ch in "1|":
            # "k1ll" and "ki11" both mean kill: a 1 after i or l is an l.
            ch = "l" if out and out[-1] in "il" else "i"
        out.append(_LEET.get(ch, ch))
    return "".join(out) + token[len(core) :]


# --- cues ----------------------------------------------------------------------------------


class _Hit(NamedTuple):
    cue: Cue
    start: int
    end: int


class _Bucket:
    """The alternatives that can start with one letter, tried in order, first match wins."""

    def __init__(self, alternatives: list[tuple[Cue, str]]) -> None:
        self._cues = [cue for cue, _ in alternatives]
        # No groups in the fast union, so the engine skips an alternative on its first letter;
        # the named union only runs on a hit, to tell which cue it was.
        self._fast = regex.compile("|".join(f"(?:{pattern})" for _, pattern in alternatives))
        self._named = regex.compile(
            "|".join(f"(?P<a{n}>{pattern})" for n, (_, pattern) in enumerate(alternatives))
        )

    def match(self, text: str, start: int, seconds: float | None) -> _Hit | None:
        """The first alternative matching at ``start``; TimeoutError past ``seconds``."""
        if not self._fast.match(text, start, timeout=seconds):
            return None
        found = self._named.match(text, start, timeout=seconds)
        if found is None:  # pragma: no cover - both unions hold the same alternatives
            return None
        return _Hit(self._cues[int(str(found.lastgroup)[1:])], start, found.end())


class _Scanner:
    """Find cues at word starts, trying only the alternatives that can begin with that letter.

    Each word gets at most one cue: the first in table order that matches there, so with
    the strongest cues first a weak cue never hides a strong one.
    """

    def __init__(self, cues: tuple[Cue, ...]) -> None:
        self._buckets = {char: _bucket(cues, char) for char in WORD_CHARS}

    def scan(self, text: str, deadline: float | None = None) -> tuple[list[_Hit], bool]:
        """Every hit in normalised text, in order, and whether the scan finished before
        ``deadline`` (``time.thread_time``; None: no limit); if not, the hits found until then."""
        hits: list[_Hit] = []
        for word in _WORD_START.finditer(text):
            start = word.start()
            bucket = self._buckets[text[start]]
            if bucket:
                left = None if deadline is None else max(0.0, deadline - time.thread_time())
                try:
                    hit = bucket.match(text, start, left)
                except TimeoutError:
                    return hits, False
                if hit:
                    hits.append(hit)
        return hits, True


def _bucket(cues: tuple[Cue, ...], char: str) -> _Bucket | None:
    alternatives = [
        (cue, specialise(alternative, char))
        for cue in cues
        for alternative in split_top_level(prepare(cue.pattern))
        if char in (first_chars(alternative) or WORD_CHARS)
    ]
    return _Bucket(alternatives) if alternatives else None


_WORD_START = re.compile(r"\b[a-z0-9]")
_SPACES = re.compile(r"  +")
_CLAUSE_MARKS = re.compile(r"(?: ?# ?)+")
_LEADING_MARKS = re.compile(r"^[ #]+|[ #]+$")
_SCREENS = (Kind.IDIOM, Kind.NEGATED)
_SCORED = (Kind.IDEATION, Kind.ATTEMPT, Kind.FAREWELL, Kind.DISTRESS, Kind.NEGATED)
_LOOKING_BACK = (Kind.IDEATION, Kind.ATTEMPT, Kind.FAREWELL)
# A distress word is "concern, not crisis" for the model too, unless a time or a means is named.
_URGENT = frozenset((Kind.TIME, Kind.MEANS))


# --- scoring -------------------------------------------------------------------------------


class Detector:
    """The cue tables, compiled, and the learned model: everything `assess` needs."""

    def __init__(
        self,
        cues: CueTables,
        model: Model | None = None,
        words: Vocabulary | None = None,
        scan_seconds: float = SCAN_SECONDS,
    ) -> None:
        self.cues = cues
        self.model = model
        self.scan_seconds = scan_seconds
        # Run-together words are split into these (``spelling.refine``); the model's by default.
        self.words = words if words is not None or model is None else model.words
        # Idioms and denials share a scanner with the risk cues: at a word, the first wins.
        self._lead = _Scanner(cues.screen + cues.main)
        # Means, times and context only matter once a risk cue is found, and may share words.
        self._extra = _Scanner(cues.modifier + cues.context)
        self.cue_names = cues.names | {MODEL_CUE, MODEL_WEAK_CUE, MODEL_DOUBT_CUE, UNFINISHED_CUE}
        self._small_talk = (
            re.compile(rf"(?<![a-z0-9])(?:{prepare(cues.small_talk)})(?![a-z0-9])")
            if cues.small_talk
            else None
        )

    def evidence(self, normal: str) -> str:
        """What the learned model reads of a normalised text: all but its small talk.

        "ok bye" leaves nothing, so the model alone never raises an ordinary goodbye; a
        goodbye with finality ("goodbye forever, this is my last text") is the cues' to read.
        """
        if self._small_talk is None:
            return normal
        kept = _CLAUSE_MARKS.sub(" # ", self._small_talk.sub(" ", normal))
        return _LEADING_MARKS.sub("", _SPACES.sub(" ", kept)).strip()

    def normalise(self, text: str) -> str:
        """The text the cues and the model read: ``normalise``, then ``spelling.refine``."""
        return refine(normalise(text), self.words, _reads_spanish)

    def assess(self, text: str) -> CrisisAssessment:
        """Assess one message for crisis risk."""
        return _assess(self, text)

    def without_model(self) -> Detector:
        """The same cues, reading the same text, with no model: what the cues alone say."""
        return Detector(self.cues, None, self.words, self.scan_seconds)


def _reads_spanish(spelled: str) -> bool:
    """Whether a text, its Spanish abbreviations spelled out, is Spanish: two Spanish words at
    least, so "i have a toy" is not "i have a estoy"."""
    return looks_spanish(spelled, at_least=2)


def _assess(detector: Detector, text: str) -> CrisisAssessment:
    normal = detector.normalise(text)
    deadline = time.thread_time() + detector.scan_seconds
    lead, finished = detector._lead.scan(normal, deadline)
    screens = [hit for hit in lead if hit.cue.kind in _SCREENS]
    hits = _unscreened(lead, screens)
    if not any(hit.cue.kind in _SCORED for hit in hits):
        cues = _NONE if finished else CrisisAssessment(0.0, Level.NONE, (UNFINISHED_CUE,))
        return _with_model(detector, text, normal, cues)  # most messages stop here
    extra, more = detector._extra.scan(normal, deadline) if finished else ([], False)
    finished = finished and more
    hits += _unscreened(extra, screens)
    kinds = {hit.cue.kind for hit in hits}
    looking_back = Kind.PAST in kinds and Kind.PRESENT not in kinds
    weights: dict[str, float] = {}
    for hit in hits:
        if hit.cue.kind not in (Kind.PAST, Kind.PRESENT):
            weights.setdefault(hit.cue.name, _weight(hit.cue, looking_back))
    if looking_back and kinds & set(_LOOKING_BACK):
        weights["context:past"] = 0.0
    if not finished:
        weights[UNFINISHED_CUE] = 0.0
    score = _noisy_or(weights.values())
    level = _level(hits, weights, score)
    if level is Level.IMMINENT:
        score = max(score, IMMINENT_FLOOR)
    named = _danger(hits)
    verdict = CrisisAssessment(round(score, 4), level, tuple(weights), named or Danger.SUICIDE)
    if Kind.NEGATED in kinds or (Kind.DISTRESS in kinds and not kinds & _URGENT):
        return verdict  # a denial, or distress alone: the cues' "concern, not crisis" stands
    return _with_model(detector, text, normal, verdict, named)


def _with_model(
    detector: Detector,
    text: str,
    normal: str,
    cues: CrisisAssessment,
    named: Danger | None = None,
) -> CrisisAssessment:
    """Raise a NONE or CONCERN verdict when the learned model is confident; lower a cues-only
    CRISIS to CONCERN when it reads the text as plainly safe (``Model.veto``); never IMMINENT.

    The model reads only the text's evidence (``Detector.evidence``): a text of small talk
    alone ("bye", "ok gracias") is never raised by it.
    """
    model = detector.model
    vetoes = model is not None and (model.veto or any(model.vetoes.values()))
    if model is None or cues.level is Level.IMMINENT or (cues.crisis and not vetoes):
        return cues
    if is_keyword_and_number(text) or is_bare_keyword(text):
        # One of the line's keywords and its code or case number ("LEAVE 4821", "DONE 14") is
        # a command: the model, trained on sentences, read some of them as crisis by their
        # digits' n-grams (4 in 10 "LEAVE" codes, 134 of 10,000 "DONE" case numbers). The cues
        # alone judge it. Any other word and a number ("pills 40", "took 30") is the model's.
        # So is a keyword alone: session 26's model read "END" and "revoke" (opt-out words) as
        # crisis.
        return cues
    normal = detector.evidence(normal)
    if not normal:
        return cues
    p = model.probability(normal)
    if cues.crisis:
        if p >= model.veto_for(text, p):
            return cues
        score = min(cues.score, CRISIS_THRESHOLD - 0.01)
        return CrisisAssessment(score, Level.CONCERN, (*cues.matched, MODEL_DOUBT_CUE))
    high, mid = model.thresholds(text, p)
    if p >= high and not _one_common_word(detector, normal):
        score = max(cues.score, CRISIS_THRESHOLD, round(p, 4))
        # A kind the cues named (from a cue too weak to raise the level alone) beats the heads'
        # guess: on the held-back halves of F and G the cues' kinds were right far more often.
        if named is None or named is Danger.SUICIDE:
            named = model.danger(normal)
        return CrisisAssessment(score, Level.CRISIS, (*cues.matched, MODEL_CUE), named)
    if p >= mid and cues.level is Level.NONE:
        score = max(cues.score, CONCERN_THRESHOLD)
        return CrisisAssessment(score, Level.CONCERN, (*cues.matched, MODEL_WEAK_CUE))
    return cues


def _one_common_word(detector: Detector, evidence: str) -> bool:
    """Whether a text's evidence is one common word ("alone", "why", "tonight", "gone"): the
    model may raise it to CONCERN, never alone to CRISIS (the cues still may). One word gives
    the model a handful of n-grams to read; session 26's model read "why", "alone" and
    "tonight" alone as crisis. Common: among the training text's ``ONE_WORD_RANK`` most
    frequent words. A run-together text ("iwannadie", rank 2,941) is read as any other; on the
    dev rows every crisis the model raised from one word was one of those."""
    words = detector.words
    if words is None or " " in evidence:
        return False
    rank = words.rank(evidence)
    return rank is not None and rank < ONE_WORD_RANK


def _danger(hits: list[_Hit]) -> Danger | None:
    """The danger of the strongest risk cue (first in table order among equals); None: none."""
    scored = [hit.cue for hit in hits if hit.cue.kind in _LOOKING_BACK]
    if not scored:
        return None
    return max(scored, key=lambda cue: cue.weight).danger


def _unscreened(hits: list[_Hit], screens: list[_Hit]) -> list[_Hit]:
    """Drop idioms, and every cue that overlaps an idiom or a denial."""
    return [
        hit
        for hit in hits
        if hit.cue.kind is not Kind.IDIOM
        and (hit.cue.kind is Kind.NEGATED or not _overlaps(hit, screens))
    ]


def _overlaps(hit: _Hit, screens: list[_Hit]) -> bool:
    return any(hit.start < s.end and s.start < hit.end for s in screens)


def _weight(cue: Cue, looking_back: bool) -> float:
    return (
        cue.weight * RECOVERY_FACTOR if looking_back and cue.kind in _LOOKING_BACK else cue.weight
    )


def _noisy_or(weights: Iterable[float]) -> float:
    keep = 1.0
    for weight in weights:
        keep *= 1.0 - weight
    return 1.0 - keep


def _level(hits: list[_Hit], weights: dict[str, float], score: float) -> Level:
    def strong(*kinds: Kind) -> bool:
        return any(h.cue.kind in kinds and weights[h.cue.name] >= CRISIS_THRESHOLD for h in hits)

    urgent = any(h.cue.kind in (Kind.TIME, Kind.MEANS, Kind.FAREWELL) for h in hits)
    if strong(Kind.ATTEMPT) or (strong(Kind.IDEATION, Kind.FAREWELL) and urgent):
        return Level.IMMINENT
    denied = any(h.cue.kind is Kind.NEGATED for h in hits)
    if score >= CRISIS_THRESHOLD and not (denied and not strong(*_LOOKING_BACK)):
        return Level.CRISIS  # a denial with only weak cues beside it stays a concern
    if score >= CONCERN_THRESHOLD:
        return Level.CONCERN
    return Level.NONE
