from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from hotline.crisis.detector import assess, detector
from hotline.flows.crisis import detect as crisis
from hotline.flows.crisis.cues import Cue, first_chars, prepare, specialise
from hotline.flows.crisis.detect import CrisisAssessment, Level, normalise

CUES = detector().cues
CUE_NAMES = detector().cue_names

LABELLED = Path(__file__).resolve().parent.parent / "data" / "crisis_labelled.tsv"


def _labelled() -> list[tuple[str, str, str]]:
    lines = LABELLED.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "label\tlang\ttext"
    rows = [line.split("\t", 2) for line in lines[1:] if line]
    return [(label, lang, text) for label, lang, text in rows]


def test_labelled_set_is_big_bilingual_and_well_formed() -> None:
    rows = _labelled()
    assert len(rows) >= 360
    assert {label for label, _, _ in rows} == {"0", "1"}
    assert {(label, lang) for label, lang, _ in rows} == {
        ("0", "en"),
        ("0", "es"),
        ("1", "en"),
        ("1", "es"),
    }
    texts = [text for _, _, text in rows]
    assert len(set(texts)) == len(texts)


def test_recall_and_false_alarms_on_the_labelled_set() -> None:
    rows = _labelled()
    positives = [text for label, _, text in rows if label == "1"]
    negatives = [text for label, _, text in rows if label == "0"]
    misses = [text for text in positives if not assess(text).crisis]
    alarms = [text for text in negatives if assess(text).crisis]
    recall = 1 - len(misses) / len(positives)
    false_alarm = len(alarms) / len(negatives)
    print(f"recall {recall:.3f} of {len(positives)}; false alarms {false_alarm:.3f}")
    assert recall >= 0.97, f"recall {recall:.3f}; missed: {misses}"
    assert false_alarm <= 0.05, f"false alarms {false_alarm:.3f}: {alarms}"


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # direct statements
        ("I want to kill myself", Level.CRISIS),
        ("me quiero matar", Level.CRISIS),
        ("quiero morirme", Level.CRISIS),
        # indirect ones
        ("everyone would be better off without me", Level.CRISIS),
        ("I can't do this anymore", Level.CRISIS),
        ("no reason to live", Level.CRISIS),
        ("ya no puedo más", Level.CRISIS),
        ("ya no puedo mas", Level.CRISIS),
        # plan or means with a time: imminent
        ("i'm going to end it tonight", Level.IMMINENT),
        ("I have a bottle of pills and I'm going to take them all tonight", Level.IMMINENT),
        ("I'm standing on the bridge and I want to die", Level.IMMINENT),
        ("voy a matarme esta noche", Level.IMMINENT),
        ("quiero morir esta noche", Level.IMMINENT),
        # an act under way or a goodbye note: imminent on its own
        ("took about 30 of my sleeping pills an hour ago", Level.IMMINENT),
        ("the gun is loaded and it's on my lap", Level.IMMINENT),
        ("i wrote letters to my kids and my mom. goodbye", Level.IMMINENT),
        ("me tomé 20 pastillas hace una hora", Level.IMMINENT),
        # disguises
        ("k i l l  m y s e l f", Level.CRISIS),
        ("k.m.s", Level.CRISIS),
        ("kms", Level.CRISIS),
        ("su1c1de is the only way out", Level.CRISIS),
        ("i want to kil myself", Level.CRISIS),
        ("I w@nt to k!ll mys3lf", Level.CRISIS),
        ("im gonna unalive myself", Level.CRISIS),
        ("sewerslide", Level.CRISIS),
        ("KILL MYSELF", Level.CRISIS),
        ("i wanttt to dieeee", Level.CRISIS),
        ("ｋｉｌｌ ｍｙｓｅｌｆ", Level.CRISIS),
        ("k\u200bi\u200bl\u200bl myself", Level.CRISIS),
        # weak or denied: concern, not crisis
        ("I'm not suicidal, I just need someone to talk to", Level.CONCERN),
        ("I don't want to die", Level.CONCERN),
        ("I feel hopeless about finding a job", Level.CONCERN),
        ("kys", Level.CONCERN),
        ("i used to want to die but the group helped me", Level.CONCERN),
        ("Two years ago I tried to kill myself. Today I'm celebrating being alive", Level.CONCERN),
        # ordinary support-group talk
        ("the meeting about suicide prevention", Level.NONE),
        ("I'm dying to join", Level.NONE),
        ("this homework is killing me", Level.NONE),
        ("my feet are killing me", Level.NONE),
        ("I killed it at work", Level.NONE),
        ("suicide awareness walk", Level.NONE),
        ("my brother died by suicide last year and the group helped", Level.NONE),
        ("I could kill for a coffee", Level.NONE),
        ("dead tired", Level.NONE),
        ("me muero de risa", Level.NONE),
        ("me mata el calor", Level.NONE),
        ("the meeting is 5 kms from my house", Level.NONE),
        ("FIND 94110", Level.NONE),
        ("REMIND 4821", Level.NONE),
    ],
)
def test_levels(text: str, level: Level) -> None:
    assert assess(text).level is level


