"""POST /twilio/sms: the crisis answer first, in the event loop; the rest within the deadline."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from hotline.bounded import record_within_budget_async, within_deadline
from hotline.crisis.detector import assess
from hotline.settings import Settings
from hotline.sms import runner as sms
from hotline.web.events import BadWebhook, sms_event
from hotline.web.twilio_auth import twilio_form

TWIML = "application/xml"


async def inbound_sms(request: Request) -> Response:
    form = await twilio_form(request)
    settings = request.app.state.settings
    try:
        message = sms_event(form, settings.default_region)
    except BadWebhook as exc:
        return Response(str(exc), status_code=400, media_type="text/plain")
    return Response(await _answer(settings, message), media_type=TWIML)


async def _answer(settings: Settings, message: sms.InboundSms) -> str:
    """The crisis reply never waits for a thread; everything else waits at most the deadline."""
    sid = message.message_sid
    assessment = assess(message.body)  # pure and quick: well under a millisecond
    if assessment.crisis:
        crisis = sms.crisis_answer(
            settings, message, level=assessment.level.value, danger=assessment.danger
        )
        recorded = await record_within_budget_async(
            crisis.record, event="crisis_record", message_sid=sid
        )
        return recorded or crisis.fallback
    return await within_deadline(
        lambda: sms.answer_member(settings, message, assessment.level),
        fallback=lambda: sms.busy_reply(settings, message),
        late=lambda: sms.record_late(settings, message, assessment.level),
        event="sms",
        message_sid=sid,
    )
