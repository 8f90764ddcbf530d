"""A shared pacing limiter in Redis: GCRA per sender, counted in segments per second.

Every worker on every machine asks the same Redis key, so adding workers never raises the rate.
Non-urgent traffic (default, bulk) may use only (1 - urgent_headroom) of the rate and may book
the sender less far ahead than urgent traffic, so a crisis alert never waits behind a broadcast.
A 429 from Twilio halves the rate for a while (down to a floor) and pauses everyone briefly.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from redis import Redis

from hotline.models import Priority

# GCRA: one "theoretical arrival time" (TAT, µs) per sender. A request of n segments advances
# it by n / rate; it is allowed when the new TAT is at most `tau` ahead of now. Returns 0 when
# granted, otherwise the µs to wait before asking again (nothing is booked on refusal).
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local slow = tonumber(redis.call('GET', KEYS[2]) or '1')
local rate = tonumber(ARGV[1]) * tonumber(ARGV[2]) * slow
local increment = tonumber(ARGV[4]) * 1000000 / rate
local tau = math.max(tonumber(ARGV[3]), increment)
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local new_tat = tat + increment
local wait = new_tat - tau - now
if wait > 0 then return math.ceil(wait) end
local ttl = math.ceil((new_tat - now) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', ttl)
return 0
"""

# Halve the rate (to a floor) for `ttl` seconds and push every sender's next slot back.
_SLOW_DOWN = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local slow = tonumber(redis.call('GET', KEYS[2]) or '1')
slow = math.max(slow * 0.5, tonumber(ARGV[1]))
redis.call('SET', KEYS[2], tostring(slow), 'EX', tonumber(ARGV[2]))
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local pushed = math.max(tat, now) + tonumber(ARGV[3])
local ttl = math.ceil((pushed - now) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%d', pushed), 'PX', ttl)
return tostring(slow)
"""

SLOW_FLOOR = 1 / 32
SLOW_SECONDS = 60
PAUSE_SECONDS = 1.0
# How far ahead (seconds) each priority may book the sender; urgent gets the bulk window plus
# its own, so the slot it needs is never already taken by bulk.
_BULK_WINDOW = 1.0


@dataclass(frozen=True)
class Pacer:
    """Paces one sender (a from number or messaging service) across all processes."""

    redis: Redis
    sender: str
    segments_per_second: float
    urgent_headroom: float = 0.2

    @property
    def _keys(self) -> list[str]:
        # Hash the sender so no number is spelled out in Redis key listings.
        tag = hashlib.sha256(self.sender.encode()).hexdigest()[:16]
        return [f"hotline:pace:{tag}:tat", f"hotline:pace:{tag}:slow"]

    def try_acquire(self, segments: int, priority: str) -> float:
        """Book `segments` now if the pace allows, else return seconds to wait (booking nothing)."""
        share, window = self._share(priority)
        wait_us = self.redis.eval(
            _ACQUIRE,
            2,
            *self._keys,
            self.segments_per_second,
            share,
            int(window * 1_000_000),
            max(segments, 1),
        )
        return int(wait_us) / 1_000_000

    def acquire(self, segments: int, priority: str, *, deadline: float | None = None) -> bool:
        """Block until `segments` are booked; False if that would pass `deadline` (monotonic)."""
        while True:
            wait = self.try_acquire(segments, priority)
            if wait <= 0:
                return True
            if deadline is not None and time.monotonic() + wait > deadline:
                return False
            time.sleep(min(wait, 1.0))

    def slow_down(self) -> float:
        """Halve the pace for a while after Twilio answered 429; return the new factor."""
        factor = self.redis.eval(
            _SLOW_DOWN, 2, *self._keys, SLOW_FLOOR, SLOW_SECONDS, int(PAUSE_SECONDS * 1_000_000)
        )
        return float(factor)

    def slow_factor(self) -> float:
        value = self.redis.get(self._keys[1])
        return float(value) if value is not None else 1.0

    def burst(self, priority: str) -> float:
        """Segments this priority may book at once without running ahead of the pace."""
        share, window = self._share(priority)
        return self.segments_per_second * share * window

    def _share(self, priority: str) -> tuple[float, float]:
        if priority == Priority.URGENT.value:
            return 1.0, _BULK_WINDOW + max(1.0, 1.0 / self.segments_per_second)
        return 1.0 - self.urgent_headroom, _BULK_WINDOW
