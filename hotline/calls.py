"""Calls the line answered: their progress from Twilio's call status callbacks."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.models import Call

FINAL_CALL_STATUSES = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})


def record_call_status(*, session: Session, call_sid: str, status: str, now: dt.datetime) -> bool:
    """Move a call to Twilio's latest status; an ended call never reopens. False if unknown."""
    call = session.scalars(select(Call).where(Call.call_sid == call_sid)).first()
    if call is None:
        return False
    if call.ended_at is None:
        call.status = status
        if status in FINAL_CALL_STATUSES:
            call.ended_at = now
    return True
