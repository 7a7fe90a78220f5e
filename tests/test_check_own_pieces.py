"""Every piece partita composes passes its own default rule set with no error: each example, over
seeds, written to MusicXML and marked by `partita check` with nothing given (the key, the rule set and
the plan come from the provenance the file carries), as a teacher would run it on a student's file."""
from __future__ import annotations

from pathlib import Path

import pytest

from composer import compose, load_spec
from composer.analysis.check import check
from composer.formats.musicxml import musicxml_bytes

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
SEEDS = range(4)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_each_example_passes_its_own_rule_set(path, tmp_path):
    for seed in SEEDS:
        piece = compose(load_spec(path), seed=seed)
        out = tmp_path / f"{path.stem}_{seed}.musicxml"
        out.write_bytes(musicxml_bytes(piece))
        report = check(out)
        errors = [str(f) for f in report.findings if f.severity == "error"]
        assert not errors, f"{path.name} seed {seed} ({report.rules}, {report.key}): {errors[:6]}"
        assert "provenance" in report.key_source or "provenance" in report.rules_source


def test_the_chorale_example_is_marked_as_a_chorale_and_the_jazz_tune_by_the_jazz_set(tmp_path):
    for name, rules in (("chorale_d_minor", "chorale"), ("aaba_song", "jazz"), ("chinese_zhi_song", "heterophony"),
                        ("minuet_in_g", "free"), ("blues_in_f", "blues")):
        out = tmp_path / f"{name}.musicxml"
        out.write_bytes(musicxml_bytes(compose(load_spec(ROOT / "examples" / f"{name}.yaml"), seed=0)))
        assert check(out).rules == rules


@pytest.mark.parametrize("key", ["G major", "D minor", "Bb major", "E minor"])
def test_chorales_planned_in_every_form_pass_the_chorale_rules(key, tmp_path):
    for form, meter in (("period", "4/4"), ("sentence", "3/4"), ("rounded_binary", "4/4")):
        for seed in (1, 2):
            spec = load_spec({"title": "chorale", "key": key, "meter": meter, "form": form, "texture": "satb",
                              "seed": seed})
            out = tmp_path / f"{form}_{seed}.musicxml"
            out.write_bytes(musicxml_bytes(compose(spec, seed=seed)))
            report = check(out)
            assert report.rules == "chorale"
            errors = [str(f) for f in report.findings if f.severity == "error"]
            assert not errors, f"{key} {form} seed {seed}: {errors[:6]}"
