"""Conversation state between texts (the MORE cursor), in Redis with a TTL, by phone hash."""

from __future__ import annotations

import json
import logging
import threading
import time

from redis import Redis
from redis.exceptions import RedisError

from hotline.flows.sms.member import Conversation, FindCursor
from hotline.logs import log

logger = logging.getLogger(__name__)
_PREFIX = "hotline:sms:conversation:"
# What the limits' Redis call read for the text this thread is answering (see read_along).
_read_along = threading.local()
_READ_ALONG_SECONDS = 2.0


def conversation_key(phone_hash: str) -> str:
    return _PREFIX + phone_hash


_key = conversation_key


def read_along(phone_hash: str, raw: bytes | str | None) -> None:
    """Keep the stored conversation another Redis call read for this text (limits.py counts
    the text and reads it in one round trip), so load_conversation needs no trip of its own."""
    _read_along.found = (phone_hash, raw, time.monotonic())


def drop_read_along() -> None:
    """Forget what an earlier text on this thread read (its Redis call may not run this time)."""
    _read_along.found = None


def _taken(phone_hash: str) -> tuple[bool, bytes | str | None]:
    found = getattr(_read_along, "found", None)
    _read_along.found = None
    if found is None or found[0] != phone_hash:
        return False, None
    return time.monotonic() - found[2] < _READ_ALONG_SECONDS, found[1]


def load_conversation(*, redis: Redis, phone_hash: str) -> Conversation:
    """Return the member's conversation, or a fresh one when none is stored or Redis is down."""
    read, raw = _taken(phone_hash)
    try:
        if not read:
            raw = redis.get(_key(phone_hash))
    except RedisError as exc:
        log(logger, "conversation_load_failed", logging.WARNING, error=type(exc).__name__)
        return Conversation()
    if not raw:
        return Conversation()
    try:
        data = json.loads(raw)
        find = FindCursor(**data["find"]) if data.get("find") else None
    except (ValueError, TypeError, KeyError):
        return Conversation()
    return Conversation(find=find)


def _dumped(conversation: Conversation) -> str:
    """The JSON dataclasses.asdict would give, without its deep copy (the fields are plain)."""
    find = conversation.find
    return json.dumps({"find": None if find is None else vars(find)})


def save_conversation(
    *, redis: Redis, phone_hash: str, conversation: Conversation, ttl_seconds: int
) -> None:
    """Store the conversation for ttl_seconds; losing it only means MORE starts over."""
    _read_along.found = None
    try:
        redis.set(_key(phone_hash), _dumped(conversation), ex=ttl_seconds)
    except RedisError as exc:
        log(logger, "conversation_save_failed", logging.WARNING, error=type(exc).__name__)
