"""Measure the crisis detector's throughput and per-text latency against a keyword scan.

Run from the repository root: `.venv/bin/python bench/crisis.py`. It prints figures only;
nothing here asserts on time, since machines differ. Rates are in CPU time of this process
(one core), so other work on a busy machine does not skew them; per-text latency (p50, p99,
max) is the CPU time of each call, over every text of the labelled and dev sets, best of
ROUNDS passes per text. The target is p99 under 1 ms.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from hotline.crisis.detector import assess

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
LABELLED = DATA / "crisis_labelled.tsv"
LATENCY_SETS = ("crisis_labelled.tsv", "crisis_dev_en.tsv", "crisis_dev_es.tsv")
TARGET_MESSAGES = 50_000
ROUNDS = 3

# What a first version of a crisis check usually is: a few phrases, looked for as substrings.
BASELINE_KEYWORDS = (
    "kill myself",
    "suicide",
    "suicidal",
    "end my life",
    "want to die",
    "quiero morir",
    "matarme",
    "suicidarme",
    "quitarme la vida",
)


def baseline(text: str) -> bool:
    """Say whether a lowercased message holds one of the baseline phrases."""
    lowered = text.lower()
    return any(keyword in lowered for keyword in BASELINE_KEYWORDS)


def detector(text: str) -> bool:
    """Say whether the detector calls the message a crisis."""
    return assess(text).crisis


def load_messages() -> list[str]:
    """Return the labelled set's texts, repeated to about TARGET_MESSAGES messages."""
    lines = LABELLED.read_text(encoding="utf-8").splitlines()[1:]
    texts = [line.split("\t", 2)[2] for line in lines if line]
    return (texts * (TARGET_MESSAGES // len(texts) + 1))[:TARGET_MESSAGES]


def messages_per_second(check: Callable[[str], bool], messages: list[str]) -> tuple[float, int]:
    """Return the best rate of ROUNDS passes, and how many messages the check flagged."""
    best = float("inf")
    flagged = 0
    for _ in range(ROUNDS):
        started = time.process_time()
        flagged = sum(1 for message in messages if check(message))
        best = min(best, time.process_time() - started)
    return len(messages) / best, flagged


def latencies(check: Callable[[str], bool]) -> list[float]:
    """Return each text's best CPU time for one call, in microseconds, sorted."""
    texts = [
        line.split("\t")[2]
        for name in LATENCY_SETS
        for line in (DATA / name).read_text(encoding="utf-8").splitlines()[1:]
        if line
    ]
    found = []
    for text in texts:
        best = float("inf")
        for _ in range(ROUNDS):
            started = time.process_time_ns()
            check(text)
            best = min(best, time.process_time_ns() - started)
        found.append(best / 1000)
    return sorted(found)


def percentile(sorted_values: list[float], fraction: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def main() -> None:
    messages = load_messages()
    detector(messages[0])  # compile-time work happened at import; this just warms the caches
    chars = sum(map(len, messages)) / len(messages)
    print(f"{len(messages)} messages, {chars:.0f} characters on average, best of {ROUNDS} passes")
    rate, flagged = messages_per_second(detector, messages)
    base_rate, base_flagged = messages_per_second(baseline, messages)
    for name, (speed, count) in (
        ("assess()", (rate, flagged)),
        ("baseline keywords", (base_rate, base_flagged)),
    ):
        print(f"{name:<18} {speed:>10,.0f} messages/s  {1e6 / speed:6.1f} us each  {count} flagged")
    print(f"ratio: assess() runs at {rate / base_rate:.3f} of the baseline's speed")
    for name, check in (("assess()", detector), ("baseline keywords", baseline)):
        found = latencies(check)
        p50, p99 = percentile(found, 0.50), percentile(found, 0.99)
        print(
            f"{name:<18} per text over {len(found)} texts: p50 {p50:7.1f} us  "
            f"p99 {p99:7.1f} us  max {found[-1]:7.1f} us"
        )


if __name__ == "__main__":
    main()
