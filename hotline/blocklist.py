"""The blocklist: numbers and prefixes whose texts are recorded but not answered.

A full number is stored only as its keyed hash (the same index contacts use), so the table
names no one; a prefix such as +1900 is kept as typed. Crisis texts are answered regardless.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hotline.flows.digits import as_int, ascii_digits
from hotline.models import BlockedNumber
from hotline.phones import PhoneVault, normalise

NUMBER, PREFIX = "number", "prefix"
# "+" and 1 to 8 digits: a country or premium-rate range, too short to be anyone's number.
_PREFIX = re.compile(r"\+[0-9]{1,8}")
# A run of digits five characters or longer in a note (with the spaces, brackets, dots and
# dashes numbers are written with): anything that could be a phone number.
_DIGITS = re.compile(r"\+?[0-9][0-9 ().-]{3,}[0-9]")


class BlockError(ValueError):
    """A value that is neither a phone number nor a prefix."""


@dataclass(frozen=True)
class Block:
    id: int
    kind: str
    label: str  # the prefix, or a short piece of the number's hash
    note: str


def parse_prefix(raw: str) -> str:
    """Return a prefix in the "+1900" form, or raise BlockError."""
    prefix = raw.strip().replace(" ", "").replace("-", "")
    if not _PREFIX.fullmatch(prefix):
        raise BlockError("a prefix is + and 1 to 8 digits, like +1900")
    return prefix


def add_block(
    *, session: Session, vault: PhoneVault, value: str, prefix: bool, note: str = "", region: str
) -> Block:
    """Block a number (stored hashed) or a prefix (stored as typed); adding twice is harmless."""
    if prefix:
        kind, stored = PREFIX, parse_prefix(value)
    else:
        kind, stored = NUMBER, vault.index(_number(value, region))
    found = _find(session, kind, stored)
    if found is None:
        found = BlockedNumber(kind=kind, value=stored, note=note[:200])
        try:
            with session.begin_nested():
                session.add(found)
        except IntegrityError:
            found = _find(session, kind, stored)
            assert found is not None
    return _view(found)


def remove_block(
    *, session: Session, vault: PhoneVault, value: str, prefix: bool, region: str
) -> bool:
    """Lift a block by its number, prefix or id; False when there was none."""
    block_id = as_int(ascii_digits(value.strip()), max_digits=9)
    if block_id is not None and not prefix:
        statement = delete(BlockedNumber).where(BlockedNumber.id == block_id)
    elif prefix:
        statement = delete(BlockedNumber).where(
            BlockedNumber.kind == PREFIX, BlockedNumber.value == parse_prefix(value)
        )
    else:
        digest = vault.index(_number(value, region))
        statement = delete(BlockedNumber).where(
            BlockedNumber.kind == NUMBER, BlockedNumber.value == digest
        )
    return bool(session.execute(statement).rowcount)  # type: ignore[attr-defined]


def list_blocks(*, session: Session) -> Sequence[Block]:
    rows = session.scalars(select(BlockedNumber).order_by(BlockedNumber.id))
    return [_view(row) for row in rows]


def is_blocked(*, session: Session, phone_hash: str, e164: str) -> bool:
    """Whether a number is blocked, by its hash or by a prefix it starts with."""
    statement = select(BlockedNumber.kind, BlockedNumber.value).where(
        or_(
            (BlockedNumber.kind == NUMBER) & (BlockedNumber.value == phone_hash),
            BlockedNumber.kind == PREFIX,
        )
    )
    return any(
        kind == NUMBER or e164.startswith(value) for kind, value in session.execute(statement)
    )


def masked_note(note: str) -> str:
    """A note with anything that could be a phone number hidden, for pages that show notes."""
    return _DIGITS.sub(lambda found: "#" * min(len(found.group()), 4), note)


def _number(raw: str, region: str) -> str:
    try:
        return normalise(raw, region)
    except ValueError as exc:
        raise BlockError("not a phone number (for a prefix, add --prefix)") from exc


def _find(session: Session, kind: str, value: str) -> BlockedNumber | None:
    statement = select(BlockedNumber).where(
        BlockedNumber.kind == kind, BlockedNumber.value == value
    )
    return session.scalars(statement).first()


def _view(row: BlockedNumber) -> Block:
    label = row.value if row.kind == PREFIX else f"number #{row.value[:8]}"
    return Block(row.id, row.kind, label, row.note)
