"""/admin/oncall: who would be paged now, tier by tier, and a red warning when nobody would.

Read-only, and written against today's on-call flag and tier: the weekly schedule, its gaps and
overrides come with the staff rota (issue 10), which will answer `on_call_now` instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hotline.models import Coordinator
from hotline.web.admin_access import can_handle_cases
from hotline.web.admin_pages import Staff, page


@dataclass(frozen=True)
class Tier:
    tier: int
    names: list[str]


def on_call_now(staff: Staff) -> list[Tier]:
    """The staff on call now, by escalation tier (1 is paged first)."""
    rows = staff.session.execute(
        select(Coordinator.tier, Coordinator.display_name)
        .where(Coordinator.oncall.is_(True))
        .order_by(Coordinator.tier, Coordinator.display_name)
    )
    tiers: dict[int, list[str]] = {}
    for tier, name in rows:
        tiers.setdefault(tier, []).append(name)
    return [Tier(tier, names) for tier, names in sorted(tiers.items())]


def _load(staff: Staff) -> dict[str, Any]:
    if not can_handle_cases(staff.me):
        raise staff.forbid()
    return {"tiers": on_call_now(staff), "me_on": staff.me.oncall, "my_tier": staff.me.tier}


async def oncall_page(request: Request) -> Response:
    return await page(request, "oncall.html", _load)


routes = [Route("/oncall", oncall_page)]
