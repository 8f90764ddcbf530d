"""The audit trail: who did what to which case, message or broadcast, and when."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from hotline.models import AuditEvent


def record(
    *,
    session: Session,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: int | None,
    **detail: Any,
) -> AuditEvent:
    """Add one audit event (ids and levels only; never numbers or message bodies)."""
    event = AuditEvent(
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        detail=detail,
    )
    session.add(event)
    return event
