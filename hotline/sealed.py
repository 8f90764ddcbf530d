"""Texts whose words must never rest in the database: dashboard sign-in codes.

The outbox row holds a stand-in of the same length (the code's digits as "#"), so it counts
as the same segments; the real text waits in Redis, encrypted with the line's key, only as
long as the code is valid. The sender swaps it in, in memory, just before sending. If it has
expired, the row's body is empty and the sender fails the row ("body_missing") rather than
send the stand-in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from redis import Redis

from hotline.models import OutboxMessage
from hotline.phones import PhoneError, vault_for

SEALED_PURPOSES = frozenset({"login"})


def stand_in(text: str) -> str:
    """Return the text with every digit hidden, for the outbox row."""
    return re.sub(r"[0-9]", "#", text)


def seal(*, redis: Redis, secret_key: str, outbox_id: int, text: str, ttl_seconds: int) -> None:
    """Keep a row's real text in Redis, encrypted, for ttl_seconds."""
    redis.set(_key(outbox_id), vault_for(secret_key).encrypt(text), ex=ttl_seconds)


def open_text(*, redis: Redis, secret_key: str, outbox_id: int) -> str | None:
    """Return a row's real text, or None once it has expired."""
    token = redis.get(_key(outbox_id))
    if token is None:
        return None
    try:
        return vault_for(secret_key).decrypt(token.decode() if isinstance(token, bytes) else token)
    except PhoneError:
        return None


def unseal(rows: Iterable[OutboxMessage], *, redis: Redis, secret_key: str) -> None:
    """Put the real text into sealed rows about to be sent; detached rows only, never saved."""
    for row in rows:
        if row.purpose in SEALED_PURPOSES and row.kind == "sms":
            row.body = open_text(redis=redis, secret_key=secret_key, outbox_id=row.id)


def _key(outbox_id: int) -> str:
    return f"hotline:sealed:{outbox_id}"
