"""The line's limit counters, in Redis so every web process shares them; the rules are in
hotline/flows/limits.py.

Fixed windows: a counter starts with its first hit and expires a window later. When Redis is
down the counters read as "not counted" and the texts are answered: a person is never
silenced because Redis is (limits fail open; each time is logged).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy.orm import Session

from hotline.blocklist import GENERATION_KEY, BlocklistCopy, blocklist_copy, is_blocked, kept_copy
from hotline.flows.limits import (
    CallRules,
    InboundFacts,
    InboundRules,
    SignIn,
    SignInRules,
    Verdict,
    call_verdict,
    code_request_verdict,
    code_try_verdict,
    counts_toward_limit,
    inbound_verdict,
)
from hotline.logs import log
from hotline.settings import Settings
from hotline.sms.conversations import conversation_key, drop_read_along, read_along

logger = logging.getLogger(__name__)

# One round trip for an ordinary text: the blocklist's generation (blocklist.py), the sender's
# stored conversation (the member flow reads it next), and, when the caller's copy of the
# blocklist is of that generation and lets the number through, the count: once over the
# limit, the quiet period's one warning is taken if still free. Returns {count (-1: not
# counted), 1 if a warning had already gone out, the conversation, the generation}.
_INBOUND = """
local generation = redis.call('GET', KEYS[4]) or '0'
local conversation = redis.call('GET', KEYS[3])
if ARGV[5] ~= '1' or generation ~= ARGV[4] then return {-1, 0, conversation, generation} end
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1])) end
local warned = 0
if count > tonumber(ARGV[2]) then
  if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', tonumber(ARGV[3])) then warned = 1 end
end
return {count, warned, conversation, generation}
"""

_HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1])) end
return count
"""


def hit(redis: Redis, key: str, window_seconds: int) -> int:
    """Count one event in a fixed window; return the count so far, this one included."""
    return int(redis.eval(_HIT, 1, key, window_seconds))


def screen_inbound(
    *,
    session: Session,
    redis: Redis,
    settings: Settings,
    e164: str,
    phone_hash: str,
    opt_keyword: bool,
) -> Verdict:
    """Decide whether an ordinary (non-crisis) text is answered, given the blocklist and pace."""
    drop_read_along()
    counted = counts_toward_limit(opt_keyword=opt_keyword)
    kept = kept_copy(session=session)
    blocked = kept is not None and kept.blocks(phone_hash=phone_hash, e164=e164)
    try:
        trip = _inbound_trip(redis, settings, phone_hash, kept, count=counted and not blocked)
        if kept is None or trip.generation != kept.generation:
            # The blocklist changed (or this process has no copy yet): read it, then count.
            kept = blocklist_copy(session=session, generation=trip.generation)
            blocked = kept.blocks(phone_hash=phone_hash, e164=e164)
            if counted and not blocked:
                trip = _inbound_trip(redis, settings, phone_hash, kept, count=True)
    except RedisError as exc:
        log(logger, "limits_unavailable", logging.WARNING, limit="sms", error=type(exc).__name__)
        blocked = is_blocked(session=session, phone_hash=phone_hash, e164=e164)
        return inbound_verdict(InboundFacts(blocked=blocked), _rules(settings))
    read_along(phone_hash, trip.conversation)
    facts = InboundFacts(blocked=blocked)
    if trip.count >= 0 and not blocked:
        facts = InboundFacts(recent=trip.count, warned=trip.warned)
    return inbound_verdict(facts, _rules(settings))


def _rules(settings: Settings) -> InboundRules:
    return InboundRules(per_minute=settings.sms_per_minute)


@dataclass(frozen=True)
class _Trip:
    count: int  # -1: not counted
    warned: bool
    conversation: bytes | str | None
    generation: str


def _inbound_trip(
    redis: Redis, settings: Settings, phone_hash: str, kept: BlocklistCopy | None, *, count: bool
) -> _Trip:
    keys = [
        f"hotline:limit:sms:{phone_hash[:32]}",
        f"hotline:limit:sms-warned:{phone_hash[:32]}",
        conversation_key(phone_hash),
        GENERATION_KEY,
    ]
    known = kept.generation if kept is not None else ""
    window, quiet = 60, settings.sms_quiet_minutes * 60
    found, warned, conversation, generation = redis.eval(
        _INBOUND, 4, *keys, window, settings.sms_per_minute, quiet, known, int(count)
    )
    if isinstance(generation, bytes):
        generation = generation.decode()
    return _Trip(int(found), bool(warned), conversation, str(generation))


# Count one call by its CallSid, so Twilio retrying the same webhook is not a second call.
_CALL = """
redis.call('SADD', KEYS[1], ARGV[1])
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2])) end
return redis.call('SCARD', KEYS[1])
"""


def screen_call(*, redis: Redis, settings: Settings, phone_hash: str, call_sid: str) -> Verdict:
    """Decide whether a new inbound call gets the line, or the short answer."""
    rules = CallRules(settings.calls_per_window, settings.calls_window_minutes)
    key = f"hotline:limit:calls:{phone_hash[:32]}"
    try:
        recent: int | None = int(
            redis.eval(_CALL, 1, key, call_sid[:64], rules.window_minutes * 60)
        )
    except RedisError as exc:
        log(logger, "limits_unavailable", logging.WARNING, limit="calls", error=type(exc).__name__)
        recent = None
    return call_verdict(recent, rules)


def sign_in_rules(settings: Settings) -> SignInRules:
    return SignInRules(settings.sign_in_per_address, settings.sign_in_codes_per_number)


def screen_code_request(*, redis: Redis, settings: Settings, address: str, pending: str) -> SignIn:
    """Count a dashboard code request from an address for a number (its opaque pending key).

    Sign-in needs Redis anyway (codes live there), so a RedisError goes to the caller.
    """
    window = settings.sign_in_window_minutes * 60
    here = hit(redis, f"hotline:limit:sign-in:{_address_tag(address)}", window)
    number = hit(redis, f"hotline:limit:codes:{pending[:32]}", window)
    return code_request_verdict(from_address=here, for_number=number, rules=sign_in_rules(settings))


def forget_code_requests(*, redis: Redis, pending: str) -> None:
    """A number that signed in starts its code count afresh."""
    redis.delete(f"hotline:limit:codes:{pending[:32]}")


def screen_code_try(*, redis: Redis, settings: Settings, address: str) -> SignIn:
    """Count one code entered from an address."""
    window = settings.sign_in_window_minutes * 60
    tries = hit(redis, f"hotline:limit:code-tries:{_address_tag(address)}", window)
    return code_try_verdict(from_address=tries, rules=sign_in_rules(settings))


def _address_tag(address: str) -> str:
    # Hashed, so Redis key listings hold no addresses.
    return hashlib.sha256(f"hotline-address:{address}".encode()).hexdigest()[:24]
