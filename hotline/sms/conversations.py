"""Conversation state between texts (the MORE cursor), in Redis with a TTL, by phone hash."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict

from redis import Redis
from redis.exceptions import RedisError

from hotline.flows.sms.member import Conversation, FindCursor
from hotline.logs import log

logger = logging.getLogger(__name__)
_PREFIX = "hotline:sms:conversation:"


def _key(phone_hash: str) -> str:
    return _PREFIX + phone_hash


def load_conversation(*, redis: Redis, phone_hash: str) -> Conversation:
    """Return the member's conversation, or a fresh one when none is stored or Redis is down."""
    try:
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


def save_conversation(
    *, redis: Redis, phone_hash: str, conversation: Conversation, ttl_seconds: int
) -> None:
    """Store the conversation for ttl_seconds; losing it only means MORE starts over."""
    try:
        redis.set(_key(phone_hash), json.dumps(asdict(conversation)), ex=ttl_seconds)
    except RedisError as exc:
        log(logger, "conversation_save_failed", logging.WARNING, error=type(exc).__name__)
