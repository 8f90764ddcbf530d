"""The crisis detector's learned model: its file, its features, and the cues-only fallback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hotline.crisis.detector import detector, load_model
from hotline.flows.crisis import detect as crisis
from hotline.flows.crisis import model as crisis_model
from hotline.flows.crisis.cues import Danger
from hotline.flows.crisis.detect import MODEL_CUE, Detector, Level, Model, normalise
from hotline.settings import config_dir

MODEL = detector().model
MODEL_FILE = config_dir() / "crisis_model.json"


def with_model(model: Model | None) -> Detector:
    return Detector(detector().cues, model)


def test_the_model_file_loads_and_records_what_it_was_trained_on() -> None:
    assert MODEL is not None
    assert 0.0 < MODEL.mid <= MODEL.high < 1.0
    assert len(MODEL.weights) > 1000
    raw = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert raw["trained_on"] == [
        "crisis_labelled.tsv",
        "crisis_heldout.tsv",
        "crisis_blind_a.tsv",
        "crisis_blind_b.tsv",
        "crisis_dev_en.tsv",
        "crisis_dev_es.tsv",
        "crisis_in_use.tsv",
        "crisis_dev2_en.tsv",
        "crisis_dev2_es.tsv",
        "crisis_blind_c_en.tsv",
        "crisis_blind_c_es.tsv",
        "crisis_blind_d_en.tsv",
        "crisis_blind_d_es.tsv",
        "crisis_blind_e_en.tsv",
        "crisis_blind_e_es.tsv",
        "crisis_train3_en.tsv",
        "crisis_train3_es.tsv",
    ]
    # F to Q are trained on in part: the half ``held_back`` keeps out is the dev measure.
    halves = [f"crisis_blind_{s}_{lang}.tsv" for s in "fghijklmnopq" for lang in ("en", "es")]
    assert raw["trained_on_half"] == halves
    # train4 to train8 in part too: the third ``held_back4`` keeps out is a second dev measure.
    thirds = [f"crisis_train{n}_{lang}.tsv" for n in (4, 5, 6, 7, 8) for lang in ("en", "es")]
    assert raw["trained_on_two_thirds"] == thirds
    read = set(raw["trained_on"]) | set(raw["trained_on_half"]) | set(raw["trained_on_two_thirds"])
    assert not any(name.startswith(("crisis_blind_r", "crisis_blind_s")) for name in read)
    assert 0.0 < MODEL.veto < MODEL.mid
    # Under 1 MB until session 27: with train8 and P's half it came to 1.01 MB (1.03 with Q's half
    # too), and 6,500 weights a head (986 KB) named the kind right on 1-2 points fewer dev crises,
    # so the cap rose. It loads in about 80 ms either way.
    assert MODEL_FILE.stat().st_size < 1_100_000
    assert set(MODEL.dangers) == {Danger.SUICIDE, Danger.MEDICAL, Danger.VIOLENCE, Danger.OTHERS}
    assert set(MODEL.languages) == {"en", "es"}
    assert MODEL.thresholds("quiero dormir") == MODEL.languages["es"]
    assert MODEL.thresholds("i want to sleep") == MODEL.languages["en"]


def test_packed_weights_read_back_as_written() -> None:
    weights = {3: 0.5, 7: -1.25, 262143: 0.01, 9: 0.001}
    packed = crisis_model.pack(weights)
    assert packed == {"gaps": [3, 4, 262136], "centi": [50, -125, 1]}  # a zero is left out
    assert crisis_model.unpack(packed) == {3: 0.5, 7: -1.25, 262143: 0.01}
    # Files written before hundredths (thousandths, "milli") still read.
    milli = crisis_model.pack(weights, "milli")
    assert milli == {"gaps": [3, 4, 2, 262134], "milli": [500, -1250, 1, 10]}
    assert crisis_model.unpack(milli) == {3: 0.5, 7: -1.25, 9: 0.001, 262143: 0.01}
    raw = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert set(raw["weights"]) == {"gaps", "centi"}  # the shipped file is packed
    broken: list[dict[str, list[float]]] = [
        {"gaps": [1, 2], "centi": [1]},
        {"gaps": [-1], "centi": [1]},
        {"gaps": [1 << 18], "centi": [1]},
        {"gaps": [1], "centi": [0.5]},
        {"gaps": [1], "centi": [1], "milli": [1]},
        {"gaps": [1]},
    ]
    for lists in broken:
        with pytest.raises(ValueError):
            crisis_model.unpack(lists)  # type: ignore[arg-type]


def test_the_danger_heads_name_the_kind_of_a_text_the_model_raised() -> None:
    assert MODEL is not None
    assert (
        MODEL.danger(normalise("my girlfriend is not breathing after the pills")) is Danger.MEDICAL
    )
    assert MODEL.danger(normalise("my boyfriend beats me and i am scared")) is Danger.VIOLENCE
    assert MODEL.danger(normalise("i want to die")) is Danger.SUICIDE
    assert with_model(crisis.Model({}, 10.0, 0.9, 0.5)).assess("zzz").danger is Danger.SUICIDE


def test_features_are_stable_hashed_indices() -> None:
    indices = crisis_model.features("i want to die")
    assert indices == sorted(set(indices))
    assert all(0 <= i < crisis_model.BUCKETS for i in indices)
    # 3- to 5-grams of " i want to die " (15 characters) plus 4 words and 4 bigrams, at most
    assert 0 < len(indices) <= 13 + 12 + 11 + 4 + 4
    assert crisis_model.features("") == []  # too short for any n-gram: the bias alone scores it


def test_probability_is_deterministic_and_a_probability() -> None:
    model = MODEL
    assert model is not None
    text = normalise("i am watching the sunset for the last time")
    first = crisis_model.probability(text, model.weights, model.bias)
    assert 0.0 < first < 1.0
    assert crisis_model.probability(text, model.weights, model.bias) == first
    assert crisis_model.probability(text, {}, 0.0) == 0.5


def test_the_model_only_ever_raises_a_level() -> None:
    always = with_model(crisis.Model(weights={}, bias=10.0, high=0.9, mid=0.5))
    raised = always.assess("see you at the meeting")
    assert raised.level is Level.CRISIS and raised.matched == ("model",)
    assert always.assess("i want to kill myself tonight").level is Level.IMMINENT
    # a denial or a distress word keeps the cues' "concern, not crisis"
    assert always.assess("I don't want to die").level is Level.CONCERN
    assert always.assess("nobody cares about me").level is Level.CONCERN
    weak = with_model(crisis.Model(weights={}, bias=0.0, high=0.9, mid=0.5))
    assert weak.assess("see you at the meeting").matched == ("model:weak",)
    assert weak.assess("see you at the meeting").level is Level.CONCERN


CUES_ONLY_TABLE = [
    ("i want to kill myself", True),
    ("quiero morirme", True),
    ("gonna od tonight", True),
    ("this traffic is killing me", False),
    ("what time is the meeting", False),
    ("I'm dying to join the group", False),
]


@pytest.mark.parametrize(("text", "expected"), CUES_ONLY_TABLE)
def test_without_the_model_the_cues_still_work(text: str, expected: bool) -> None:
    verdict = with_model(None).assess(text)
    assert verdict.crisis is expected
    assert not {"model", "model:weak"} & set(verdict.matched)


@pytest.mark.parametrize(
    "content",
    [
        None,  # missing
        "",
        "{not json",
        "[]",
        '{"bias": 0.0, "high": 0.9, "mid": 0.5}',
        '{"buckets": 262144, "bias": 0.0, "high": 0.9, "mid": 0.5, "weights": {"x": 1}}',
        '{"buckets": 262144, "bias": "NaN", "high": 0.9, "mid": 0.5, "weights": {}}',
        '{"buckets": 262144, "bias": 0.0, "high": 0.5, "mid": 0.9, "weights": {}}',
        '{"buckets": 1024, "bias": 0.0, "high": 0.9, "mid": 0.5, "weights": {}}',
    ],
)
def test_a_missing_or_broken_model_file_falls_back_to_cues_only(
    tmp_path: Path, content: str | None
) -> None:
    path = tmp_path / "crisis_model.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert load_model(path) is None
    cues_only = with_model(load_model(path))
    for text, expected in CUES_ONLY_TABLE:
        assert cues_only.assess(text).crisis is expected


def test_a_binary_model_file_falls_back_to_cues_only(tmp_path: Path) -> None:
    path = tmp_path / "crisis_model.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    assert load_model(path) is None


# False alarms found in use: an ordinary goodbye and a supportive reply opened a case on the
# model's word alone. None of these texts is a training row (crisis_in_use.tsv holds others).
ORDINARY = [
    "bye",
    "Goodbye!",
    "ok bye",
    "bye bye :)",
    "thanks, bye",
    "good night",
    "adios",
    "Adiós!!",
    "chao",
    "ok chau",
    "gracias, hasta luego",
    "nos vemos",
    "I'm here. Want to tell me about it?",
    "i'm here if you want to tell me what's wrong",
    "Estoy aquí. ¿Quieres contarme qué pasó?",
    "aqui estoy si me quieres contar",
]
FINAL = [
    "goodbye forever, this is my last text",
    "bye everyone. this is my last message",
    "ok bye. goodbye forever",
    "adios para siempre, este es mi ultimo mensaje",
    "adios a todos, ya no voy a estar",
    "chao, este es mi ultimo mensaje",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_an_ordinary_goodbye_or_a_supportive_reply_is_not_a_crisis(text: str) -> None:
    verdict = detector().assess(text)
    assert not verdict.crisis, verdict
    assert MODEL_CUE not in verdict.matched


@pytest.mark.parametrize("text", FINAL)
def test_a_goodbye_with_finality_still_is(text: str) -> None:
    assert detector().assess(text).crisis


def test_small_talk_is_no_evidence_for_the_model() -> None:
    evidence = detector().evidence
    assert evidence(normalise("ok bye")) == ""
    assert evidence(normalise("gracias. adios!")) == ""
    assert evidence(normalise("ok bye. i want to die")) == "i want to die"
    assert evidence(normalise("iwannadie")) == "iwanadie"  # one word, but evidence
    assert detector().assess("iwannadie").crisis  # the model still reads it


def test_the_veto_lowers_a_cues_only_crisis_the_model_reads_as_safe_never_an_imminent_one() -> None:
    cues_alone = detector().without_model()
    safe = with_model(crisis.Model({}, -10.0, 0.9, 0.5, veto=0.1))  # reads everything as safe
    assert cues_alone.assess("i want to die").level is Level.CRISIS
    lowered = safe.assess("i want to die")
    assert lowered.level is Level.CONCERN
    assert lowered.matched[-1] == crisis.MODEL_DOUBT_CUE
    assert cues_alone.assess("i want to die tonight").level is Level.IMMINENT
    assert safe.assess("i want to die tonight").level is Level.IMMINENT
    no_veto = with_model(crisis.Model({}, -10.0, 0.9, 0.5))
    assert no_veto.assess("i want to die").level is Level.CRISIS
    assert crisis.parse_model({**json.loads(MODEL_FILE.read_text()), "veto": 0.95}) is None


def test_each_language_has_its_own_veto() -> None:
    # The model reads every text at bias 0: probability 0.5. English's veto (0.4) keeps the
    # cues' crisis, Spanish's (0.6) lowers it; a language without one uses the model's veto.
    vetoes = {"en": 0.4, "es": 0.6}
    split = with_model(crisis.Model({}, 0.0, 0.9, 0.7, veto=0.4, vetoes=vetoes))
    assert split.assess("i want to die").level is Level.CRISIS
    lowered = split.assess("me quiero morir")
    assert lowered.level is Level.CONCERN and lowered.matched[-1] == crisis.MODEL_DOUBT_CUE
    model = crisis.Model({}, 0.0, 0.9, 0.7, veto=0.4, vetoes=vetoes)
    assert model.veto_for("anything", 0.7) == 0.4  # above every veto: none lowers
    assert model.veto_for("anything", 0.1) == 0.6  # below every veto: each lowers
    # Only a language-less model's veto, when it has no per-language ones.
    assert crisis.Model({}, 0.0, 0.9, 0.7, veto=0.2).veto_for("me quiero morir", 0.5) == 0.2
    assert (
        with_model(crisis.Model({}, 0.0, 0.9, 0.7, vetoes={"es": 0.6}))
        .assess("me quiero morir")
        .level
        is Level.CONCERN
    )


def test_the_shipped_model_reads_a_veto_per_language_and_refuses_one_past_a_cut() -> None:
    assert MODEL is not None
    raw = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert set(MODEL.vetoes) == {"en", "es"}
    assert all(0.0 < veto < MODEL.languages[code][1] for code, veto in MODEL.vetoes.items())
    raw["languages"]["es"] = {**raw["languages"]["es"], "veto": 0.99}
    assert crisis.parse_model(raw) is None
    raw["languages"]["es"]["veto"] = "high"
    assert crisis.parse_model(raw) is None
