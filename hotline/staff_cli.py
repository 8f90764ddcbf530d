"""`hotline staff add|list|edit|remove|oncall`: the roster from a terminal (numbers masked)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from hotline import clock, oncall, roster
from hotline.db import session_scope
from hotline.roster import RosterError, StaffChange
from hotline.settings import get_settings
from hotline.staff import ROLES, Role

ACTOR = "cli"


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the `staff` command and its subcommands to the hotline parser."""
    staff = add("staff", run, "add, list, edit or remove staff; show and set on-call shifts")
    sub = staff.add_subparsers(dest="staff_action", required=True)
    adding = sub.add_parser("add", help="add an admin, coordinator, responder or volunteer")
    editing = sub.add_parser("edit", help="change a staff member (by id or phone)")
    editing.add_argument("ref", help="staff id (from staff list) or phone number")
    for cmd, required in ((adding, True), (editing, False)):
        cmd.add_argument("--name", required=required)
        cmd.add_argument("--phone", required=required)
        cmd.add_argument("--role", choices=ROLES, required=required)
        cmd.add_argument("--meeting", action="append", metavar="CODE", help="a meeting they run")
        cmd.add_argument("--tier", type=int, help="escalation tier, 1 is paged first")
        cmd.add_argument("--language", help="en or es (their texts)")
    editing.add_argument("--no-meetings", action="store_true", help="drop every meeting")
    sub.add_parser("list", help="every staff member, numbers masked to the last 4 digits")
    removing = sub.add_parser("remove", help="take someone off the roster")
    removing.add_argument("ref")
    shifts = sub.add_parser("oncall", help="who is on call now; add or clear weekly shifts")
    shifts.add_argument("ref", nargs="?", help="staff id or phone, to change their shifts")
    shifts.add_argument("--shift", action="append", metavar='"mon 18:00-23:00"', default=[])
    shifts.add_argument("--tz", default=None, help="IANA time zone of the shifts")
    shifts.add_argument("--clear", action="store_true", help="drop their shifts first")
    shifts.add_argument(
        "--on", action="store_true", help="ONCALL ON for them, until the shift ends"
    )
    shifts.add_argument(
        "--off", action="store_true", help="ONCALL OFF for them, until the next shift"
    )


def run(args: argparse.Namespace) -> int:
    actions: dict[str, Callable[[argparse.Namespace], int]] = {
        "add": _add,
        "edit": _edit,
        "list": _list,
        "remove": _remove,
        "oncall": _oncall,
    }
    try:
        return actions[args.staff_action](args)
    except RosterError as exc:
        print(f"hotline staff: {exc}", file=sys.stderr)
        return 1


def _change(args: argparse.Namespace) -> StaffChange:
    meetings = [] if getattr(args, "no_meetings", False) else args.meeting
    return StaffChange(
        name=args.name,
        phone=args.phone,
        role=args.role,
        meetings=meetings,
        tier=args.tier,
        language=args.language,
    )


def _add(args: argparse.Namespace) -> int:
    settings = get_settings()
    with session_scope() as session:
        staff = roster.add_staff(
            session=session, settings=settings, change=_change(args), actor=ACTOR
        )
        staff_id, role, on = staff.id, staff.role, staff.oncall
    if on:
        state = "on call"
    elif role == Role.ADMIN:
        state = "not on call (paged when nobody else is)"
    else:
        state = "not on call"
    print(f"added staff {staff_id} ({role}), {state}; a welcome text is on its way")
    return 0


def _edit(args: argparse.Namespace) -> int:
    settings = get_settings()
    with session_scope() as session:
        staff = roster.find_staff(session=session, settings=settings, ref=args.ref)
        roster.edit_staff(
            session=session, settings=settings, staff=staff, change=_change(args), actor=ACTOR
        )
        staff_id = staff.id
    print(f"staff {staff_id} changed")
    return 0


def _remove(args: argparse.Namespace) -> int:
    settings = get_settings()
    with session_scope() as session:
        staff = roster.find_staff(session=session, settings=settings, ref=args.ref)
        roster.remove_staff(session=session, staff=staff, actor=ACTOR, now=clock.now())
        staff_id = staff.id
    print(f"staff {staff_id} removed")
    return 0


def _list(_args: argparse.Namespace) -> int:
    settings = get_settings()
    with session_scope() as session:
        rows = roster.list_staff(session=session, settings=settings)
    if not rows:
        print("no staff yet: hotline staff add --name … --phone … --role admin")
        return 0
    print(f"{'id':>4}  {'role':<11} {'tier':>4}  {'phone':<7} {'lang':<4} {'meetings':<16} name")
    for row in rows:
        meetings = " ".join(f"#{code}" for code in row.meetings) or "-"
        print(
            f"{row.id:>4}  {row.role:<11} {row.tier:>4}  {row.phone_last4:<7} {row.language:<4} "
            f"{meetings:<16} {row.name}"
        )
    return 0


def _oncall(args: argparse.Namespace) -> int:
    settings = get_settings()
    now = clock.now()
    with session_scope() as session:
        if args.ref:
            staff = roster.find_staff(session=session, settings=settings, ref=args.ref)
            if args.clear:
                roster.clear_shifts(session=session, staff=staff, actor=ACTOR)
            zone = args.tz or settings.time_zone
            for text in args.shift:
                roster.add_shift(
                    session=session, staff=staff, text=text, time_zone=zone, actor=ACTOR
                )
            if args.on or args.off:
                oncall.set_oncall(session=session, staff=staff, on=args.on, now=now)
            session.flush()
        rows = oncall.oncall_table(session=session, now=now)
        state = oncall.coverage(session=session, now=now)
        upcoming = oncall.next_shift(session=session, now=now)
    print(f"on call now: {state.value}" + _next(upcoming))
    for row in rows:
        mark = "ON " if row.on_now else "off"
        # "off (no shifts)" already says there are none: "no shifts" only when nothing else does.
        override = f"[{row.override}]" if row.override else ""
        rota = " ".join(part for part in ("; ".join(row.shifts), override) if part)
        who = f"{row.staff_id:>4} {row.role:<11} tier {row.tier}"
        print(f"  {mark} {who}  {rota or 'no shifts'}  {row.name}")
    return 0


def _next(upcoming: object) -> str:
    return f"; next shift starts {upcoming:%Y-%m-%d %H:%M} UTC" if upcoming is not None else ""
