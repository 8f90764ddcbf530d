"""`hotline warm list|volunteer`: who takes warm-line calls, their languages, tags and shifts.

Staff are added with `hotline staff add --role volunteer`; their warm-line shifts live on the
same weekly rota model as on-call shifts (rota "warm"). Numbers are never printed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hotline import audit, clock, roster
from hotline.db import session_scope
from hotline.flows import rota
from hotline.models import Coordinator, StaffShift
from hotline.oncall import active_staff, shifts_of
from hotline.roster import RosterError
from hotline.settings import get_settings
from hotline.staff import Role
from hotline.warm import volunteers

ACTOR = "cli"


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the `warm` command and its subcommands to the hotline parser."""
    warm = add("warm", run, "the warm line: volunteers, their languages, tags and shifts")
    sub = warm.add_subparsers(dest="warm_action", required=True)
    sub.add_parser("list", help="who takes warm-line calls, who is on now, when it opens next")
    person = sub.add_parser("volunteer", help="set a staff member's warm-line details")
    person.add_argument("ref", help="staff id (from staff list) or phone number")
    person.add_argument("--languages", help="languages they speak, e.g. en,es")
    person.add_argument("--tags", help="e.g. veterans,youth (empty to clear)")
    person.add_argument("--opt-in", action="store_true", help="a responder takes warm calls too")
    person.add_argument("--opt-out", action="store_true", help="a responder stops taking them")
    person.add_argument("--shift", action="append", metavar='"tue 18:00-22:00"', default=[])
    person.add_argument("--tz", default=None, help="IANA time zone of the shifts")
    person.add_argument("--clear", action="store_true", help="drop their warm-line shifts first")


def run(args: argparse.Namespace) -> int:
    try:
        return _volunteer(args) if args.warm_action == "volunteer" else _list()
    except RosterError as exc:
        print(f"hotline warm: {exc}", file=sys.stderr)
        return 2


def _volunteer(args: argparse.Namespace) -> int:
    settings = get_settings()
    with session_scope() as session:
        staff = roster.find_staff(session=session, settings=settings, ref=args.ref)
        profile = volunteers.profile_of(session=session, staff=staff)
        if args.languages is not None:
            chosen = [part.strip() for part in args.languages.split(",") if part.strip()]
            unknown = [lang for lang in chosen if lang not in settings.languages]
            if not chosen or unknown:
                raise RosterError(f"--languages must be some of {', '.join(settings.languages)}")
            profile.languages = ",".join(chosen)
        if args.tags is not None:
            profile.tags = ",".join(t.strip().lower() for t in args.tags.split(",") if t.strip())
        if args.opt_in or args.opt_out:
            profile.opted_in = bool(args.opt_in)
        if args.clear:
            staff.shifts[:] = [s for s in staff.shifts if s.rota != volunteers.ROTA]
        for text in args.shift:
            staff.shifts.append(_shift(text, args.tz))
        session.flush()
        audit.record(
            session=session,
            actor=ACTOR,
            action="warm_volunteer_edited",
            subject_type="coordinator",
            subject_id=staff.id,
            shifts=len([s for s in staff.shifts if s.rota == volunteers.ROTA]),
        )
        print(f"warm line: {_describe(staff, profile.languages, profile.tags)}")
    return 0


def _shift(text: str, time_zone: str | None) -> StaffShift:
    if not time_zone:
        raise RosterError("--shift needs --tz, e.g. --tz America/Los_Angeles")
    try:
        weekday, start, minutes = rota.parse_shift(text)
        ZoneInfo(time_zone)
    except (ValueError, ZoneInfoNotFoundError) as exc:
        raise RosterError(str(exc) or f"unknown time zone {time_zone!r}") from None
    return StaffShift(
        rota=volunteers.ROTA,
        weekday=weekday,
        start_time=start,
        minutes=minutes,
        time_zone=time_zone,
    )


def _describe(staff: Coordinator, languages: str, tags: str) -> str:
    shifts = "; ".join(rota.describe_shift(s) for s in shifts_of([staff], volunteers.ROTA))
    extra = f"  tags {tags}" if tags else ""
    return f"{staff.id} {staff.display_name} ({staff.role})  speaks {languages}{extra}  " + (
        shifts or "no warm-line shifts"
    )


def _list() -> int:
    now = clock.now()
    with session_scope() as session:
        on = {p.id for p in volunteers.on_shift(session=session, now=now)}
        for staff in active_staff(session=session):
            profile = session.get(volunteers.VolunteerProfile, staff.id)
            if staff.role != Role.VOLUNTEER and profile is None:
                continue
            languages = profile.languages if profile else "en"
            mark = "*" if staff.id in on else " "
            print(f"  {mark} {_describe(staff, languages, profile.tags if profile else '')}")
        opens = volunteers.opens_next(session=session, now=now)
    state = "open now" if on else "closed now"
    upcoming = f"; next shift starts {opens[0]:%Y-%m-%d %H:%M} UTC" if opens else ""
    print(f"warm line {state}{upcoming}  (* = taking calls now)")
    return 0
