"""The cue file: every cue's examples match it and its counter-examples do not, one by one;
a broken file is refused in one line, and the line will not start with one."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from hotline.crisis.detector import CrisisConfigError, detector, load_cues
from hotline.flows.crisis.cues import CueEntry, CueFileError, Kind, parse_cues
from hotline.flows.crisis.detect import _Scanner, normalise
from hotline.settings import config_dir

# Cues the detector names in `matched` when they count (screens and context never are).
REPORTED = frozenset(
    {Kind.IDEATION, Kind.ATTEMPT, Kind.FAREWELL, Kind.DISTRESS, Kind.MEANS, Kind.TIME}
)

CUES_FILE = config_dir() / "crisis_cues.toml"
TABLES = load_cues(CUES_FILE)
ENTRIES = {entry.cue.name: entry for entry in TABLES.entries}


def matches(entry: CueEntry, text: str) -> bool:
    """Does this cue alone match the text at a word start, as the detector scans it?"""
    hits, finished = _Scanner((entry.cue,)).scan(normalise(text))
    assert finished
    return bool(hits)


EXAMPLES = [(name, text) for name, e in ENTRIES.items() for text in e.examples]
COUNTER = [(name, text) for name, e in ENTRIES.items() for text in e.counter_examples]


@pytest.mark.parametrize(("name", "text"), EXAMPLES)
def test_each_example_matches_its_cue(name: str, text: str) -> None:
    assert matches(ENTRIES[name], text), f"{name} no longer matches {text!r}"


@pytest.mark.parametrize(("name", "text"), COUNTER)
def test_each_counter_example_does_not_match_its_cue(name: str, text: str) -> None:
    # A risk cue's counter-example may match its pattern if an idiom or denial screens it:
    # what counts is that the detector does not report the cue.
    entry = ENTRIES[name]
    if entry.cue.kind in REPORTED:
        assert name not in detector().assess(text).matched, f"{name} fires on {text!r}"
    else:
        assert not matches(entry, text), f"{name} matches {text!r}"


def test_the_file_holds_every_role_and_every_danger() -> None:
    assert TABLES.screen and TABLES.main and TABLES.modifier and TABLES.context
    assert {cue.danger.value for cue in TABLES.main} == {"suicide", "medical", "violence", "others"}


GOOD = {"name": "x", "kind": "ideation", "weight": 0.5, "patterns": ["a"], "examples": ["a"]}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"weight": 2}, "weight"),
        ({"kind": "feeling"}, "feeling"),
        ({"danger": "fire"}, "fire"),
        ({"patterns": ["(unclosed"]}, "bad pattern"),
        ({"patterns": ["(a)"]}, "capturing group"),
        ({"patterns": ["{NOPE}"]}, "unknown fragment"),
        ({"examples": []}, "examples"),
        ({"counter_examples": None}, "counter_examples"),
        ({"name": "Has Spaces"}, "name"),
        ({"colour": "red"}, "unknown key"),
    ],
)
def test_a_broken_cue_is_refused_naming_the_problem(
    change: dict[str, object], problem: str
) -> None:
    raw = {**GOOD, "counter_examples": ["b"], **change}
    raw = {key: value for key, value in raw.items() if value is not None}
    with pytest.raises(CueFileError) as raised:
        parse_cues({"cue": [raw]})
    assert problem in str(raised.value) and "\n" not in str(raised.value)


def test_two_cues_with_one_name_and_looping_fragments_are_refused() -> None:
    cue = {**GOOD, "counter_examples": ["b"]}
    with pytest.raises(CueFileError, match="twice"):
        parse_cues({"cue": [cue, cue]})
    with pytest.raises(CueFileError, match="loop"):
        parse_cues({"fragments": {"A": "{B}", "B": "{A}"}, "cue": [{**cue, "patterns": ["{A}"]}]})


def test_a_broken_file_names_itself(tmp_path: Path) -> None:
    path = tmp_path / "crisis_cues.toml"
    path.write_text("[[cue]\nname = ")
    with pytest.raises(CrisisConfigError) as raised:
        load_cues(path)
    assert str(path) in str(raised.value) and "\n" not in str(raised.value)


def test_the_line_refuses_to_start_with_a_broken_cue_file(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    config = tmp_path / "config"
    subprocess.run(["cp", "-r", str(root / "config"), str(config)], check=True)
    data = tomllib.loads((config / "crisis_cues.toml").read_text(encoding="utf-8"))
    assert data["cue"]
    (config / "crisis_cues.toml").write_text(
        (root / "config" / "crisis_cues.toml")
        .read_text(encoding="utf-8")
        .replace("weight = 0.95", 'weight = "high"', 1),
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "hotline.cli", "crisis-check"],
        input="hello\n",
        capture_output=True,
        text=True,
        env={"HOTLINE_CONFIG_DIR": str(config), "PATH": "/usr/bin:/bin"},
        cwd=root,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "crisis_cues.toml" in lines[0] and "weight" in lines[0], lines


@pytest.mark.parametrize("text", TABLES.small_talk_examples)
def test_each_small_talk_example_leaves_the_model_nothing_to_read(text: str) -> None:
    assert detector().evidence(normalise(text)) == "", f"{text!r} is not all small talk"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"small_talk": ["bye"]}, "[small_talk] must have patterns and examples"),
        ({"small_talk": {"patterns": ["bye"]}}, "[small_talk] must have patterns and examples"),
        ({"small_talk": {"patterns": ["(bye)"], "examples": ["bye"]}}, "capturing group"),
        ({"small_talk": {"patterns": ["(?:bye"], "examples": ["bye"]}}, "bad pattern"),
        ({"small_talk": {"patterns": [], "examples": ["bye"]}}, "non-empty list"),
    ],
)
def test_a_broken_small_talk_table_is_refused(change: dict[str, object], problem: str) -> None:
    with pytest.raises(CueFileError, match=re.escape(problem)):
        parse_cues({"cue": [GOOD | {"counter_examples": ["b"]}], **change})


def test_no_cue_repeats_a_word_whose_space_prepare_made_optional() -> None:
    # ``prepare`` turns every space into " ?" (glued words still match), so "(?: \w+)*" becomes
    # "(?: ?\w+)*": a run of letters splits into words in exponentially many ways, and Python's
    # re backtracks through all of them. Two farewell alternatives written that way held one
    # Spanish text of 90 characters for minutes, on the event loop that answers every webhook.
    # An unbounded repeat of words keeps its space required ("[ ]\w+": prepare leaves one char).
    from hotline.flows.crisis.cues import prepare

    tables = detector().cues
    for cue in (*tables.screen, *tables.main, *tables.modifier, *tables.context):
        prepared = prepare(cue.pattern)
        assert not re.search(r"\(\?: \?\\w[+*]\)[*+]", prepared), cue.name
