"""POST /twilio/voice and the menu steps under it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from twilio.twiml.voice_response import VoiceResponse

from hotline.web.twilio_auth import twilio_form

TWIML = "application/xml"


async def inbound_call(request: Request) -> Response:
    await twilio_form(request)
    response = VoiceResponse()
    response.say("Welcome to Hotline. If you are in crisis, call 988.")
    return Response(str(response), media_type=TWIML)


# Menu steps, mounted under /twilio/voice/.
steps: list[Route] = []
