"""Print the crisis detector's figures on its dev measures: rows the model is never trained on.

Run from the repository root: `.venv/bin/python bench/crisis_dev.py` (add `--model FILE` or
`--cues FILE` to read other files, `--cues-only` for the cues alone). The measures, per language:

- the held-back halves of blind sets F and G (``held_back`` in
  ``scripts/train_crisis_model.py``: CRC-32 of the text odd), and, since session 24, of H, I, J
  and K together, since session 25 of L and M together, since session 26 of N and O, and since
  session 27 of P and of Q;
- the held-back third of ``crisis_train4_*`` (``held_back4``: CRC-32 of the normalised text
  mod 3 == 0), and of ``crisis_train5_*`` to ``crisis_train8_*`` together;
- ``crisis_probe3_*`` (never trained on).

For each: recall, false alarms, and the kind of danger named right among the caught crises.
``--noise`` prints, instead, every measure's rows together with each kind of noise the trainer
can add (``noisy`` in the trainer: two words run together, twice, an expletive inside, a typo,
abbreviations, speech-to-text lowercase), one at a time, seeded by the text: how well the
detector reads the same rows misspelled.
Figures only. Blind sets R and S are never read here (``NEVER`` in the trainer refuses them).
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
import zlib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hotline.crisis.detector import load_cues, load_model  # noqa: E402
from hotline.flows.crisis.detect import Detector  # noqa: E402
from hotline.settings import config_dir  # noqa: E402

_spec = importlib.util.spec_from_file_location(
    "trainer", ROOT / "scripts" / "train_crisis_model.py"
)
assert _spec is not None and _spec.loader is not None
trainer = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(trainer)

Row = tuple[str, str, str]  # label, text, kind


def read(name: str) -> list[tuple[str, str, str, str]]:
    """(label, language, text, kind) of a set (the trainer's ``read_set``, which refuses the
    blind ones); kind 'suicide' when it has none."""
    return [
        (label, language, text, kind if kind is not None else "suicide")
        for label, language, text, kind in trainer.read_set(name)
    ]


def measures() -> dict[str, list[Row]]:
    """Each dev measure's rows, by name and language."""
    out: dict[str, list[Row]] = {}
    for language in ("en", "es"):
        rows = [
            (label, text, kind)
            for name in (f"crisis_blind_f_{language}.tsv", f"crisis_blind_g_{language}.tsv")
            for label, _, text, kind in read(name)
            if trainer.held_back(text)
        ]
        out[f"F+G held-back {language}"] = rows
    for letters, what in (("hijk", "H-K"), ("lm", "L+M"), ("no", "N+O"), ("p", "P"), ("q", "Q")):
        for language in ("en", "es"):
            out[f"{what} held-back {language}"] = [
                (label, text, kind)
                for letter in letters
                for label, _, text, kind in read(f"crisis_blind_{letter}_{language}.tsv")
                if trainer.held_back(text)
            ]
    for language in ("en", "es"):
        out[f"train4 held-back {language}"] = [
            (label, text, kind)
            for label, _, text, kind in read(f"crisis_train4_{language}.tsv")
            if trainer.held_back4(text)
        ]
    for language in ("en", "es"):
        out[f"train5-8 held-back {language}"] = [
            (label, text, kind)
            for number in (5, 6, 7, 8)
            for label, _, text, kind in read(f"crisis_train{number}_{language}.tsv")
            if trainer.held_back4(text)
        ]
    for language in ("en", "es"):
        out[f"probe3 {language}"] = [
            (label, text, kind) for label, _, text, kind in read(f"crisis_probe3_{language}.tsv")
        ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=config_dir() / "crisis_model.json")
    parser.add_argument("--cues", type=Path, default=config_dir() / "crisis_cues.toml")
    parser.add_argument("--cues-only", action="store_true")
    parser.add_argument("--kinds", action="store_true", help="recall per kind of danger too")
    parser.add_argument("--noise", action="store_true", help="the rows with noise added")
    args = parser.parse_args()
    cues = load_cues(args.cues)
    detector = Detector(cues, None if args.cues_only else load_model(args.model))
    if args.noise:
        noisy(detector)
        return
    for what, rows in measures().items():
        positives = [(text, kind) for label, text, kind in rows if label == "1"]
        negatives = [text for label, text, _ in rows if label == "0"]
        caught = [(v, kind) for text, kind in positives if (v := detector.assess(text)).crisis]
        raised = sum(detector.assess(text).crisis for text in negatives)
        named = sum(v.danger.value == kind for v, kind in caught)
        print(
            f"{what:<22} recall {len(caught) / len(positives):.3f} ({len(caught)}/{len(positives)})"
            f"  false alarms {raised / len(negatives):.3f} ({raised}/{len(negatives)})"
            f"  kind {named / max(1, len(caught)):.3f} ({named}/{len(caught)})"
        )
        if args.kinds:
            total = Counter(kind for _, kind in positives)
            got = Counter(kind for _, kind in caught)
            right = Counter(kind for v, kind in caught if v.danger.value == kind)
            print(
                "    "
                + ", ".join(f"{k} {got[k]}/{total[k]} (kind {right[k]})" for k in sorted(total))
            )


def noisy(detector: Detector) -> None:
    """Recall and false alarms over all the measures' rows, each kind of noise on its own."""
    rows = [
        (label, text, name.split()[-1])
        for name, found in measures().items()
        for label, text, _ in found
    ]
    kinds = {
        "none": lambda text, language, rng: text,
        "run together": trainer._run_together,
        "run together twice": lambda text, language, rng: trainer._run_together(
            trainer._run_together(text, language, rng), language, rng
        ),
        "expletive": trainer._expletive,
        "typo": trainer._typo,
        "abbreviations": trainer._abbreviate,
        "speech": trainer._speech,
    }
    for kind, noise in kinds.items():
        caught = raised = positives = 0
        for label, text, language in rows:
            crisis = detector.assess(
                noise(text, language, random.Random(zlib.crc32(text.encode())))
            ).crisis
            positives += label == "1"
            caught += crisis and label == "1"
            raised += crisis and label == "0"
        negatives = len(rows) - positives
        print(f"{kind:<20} recall {caught}/{positives}  false alarms {raised}/{negatives}")


if __name__ == "__main__":
    main()
