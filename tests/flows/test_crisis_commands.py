"""A keyword and its number is a command, never a crisis: the model does not raise it.

Found in session 20's CI: the retrained model read "DONE 14" (a responder closing case 14) as a
crisis, so the case stayed open and the responder got the crisis reply, and 4 in 10 "LEAVE
<code>" texts (a member ending reminders) would have paged on-call. The cues alone judge a word
and a number; a sentence with a number in it is still the model's to read.
"""

from __future__ import annotations

import pytest

from hotline.crisis.detector import assess

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
