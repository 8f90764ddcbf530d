"""POST /twilio/sms."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from hotline.sms import BadWebhook, InboundSms, handle_sms
from hotline.web.twilio_auth import twilio_form

TWIML = "application/xml"


async def inbound_sms(request: Request) -> Response:
    form = await twilio_form(request)
    settings = request.app.state.settings
    try:
        message = InboundSms.from_form(form, settings.default_region)
    except BadWebhook as exc:
        return Response(str(exc), status_code=400, media_type="text/plain")
    twiml = await run_in_threadpool(handle_sms, settings, message)
    return Response(twiml, media_type=TWIML)
