"""Try the line from a terminal: signed webhooks to a running server, as Twilio would send."""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit, urlunsplit

import httpx

from hotline.phones import PhoneError, normalise
from hotline.settings import DEMO_AUTH_TOKEN, Settings, get_settings, is_public_url
from hotline.web.twilio_auth import sign

LINE_NUMBER = "+15550100000"


def _signing_settings(url: str | None) -> tuple[Settings, str]:
    """Return settings to sign with (demo token when none is set) and the base URL."""
    settings = get_settings()
    if not settings.twilio_auth_token:
        from dataclasses import replace

        settings = replace(settings, twilio_auth_token=DEMO_AUTH_TOKEN)
    return settings, (url or settings.public_url).rstrip("/")


def post_signed(path: str, params: dict[str, str], *, url: str | None = None) -> httpx.Response:
    settings, base = _signing_settings(url)
    # Twilio signs the URL it calls, and the line checks the signature against its public URL.
    # A deployed line (a public HOTLINE_PUBLIC_URL) reached on its own machine (`--url
    # http://127.0.0.1:8000`, behind its proxy) wants that address signed; the demo, reached
    # from another terminal without its settings, the URL called. A refused request did
    # nothing, so the next is tried after a 403: the demo started on `localhost` and called as
    # `127.0.0.1` (or the other way round) wants the other loopback name signed.
    public = settings.public_url.rstrip("/")
    order = [public, base] if is_public_url(public) else [base, public]
    first, *others = dict.fromkeys([*order, _other_loopback_name(base)])  # each once, in order
    response = _post(settings, base, first, path, params)
    for signed_base in others:
        if response.status_code != 403:
            break
        response = _post(settings, base, signed_base, path, params)
    return response


def _other_loopback_name(base: str) -> str:
    """``http://127.0.0.1:8000`` for ``http://localhost:8000``, and back; others unchanged."""
    parts = urlsplit(base)
    other = {"localhost": "127.0.0.1", "127.0.0.1": "localhost"}.get(parts.hostname or "")
    if other is None:
        return base
    netloc = other + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _post(
    settings: Settings, base: str, signed_base: str, path: str, params: dict[str, str]
) -> httpx.Response:
    signature = sign(settings, signed_base + path, params)
    return httpx.post(
        base + path, data=params, headers={"X-Twilio-Signature": signature}, timeout=20
    )


def send_sms(sender: str, text: str, *, url: str | None = None, twiml: bool = False) -> int:
    """Send one text to the line and print each reply; return a shell exit code."""
    try:
        e164 = normalise(sender)
    except PhoneError:
        print("hotline sms: FROM must be a phone number, e.g. +15551230000")
        return 2
    sid = "SM" + secrets.token_hex(16)
    params = {
        "MessageSid": sid,
        "SmsSid": sid,
        "SmsMessageSid": sid,
        "From": e164,
        "To": get_settings().from_number or LINE_NUMBER,
        "Body": text,
        "NumMedia": "0",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
        "FromCountry": "US",
    }
    try:
        response = post_signed("/twilio/sms", params, url=url)
    except httpx.HTTPError as exc:
        print(
            f"hotline sms: cannot reach the line ({type(exc).__name__}). Is `hotline demo` running?"
        )
        return 1
    if response.status_code != 200:
        print(f"hotline sms: the line answered {response.status_code}: {response.text[:200]}")
        return 1
    if twiml:
        print(response.text)
        return 0
    root = ET.fromstring(response.text)  # noqa: S314 - TwiML from our own server
    replies = ["".join(message.itertext()) for message in root.iter("Message")]
    for reply in replies or ["(no reply)"]:
        print(reply)
    return 0
