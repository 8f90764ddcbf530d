"""/admin/blocklist: the numbers and prefixes the line records but does not answer (admins).

The same store as `hotline block` (hotline/blocklist.py): a number is kept only as its keyed
hash, so the page can never show it; it shows a prefix as typed and a number by a short piece
of its hash. Notes are shown with anything that could be a number hidden. Each change is
audited with who made it (never the number).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hotline import blocklist
from hotline.blocklist import BlockError
from hotline.models import BlockedNumber
from hotline.phones import vault_for
from hotline.web.admin_access import is_admin
from hotline.web.admin_pages import Staff, act, page
from hotline.web.ids import ID

BACK = "/admin/blocklist"


def _require_admin(staff: Staff) -> None:
    if not is_admin(staff.me):
        raise staff.forbid()


def _load(staff: Staff) -> dict[str, Any]:
    _require_admin(staff)
    blocks = blocklist.list_blocks(session=staff.session)
    return {
        "blocks": [
            {
                "id": b.id,
                "kind": b.kind,
                "label": b.label
                if b.kind == blocklist.PREFIX
                else f"#{b.label.rpartition('#')[2]}",
                "note": blocklist.masked_note(b.note),
            }
            for b in blocks
        ]
    }


def _add(staff: Staff, fields: dict[str, str]) -> tuple[str, str | None]:
    _require_admin(staff)
    words = staff.words
    value = fields.get("value", "").strip()[:40]
    prefix = fields.get("kind") == blocklist.PREFIX
    note = blocklist.masked_note(fields.get("note", "").strip()[:200])
    try:
        block = blocklist.add_block(
            session=staff.session,
            vault=vault_for(staff.settings.secret_key),
            value=value,
            prefix=prefix,
            note=note,
            region=staff.settings.default_region,
        )
    except BlockError:
        return BACK, words.t("dash.bl_bad_prefix" if prefix else "dash.bl_bad_number")
    staff.audit("block_added", "blocked_number", block.id, kind=block.kind)
    if prefix:
        return BACK, words.t("dash.bl_added_prefix", prefix=block.label, id=block.id)
    digits = "".join(ch for ch in value if ch.isdigit())
    return BACK, words.t("dash.bl_added_number", last4=digits[-4:], id=block.id)


def _remove(staff: Staff, block_id: int) -> tuple[str, str | None]:
    _require_admin(staff)
    row = staff.session.get(BlockedNumber, block_id)
    if row is None:
        return BACK, staff.words.t("dash.bl_gone")
    kind = row.kind
    removed = blocklist.remove_block(
        session=staff.session,
        vault=vault_for(staff.settings.secret_key),
        value=str(block_id),
        prefix=False,
        region=staff.settings.default_region,
    )
    if not removed:
        return BACK, staff.words.t("dash.bl_gone")
    staff.audit("block_removed", "blocked_number", block_id, kind=kind)
    return BACK, staff.words.t("dash.bl_removed", id=block_id)


async def blocklist_page(request: Request) -> Response:
    return await page(request, "blocklist.html", _load)


async def add(request: Request) -> Response:
    return await act(request, _add)


async def remove(request: Request) -> Response:
    block_id = int(request.path_params["block_id"])
    return await act(request, lambda staff, _f: _remove(staff, block_id))


routes = [
    Route("/blocklist", blocklist_page),
    Route("/blocklist", add, methods=["POST"]),
    Route(f"/blocklist/{{block_id:{ID}}}/remove", remove, methods=["POST"]),
]
