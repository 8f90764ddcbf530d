"""/admin/reports: the line's use over a chosen period, as tables, SVG charts and CSV files."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hotline import reports
from hotline.flows.digits import as_int
from hotline.models import Group, Meeting
from hotline.reports import Period, Table
from hotline.web.admin_access import (
    can_manage_group,
    my_meetings,
    runs_every_meeting,
    runs_meetings,
)
from hotline.web.admin_pages import Staff, page, run_as_staff

DEFAULT_DAYS = 30
MAX_DAYS = 366
TABLES = ("activity", "areas", "meetings", "cases", "timings", "warm")
# Tables and figures counted for the whole line whatever group is chosen: their rows name no
# meeting (a text, a search, a case, a warm-line call belongs to the line, not to a group).
LINE_WIDE = frozenset(
    {"activity", "areas", "cases", "timings", "warm", "texts_in", "calls_in", "finds"}
    | {"finds_no_group"}
)
CHART_WIDTH, CHART_HEIGHT = 640, 160


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: str
    title: str


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int
    height: int
    peak: int
    first: str
    last: str
    series: list[str]


def bar_chart(labels: list[str], series: dict[str, list[int]]) -> Chart:
    """Lay out grouped bars (one group per label, one bar per series) on a fixed canvas."""
    peak = max((value for values in series.values() for value in values), default=0) or 1
    slot = CHART_WIDTH / max(1, len(labels))
    width = max(1.0, slot * 0.8 / max(1, len(series)))
    bars = []
    for i, label in enumerate(labels):
        for j, (name, values) in enumerate(series.items()):
            height = CHART_HEIGHT * values[i] / peak
            bars.append(
                Bar(
                    x=round(i * slot + slot * 0.1 + j * width, 2),
                    y=round(CHART_HEIGHT - height, 2),
                    width=round(width, 2),
                    height=round(height, 2),
                    series=name,
                    title=f"{label}: {values[i]}",
                )
            )
    return Chart(
        bars,
        CHART_WIDTH,
        CHART_HEIGHT,
        peak,
        labels[0] if labels else "",
        labels[-1] if labels else "",
        list(series),
    )


def _period(staff: Staff, query: dict[str, str]) -> Period:
    today = staff.now.astimezone(staff.zone).date()
    last = _date(query.get("to")) or today
    first = _date(query.get("from")) or last - dt.timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        first, last = last, first
    first = max(first, last - dt.timedelta(days=MAX_DAYS - 1))
    return Period(first, last, staff.zone)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


def _group(staff: Staff, query: dict[str, str]) -> int | None:
    """The group asked for, when this staff member may see it; a coordinator's own otherwise."""
    raw = query.get("group", "")
    chosen = as_int(raw, max_digits=8)
    if chosen is None:
        return None  # every group this staff member runs
    if not can_manage_group(me=staff.me, group_id=chosen):
        raise staff.forbid()
    return chosen


def _tables(
    staff: Staff, query: dict[str, str], names: tuple[str, ...] = TABLES
) -> tuple[Period, int | None, dict[str, Table]]:
    """Build the named tables (all of them for the page, one for its CSV)."""
    if not runs_meetings(staff.me):
        raise staff.forbid()
    period, group_id = _period(staff, query), _group(staff, query)
    scope = _scope(staff, group_id)
    session = staff.session
    builders: dict[str, Callable[[], Table]] = {
        "activity": lambda: reports.activity(session=session, period=period),
        "areas": lambda: reports.unmet_demand(session=session, period=period),
        "meetings": lambda: reports.meetings(session=session, period=period, scope=scope),
        "cases": lambda: reports.cases(session=session, period=period),
        "timings": lambda: reports.timings(session=session, period=period),
        "warm": lambda: reports.warm(session=session, period=period),
    }
    return period, group_id, {name: builders[name]() for name in names}


def _scope(staff: Staff, group_id: int | None) -> ColumnElement[bool]:
    scope = my_meetings(staff.me)
    return scope if group_id is None else scope & (Meeting.group_id == group_id)


def _summary(
    staff: Staff, period: Period, group_id: int | None, tables: dict[str, Table]
) -> list[tuple[str, object]]:
    def total(name: str, column: str) -> int:
        index = tables[name].columns.index(column)
        return sum(int(str(row[index])) for row in tables[name].rows)

    # Opt-outs of the group's members when a group is chosen; else of the whole line.
    scope = _scope(staff, group_id) if group_id is not None else None
    return [
        ("texts_in", total("activity", "texts_in")),
        ("calls_in", total("activity", "calls_in")),
        ("finds", total("activity", "finds")),
        ("finds_no_group", total("activity", "finds_no_group")),
        ("reminders_sent", total("meetings", "reminders_sent")),
        ("reminders_delivered", total("meetings", "reminders_delivered")),
        ("cases", total("cases", "cases")),
        ("opt_outs", reports.opt_outs(session=staff.session, period=period, scope=scope)),
    ]


def _report(staff: Staff, query: dict[str, str]) -> dict[str, Any]:
    period, group_id, tables = _tables(staff, query)
    activity, areas = tables["activity"], tables["areas"]
    days = [str(row[0]) for row in activity.rows]
    groups = staff.session.execute(select(Group.id, Group.name).order_by(Group.name)).all()
    top = areas.rows[:12]
    return {
        "period": period,
        "group_id": group_id,
        "groups": [
            (gid, name) for gid, name in groups if can_manage_group(me=staff.me, group_id=gid)
        ],
        "can_pick_group": True,
        "summary": _summary(staff, period, group_id, tables),
        # Say which figures are the whole line's whenever the view is narrower than the line.
        "line_wide": LINE_WIDE if group_id is not None or not runs_every_meeting(staff.me) else (),
        "tables": [tables[name] for name in TABLES],
        "column_labels": {
            name: [staff.words.t(f"dash.report_col.{column}") for column in table.columns]
            for name, table in tables.items()
        },
        "query": f"from={period.first.isoformat()}&to={period.last.isoformat()}"
        + (f"&group={group_id}" if group_id is not None else ""),
        "activity_chart": bar_chart(
            days,
            {
                "texts_in": [int(str(row[1])) for row in activity.rows],
                "calls_in": [int(str(row[2])) for row in activity.rows],
            },
        ),
        "areas_chart": bar_chart(
            [str(row[0]) for row in top], {"finds_no_group": [int(str(row[2])) for row in top]}
        ),
    }


def _csv_cell(value: object) -> object:
    # A cell a spreadsheet would run as a formula is written as text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


async def reports_page(request: Request) -> Response:
    query = dict(request.query_params)
    return await page(request, "reports.html", lambda staff: _report(staff, query))


async def report_csv(request: Request) -> Response:
    name, query = request.path_params["name"], dict(request.query_params)
    if name not in TABLES:
        return Response(status_code=404)

    def build(staff: Staff) -> tuple[Period, Table]:
        period, _, tables = _tables(staff, query, (name,))
        return period, tables[name]

    found = await run_as_staff(request, build)
    if found is None:
        return Response(status_code=401)
    period, table = found
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    writer.writerows([_csv_cell(value) for value in row] for row in table.rows)
    filename = f"hotline-{name}-{period.first.isoformat()}-{period.last.isoformat()}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


routes = [
    Route("/reports", reports_page),
    Route("/reports/{name}.csv", report_csv),
]
