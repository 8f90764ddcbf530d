"""`hotline call`: the terminal walker follows the menu against the app, as a person would."""

from __future__ import annotations

from collections.abc import Iterator
from unittest import mock

import httpx
import pytest

from hotline import voice_terminal
from tests.clock import travel
from tests.twilio import TwilioPoster
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
