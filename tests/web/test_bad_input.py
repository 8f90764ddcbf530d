"""Odd input never earns a 500 or a stack trace: every answer is TwiML, a 400 or a 403."""

from __future__ import annotations

import random

import pytest

from tests.twilio import TwilioPoster, new_sid, sms_texts
from tests.web.test_voice_caller import Caller, path_of

ODD = [
    "",
    " ",
    "\x00",
    "\u200b\u200bFIND\u200b94110",
    "\u202eDNIF 94110",
    "🙂" * 400,
    "FIND " + "9" * 500,
    "INFO 4821" * 200,
    "ﬁnd 94110",
    "ＦＩＮＤ　９４１１０",
    "REMIND -1",
    "LEAVE 99999999999999999999",
    "CALL 0",
    "%s%n{0}{body}",
    "<Response><Dial>+15550000000</Dial></Response>",
    "\ud800",
    "STOP\r\nSTART",
]


def _random_bodies(count: int) -> list[str]:
    rng = random.Random(20261121)
    alphabet = "FINDMOREHLPSTAC0123456789 #*.,!?ñáé€[]{}\\|~^\u200b\u00a0😀\n\t"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(count)]


@pytest.mark.usefixtures("database")
@pytest.mark.parametrize("body", ODD + _random_bodies(40))
def test_odd_texts_get_twiml(twilio: TwilioPoster, body: str) -> None:
    params = {"MessageSid": new_sid("SM"), "From": "+15551234567", "To": "+15005550006"}
    params["Body"] = body.encode("utf-8", "replace").decode("utf-8", "replace")
    response = twilio.post("/twilio/sms", params)
    assert response.status_code == 200, response.text
    assert "Traceback" not in response.text
    for text in sms_texts(response):
        assert "Sorry, Hotline hit a problem" not in text


@pytest.mark.usefixtures("database")
@pytest.mark.parametrize(
    "digits", ["", "#", "*#", "0" * 40, "12a", "9" * 3, "ABC", "1" * 500, "1\x004821"]
)
def test_odd_keys_and_speech_at_the_main_menu_never_break_the_call(
    twilio: TwilioPoster, digits: str
) -> None:
    caller = Caller(twilio)
    caller.start()
    if caller.root.find("Gather") is not None and "1" in caller.gather().get("action", ""):
        caller.press("1")  # the language menu, when there is one
    action = path_of(caller.gather().get("action", ""))
    for extra in ({"Digits": digits}, {"SpeechResult": digits * 3, "Confidence": "x"}):
        root = caller.post(action, **extra)
        assert root.find("Say") is not None or root.find("Gather") is not None
        assert "problem" not in caller.says()


@pytest.mark.usefixtures("database")
@pytest.mark.parametrize(
    "query", ["?m=join&a=zzz", "?m=nonsense", "?m=join&mt=notanumber", "?l=xx&m=main&a=9999"]
)
def test_tampered_menu_urls_still_get_a_menu(twilio: TwilioPoster, query: str) -> None:
    caller = Caller(twilio)
    caller.start()
    root = caller.post("/twilio/voice/step" + query, Digits="1")
    assert root.find("Say") is not None or root.find("Gather") is not None
    assert "problem" not in caller.says()
