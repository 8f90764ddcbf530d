"""The staff roster: add, edit, remove staff and their shifts, each change audited.

Used by `hotline staff …` and the dashboard's staff page alike. Numbers are stored encrypted
like every contact's; the roster shows only their last four digits.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import audit
from hotline.catalogs import catalog
from hotline.contacts import get_or_create_contact
from hotline.flows import rota
from hotline.flows.digits import as_int, ascii_digits
from hotline.logs import log
from hotline.meetings import get_meeting_by_code
from hotline.models import Contact, Coordinator, Meeting, Priority, StaffShift
from hotline.outbox import queue_sms
from hotline.phones import PhoneError, normalise, vault_for
from hotline.settings import Settings
from hotline.staff import ROLES, Role

logger = logging.getLogger(__name__)


class RosterError(ValueError):
    """A change the roster refuses; the message is one line a person can act on.

    The message is the CLI's wording; `key` names the same refusal in the dashboard's catalogs
    (`dash.roster.<key>`, with `params`), so a page can say it in the reader's language.
    """

    def __init__(self, message: str, *, key: str = "", **params: object) -> None:
        super().__init__(message)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class StaffChange:
    """What `staff add` / `staff edit` asks for; None leaves a field as it is."""

    name: str | None = None
    phone: str | None = None
    role: str | None = None
    meetings: Sequence[str] | None = None
    tier: int | None = None
    language: str | None = None


@dataclass(frozen=True)
class StaffRow:
    id: int
    name: str
    role: str
    tier: int
    phone_last4: str
    meetings: tuple[str, ...]
    language: str


def add_staff(
    *, session: Session, settings: Settings, change: StaffChange, actor: str
) -> Coordinator:
    """Add a staff member and text them what they will receive and how to stop."""
    if not change.name or not change.phone or not change.role:
        raise RosterError("staff add needs --name, --phone and --role", key="needs")
    e164 = _phone(change.phone, settings)
    contact = get_or_create_contact(
        session=session, vault=vault_for(settings.secret_key), e164=e164
    )
    existing = session.scalars(
        select(Coordinator).where(Coordinator.contact_id == contact.id)
    ).first()
    if existing is not None and existing.removed_at is None:
        raise RosterError(
            f"that number is already staff (id {existing.id}): use staff edit",
            key="already",
            id=existing.id,
        )
    staff = existing or Coordinator(contact_id=contact.id, display_name="")
    staff.removed_at = None
    staff.oncall_until = None
    if existing is None:
        session.add(staff)
    _apply(session, settings, staff, contact, change)
    # Responders are on call from the start (until ONCALL OFF or shifts say otherwise), so a
    # new line's first responder is paged; admins and coordinators are the fallback.
    staff.oncall = staff.role == Role.RESPONDER
    session.flush()
    _audit(session, actor, "staff_added", staff)
    _welcome(session, staff, contact)
    return staff


def edit_staff(
    *, session: Session, settings: Settings, staff: Coordinator, change: StaffChange, actor: str
) -> Coordinator:
    contact = session.get(Contact, staff.contact_id)
    assert contact is not None
    if change.phone:
        e164 = _phone(change.phone, settings)
        vault = vault_for(settings.secret_key)
        other = get_or_create_contact(session=session, vault=vault, e164=e164)
        taken = session.scalars(select(Coordinator).where(Coordinator.contact_id == other.id))
        if any(row.id != staff.id for row in taken):
            raise RosterError("that number belongs to another staff member", key="taken")
        staff.contact_id, contact = other.id, other
    _apply(session, settings, staff, contact, change)
    session.flush()
    _audit(session, actor, "staff_edited", staff, fields=sorted(_named(change)))
    return staff


def remove_staff(*, session: Session, staff: Coordinator, actor: str, now: dt.datetime) -> None:
    """Take someone off the roster; their row stays so past cases still name who acted."""
    staff.removed_at = now
    staff.oncall = False
    staff.oncall_until = None
    staff.meetings.clear()
    staff.shifts.clear()
    _audit(session, actor, "staff_removed", staff)
    _sign_out_everywhere(staff.id)


def _sign_out_everywhere(staff_id: int) -> None:
    # Their dashboard sessions end now; the dashboard also refuses a removed member's session,
    # so a Redis that is down here only delays the clean-up.
    from hotline.admin_auth import revoke_sessions
    from hotline.queues import get_redis

    try:
        revoke_sessions(redis=get_redis(), coordinator_id=staff_id)
    except RedisError as exc:
        log(logger, "staff_sessions_not_revoked", logging.WARNING, error=type(exc).__name__)


def add_shift(
    *, session: Session, staff: Coordinator, text: str, time_zone: str, actor: str
) -> StaffShift:
    """Add a weekly on-call shift ("mon 18:00-23:00") in a time zone."""
    try:
        weekday, start, minutes = rota.parse_shift(text)
        ZoneInfo(time_zone)
    except (ValueError, ZoneInfoNotFoundError) as exc:
        raise RosterError(str(exc) or f"unknown time zone {time_zone!r}", key="shift") from None
    shift = StaffShift(weekday=weekday, start_time=start, minutes=minutes, time_zone=time_zone)
    staff.shifts.append(shift)
    staff.oncall_until = None  # the schedule decides from now on
    session.flush()
    _audit(session, actor, "shift_added", staff, shift_id=shift.id)
    return shift


def remove_shift(*, session: Session, staff: Coordinator, shift_id: int, actor: str) -> None:
    """Take one weekly shift off a staff member's rota."""
    shift = next((s for s in staff.shifts if s.id == shift_id), None)
    if shift is None:
        raise RosterError(f"staff {staff.id} has no shift {shift_id}", key="no_shift")
    staff.shifts.remove(shift)
    staff.oncall_until = None  # the schedule decides from now on
    session.flush()
    _audit(session, actor, "shift_removed", staff, shift_id=shift_id)


