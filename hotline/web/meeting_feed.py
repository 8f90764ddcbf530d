"""GET /meetings.json: the active meetings in the Meeting Guide JSON format, for finders."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hotline.db import session_scope
from hotline.publish import meeting_guide_feed
from hotline.settings import Settings

# Finders fetch the feed from their own pages and cache it; a few minutes old is fine.
_HEADERS = {"access-control-allow-origin": "*", "cache-control": "public, max-age=300"}


def _rows(settings: Settings) -> list[dict[str, Any]]:
    with session_scope() as session:
        return meeting_guide_feed(session=session, line_number=settings.from_number)


async def meetings_json(request: Request) -> Response:
    rows = await run_in_threadpool(_rows, request.app.state.settings)
    return JSONResponse(rows, headers=_HEADERS)
