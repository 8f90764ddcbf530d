"""SMS and voice share one effect vocabulary for what they both do (hotline/flows/effects.py)."""

from __future__ import annotations

import ast
import typing
from pathlib import Path

from hotline.flows import effects
from hotline.flows.sms import member
from hotline.flows.voice import menu, steps

FLOWS = Path(effects.__file__).resolve().parent
SHARED = typing.get_args(effects.Shared)


def test_both_channels_return_the_shared_effects() -> None:
    assert {shared.__name__ for shared in SHARED} == {
        "SetLanguage",
        "Subscribe",
        "Unsubscribe",
        "RequestCallback",
    }
    for shared in SHARED:
        assert shared.__module__ == "hotline.flows.effects"
        assert shared in typing.get_args(member.Effect)
        assert shared in typing.get_args(steps.Effect)
        assert shared.__name__ not in menu.__all__


def test_no_flow_re_exports_a_shared_effect() -> None:
    """Callers import the shared effects from hotline.flows.effects, never through a flow."""
    names = {shared.__name__ for shared in SHARED} | {"Shared"}
    re_exported = sorted(
        f"{path.relative_to(FLOWS).as_posix()}: {alias.name}"
        for path in FLOWS.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.module == "hotline.flows.effects"
        for alias in node.names
        if alias.name in names and alias.asname == alias.name
    )
    assert re_exported == []


def test_a_text_subscribes_by_text_unless_told_otherwise() -> None:
    assert effects.Subscribe(4821) == effects.Subscribe(4821, "sms")
    assert effects.Subscribe(4821, "voice") != effects.Subscribe(4821)
