"""The SMS channel's one TwiML renderer: replies as `<Message>` verbs.

Written out directly rather than through the twilio library's XML objects (a tenth of the
cost); tests/sms/test_twiml_render.py checks the output is the library's, byte for byte.
"""

from __future__ import annotations

from hotline.catalogs import catalog

_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
_SILENT = _DECLARATION + "<Response />"


def _escaped(text: str) -> str:
    """What ElementTree (the twilio library's serialiser) does to element text."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def render_reply(*texts: str) -> str:
    """Render one or more SMS replies as TwiML; no text renders an empty (silent) response."""
    messages = "".join(f"<Message>{_escaped(text)}</Message>" for text in texts if text)
    return f"{_DECLARATION}<Response>{messages}</Response>" if messages else _SILENT


def sorry(language: str) -> str:
    """The reply to a text whose answer failed unexpectedly (the app's last resort)."""
    return render_reply(catalog(language).t("sms.sorry"))
