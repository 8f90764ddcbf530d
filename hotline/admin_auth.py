"""One-time sign-in codes for the coordinator dashboard: texted, kept hashed in Redis, five tries.

A number that is not staff's gets the same answer and the same Redis record (one no code can
match), so neither the page nor the try counter tells anyone who is a coordinator.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from typing import cast

from redis import Redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import audit
from hotline.catalogs import catalog
from hotline.contacts import get_contact_by_phone
from hotline.logs import log
from hotline.models import Contact, Coordinator, Priority
from hotline.outbox import queue_sms
from hotline.phones import vault_for
from hotline.settings import Settings

logger = logging.getLogger(__name__)
CODE_TTL_SECONDS = 600
MAX_TRIES = 5
# Codes one number may ask for per window: a new code resets the tries, so this caps guessing.
MAX_CODES_PER_WINDOW = 3


class CodeResult(enum.StrEnum):
    OK = "ok"
    WRONG = "wrong_code"
    TOO_MANY = "too_many"


@dataclass(frozen=True)
class CodeCheck:
    result: CodeResult
    coordinator_id: int | None = None


def pending_key(*, settings: Settings, e164: str) -> str:
    """Return the opaque key a sign-in waits under: the number's HMAC index, never the number."""
    return vault_for(settings.secret_key).index(e164)


def request_code(
    *, session: Session, settings: Settings, redis: Redis, pending: str, e164: str
) -> None:
    """Text a fresh code to the number when it is staff's; record a pending sign-in either way."""
    sent = redis.incr(_sent_key(pending))
    if sent == 1:
        redis.expire(_sent_key(pending), CODE_TTL_SECONDS)
    if sent > MAX_CODES_PER_WINDOW:
        log(logger, "admin_code_throttled")
        return
    staff = _staff_by_phone(session=session, settings=settings, e164=e164)
    code = f"{secrets.randbelow(1_000_000):06d}"
    key = _code_key(pending)
    with redis.pipeline() as pipe:  # one transaction: never a record without its TTL
        pipe.delete(key)
        pipe.hset(
            key,
            mapping={
                "digest": _digest(settings, pending, code) if staff is not None else "",
                "coordinator": staff.id if staff is not None else 0,
                "tries": 0,
            },
        )
        pipe.expire(key, CODE_TTL_SECONDS)
        pipe.execute()
    if staff is None:
        log(logger, "admin_code_unknown_number")
        return
    _text_code(session=session, staff=staff, code=code)
    log(logger, "admin_code_sent", coordinator_id=staff.id)


def check_code(*, settings: Settings, redis: Redis, pending: str, code: str) -> CodeCheck:
    """Spend one try on a code; a right code is used up, and the sixth try fails regardless."""
    key = _code_key(pending)
    if not redis.exists(key):
        return CodeCheck(CodeResult.WRONG)
    tries = int(redis.hincrby(key, "tries", 1))
    stored = cast(dict[bytes, bytes], redis.hgetall(key))
    record = {k.decode(): v.decode() for k, v in stored.items()}
    if "digest" not in record:  # the code expired between the two calls
        redis.delete(key)
        return CodeCheck(CodeResult.WRONG)
    if tries > MAX_TRIES:
        return CodeCheck(CodeResult.TOO_MANY)
    expected = _digest(settings, pending, code)
    if record["digest"] and hmac.compare_digest(record["digest"], expected):
        redis.delete(key, _sent_key(pending))
        return CodeCheck(CodeResult.OK, int(record["coordinator"]))
    log(logger, "admin_code_wrong", tries=tries)
    return CodeCheck(CodeResult.TOO_MANY if tries >= MAX_TRIES else CodeResult.WRONG)


def record_sign_in(*, session: Session, coordinator_id: int, action: str) -> None:
    """Write a dashboard sign-in or sign-out to the audit trail."""
    audit.record(
        session=session,
        actor=f"coordinator:{coordinator_id}",
        action=action,
        subject_type="coordinator",
        subject_id=coordinator_id,
        via="dashboard",
    )
    log(logger, action, coordinator_id=coordinator_id)


def _staff_by_phone(*, session: Session, settings: Settings, e164: str) -> Coordinator | None:
    contact = get_contact_by_phone(session=session, vault=vault_for(settings.secret_key), e164=e164)
    if contact is None:
        return None
    statement = select(Coordinator).where(
        Coordinator.contact_id == contact.id, Coordinator.removed_at.is_(None)
    )
    return session.scalars(statement).first()


def _text_code(*, session: Session, staff: Coordinator, code: str) -> None:
    contact = session.get(Contact, staff.contact_id)
    words = catalog(contact.language if contact is not None else "en")
    queue_sms(
        session=session,
        contact_id=staff.contact_id,
        body=words.t("admin.login_code", code=code),
        purpose="login",
        priority=Priority.URGENT,
        ignore_quiet_hours=True,  # a person is waiting at the sign-in page
    )


def _digest(settings: Settings, pending: str, code: str) -> str:
    message = f"admin-code:{pending}:{code}".encode()
    return hmac.new(settings.secret_key.encode(), message, hashlib.sha256).hexdigest()


def _code_key(pending: str) -> str:
    return f"admin:code:{pending}"


def _sent_key(pending: str) -> str:
    return f"admin:code-sent:{pending}"