@pytest.mark.parametrize(
    ("text", "cues"),
    [
        ("i'm going to end it tonight", {"end_it", "time:tonight"}),
        ("I want to kill myself with pills", {"kill_self", "means:pills"}),
        ("quiero morirme", {"es:quiero_morir"}),
        ("I'm not suicidal", {"negated"}),
        ("i used to want to die", {"want_to_die", "context:past"}),
    ],
)
def test_matched_names_the_cues(text: str, cues: set[str]) -> None:
    assert set(assess(text).matched) == cues


def test_crisis_is_true_from_crisis_level_up() -> None:
    for level in Level:
        expected = level in (Level.CRISIS, Level.IMMINENT)
        assert CrisisAssessment(0.5, level, ()).crisis is expected


def test_score_follows_level() -> None:
    for text in ("FIND 94110", "kys", "I want to kill myself", "gonna od tonight"):
        found = assess(text)
        assert 0.0 <= found.score <= 1.0
    assert assess("FIND 94110").score == 0.0
    assert assess("kys").score < crisis.CRISIS_THRESHOLD <= assess("kill myself").score
    assert assess("gonna od tonight").score >= crisis.IMMINENT_FLOOR


def test_as_json_is_the_cli_line() -> None:
    text = "I want to kill myself"
    line = json.loads(json.dumps(assess(text).as_json(text)))
    assert line == {
        "text": text,
        "crisis": True,
        "score": 0.9,
        "level": "crisis",
        "danger": "suicide",
        "matched": ["kill_self"],
    }
    calm = json.loads(json.dumps(assess("see you thursday").as_json("see you thursday")))
    assert calm["danger"] is None and calm["crisis"] is False


def test_matched_never_holds_the_message() -> None:
    secret = "zqxv-4821-private"
    for _, _, text in _labelled():
        for message in (text, f"{text} {secret}"):
            matched = assess(message).matched
            assert set(matched) <= CUE_NAMES
            joined = " ".join(matched)
            assert secret not in joined
            assert len(message) < 8 or message.casefold() not in joined


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("Más", "mas"),
        ("I'm", "im"),
        ("k.m.s", "kms"),
        ("k i l l  m y s e l f", "kilmyself"),
        ("su1c1de", "suicide"),
        ("ki11", "kil"),
        ("$uicide", "suicide"),
        ("at 3am or 10pm, 100mg", "at 3am or 10pm 100mg"),
        ("help! now", "help # now"),
        ("dieeee", "die"),
        ("ＫＩＬＬ", "kil"),
        ("k\u200bill\u200f", "kil"),
        ("want 2 die", "want to die"),
        ("nose q hacer", "nose que hacer"),  # "no se", never the rope
        ("a noooose", "a noze"),
    ],
)
def test_normalise(text: str, normal: str) -> None:
    assert normalise(text) == normal


ODD_INPUTS = [
    "",
    " ",
    "\x00" * 1000,
    "\u200b\u200c\u200d\ufeff" * 250,
    "\u202e\u200f\u061c" * 300,
    "😭💀🔥🙏🏽👩‍👩‍👧" * 200,
    "\U0001d424\U0001d422\U0001d425\U0001d425",
    "\ud800",  # a lone surrogate
    "ß" * 1000,
    "٠١٢٣٤٥٦٧٨٩",
    "\n\r\t" * 300,
    "#" * 1000,
    "a" * 100_000,
    "ab" * 50_000,
    "a " * 50_000,
    "k1" * 50_000,
    "1" * 100_000,
    "lost " + "x" * 100_000,
    ". " * 50_000,
    "I want to kill myself " * 4_600,
    "😭 me muero 😭 " * 8_000,
]


@pytest.mark.parametrize("text", ODD_INPUTS, ids=range(len(ODD_INPUTS)))
def test_odd_input_is_quick_and_never_raises(text: str) -> None:
    # CPU time, not the wall clock: a regex that backtracks burns CPU, while a machine busy with
    # other work only stretches the wall clock (it did, to 3.9 s, for a 0.3 s assessment).
    started = time.process_time()
    found = assess(text)
    assert time.process_time() - started < 2.0
    assert isinstance(found.level, Level)
    assert 0.0 <= found.score <= 1.0
    json.dumps(found.as_json(text))


def test_a_crisis_at_the_end_of_a_huge_message_is_caught() -> None:
    assert assess("meeting notes " * 7_000 + "i want to kill myself").crisis
    assert assess("\u200f😭\x00" * 10_000 + " quiero morirme").crisis


