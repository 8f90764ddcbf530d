"""Support cases: a person who needs a human, and the trail of who answered."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hotline import audit
from hotline.models import SupportCase


def open_support_case(
    *, session: Session, contact_id: int, kind: str, level: str, source: str
) -> SupportCase:
    """Open a case (crisis or talk) and record it; escalation starts after commit."""
    case = SupportCase(contact_id=contact_id, kind=kind, level=level, source=source)
    session.add(case)
    session.flush()
    audit.record(
        session=session,
        actor=f"contact:{contact_id}",
        action="case_opened",
        subject_type="case",
        subject_id=case.id,
        kind=kind,
        level=level,
        source=source,
    )
    return case
