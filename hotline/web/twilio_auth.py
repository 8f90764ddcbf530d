"""The one place a Twilio webhook is verified: signature against the public URL, sane size."""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urlparse

from python_multipart.multipart import parse_options_header
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from twilio.request_validator import RequestValidator, compare, remove_port

from hotline.logs import log
from hotline.settings import Settings

logger = logging.getLogger(__name__)
URLENCODED = b"application/x-www-form-urlencoded"
MAX_FIELDS = 200


def public_url(request: Request, settings: Settings) -> str:
    """Rebuild the URL Twilio called from HOTLINE_PUBLIC_URL, keeping path and query."""
    url = settings.public_url + request.url.path
    return f"{url}?{request.url.query}" if request.url.query else url


async def twilio_form(request: Request) -> FormData:
    """Return the webhook's form fields, or raise 400/403 for oversize or unsigned posts."""
    settings: Settings = request.app.state.settings
    # The size limit is BodyLimit's (hotline/web/guard.py), counted as the body streams.
    try:
        form = await _form(request)
    except HTTPException:
        raise
    except Exception as exc:
        raise HTTPException(400, "malformed form body") from exc
    signature = request.headers.get("x-twilio-signature", "")
    if not signature or not _valid(settings, public_url(request, settings), form, signature):
        log(logger, "webhook_forbidden", logging.WARNING, path=request.url.path)
        raise HTTPException(403, "invalid Twilio signature")
    return _storable(form)


async def _form(request: Request) -> FormData:
    """The form as Starlette's parser reads it; a urlencoded body (every Twilio webhook) is
    split from the bytes already read, without the streaming parser's per-byte callbacks."""
    content_type, _ = parse_options_header(request.headers.get("content-type"))
    if content_type != URLENCODED:
        return await request.form(max_files=0, max_fields=MAX_FIELDS)
    fields: list[tuple[str, str | UploadFile]] = [*parse_urlencoded(await request.body())]
    return FormData(fields)


def parse_urlencoded(body: bytes) -> list[tuple[str, str]]:
    """Starlette's reading of a urlencoded body: fields split on "&", names and values
    latin-1 then unquote_plus (UTF-8, errors replaced), blank values kept, empty fields skipped,
    and a 400 past MAX_FIELDS (tests/web/test_form_parsing.py holds it to Starlette's parser)."""
    fields = parse_qsl(body.decode("latin-1"), keep_blank_values=True)
    if len(fields) > MAX_FIELDS:
        raise HTTPException(400, f"Too many fields. Maximum number of fields is {MAX_FIELDS}.")
    return fields


def _valid(settings: Settings, url: str, form: FormData, signature: str) -> bool:
    """The twilio library's check, with one HMAC for a genuine webhook instead of two.

    The library signs the URL without its port and with it, and accepts either: the first
    matching settles it; only a signature that does not match (forged) costs the second.
    """
    validator = RequestValidator(settings.twilio_auth_token)
    without_port = remove_port(urlparse(url))
    if compare(validator.compute_signature(without_port, form), signature):
        return True
    return bool(validator.validate(url, form, signature))


def _storable(form: FormData) -> FormData:
    """Drop NUL characters once the signature is checked: PostgreSQL text cannot hold them."""
    return FormData(
        [
            (key, value.replace("\x00", ""))
            for key, value in form.multi_items()
            if isinstance(value, str)
        ]
    )


def sign(settings: Settings, url: str, params: dict[str, str]) -> str:
    """Compute the signature Twilio would send for a post to url (for the CLI and tests)."""
    return str(RequestValidator(settings.twilio_auth_token).compute_signature(url, params))
