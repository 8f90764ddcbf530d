"""Drill: Hypothesis-made signed forms on every /twilio/* route, and forged ones.

A signed form with any fields, any Unicode, any ids in the path gets TwiML, a 204, a 400 or a
404, never a 5xx, and no error is logged: an exception that the catch-all or the deadline's
fallback turned into a safe answer is still a bug.
A request whose signature does not match gets 403, every time, and records nothing.
"""

from __future__ import annotations

import dataclasses
import logging
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from hotline.db import session_scope
from hotline.models import Call, InboundMessage
from hotline.settings import Settings
from hotline.web.twilio_auth import sign
from tests.twilio import TwilioPoster

ID_ROUTES = [
    "/twilio/voice/outbound/reminder/{}",
    "/twilio/voice/outbound/join/{}",
    "/twilio/voice/outbound/bridge/{}",
    "/twilio/voice/outbound/alert/{}",
]
ROUTES = [
    "/twilio/sms",
    "/twilio/voice",
    "/twilio/voice/step",
    "/twilio/voice/crisis-fallback",
    "/twilio/status/message",
    "/twilio/status/call",
    "/twilio/status/conference",
]
FIELDS = [
    "MessageSid", "CallSid", "AccountSid", "From", "To", "Body", "Digits", "SpeechResult",
    "Direction", "CallStatus", "MessageStatus", "ErrorCode", "DialCallStatus", "OptOutType",
    "FriendlyName", "StatusCallbackEvent", "SequenceNumber", "ConferenceSid", "NumMedia",
]  # fmt: skip
QUERY_KEYS = ["m", "a", "l", "mt", "s", "r", "p"]
# Digits from other scripts, superscripts, fullwidth forms, controls and joiners: the inputs
# that broke the line before (a Persian ZIP made a native library panic).
ODD = "0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹²³¹⁴０９#*+-.,: \n\t\x00\u200b\u202eFINDMORESTOPinfo"
values = st.one_of(
    st.text(alphabet=ODD, max_size=30),
    st.text(max_size=60),
    st.sampled_from(
        ["+14155550100", "+15005550006", "FIND ٩٤١١٠", "FIND 94110", "9", "1", "outbound-api"]
    ),
)
# A form that routes accept (the ids Twilio always sends), with any fields added or replaced.
BASE = {
    "MessageSid": "SM" + "a" * 32,
    "CallSid": "CA" + "a" * 32,
    "AccountSid": "AC" + "1" * 32,
    "From": "+14155550100",
    "To": "+15005550006",
    "FriendlyName": "room-1",
}
forms = st.builds(
    lambda extra, sid: {**BASE, "MessageSid": sid, "CallSid": "CA" + sid[2:], **extra},
    st.dictionaries(st.sampled_from(FIELDS), values, max_size=6),
    st.integers(0, 10**6).map(lambda n: f"SM{n:032x}"),
)
queries = st.dictionaries(st.sampled_from(QUERY_KEYS), st.text(alphabet=ODD, max_size=12))
paths = st.one_of(
    st.sampled_from(ROUTES),
    st.builds(str.format, st.sampled_from(ID_ROUTES), st.integers(0, 10**22)),
)


def _no_surrogates(form: dict[str, str]) -> dict[str, str]:
    return {k: v.encode("utf-8", "replace").decode("utf-8") for k, v in form.items()}


DIGITS = "0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹²³¹⁴０９𝟗"
# A keyword and a number in any script: "FIND ٩٤١١٠", "INFO ²³", "CALL ９９".
commands = st.builds(
    "{} {}".format,
    st.sampled_from(["FIND", "INFO", "REMIND", "CALL", "LEAVE", "BUSCAR", ""]),
    st.text(alphabet=DIGITS, min_size=1, max_size=7),
)
FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _with_query(path: str, query: dict[str, str]) -> str:
    return f"{path}?{urlencode(query)}" if query else path


def _post_fine(
    twilio: TwilioPoster, caplog: pytest.LogCaptureFixture, target: str, form: dict[str, str]
) -> None:
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        response = twilio.post(target, _no_surrogates(form))
    assert response.status_code in (200, 204, 400, 404), (target, form, response.text)
    assert "Traceback" not in response.text
    broke = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not broke, (target, form, broke)


@pytest.mark.usefixtures("database")
@FUZZ
@given(path=paths, query=queries, form=forms)
def test_signed_forms_never_break_a_route(
    twilio: TwilioPoster,
    caplog: pytest.LogCaptureFixture,
    path: str,
    query: dict[str, str],
    form: dict[str, str],
) -> None:
    _post_fine(twilio, caplog, _with_query(path, query), form)


@pytest.mark.usefixtures("database")
@FUZZ
@given(body=st.one_of(commands, values), sid=st.integers(0, 10**9))
def test_signed_texts_with_odd_numbers_never_break(
    twilio: TwilioPoster, caplog: pytest.LogCaptureFixture, body: str, sid: int
) -> None:
    _post_fine(twilio, caplog, "/twilio/sms", {**BASE, "MessageSid": f"SM{sid:032x}", "Body": body})


@pytest.mark.usefixtures("database")
@FUZZ
@given(
    query=queries,
    digits=st.text(alphabet=DIGITS + "#*", max_size=8),
    speech=st.one_of(commands, values),
)
def test_signed_menu_steps_with_odd_keys_never_break(
    twilio: TwilioPoster,
    caplog: pytest.LogCaptureFixture,
    query: dict[str, str],
    digits: str,
    speech: str,
) -> None:
    _post_fine(
        twilio,
        caplog,
        _with_query("/twilio/voice/step", query),
        {**BASE, "Digits": digits, "SpeechResult": speech},
    )


FORGERIES = ["missing", "wrong", "other_token", "other_url", "tampered"]


@pytest.mark.usefixtures("database")
@pytest.mark.parametrize("path", [*ROUTES, *(route.format(1) for route in ID_ROUTES)])
@pytest.mark.parametrize("forgery", FORGERIES)
def test_forged_requests_are_all_refused(twilio: TwilioPoster, path: str, forgery: str) -> None:
    fields = {"MessageSid": "SM" + "1" * 32, "CallSid": "CA" + "1" * 32, "From": "+14155550100"}
    fields |= {"To": "+15005550006", "Body": "STOP", "Digits": "9", "MessageStatus": "sent"}
    url = twilio.settings.public_url + path
    signature = {
        "missing": "",
        "wrong": "bm90IGEgc2lnbmF0dXJl",
        "other_token": sign(_other_token(twilio), url, fields),
        "other_url": sign(twilio.settings, "https://evil.example.org" + path, fields),
        "tampered": sign(twilio.settings, url, {**fields, "Body": "HELP"}),
    }[forgery]
    response = twilio.client.post(path, data=fields, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403, response.text
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(InboundMessage)) == 0
        assert session.scalar(select(func.count()).select_from(Call)) == 0


def _other_token(twilio: TwilioPoster) -> Settings:
    return dataclasses.replace(twilio.settings, twilio_auth_token="someone-elses-token-000000")
