"""The SMS channel's one TwiML renderer (the twilio library): replies as `<Message>` verbs."""

from __future__ import annotations

from twilio.twiml.messaging_response import MessagingResponse

from hotline.catalogs import catalog


def render_reply(*texts: str) -> str:
    """Render one or more SMS replies as TwiML; no text renders an empty (silent) response."""
    response = MessagingResponse()
    for text in texts:
        if text:
            response.message(text)
    return str(response)


def sorry(language: str) -> str:
    """The reply to a text whose answer failed unexpectedly (the app's last resort)."""
    return render_reply(catalog(language).t("sms.sorry"))
