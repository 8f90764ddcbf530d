"""`hotline call`: the terminal walker follows the menu against the app, as a person would."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from unittest import mock

import httpx
import pytest
from sqlalchemy import select

from hotline.db import session_scope
from hotline.models import SupportCase, Voicemail
from hotline.settings import Settings
from hotline.voice import terminal as voice_terminal
from tests.clock import travel
from tests.twilio import TwilioPoster
from tests.warm.people import ON_SHIFT, add_volunteer
from tests.web.test_voice_caller import MONDAY_EVENING, make_meeting


@pytest.fixture()
def wired(twilio: TwilioPoster) -> Iterator[None]:
    """Send the walker's signed posts into the test app instead of over the network."""

    def post_signed(path: str, params: dict[str, str], *, url: str | None = None) -> httpx.Response:
        return twilio.post(path, params)

    with mock.patch.object(voice_terminal, "post_signed", post_signed):
        yield


def walk(keys: list[str]) -> int:
    answers = iter(keys)
    return voice_terminal.run_call("+15551230000", ask=lambda _prompt: next(answers))


def test_the_walker_prints_prompts_and_stops_at_the_room(
    wired: None, capsys: pytest.CaptureFixture[str]
) -> None:
    make_meeting()
    with travel(MONDAY_EVENING, tick=False):
        assert walk(["1", "1", "4821#"]) == 0
    out = capsys.readouterr().out
    assert "For English, press 1." in out
    assert "Enter the meeting number" in out
    assert "(dial conference room room-" in out


def test_the_walker_shows_the_crisis_dial(wired: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert walk(["1", "say: help"]) == 0
    assert "(dial +18002738255)" in capsys.readouterr().out


def test_the_walker_ends_on_goodbye(wired: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert walk(["1", "", ""]) == 0
    assert "(the line hangs up)" in capsys.readouterr().out


def test_the_walker_refuses_a_non_number(capsys: pytest.CaptureFixture[str]) -> None:
    assert voice_terminal.run_call("not-a-number") == 2


def test_the_walker_hangs_up_on_q(wired: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert walk(["q"]) == 0
    assert "(you hang up)" in capsys.readouterr().out


def test_the_walker_holds_in_the_warm_line_queue_then_leaves_a_voicemail(
    wired: None, capsys: pytest.CaptureFixture[str], settings: Settings
) -> None:
    with travel(ON_SHIFT, tick=False) as traveller:
        add_volunteer(settings, "+14155550191")
        answers = iter(["1", "2", "", "i cant go on i want to die"])

        def ask(prompt: str) -> str:
            if prompt == voice_terminal.PROMPT and "holding" in capsys.readouterr().out:
                traveller.shift(dt.timedelta(minutes=5))  # nobody took the call in time
            return next(answers)

        assert voice_terminal.run_call("+15551230000", ask=ask) == 0
    out = capsys.readouterr().out
    assert "Your message is with our volunteers" in out
    with session_scope() as session:
        assert session.scalars(select(SupportCase.source)).all() == ["voice"]
        assert session.scalars(select(Voicemail.crisis)).all() == [True]
