"""Dashboard sign-in: one-time codes (texted, kept hashed in Redis, five tries) and sessions.

A number that is not staff's gets the same answer and the same Redis record (one no code can
match), so neither the page nor the try counter tells anyone who is a coordinator. The code's
text never rests in the database (see hotline/sealed.py). A signed-in browser holds only a
random session token; the session itself is a Redis record that sign-out and staff removal
delete, so a copied cookie stops working at once.
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

from hotline import audit, limits, sealed
from hotline.catalogs import catalog
from hotline.contacts import get_contact_by_phone
from hotline.flows.limits import SignIn
from hotline.logs import log
from hotline.models import Contact, Coordinator, Priority
from hotline.outbox import queue_sms
from hotline.phones import vault_for
from hotline.settings import Settings

logger = logging.getLogger(__name__)
CODE_TTL_SECONDS = 600
MAX_TRIES = 5
SESSION_SECONDS = 8 * 3600


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
    *, session: Session, settings: Settings, redis: Redis, pending: str, e164: str, address: str
) -> SignIn:
    """Text a fresh code to the number when it is staff's; record a pending sign-in either way.

    Codes per number and requests per network address are limited (a new code resets the
    tries, so the per-number limit caps guessing); over the number's limit nothing is sent but
    the page answers as usual.
    """
    verdict = limits.screen_code_request(
        redis=redis, settings=settings, address=address, pending=pending
    )
    if verdict is not SignIn.ALLOW:
        log(logger, "admin_code_throttled", limit=verdict.value)
        return verdict
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
        return verdict
    _text_code(session=session, settings=settings, redis=redis, staff=staff, code=code)
    log(logger, "admin_code_sent", coordinator_id=staff.id)
    return verdict


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
        redis.delete(key)
        limits.forget_code_requests(redis=redis, pending=pending)
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


def _text_code(
    *, session: Session, settings: Settings, redis: Redis, staff: Coordinator, code: str
) -> None:
    contact = session.get(Contact, staff.contact_id)
    words = catalog(contact.language if contact is not None else "en")
    text = words.t("admin.login_code", code=code)
    row = queue_sms(
        session=session,
        contact_id=staff.contact_id,
        body=sealed.stand_in(text),  # the code itself never rests in the database
        purpose="login",
        priority=Priority.URGENT,
        ignore_quiet_hours=True,  # a person is waiting at the sign-in page
    )
    sealed.seal(
        redis=redis,
        secret_key=settings.secret_key,
        outbox_id=row.id,
        text=text,
        ttl_seconds=CODE_TTL_SECONDS,
    )


# Sessions -----------------------------------------------------------------------------------


def start_session(*, redis: Redis, coordinator_id: int) -> str:
    """Record a signed-in session in Redis; return the token the browser keeps."""
    token = secrets.token_urlsafe(32)
    digest = _session_digest(token)
    with redis.pipeline() as pipe:
        pipe.set(_session_key(digest), coordinator_id, ex=SESSION_SECONDS)
        pipe.sadd(_sessions_of(coordinator_id), digest)
        pipe.expire(_sessions_of(coordinator_id), SESSION_SECONDS)
        pipe.execute()
    return token


def session_staff(*, redis: Redis, token: str) -> int | None:
    """Return whose session a token is, or None when it ended, expired or never was."""
    value = redis.get(_session_key(_session_digest(token)))
    return int(value) if value is not None else None


def end_session(*, redis: Redis, token: str) -> None:
    """Sign out: the session record goes, so the cookie (or any copy of it) is worthless."""
    digest = _session_digest(token)
    staff_id = redis.get(_session_key(digest))
    redis.delete(_session_key(digest))
    if staff_id is not None:
        redis.srem(_sessions_of(int(staff_id)), digest)


def revoke_sessions(*, redis: Redis, coordinator_id: int) -> int:
    """End every session of a staff member (removed, or their phone lost); return how many."""
    digests = [d.decode() for d in cast(set[bytes], redis.smembers(_sessions_of(coordinator_id)))]
    ended = int(redis.delete(*[_session_key(d) for d in digests])) if digests else 0
    redis.delete(_sessions_of(coordinator_id))
    log(logger, "admin_sessions_revoked", coordinator_id=coordinator_id, sessions=ended)
    return ended


def _session_digest(token: str) -> str:
    # Only a hash of the token is kept, so reading Redis does not hand out live sessions.
    return hashlib.sha256(f"admin-session:{token}".encode()).hexdigest()


def _session_key(digest: str) -> str:
    return f"admin:session:{digest}"


def _sessions_of(coordinator_id: int) -> str:
    return f"admin:sessions-of:{coordinator_id}"


def _digest(settings: Settings, pending: str, code: str) -> str:
    message = f"admin-code:{pending}:{code}".encode()
    return hmac.new(settings.secret_key.encode(), message, hashlib.sha256).hexdigest()


def _code_key(pending: str) -> str:
    return f"admin:code:{pending}"
