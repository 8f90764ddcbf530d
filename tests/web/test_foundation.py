"""The base every webhook stands on: signatures, dedupe, privacy at rest, health."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select, text
from starlette.testclient import TestClient

from hotline.db import session_scope
from hotline.models import Contact, InboundMessage
from hotline.phones import vault_for
from hotline.settings import Settings
from tests.people import add_staff
from tests.twilio import TwilioPoster, new_sid, sms_texts

MEMBER = "+15551230000"


@pytest.mark.parametrize(
    "path",
    [
        "/twilio/sms",
        "/twilio/voice",
        "/twilio/status/message",
        "/twilio/status/call",
        "/twilio/status/conference",
    ],
)
def test_unsigned_and_forged_posts_are_forbidden(twilio: TwilioPoster, path: str) -> None:
    params = {"MessageSid": new_sid("SM"), "CallSid": new_sid("CA"), "From": MEMBER, "Body": "hi"}
    assert twilio.post(path, params, signed=False).status_code == 403
    forged = twilio.client.post(path, data=params, headers={"X-Twilio-Signature": "AAAA"})
    assert forged.status_code == 403


def test_signature_over_other_fields_is_forbidden(twilio: TwilioPoster, settings: Settings) -> None:
    from hotline.web.twilio_auth import sign

    signed_for = {"MessageSid": new_sid("SM"), "From": MEMBER, "Body": "hi"}
    sent = dict(signed_for, Body="tampered")
    signature = sign(settings, settings.public_url + "/twilio/sms", signed_for)
    response = twilio.client.post(
        "/twilio/sms", data=sent, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 403


def test_signed_sms_gets_twiml(twilio: TwilioPoster) -> None:
    response = twilio.sms(MEMBER, "hello")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert sms_texts(response), response.text


def test_retried_webhook_is_stored_once_and_answered_the_same(twilio: TwilioPoster) -> None:
    sid = new_sid("SM")
    first = twilio.sms(MEMBER, "hello", sid=sid)
    second = twilio.sms(MEMBER, "hello", sid=sid)
    assert first.status_code == second.status_code == 200
    assert first.text == second.text
    with session_scope() as session:
        count = session.scalar(select(func.count()).select_from(InboundMessage))
        contacts = session.scalar(select(func.count()).select_from(Contact))
    assert count == 1
    assert contacts == 1


def test_missing_fields_get_400_not_500(twilio: TwilioPoster) -> None:
    assert twilio.post("/twilio/sms", {"Body": "hi"}).status_code == 400
    assert (
        twilio.post("/twilio/sms", {"MessageSid": new_sid("SM"), "From": "abc"}).status_code == 400
    )


def test_huge_body_is_refused_cleanly(twilio: TwilioPoster) -> None:
    params = {"MessageSid": new_sid("SM"), "From": MEMBER, "Body": "x" * 100_000}
    assert twilio.post("/twilio/sms", params).status_code == 413


def test_phone_numbers_are_not_stored_in_plain_text(
    twilio: TwilioPoster, database: Engine, settings: Settings
) -> None:
    twilio.sms(MEMBER, "hello")
    twilio.sms("(555) 123-0001", "hi")
    with database.connect() as conn:
        rows = conn.execute(text("SELECT phone_hash, phone_encrypted FROM contacts")).all()
    assert len(rows) == 2
    dumped = " ".join(str(value) for row in rows for value in row)
    assert "555123" not in dumped and "+1555" not in dumped
    vault = vault_for(settings.secret_key)
    assert {vault.decrypt(row[1]) for row in rows} == {MEMBER, "+15551230001"}


def test_healthz_and_readyz(client: TestClient, settings: Settings) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    add_staff(settings, "+15558880001", "responder")
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "ready": True,
        "degraded": False,
        "database": "ok",
        "redis": "ok",
        "oncall": "ok",
    }


def test_readyz_names_oncall_none_as_degraded_and_strict_refuses(
    client: TestClient, settings: Settings
) -> None:
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["oncall"] == "none" and ready.json()["degraded"] is True
    assert client.get("/readyz?strict=1").status_code == 503
    add_staff(settings, "+15558880002", "admin")  # not on call, but the fallback
    assert client.get("/readyz").json()["oncall"] == "fallback"
    assert client.get("/readyz?strict=1").status_code == 200


def test_metrics_are_prometheus_text(client: TestClient) -> None:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert "python_info" in response.text


def test_readyz_says_which_part_is_down(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from redis import Redis

    from hotline.web import health

    monkeypatch.setattr(health, "get_redis", lambda: Redis(port=1, socket_connect_timeout=1))
    ready = client.get("/readyz")
    assert ready.status_code == 503
    body = ready.json()
    assert body["ready"] is False and body["database"] == "ok"
    assert body["redis"].startswith("down: ")
