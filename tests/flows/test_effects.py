"""SMS and voice share one effect vocabulary for what they both do (hotline/flows/effects.py)."""

from __future__ import annotations

import typing

from hotline.flows import effects
from hotline.flows.sms import member
from hotline.flows.voice import menu, steps


def test_both_channels_name_the_same_shared_effects() -> None:
    for shared in (effects.SetLanguage, effects.Subscribe):
        name = shared.__name__
        assert getattr(member, name) is shared
        assert getattr(steps, name) is shared
        assert getattr(menu, name) is shared
        assert shared in typing.get_args(member.Effect)
        assert shared in typing.get_args(steps.Effect)


def test_a_text_subscribes_by_text_unless_told_otherwise() -> None:
    assert effects.Subscribe(4821) == effects.Subscribe(4821, "sms")
    assert effects.Subscribe(4821, "voice") != effects.Subscribe(4821)
