"""Per-number limits and the blocklist, through signed webhooks on the real app."""

from __future__ import annotations

import logging

import pytest
from redis import Redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import select

from hotline import limits
from hotline.blocklist import BlockError, add_block, is_blocked, list_blocks, remove_block
from hotline.db import session_scope
from hotline.flows.limits import Verdict
from hotline.flows.segments import count_segments
from hotline.models import BlockedNumber, Contact, InboundMessage, SupportCase
from hotline.phones import vault_for
from hotline.settings import Settings
from tests.twilio import TwilioPoster, sms_texts

FLOODER = "+15551239876"
CRISIS = "i want to kill myself"


def _limited() -> list[str | None]:
    with session_scope() as session:
        return list(session.scalars(select(InboundMessage.limited).order_by(InboundMessage.id)))


def _block(settings: Settings, value: str, *, prefix: bool = False) -> None:
    with session_scope() as session:
        add_block(
            session=session,
            vault=vault_for(settings.secret_key),
            value=value,
            prefix=prefix,
            region="US",
        )


def test_a_flood_gets_one_slow_down_then_silence_and_every_text_is_kept(
    twilio: TwilioPoster, settings: Settings
) -> None:
    replies = [sms_texts(twilio.sms(FLOODER, "HELP")) for _ in range(25)]
    assert all(len(texts) == 1 for texts in replies[:20])
    (slow_down,) = replies[20]
    assert "988" in slow_down and count_segments(slow_down).segments == 1
    assert replies[21:] == [[], [], [], []]
    assert _limited() == [None] * 20 + ["slowed"] + ["throttled"] * 4


def test_a_crisis_text_is_answered_however_fast_the_number_texts(
    twilio: TwilioPoster, settings: Settings
) -> None:
    for _ in range(22):
        twilio.sms(FLOODER, "HELP")
    (reply,) = sms_texts(twilio.sms(FLOODER, CRISIS))
    assert "988" in reply
    with session_scope() as session:
        assert session.scalars(select(SupportCase)).one().kind == "crisis"
    assert _limited()[-1] is None


def test_stop_is_honoured_while_throttled(twilio: TwilioPoster, settings: Settings) -> None:
    for _ in range(22):
        twilio.sms(FLOODER, "HELP")
    (reply,) = sms_texts(twilio.sms(FLOODER, "STOP"))
    assert "START" in reply
    with session_scope() as session:
        assert session.scalars(select(Contact)).one().opted_out_at is not None


def test_a_blocked_number_is_recorded_unanswered_but_still_gets_crisis_help(
    twilio: TwilioPoster, settings: Settings
) -> None:
    _block(settings, FLOODER)
    assert sms_texts(twilio.sms(FLOODER, "FIND 94110")) == []
    assert sms_texts(twilio.sms(FLOODER, "STOP")) == []
    (reply,) = sms_texts(twilio.sms(FLOODER, CRISIS))
    assert "988" in reply
    assert _limited() == ["blocked", "blocked", None]
    assert sms_texts(twilio.sms("+15551230000", "HELP")) != []


def test_a_blocked_prefix_covers_every_number_under_it(
    twilio: TwilioPoster, settings: Settings
) -> None:
    _block(settings, "+1900", prefix=True)
    assert sms_texts(twilio.sms("+19005550100", "HELP")) == []
    assert sms_texts(twilio.sms("+15551230000", "HELP")) != []


def test_the_blocklist_stores_numbers_hashed_and_lifts_blocks(settings: Settings) -> None:
    vault = vault_for(settings.secret_key)
    _block(settings, "(555) 123-9876")
    _block(settings, FLOODER)  # the same number again: still one row
    _block(settings, "+1 900", prefix=True)
    with session_scope() as session:
        values = list(session.scalars(select(BlockedNumber.value)))
        assert values == [vault.index(FLOODER), "+1900"]
        assert "5551239876" not in " ".join(b.label for b in list_blocks(session=session))
        assert is_blocked(session=session, phone_hash=vault.index(FLOODER), e164=FLOODER)
        assert remove_block(session=session, vault=vault, value=FLOODER, prefix=False, region="US")
        assert remove_block(session=session, vault=vault, value="+1900", prefix=True, region="US")
        assert not remove_block(
            session=session, vault=vault, value="+1900", prefix=True, region="US"
        )
        assert list_blocks(session=session) == []
        with pytest.raises(BlockError):
            add_block(session=session, vault=vault, value="+19005550100", prefix=True, region="US")
        with pytest.raises(BlockError):
            add_block(session=session, vault=vault, value="hello", prefix=False, region="US")


def _screen(settings: Settings, clients: list[Redis]) -> list[Verdict]:
    """Screen one ordinary text from the flooder per client, in order."""
    phone_hash = vault_for(settings.secret_key).index(FLOODER)
    with session_scope() as session:
        return [
            limits.screen_inbound(
                session=session,
                redis=client,
                settings=settings,
                e164=FLOODER,
                phone_hash=phone_hash,
                opt_keyword=False,
            )
            for client in clients
        ]


def test_limits_fail_open_when_redis_is_down(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    # No retries: redis-py's default backoff would only make the test slow.
    dead = Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0))
    with caplog.at_level(logging.WARNING):
        verdicts = _screen(settings, [dead] * 30)
    assert set(verdicts) == {Verdict.ANSWER}
    assert "limits_unavailable" in caplog.text


def test_counters_are_shared_through_redis(
    settings: Settings, redis: Redis, redis_url: str
) -> None:
    # Two web processes are two clients of one Redis: the second sees the first one's count.
    seen = _screen(settings, [redis, Redis.from_url(redis_url)] * 11)
    assert seen.count(Verdict.ANSWER) == 20
    assert seen[20:] == [Verdict.SLOW_DOWN, Verdict.THROTTLED]
