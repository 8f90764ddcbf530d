"""The blocklist: numbers and prefixes whose texts are recorded but not answered.

A full number is stored only as its keyed hash (the same index contacts use), so the table
names no one; a prefix such as +1900 is kept as typed. Crisis texts are answered regardless.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from redis.exceptions import RedisError
from sqlalchemy import delete, event, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hotline.flows.digits import as_int, ascii_digits
from hotline.logs import log
from hotline.models import BlockedNumber
from hotline.phones import PhoneVault, normalise

logger = logging.getLogger(__name__)

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
        _changed_on_commit(session)
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
    removed = bool(session.execute(statement).rowcount)  # type: ignore[attr-defined]
    if removed:
        _changed_on_commit(session)
    return removed


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


# The web processes keep the (short) blocklist in memory, tagged with a generation kept in
# Redis: a change gives it a new tag once committed, and the inbound limits' Redis call (limits.py)
# reads it in the same round trip as the text's count. A copy is also never kept longer than
# this, so a missed bump (Redis down at the time) is caught up within seconds.
GENERATION_KEY = "hotline:blocklist:generation"
_COPY_SECONDS = 5.0


@dataclass(frozen=True)
class BlocklistCopy:
    """The blocklist as one database held it at one generation."""

    database: str
    generation: str
    numbers: frozenset[str]
    prefixes: tuple[str, ...]
    loaded: float

    def blocks(self, *, phone_hash: str, e164: str) -> bool:
        return phone_hash in self.numbers or e164.startswith(self.prefixes)


_copy: BlocklistCopy | None = None
_copy_lock = threading.Lock()


def blocklist_copy(*, session: Session, generation: str) -> BlocklistCopy:
    """The blocklist at a generation read from Redis just before: kept, or read again."""
    global _copy
    database = str(session.get_bind().engine.url)
    found = _copy
    if (
        found is not None
        and found.database == database
        and found.generation == generation
        and time.monotonic() - found.loaded < _COPY_SECONDS
    ):
        return found
    rows = session.execute(select(BlockedNumber.kind, BlockedNumber.value)).all()
    loaded = BlocklistCopy(
        database,
        generation,
        frozenset(value for kind, value in rows if kind == NUMBER),
        tuple(value for kind, value in rows if kind == PREFIX),
        time.monotonic(),
    )
    with _copy_lock:
        _copy = loaded
    return loaded


def kept_copy(*, session: Session) -> BlocklistCopy | None:
    """The copy this process holds for this database, while it is fresh (its generation is
    then checked against Redis's by the caller)."""
    found = _copy
    if found is None or found.database != str(session.get_bind().engine.url):
        return None
    return found if time.monotonic() - found.loaded < _COPY_SECONDS else None


def _changed_on_commit(session: Session) -> None:
    event.listen(session, "after_commit", _bump_generation, once=True)


def _bump_generation(_session: Session) -> None:
    from hotline.queues import get_redis

    try:
        # A new random tag, not a counter: a counter restarted (Redis emptied) could name an
        # old copy's generation again.
        get_redis().set(GENERATION_KEY, secrets.token_hex(8))
    except RedisError as exc:
        log(logger, "blocklist_generation_failed", logging.WARNING, error=type(exc).__name__)


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
