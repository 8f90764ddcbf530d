"""Inbound SMS: record it once, decide the reply with the flow, render TwiML."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from starlette.datastructures import FormData
from twilio.twiml.messaging_response import MessagingResponse

from hotline.catalogs import catalog
from hotline.contacts import get_or_create_contact
from hotline.db import session_scope
from hotline.logs import log
from hotline.models import InboundMessage
from hotline.phones import PhoneError, normalise, vault_for
from hotline.settings import Settings

logger = logging.getLogger(__name__)
MAX_BODY_CHARS = 1600


class BadWebhook(ValueError):
    """A webhook that lacks what Twilio always sends."""


@dataclass(frozen=True)
class InboundSms:
    message_sid: str
    sender: str
    to: str
    body: str

    @classmethod
    def from_form(cls, form: FormData, region: str = "US") -> InboundSms:
        sid, sender = str(form.get("MessageSid") or ""), str(form.get("From") or "")
        if not sid or not sender:
            raise BadWebhook("MessageSid and From are required")
        try:
            e164 = normalise(sender, region)
        except PhoneError as exc:
            raise BadWebhook("From is not a phone number") from exc
        body = str(form.get("Body") or "")[:MAX_BODY_CHARS]
        return cls(sid, e164, str(form.get("To") or ""), body)


def render_reply(*texts: str) -> str:
    """Render one or more SMS replies as TwiML; no text renders an empty (silent) response."""
    response = MessagingResponse()
    for text in texts:
        if text:
            response.message(text)
    return str(response)


def handle_sms(settings: Settings, message: InboundSms) -> str:
    """Record an inbound text once and return the TwiML reply (the same one on a retry)."""
    vault = vault_for(settings.secret_key)
    with session_scope() as session:
        stored = session.scalars(
            select(InboundMessage).where(InboundMessage.message_sid == message.message_sid)
        ).first()
        if stored is not None:
            log(logger, "sms_duplicate", message_sid=message.message_sid)
            return stored.reply_twiml or render_reply()
        contact = get_or_create_contact(session=session, vault=vault, e164=message.sender)
        twiml = render_reply(catalog(contact.language).t("sms.menu"))
        inbound = InboundMessage(
            message_sid=message.message_sid,
            contact_id=contact.id,
            body=message.body,
            reply_twiml=twiml,
        )
        try:
            with session.begin_nested():
                session.add(inbound)
        except IntegrityError:
            log(logger, "sms_duplicate_race", message_sid=message.message_sid)
        log(logger, "sms_received", message_sid=message.message_sid, contact_id=contact.id)
        return twiml
