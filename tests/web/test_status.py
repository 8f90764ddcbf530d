"""Status callbacks move outbox rows forward only, whatever order Twilio's posts arrive in."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from hotline.db import session_scope
from hotline.models import Call, Contact, OutboxMessage
from hotline.outbox import queue_call, queue_sms
from hotline.settings import Settings
from tests.jobs.factories import make_contact
from tests.twilio import TwilioPoster, new_sid


def _sent_row(settings: Settings, kind: str = "sms") -> tuple[int, str]:
    sid = new_sid("SM" if kind == "sms" else "CA")
    with session_scope() as session:
        contact = make_contact(session, settings)
        if kind == "sms":
            row = queue_sms(session=session, contact_id=contact.id, body="hi", purpose="t")
        else:
            row = queue_call(session=session, contact_id=contact.id, call_path="x", purpose="t")
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id)
            .values(status="sent", twilio_sid=sid)
        )
        return row.id, sid


def _message_status(twilio: TwilioPoster, sid: str, status: str, code: str = "") -> int:
    fields = {
        "MessageSid": sid,
        "SmsSid": sid,
        "MessageStatus": status,
        "SmsStatus": status,
        "AccountSid": twilio.settings.twilio_account_sid,
        "From": "+15005550006",
        "To": "+14155550100",
        "ApiVersion": "2010-04-01",
    }
    if code:
        fields["ErrorCode"] = code
    return twilio.post("/twilio/status/message", fields).status_code


def _row(outbox_id: int) -> OutboxMessage:
    with session_scope() as session:
        row = session.get(OutboxMessage, outbox_id)
        assert row is not None
        return row


@pytest.mark.parametrize(
    ("posts", "final"),
    [
        (["sending", "sent", "delivered"], "delivered"),
        (["delivered", "sent", "sending", "queued"], "delivered"),
        (["undelivered", "sent"], "undelivered"),
        (["failed", "delivered"], "failed"),
        (["sent", "read"], "delivered"),
    ],
)
def test_message_status_never_moves_backwards(
    twilio: TwilioPoster, settings: Settings, posts: list[str], final: str
) -> None:
    outbox_id, sid = _sent_row(settings)
    for status in posts:
        assert _message_status(twilio, sid, status) == 204
    assert _row(outbox_id).status == final


def test_undelivered_keeps_the_error_code(twilio: TwilioPoster, settings: Settings) -> None:
    outbox_id, sid = _sent_row(settings)
    assert _message_status(twilio, sid, "undelivered", "30003") == 204
    row = _row(outbox_id)
    assert (row.status, row.error_code) == ("undelivered", "30003")


def test_21610_in_a_callback_opts_the_contact_out(twilio: TwilioPoster, settings: Settings) -> None:
    outbox_id, sid = _sent_row(settings)
    assert _message_status(twilio, sid, "failed", "21610") == 204
    with session_scope() as session:
        contact = session.get(Contact, _row(outbox_id).contact_id)
        assert contact is not None and contact.opted_out_at is not None


def test_call_status_completed_then_late_ringing(twilio: TwilioPoster, settings: Settings) -> None:
    outbox_id, sid = _sent_row(settings, kind="call")
    for status in ("completed", "ringing"):
        fields = twilio.call_fields(
            "+14155550100", sid, CallStatus=status, Direction="outbound-api"
        )
        assert twilio.post("/twilio/status/call", fields).status_code == 204
    assert _row(outbox_id).status == "delivered"


def test_unknown_sid_is_accepted_and_ignored(twilio: TwilioPoster, settings: Settings) -> None:
    assert _message_status(twilio, new_sid("SM"), "delivered") == 204


def test_unsigned_and_incomplete_callbacks_are_refused(twilio: TwilioPoster) -> None:
    fields = {"MessageSid": new_sid("SM"), "MessageStatus": "delivered"}
    assert twilio.post("/twilio/status/message", fields, signed=False).status_code == 403
    assert twilio.post("/twilio/status/message", {"MessageStatus": "sent"}).status_code == 400


def test_an_answered_inbound_call_is_closed_by_its_status_callback(twilio: TwilioPoster) -> None:
    sid = new_sid("CA")
    assert twilio.post("/twilio/voice", twilio.call_fields("+15551230042", sid)).status_code == 200
    for status in ("completed", "in-progress"):  # a late, out-of-order callback changes nothing
        fields = twilio.call_fields("+15551230042", sid, CallStatus=status, CallDuration="61")
        assert twilio.post("/twilio/status/call", fields).status_code == 204
    with session_scope() as session:
        call = session.scalars(select(Call).where(Call.call_sid == sid)).one()
    assert call.status == "completed"
    assert call.ended_at is not None
