"""/admin/oncall: who would be paged now, tier by tier, and a red warning when nobody would.

Read-only: who is on now comes from the staff rota (hotline/oncall.py: weekly shifts, then
ONCALL overrides), the same answer an escalation pages by.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hotline import oncall
from hotline.web.admin_access import can_handle_cases
from hotline.web.admin_pages import Staff, page


@dataclass(frozen=True)
class Tier:
    tier: int
    names: list[str]


def on_call_now(staff: Staff) -> list[Tier]:
    """The staff on call now, by escalation tier (1 is paged first)."""
    tiers: dict[int, list[str]] = {}
    for person in oncall.on_call(session=staff.session, now=staff.now):
        tiers.setdefault(person.tier, []).append(person.display_name)
    return [Tier(tier, sorted(names)) for tier, names in sorted(tiers.items())]


def _load(staff: Staff) -> dict[str, Any]:
    if not can_handle_cases(staff.me):
        raise staff.forbid()
    tiers = on_call_now(staff)
    on = {person.id for person in oncall.on_call(session=staff.session, now=staff.now)}
    return {"tiers": tiers, "me_on": staff.me.id in on, "my_tier": staff.me.tier}


async def oncall_page(request: Request) -> Response:
    return await page(request, "oncall.html", _load)


routes = [Route("/oncall", oncall_page)]
