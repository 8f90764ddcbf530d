"""Every SMS command says what it needs looked up, and the runner has a fetcher for each need.

A new keyword touches its Kind (flows/sms/keywords.py), its row in `NEEDS` and its answer
(flows/sms/member.py) and its words (config/messages): the runner only when it needs a new kind
of fact.
"""

from __future__ import annotations

from hotline.flows.sms import member as flow
from hotline.flows.sms.keywords import Kind
from hotline.sms import runner


def test_every_command_kind_says_what_it_needs() -> None:
    assert sorted(set(Kind) - set(flow.NEEDS)) == []


def test_every_need_has_one_fetcher() -> None:
    assert sorted(need.value for need in set(flow.Need) - set(runner.FETCHERS)) == []
    assert set(runner.FETCHERS) == set(flow.Need)


def test_coded_commands_look_up_the_meeting() -> None:
    coded = {Kind.INFO, Kind.REMIND, Kind.LEAVE, Kind.CALL}
    assert {kind for kind, need in flow.NEEDS.items() if need is flow.Need.MEETING} == coded