def clear_shifts(*, session: Session, staff: Coordinator, actor: str) -> None:
    staff.shifts.clear()
    staff.oncall_until = None
    _audit(session, actor, "shifts_cleared", staff)


def find_staff(*, session: Session, settings: Settings, ref: str) -> Coordinator:
    """Find a current staff member by id or by phone number."""
    staff_id = as_int(ascii_digits(ref.strip()), max_digits=8)
    if staff_id is not None:
        staff = session.get(Coordinator, staff_id)
    else:
        vault = vault_for(settings.secret_key)
        hashed = vault.index(_phone(ref, settings))
        staff = session.scalars(
            select(Coordinator).join(Contact).where(Contact.phone_hash == hashed)
        ).first()
    if staff is None or staff.removed_at is not None:
        raise RosterError(f"no staff member {ref!r}: see hotline staff list", key="no_staff")
    return staff


def staff_with_contacts(*, session: Session) -> list[tuple[Coordinator, Contact]]:
    """Every current staff member with their contact, by role, tier and id."""
    rows = session.execute(
        select(Coordinator, Contact)
        .join(Contact, Contact.id == Coordinator.contact_id)
        .where(Coordinator.removed_at.is_(None))
        .order_by(Coordinator.role, Coordinator.tier, Coordinator.id)
    ).all()
    return [(staff, contact) for staff, contact in rows]


def list_staff(*, session: Session, settings: Settings) -> list[StaffRow]:
    rows = staff_with_contacts(session=session)
    return [staff_row(staff, contact, settings) for staff, contact in rows]


def staff_row(staff: Coordinator, contact: Contact, settings: Settings) -> StaffRow:
    number = vault_for(settings.secret_key).decrypt(contact.phone_encrypted)
    return StaffRow(
        id=staff.id,
        name=staff.display_name,
        role=staff.role,
        tier=staff.tier,
        phone_last4=f"…{number[-4:]}",
        meetings=tuple(sorted(m.code for m in staff.meetings)),
        language=contact.language,
    )


def _apply(
    session: Session,
    settings: Settings,
    staff: Coordinator,
    contact: Contact,
    change: StaffChange,
) -> None:
    if change.name is not None:
        if not change.name.strip():
            raise RosterError("--name cannot be empty", key="name")
        staff.display_name = change.name.strip()[:120]
    if change.role is not None:
        if change.role not in ROLES:
            raise RosterError(f"--role must be one of {', '.join(ROLES)}", key="role")
        staff.role = change.role
    if change.tier is not None:
        if not 1 <= change.tier <= 9:
            raise RosterError("--tier must be 1 to 9 (1 is paged first)", key="tier")
        staff.tier = change.tier
    if change.language is not None:
        if change.language not in settings.languages:
            raise RosterError(
                f"--language must be one of {', '.join(settings.languages)}",
                key="language",
                languages=", ".join(settings.languages),
            )
        contact.language = change.language
    if change.meetings is not None:
        staff.meetings[:] = [_meeting(session, code) for code in change.meetings]


def _meeting(session: Session, code: str) -> Meeting:
    meeting = get_meeting_by_code(session=session, code=code.lstrip("#"), active_only=False)
    if meeting is None:
        raise RosterError(
            f"no meeting #{code}: import the meetings first (hotline import)",
            key="no_meeting",
            code=code.lstrip("#"),
        )
    return meeting


def _phone(raw: str, settings: Settings) -> str:
    try:
        return normalise(raw, settings.default_region)
    except PhoneError:
        raise RosterError(
            "--phone is not a phone number (write it like +14155550123)", key="phone"
        ) from None


def _named(change: StaffChange) -> set[str]:
    return {key for key, value in vars(change).items() if value is not None}


def _audit(session: Session, actor: str, action: str, staff: Coordinator, **detail: object) -> None:
    # Ids, roles and tiers only: never the name or the number.
    audit.record(
        session=session,
        actor=actor,
        action=action,
        subject_type="coordinator",
        subject_id=staff.id,
        role=staff.role,
        tier=staff.tier,
        **detail,
    )
    log(logger, action, staff_id=staff.id, role=staff.role)


def _welcome(session: Session, staff: Coordinator, contact: Contact) -> None:
    words = catalog(contact.language)
    codes = ", ".join(f"#{m.code}" for m in staff.meetings) or words.t("staff.all_groups")
    queue_sms(
        session=session,
        contact_id=contact.id,
        body=words.t(f"staff.welcome_{staff.role}", tier=staff.tier, codes=codes),
        purpose="staff",
        priority=Priority.DEFAULT,
    )
