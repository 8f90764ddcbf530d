"""A keyword and its number is a command, never a crisis: the model does not raise it.

Found in session 20's CI: the retrained model read "DONE 14" (a responder closing case 14) as a
crisis, so the case stayed open and the responder got the crisis reply, and 4 in 10 "LEAVE
<code>" texts (a member ending reminders) would have paged on-call. The cues alone judge a word
and a number; a sentence with a number in it is still the model's to read, and so is any word
that is not one of the line's keywords ("pills 40", "took 30"). Since session 26 a keyword alone
is judged by the cues alone too ("END", "revoke"), and the model alone raises a text of one
common word ("alone", "why") to a concern at most.
"""

from __future__ import annotations

import pytest

from hotline.crisis.detector import assess, detector
from hotline.flows.crisis import detect as crisis
from hotline.flows.crisis.detect import Detector, Level, Model
from hotline.flows.sms import coordinator
from hotline.flows.sms.keywords import is_bare_keyword, is_keyword_and_number
from hotline.flows.warm import relay

COMMANDS = ("DONE", "ACK", "LEAVE", "INFO", "REMIND", "CALL", "TAKE", "CANCEL", "RECORDAR", "SALIR")


@pytest.mark.parametrize("word", COMMANDS)
def test_a_keyword_and_any_number_is_never_a_crisis(word: str) -> None:
    raised = [n for n in range(0, 10000, 3) if assess(f"{word} {n}").level.value != "none"]
    assert raised == []
    assert assess(f"{word.lower()} #{17}").level.value == "none"


@pytest.mark.parametrize(
    "text",
    [
        "i took 40 pills",
        "i want to die 2night",
        "kill myself 2",
        "tengo 30 pastillas y me las voy a tomar",
    ],
)
def test_a_sentence_with_a_number_is_still_read(text: str) -> None:
    assert assess(text).crisis


def _always_raising() -> Detector:
    """The line's cues with a model that reads every text as a crisis."""
    return Detector(detector().cues, Model({}, 10.0, 0.9, 0.5))


@pytest.mark.parametrize(
    "text",
    ["DONE 14", "ack #3", "LEAVE 4821", "leav 4821", "INFO 4821", "salir 4821", "TAKE 23",
     "end 23", "cancel 4821", "STOP 1", "Recordar 77", "llamar 12", "broadcast 4821"],
)  # fmt: skip
def test_only_the_lines_keywords_and_a_number_are_kept_from_the_model(text: str) -> None:
    assert is_keyword_and_number(text)
    assert not _always_raising().assess(text).crisis


@pytest.mark.parametrize("text", ["pills 40", "took 30", "pastillas 20", "bridge 5", "tonight 2"])
def test_any_other_word_and_a_number_is_read_by_the_model(text: str) -> None:
    assert not is_keyword_and_number(text)
    assert _always_raising().assess(text).crisis


def test_every_staff_word_that_takes_a_number_is_a_command_to_the_detector() -> None:
    # The coordinator's and the relay's regexes are built from these word sets, and
    # ``is_keyword_and_number`` reads the same sets: a word added to a command is a command here.
    for word in coordinator.NUMBERED_WORDS | relay.NUMBERED_WORDS:
        assert is_keyword_and_number(f"{word} 12"), word
        assert is_keyword_and_number(f"{word.lower()} #12"), word
    assert coordinator.parse_command("ACK 12") == coordinator.Ack(12)
    assert coordinator.parse_command("cancel 4821") == coordinator.CancelMeeting("4821")
    for word in ("TAKE", "TOMO", "END", "FIN", "CALL V"):
        assert relay.staff_word(f"{word} 23") is not None, word


@pytest.mark.parametrize(
    "text",
    ["END", "revoke", "Stop", "CANCEL.", "quit", "optout", "START", "unstop", "YES", "HELP",
     "ayuda", "MY", "INFO", "LEAVE", "salir", "ACK", "TAKE"],
)  # fmt: skip
def test_a_keyword_alone_is_kept_from_the_model(text: str) -> None:
    # Session 26's model read "END" and "revoke" alone as crisis: the opt-out never happened.
    assert is_bare_keyword(text)
    assert not _always_raising().assess(text).crisis


@pytest.mark.parametrize(
    "text", ["alone", "why", "pills 40", "end it", "stop it all", "END 23 now"]
)
def test_other_words_are_not_bare_keywords(text: str) -> None:
    assert not is_bare_keyword(text)


def test_the_model_alone_raises_one_common_word_to_concern_never_to_crisis() -> None:
    line = detector()
    assert line.words is not None
    raising = Detector(line.cues, Model({}, 10.0, 0.9, 0.5, words=line.words))
    for word in ("alone", "why", "tonight", "gone"):
        assert (rank := line.words.rank(word)) is not None and rank < crisis.ONE_WORD_RANK
        verdict = raising.assess(word)
        assert verdict.level is Level.CONCERN and verdict.matched[-1] == crisis.MODEL_WEAK_CUE
    # Two words, a run-together text, or a cue of its own: read as before.
    assert raising.assess("alone tonight").crisis
    assert raising.assess("iwannadie").crisis
    assert raising.assess("suicide").crisis and line.assess("suicide").crisis
