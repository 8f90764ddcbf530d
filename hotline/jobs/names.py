"""Every job the line puts on RQ, by the dotted name RQ and the outbox store.

A queued job (and an outbox row's job) holds this string, not the function, so the string is a
contract: renaming or moving a job's function strands every job already queued under the old
name. tests/test_contract.py checks each one imports and resolves to a callable.
"""

from __future__ import annotations

SEND_JOB = "hotline.jobs.sender.send_outbox"
SEND_BATCH_JOB = "hotline.jobs.sender.send_batch"
FAN_OUT_JOB = "hotline.jobs.broadcast.fan_out"
ESCALATE_JOB = "hotline.jobs.escalation.escalate_case"
REFRESH_JOB = "hotline.jobs.feeds.refresh_feed"
END_LEGS_JOB = "hotline.warm.calls.end_other_legs"

ALL_JOBS = (SEND_JOB, SEND_BATCH_JOB, FAN_OUT_JOB, ESCALATE_JOB, REFRESH_JOB, END_LEGS_JOB)