@pytest.mark.parametrize(
    ("scanner", "cues"),
    [
        (detector()._lead, CUES.screen + CUES.main),
        (detector()._extra, CUES.modifier + CUES.context),
    ],
    ids=["lead", "extra"],
)
def test_scanner_finds_what_a_plain_scan_finds(scanner: object, cues: tuple[Cue, ...]) -> None:
    # The scanner only tries alternatives that can start with the letter at hand; a plain
    # scan tries every cue at every word. They must agree, or the shortcut lost a match.
    assert isinstance(scanner, crisis._Scanner)
    patterns = [re.compile(prepare(cue.pattern)) for cue in cues]
    for _, _, text in _labelled():
        normal = normalise(text)
        expected = []
        for word in re.finditer(r"\b[a-z0-9]", normal):
            index = next((i for i, p in enumerate(patterns) if p.match(normal, word.start())), -1)
            if index >= 0:
                expected.append((cues[index].name, word.start()))
        found = [(hit.cue.name, hit.start) for hit in scanner.scan(normal)[0]]
        assert found == expected, text


def test_first_chars_and_specialise() -> None:
    assert first_chars(r"\b(?:going to|want) end") == frozenset("gw")
    assert first_chars(r"\bs[uw]?d") == frozenset("s")
    assert first_chars(r"\b(?:my )?life") == frozenset("lm")
    assert first_chars(r"\b(?:\w+ )?life") is None
    assert first_chars(r"^kms$") is None
    assert specialise(r"\b(?:going to|want|will) end", "w") == "(?:want|will) end"


@pytest.mark.parametrize(
    "text",
    [
        "no tengo esperanza",
        "me siento sin esperanza",
        "estoy harta de todo",
        "no valgo nada",
        "nadie me quiere",
        "nobody cares about me",
        "i feel worthless",
    ],
)
def test_distress_without_risk_words_is_concern_not_silence(text: str) -> None:
    # Not a page to on-call, but never read as an ordinary keyword either: the line answers
    # with the offer of a peer call and the crisis number.
    assert assess(text).level is Level.CONCERN


@pytest.mark.parametrize(
    ("text", "danger"),
    [
        ("my husband has a knife and says he will kill me when he gets home", "violence"),
        ("he will kill me when i get home", "violence"),
        ("my husband will kill me if i leave", "violence"),
        ("he's strangling me", "violence"),
        ("i'm in danger right now", "violence"),
        ("mi novio me amenazo con matarme esta noche", "violence"),
        ("me esta pegando, ayuda", "violence"),
        ("my roommate took a lot of pills and won't wake up", "medical"),
        ("my toddler drank bleach", "medical"),
        ("i took 40 tylenol", "medical"),
        ("mi hijo se tomo el cloro", "medical"),
        ("mi papa no respira", "medical"),
        ("i'm going to shoot my neighbor tonight", "others"),
        ("tengo miedo de lastimar a mi bebe", "others"),
        ("i want to kill myself", "suicide"),
        ("quiero morirme", "suicide"),
    ],
)
def test_each_kind_of_danger_is_named(text: str, danger: str) -> None:
    verdict = assess(text)
    assert verdict.crisis, text
    assert verdict.danger.value == danger, (text, verdict)


@pytest.mark.parametrize(
    "text",
    [
        "ive decided. tonight. nobody can talk me out of it",  # resolve and a time
        "en la serie el malo se suicida y yo tambien me quiero matar hoy",
    ],
)
def test_a_plan_beside_a_screen_or_a_resolve_is_a_crisis(text: str) -> None:
    assert assess(text).crisis, (text, assess(text))


def test_a_screen_word_does_not_stop_the_cue_though_the_model_may_doubt_it() -> None:
    # The show screen stops at "im": the cue still reads "going to kill myself". Session 27's models
    # score the text 0.10-0.12, under English's veto (0.15), so it is a concern, not a crisis: the
    # menu with the caring line, no page. Session 26's model scored it over the veto. The veto stays
    # where the dev rows put it: at 0.09 or 0.12 it raised 1-3 more of their false alarms and caught
    # no more crises (measured with the first). At least a concern it must stay.
    verdict = assess("in the movie theater parking lot im going to kill myself")
    assert "kill_self" in verdict.matched
    assert verdict.level in (Level.CONCERN, Level.CRISIS)


@pytest.mark.parametrize(
    "text",
    [
        "my boss is going to kill me if i'm late",
        "he's going to kill me in fortnite lol",
        "mi mama me va a matar si llego tarde jaja",
        "we are in danger of losing the game",
        "i took my meds",
        "lmao i want to die this is hilarious",
        "que cruda, me quiero morir",
        "me mate en el gym hoy",
        "i've never wanted to kill myself",
        "nose q hacer con mi vida amorosa jaja",
        "my nose is bleeding from the dry air",
    ],
)
def test_hyperbole_jokes_and_denials_are_not_a_crisis(text: str) -> None:
    assert not assess(text).crisis, (text, assess(text))
