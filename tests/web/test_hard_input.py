"""Input that used to crash the line: other scripts' digits, huge ids, native panics, log lines."""

from __future__ import annotations

import logging

import pytest
from starlette.testclient import TestClient

from hotline import logs
from hotline.flows.digits import as_int, ascii_digits, is_number
from hotline.flows.sms.keywords import Kind, parse
from hotline.flows.voice.steps import VoiceState
from hotline.settings import Settings
from tests.twilio import TwilioPoster, new_sid, sms_texts
from tests.web.test_admin import add_staff, csrf_of, open_case, sign_in
from tests.web.test_sms import frozen, meetings, one  # noqa: F401


@pytest.mark.parametrize(
    ("typed", "ascii"),
    [("٩٤١١٠", "94110"), ("۹۴۱۱۰", "94110"), ("９４１１０", "94110"), ("𝟗4110", "94110")],
)
def test_every_scripts_digits_read_as_ascii(typed: str, ascii: str) -> None:
    assert ascii_digits(typed) == ascii
    assert parse(f"FIND {typed}").zip_code == ascii


def test_superscripts_are_not_numbers() -> None:
    assert not is_number("²") and as_int("²") is None and as_int("1" * 13) is None
    assert VoiceState.from_query({"mt": "²", "s": "³", "r": "1-²"}, ("en",)).meeting_id is None
    assert parse("INFO ²³⁴").kind is not Kind.FIND


@pytest.mark.usefixtures("meetings", "frozen")
def test_find_in_arabic_indic_digits_finds_the_groups(twilio: TwilioPoster) -> None:
    reply = one(twilio, "FIND ٩٤١١٠")
    assert reply.startswith("Groups near 94110:"), reply


@pytest.mark.usefixtures("database")
@pytest.mark.parametrize(
    "path", ["/twilio/voice/outbound/join/", "/twilio/voice/outbound/reminder/"]
)
def test_a_twenty_digit_id_is_not_found_not_a_crash(twilio: TwilioPoster, path: str) -> None:
    fields = twilio.call_fields("+14155550100", new_sid("CA"))
    assert twilio.post(path + "9" * 20, fields).status_code == 404
    assert twilio.post(path + str(2**31), fields).status_code == 404  # past INTEGER


def test_a_twenty_digit_case_id_on_the_dashboard_is_not_found(
    client: TestClient, settings: Settings
) -> None:
    admin = client
    admin.base_url = "https://testserver"  # the session cookie is Secure
    add_staff(settings)
    open_case(settings)
    csrf = csrf_of(sign_in(admin))
    response = admin.post("/admin/cases/" + "9" * 20 + "/ack", data={"csrf": csrf})
    assert response.status_code == 404


class Panic(BaseException):
    """Stands for pyo3's PanicException: a BaseException, not an Exception."""


async def _panic(*_args: object) -> str:
    raise Panic("native code panicked")


@pytest.mark.usefixtures("database")
def test_a_native_panic_still_gets_the_safe_answer(
    twilio: TwilioPoster, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hotline.web import sms as sms_route

    monkeypatch.setattr(sms_route, "_answer", _panic)
    response = twilio.sms("+14155550100", "HELP")
    assert response.status_code == 200
    (reply,) = sms_texts(response)
    assert "988" in reply and "Traceback" not in response.text


@pytest.mark.usefixtures("database")
def test_a_voice_crash_answers_a_menu_where_9_works(
    twilio: TwilioPoster, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hotline.web import voice as voice_route

    monkeypatch.setattr(voice_route, "_in_time", _panic)
    response = twilio.post("/twilio/voice", twilio.call_fields("+14155550100", new_sid("CA")))
    assert response.status_code == 200
    assert "<Gather" in response.text and "/twilio/voice/step" in response.text
    assert "press 9" in response.text


def test_a_twilio_sid_is_logged_whole_and_a_number_beside_it_is_masked(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Seen in a deployer's log: "message_sid=SMeb8524f5c8600b8a[phone]be7743" (hex digits).
    sid = "SMeb8524f5c8600b8a1234567890be7743"
    logger = logging.getLogger("hotline.test")
    with caplog.at_level(logging.INFO, logger="hotline.test"):
        logs.log(logger, "sms_received", message_sid=sid, note="from +14155550101")
        record = logging.LogRecord("hotline.test", logging.INFO, __file__, 1, "%s %s", None, None)
        record.msg, record.args = "sent %s to %s", (sid, "+1 415 555 0101")
        logs.ScrubFilter().filter(record)
    assert caplog.messages == [f'sms_received message_sid={sid} note="from [phone]"']
    assert record.getMessage() == f"sent {sid} to [phone]"


def test_a_newline_in_a_value_cannot_forge_a_log_line(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("hotline.test")
    with caplog.at_level(logging.INFO, logger="hotline.test"):
        logs.log(logger, "webhook_forbidden", path='/x\nERROR forged event="1"')
    (line,) = caplog.messages
    assert "\n" not in line
    assert line == 'webhook_forbidden path="/x\\x0aERROR forged event=\\"1\\""'
