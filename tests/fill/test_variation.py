"""Variations (`vary: {of: A, amount, keep}`), checked the way a musician would check them.

keep=rhythm: the variation has the theme's rhythm, about `amount` of its notes take another pitch, the
changed notes mostly keep the theme's contour, and the cadence note stays. keep=contour: every theme
note is still there at its onset with its pitch, and about `amount` x (theme notes) ornaments fill the
time freed. Every hard constraint holds, the same seed gives the same notes, and bad specs are refused
with an error that names the field and the value received.

Measured with seeds 0-5 over the configurations below (the thresholds are these minus a margin):
changed-pitch share at amount 0.3: 0.21-0.31 per configuration and filler, at 0.6: 0.47-0.61;
contour kept (each side of a changed note towards an unchanged neighbour moves as in the theme):
rules 0.66-0.78 per configuration (0.73 pooled), neural 0.38-0.80 (0.54 pooled).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import numpy as np
import pytest
from conftest import run_cli

from composer import compose
from composer.analysis.metrics import constraint_satisfaction
from composer.fill.constraints import Position, arrival_index, build_problem
from composer.plan.feasibility import edge_at
from composer.plan.slots import plan_slots
from composer.score.errors import SpecError
from composer.spec.load import load_spec

FILLERS = ("rules", "neural")
SEEDS = tuple(range(6))

# name -> (head of the spec, bars of the theme, key of the variation or None)
CONFIGS = {
    "G major 3/4": ({"key": "G major", "meter": "3/4"}, 8, None),
    "D minor 4/4, variation on the dominant": ({"key": "D minor", "meter": "4/4"}, 8, "dominant"),
    "F major 6/8": ({"key": "F major", "meter": "6/8"}, 8, None),
    "D dorian 7/8": ({"key": "D dorian", "meter": "7/8"}, 8, None),
    "maqam rast on D (quarter tones) 4/4": ({"scale": {"pack": "arabic", "mode": "rast", "tonic": "D"},
                                             "meter": "4/4"}, 8, None),
    "raga yaman in teentaal": ({"scale": {"pack": "hindustani", "mode": "yaman", "tonic": "C#4"},
                                "cycle": "teentaal"}, 4, None),
}
SAME_KEY = [c for c, (_, _, vkey) in CONFIGS.items() if vkey is None]


def variation_spec(config: str, amount=0.3, keep="rhythm", last=False) -> dict:
    """A theme A, a contrast B, the variation A2 of A, and (unless `last`) a closing section C."""
    head, bars, vkey = CONFIGS[config]
    vary = {"of": "A"}
    if amount is not None:
        vary["amount"] = amount
    if keep is not None:
        vary["keep"] = keep
    a2 = {"name": "A2", "vary": vary} | ({"key": vkey} if vkey else {})
    sections = [{"name": "A", "bars": bars, "cadence": "authentic"},
                {"name": "B", "bars": max(2, bars // 2), "cadence": "half"}, a2]
    if not last:
        sections.append({"name": "C", "bars": max(2, bars // 2), "cadence": "authentic"})
    return {"title": "Variation test"} | head | {"sections": sections}


@lru_cache(maxsize=None)
def composed(config: str, filler: str, seed: int, amount: float = 0.3, keep: str = "rhythm"):
    return compose(variation_spec(config, amount, keep), seed=seed, filler=filler)


@dataclass
class Varied:
    """One phrase of the variation next to the phrase of the theme it was copied from (kept bars only)."""

    phrase: object
    theme: list          # the theme's notes, moved into the variation's key (cents), offsets from the phrase start
    notes: list          # the variation's notes, offsets from the phrase start

    @property
    def whole(self) -> bool:
        return self.phrase.kept_bars == self.phrase.bars


@dataclass(frozen=True)
class N:
    offset: Fraction
    duration: Fraction
    cents: float


def varied_phrases(piece) -> tuple[list[Varied], int]:
    """(the varied phrases, how many of the variation's phrases were written anew instead)."""
    plan, bq = piece.plan, piece.meter.bar_quarters
    melody = piece.part("melody").sorted_notes()
    out, anew = [], 0
    for phrase in plan.phrases:
        if phrase.section != "A2":
            continue
        if phrase.variation is None or not phrase.kept_bars or any("written anew" in n for n in piece.fill.lines(phrase.index)):
            anew += 1
            continue
        src = plan.phrases[phrase.copy_of]
        s0, v0, length = src.start_bar * bq, phrase.start_bar * bq, phrase.kept_bars * bq
        theme = [n for n in melody if s0 <= n.offset < s0 + length]
        notes = [N(n.offset - v0, n.duration, n.pitch.cents) for n in melody if v0 <= n.offset < v0 + length]
        # The copy moves the theme by the keys' distance, an octave either way when the range asks it.
        step = (phrase.key.tonic_pc - src.key.tonic_pc) % 12
        step = step - 12 if step > 6 else step
        at = {n.offset: n.cents for n in notes}

        def matches(shift):
            return sum(abs(at.get(n.offset - s0, -1e9) - n.pitch.cents - shift) < 0.5 for n in theme)

        shift = max(((step + octave) * 100.0 for octave in (0, -12, 12)), key=matches)
        out.append(Varied(phrase, [N(n.offset - s0, n.duration, n.pitch.cents + shift) for n in theme], notes))
    return out, anew


def sign(x: float) -> int:
    return (x > 0.5) - (x < -0.5)


def violations(piece) -> dict:
    return constraint_satisfaction(piece, piece.plan, plan_slots(piece.plan, piece.spec))


# --- keep: rhythm -------------------------------------------------------------------------------

@pytest.mark.parametrize("filler", FILLERS)
@pytest.mark.parametrize("config", list(CONFIGS))
def test_keep_rhythm_same_rhythm_cadence_and_share(config, filler):
    shares, phrases, anew = [], 0, 0
    for seed in SEEDS:
        found, written_anew = varied_phrases(composed(config, filler, seed))
        anew += written_anew
        for v in found:
            phrases += 1
            assert [(n.offset, n.duration) for n in v.notes] == [(n.offset, n.duration) for n in v.theme], \
                f"seed {seed}, phrase {v.phrase.number}: the variation's rhythm differs from the theme's"
            changed = sum(abs(a.cents - b.cents) > 0.5 for a, b in zip(v.theme, v.notes))
            n = len(v.theme)
            assert changed <= min(n - 1, max(1, math.ceil(0.3 * n))), \
                f"seed {seed}, phrase {v.phrase.number}: {changed} of {n} notes changed at amount 0.3"
            if v.whole:
                assert abs(v.notes[-1].cents - v.theme[-1].cents) < 0.5, \
                    f"seed {seed}, phrase {v.phrase.number}: the cadence note changed"
            shares.append(changed / n)
    # A copy that cannot join the note before it (leap limit, movement rules) or, moved to another key, leaves
    # the range is written anew: rare in the same key, common a fifth away (measured: 0-1 of 6-12 phrases in
    # the same key; 11 of 24 rules / 5 of 24 neural phrases on the dominant, with the default range).
    share_varied = phrases / (phrases + anew)
    assert share_varied >= (0.8 if CONFIGS[config][2] is None else 0.4), \
        f"only {phrases} of {phrases + anew} phrases of the variation were varied; the rest were written anew"
    assert abs(np.mean(shares) - 0.3) <= 0.2, f"mean changed share {np.mean(shares):.2f} at amount 0.3"


@pytest.mark.parametrize("filler", FILLERS)
@pytest.mark.parametrize("amount", [0.0, 0.6, 1.0])
def test_keep_rhythm_share_follows_amount(amount, filler):
    shares = []
    for config in ("G major 3/4", "maqam rast on D (quarter tones) 4/4", "D dorian 7/8"):
        for seed in SEEDS[:4]:
            piece = composed(config, filler, seed, amount)
            assert violations(piece)["violations"] == 0
            for v in varied_phrases(piece)[0]:
                n = len(v.theme)
                changed = sum(abs(a.cents - b.cents) > 0.5 for a, b in zip(v.theme, v.notes))
                assert [(x.offset, x.duration) for x in v.notes] == [(x.offset, x.duration) for x in v.theme]
                if amount == 0:
                    assert changed == 0, f"{config}, seed {seed}: amount 0 changed {changed} notes"
                assert changed <= n - 1, "more notes changed than there are (the cadence never changes)"
                shares.append(changed / n)
    assert shares
    if amount == 1.0:
        # All but the cadence note are free to change; the constraints keep some.
        assert np.mean(shares) >= 0.5, f"mean changed share {np.mean(shares):.2f} at amount 1"
    else:
        assert abs(np.mean(shares) - amount) <= 0.2, f"mean changed share {np.mean(shares):.2f} at amount {amount}"


def _contour(found: list[Varied]) -> tuple[int, int]:
    """(sides kept, sides measured): each side of a changed note towards an unchanged neighbour, where the
    theme moves, should move the same way in the variation."""
    kept = total = 0
    for v in found:
        old, new = [n.cents for n in v.theme], [n.cents for n in v.notes]
        changed = {t for t in range(len(old)) if abs(old[t] - new[t]) > 0.5}
        for t in changed:
            for u, w in ((t - 1, t), (t, t + 1)):
                if u < 0 or w >= len(old) or (u if w == t else w) in changed or not sign(old[w] - old[u]):
                    continue
                total += 1
                kept += sign(new[w] - new[u]) == sign(old[w] - old[u])
    return kept, total


# Measured (seeds 0-5, all configurations pooled): rules 0.73, neural 0.54.
CONTOUR_FLOOR = {"rules": 0.62, "neural": 0.45}


@pytest.mark.parametrize("filler", FILLERS)
def test_keep_rhythm_changed_notes_mostly_keep_the_contour(filler):
    kept = total = 0
    for config in CONFIGS:
        for seed in SEEDS:
            k, t = _contour(varied_phrases(composed(config, filler, seed))[0])
            kept, total = kept + k, total + t
    assert total >= 100
    assert kept / total >= CONTOUR_FLOOR[filler], f"contour kept on {kept}/{total} = {kept / total:.2f} of the sides"


def _avoidable_contour_breaks(piece) -> tuple[int, int]:
    """(isolated changed notes whose contour broke although a pitch keeping it was allowed, isolated changed
    notes). Isolated: both neighbours unchanged, so the note alone decides its contour; 'allowed': every hard
    constraint of the slot holds for that pitch (its unary masks, and the leap and movement edges to the notes
    either side) with every other note as written."""
    plan, meter = piece.plan, piece.meter
    bq = meter.bar_quarters
    slots = plan_slots(plan, piece.spec)
    melody = piece.part("melody").sorted_notes()
    broken = isolated = 0
    for v in varied_phrases(piece)[0]:
        slot = next(s for s in slots if s.phrase.index == v.phrase.index and s.part.name == "melody")
        start = v.phrase.start_bar * bq
        real = [n for n in melody if start <= n.offset < start + v.phrase.kept_bars * bq]
        positions = [Position(n.offset, n.duration, piece.chord_at(n.offset), meter.strength(n.offset % bq))
                     for n in real]
        problem = build_problem(slot.key, meter, positions, slot.part.low, slot.part.high, targets_rel=slot.targets,
                                max_leap_semitones=slot.max_leap, strong_chord_tones=slot.strong_chord_tones,
                                blue_pcs=slot.blue_pcs)
        cands = problem.candidates.cents.tolist()
        old, new = [n.cents for n in v.theme], [n.cents for n in v.notes]
        index = {c: j for j, c in enumerate(cands)}
        for t in range(1, len(old) - 1):
            if abs(old[t] - new[t]) < 0.5 or abs(old[t - 1] - new[t - 1]) > 0.5 or abs(old[t + 1] - new[t + 1]) > 0.5:
                continue
            isolated += 1

            def keeps(c):
                return ((not sign(old[t] - old[t - 1]) or sign(c - new[t - 1]) == sign(old[t] - old[t - 1]))
                        and (not sign(old[t + 1] - old[t]) or sign(new[t + 1] - c) == sign(old[t + 1] - old[t])))

            if keeps(new[t]):
                continue
            before, after = index[new[t - 1]], index[new[t + 1]]
            if any(problem.allowed[t, j] and abs(c - old[t]) > 0.5 and keeps(c)
                   and edge_at(problem.edges, t - 1)[before, j] and edge_at(problem.edges, t)[j, after]
                   for j, c in enumerate(cands)):
                broken += 1
    return broken, isolated


@pytest.mark.parametrize("filler", FILLERS)
def test_keep_rhythm_contour_kept_wherever_the_constraints_allow(filler):
    """'Each changed note keeps the theme's contour where the constraints allow.' A changed note between two
    unchanged neighbours decides its contour alone: when some pitch keeps the contour under every hard
    constraint, the variation should not break it. Found: it does, for 10-40 % of such notes, because the
    contour wish is dropped for the whole phrase as soon as one changed note cannot keep it
    (`variation._new_pitches` -> `fill._decode(narrow=...)`, which keeps or drops the mask as a whole)."""
    broken = isolated = 0
    for config in SAME_KEY:
        for seed in SEEDS:
            b, i = _avoidable_contour_breaks(composed(config, filler, seed))
            broken, isolated = broken + b, isolated + i
    assert isolated >= 50
    assert broken <= 0.05 * isolated, (
        f"{broken} of {isolated} isolated changed notes ({broken / isolated:.0%}) break the theme's contour although "
        f"a pitch keeping it satisfies every hard constraint")


# --- keep: contour ------------------------------------------------------------------------------

def _check_ornamented(v: Varied, amount: float, where: str, meter=None) -> tuple[int, int]:
    """Assert the keep=contour properties of one phrase; return (ornaments, ornaments expected). The cadence
    note of a whole phrase (`arrival_index`: the last, or a long note on a strong beat before a lead-in)
    and its lead-in are never ornamented."""
    cut = len(v.theme) - 1
    if v.whole and meter is not None:
        bq = meter.bar_quarters
        cut = arrival_index([n.offset for n in v.theme], [n.duration for n in v.theme],
                            [meter.strength(n.offset % bq) for n in v.theme], meter)
    at = {n.offset: n for n in v.notes}
    for n in v.theme:
        assert n.offset in at, f"{where}: the theme note at {n.offset} is gone"
        assert abs(at[n.offset].cents - n.cents) < 0.5, f"{where}: the theme note at {n.offset} changed pitch"
        assert at[n.offset].duration <= n.duration, f"{where}: the theme note at {n.offset} got longer"
    assert v.notes[-1].duration == v.theme[-1].duration or not v.whole, f"{where}: the cadence note was ornamented"
    assert {n.offset: n for n in v.notes}[v.theme[cut].offset].duration == v.theme[cut].duration, \
        f"{where}: the cadence note was ornamented"
    onsets = {n.offset for n in v.theme}
    ornaments = 0
    for i, n in enumerate(v.notes):
        if n.offset in onsets:
            continue
        ornaments += 1
        main = v.notes[i - 1]
        assert main.offset in onsets and main.offset + main.duration == n.offset, f"{where}: an ornament not after its note"
        assert 0.5 < abs(n.cents - main.cents) <= 400.0 + 1e-6, \
            f"{where}: ornament {n.cents} at {n.offset} is {n.cents - main.cents:+.0f} cents from its note"
        if i + 1 < len(v.notes):
            assert abs(n.cents - v.notes[i + 1].cents) > 0.5, f"{where}: ornament at {n.offset} repeats the next note"
    total = len(v.theme)
    long_enough = sum(1 for n in v.theme[:cut] if n.duration >= 1)
    assert ornaments <= min(long_enough, max(1, math.ceil(amount * total))), \
        f"{where}: {ornaments} ornaments for {total} theme notes at amount {amount}"
    return ornaments, min(long_enough, max(1, round(amount * total)))


@pytest.mark.parametrize("filler", FILLERS)
@pytest.mark.parametrize("config", list(CONFIGS))
def test_keep_contour_theme_notes_kept_and_ornamented(config, filler):
    got = expected = theme_notes = 0
    for seed in SEEDS:
        piece = composed(config, filler, seed, 0.3, "contour")
        found, anew = varied_phrases(piece)
        for v in found:
            o, e = _check_ornamented(v, 0.3, f"seed {seed}, phrase {v.phrase.number}", piece.meter)
            got, expected, theme_notes = got + o, expected + e, theme_notes + len(v.theme)
    assert expected > 0
    # As many ornaments as asked, bounded by the notes long enough to take one.
    assert got >= 0.8 * expected, f"{got} ornaments where {expected} were asked"
    if filler == "rules":
        assert abs(got / theme_notes - 0.3) <= 0.1, f"{got} ornaments for {theme_notes} theme notes at amount 0.3"


def test_keep_contour_ornaments_are_neighbour_or_passing_notes():
    """The smallest reproduction found (also: raga yaman in teentaal, neural, seeds 1, 10 and 25).
    Found: when no ornament fits every constraint at once, `fill._decode` drops the ornament mask for the
    whole phrase, and the 'ornaments' come out as repeated notes (the note itself or the next one) or leaps
    of a fourth and more, while explain still says 'N of them ornamented'."""
    config, filler, seed = "maqam rast on D (quarter tones) 4/4", "rules", 25
    piece = composed(config, filler, seed, 0.3, "contour")
    for v in varied_phrases(piece)[0]:
        _check_ornamented(v, 0.3, f"{config}, {filler}, seed {seed}, phrase {v.phrase.number}", piece.meter)


# --- every configuration: hard constraints, plan, determinism -----------------------------------

@pytest.mark.parametrize("keep", ["rhythm", "contour"])
@pytest.mark.parametrize("filler", FILLERS)
def test_every_hard_constraint_holds(filler, keep):
    for config in CONFIGS:
        for seed in SEEDS:
            piece = composed(config, filler, seed, 0.3, keep)
            report = violations(piece)
            assert report["violations"] == 0, f"{config}, seed {seed}: {report['first_violations']}"


def test_plan_records_the_variation_and_explain_names_it():
    piece = composed("G major 3/4", "rules", 0)
    a2 = next(s for s in piece.plan.sections if s.name == "A2")
    assert a2.variation == (0.3, "rhythm") and a2.repeat_of == "A"
    assert all(s.variation is None for s in piece.plan.sections if s.name != "A2")
    assert "a variation of A" in piece.explain()
    defaults = compose(variation_spec("G major 3/4", amount=None, keep=None), seed=0, filler="rules")
    assert next(s for s in defaults.plan.sections if s.name == "A2").variation == (0.3, "rhythm")
    contour = composed("F major 6/8", "neural", 0, 0.5, "contour")
    assert next(s for s in contour.plan.sections if s.name == "A2").variation == (0.5, "contour")
    assert "a variation of A" in contour.explain()


@pytest.mark.parametrize("keep", ["rhythm", "contour"])
@pytest.mark.parametrize("filler", FILLERS)
def test_same_seed_same_notes(filler, keep):
    spec = variation_spec("maqam rast on D (quarter tones) 4/4", 0.4, keep)

    def notes(seed):
        return [(n.offset, n.duration, n.pitch.cents) for part in compose(spec, seed=seed, filler=filler).parts
                for n in part.sorted_notes()]

    assert notes(3) == notes(3)
    assert notes(3) != notes(4)


def test_variation_in_a_drone_tradition_varies_every_bar_like_a_western_one():
    """Regression (fixed): in a tradition without chords (maqam, raga: the planner turns its phrase cadences into 'rest'),
    a variation (or a plain repeat) in the middle of the piece keeps only bars - 2 of the theme and writes the
    last two bars anew, because `plan._plan` compares the source's planned cadence ('rest') with the spec's
    ('authentic') to decide whether the ending is the same. A western spec of the same shape varies all 8
    bars; a 2-cycle raga theme is not varied at all (0 of 2 bars)."""
    western = composed("G major 3/4", "rules", 0)
    assert next(s for s in western.plan.sections if s.name == "A2").kept_bars == 8
    for config in ("maqam rast on D (quarter tones) 4/4", "raga yaman in teentaal"):
        piece = composed(config, "rules", 0)
        a2 = next(s for s in piece.plan.sections if s.name == "A2")
        assert a2.kept_bars == a2.bars, f"{config}: only {a2.kept_bars} of {a2.bars} bars of the variation varied"


@pytest.mark.parametrize("filler", FILLERS)
def test_variation_that_ends_the_piece_closes_with_an_authentic_cadence(filler):
    for seed in SEEDS[:4]:
        spec = variation_spec("G major 3/4", 0.4, "rhythm", last=True)
        spec["sections"][0]["cadence"] = "half"          # the theme ends open; the piece must not
        piece = compose(spec, seed=seed, filler=filler)
        a2 = piece.plan.sections[-1]
        assert a2.name == "A2" and a2.phrases[-1].cadence == "authentic"
        assert a2.kept_bars < a2.bars, "the last bars should be written anew for the final cadence"
        assert piece.chords[-1].roman == "I"
        last = piece.part("melody").sorted_notes()[-1]
        assert a2.phrases[-1].key.rel_cents(last.pitch.cents) % 1200 < 0.5, "the piece does not end on the tonic"
        found, _ = varied_phrases(piece)
        assert found, "the kept bars were not varied"
        for v in found:
            assert [(n.offset, n.duration) for n in v.notes] == [(n.offset, n.duration) for n in v.theme]
        assert violations(piece)["violations"] == 0


def test_numeric_vary_with_repeat_still_rewrites_the_end():
    spec = {"key": "C major", "meter": "4/4", "sections": [
        {"name": "A", "bars": 8, "cadence": "authentic"}, {"name": "B", "bars": 4, "cadence": "half"},
        {"name": "A2", "repeat": "A", "vary": 0.5}, {"name": "C", "bars": 4}]}
    for filler in FILLERS:
        piece = compose(spec, seed=2, filler=filler)
        a2 = next(s for s in piece.plan.sections if s.name == "A2")
        assert a2.variation is None and a2.kept_bars == 4
        bq = piece.meter.bar_quarters
        melody = piece.part("melody").sorted_notes()
        theme = [(n.offset, n.duration, n.pitch.cents) for n in melody if n.offset < 4 * bq]
        copy = [(n.offset - a2.start_bar * bq, n.duration, n.pitch.cents) for n in melody
                if a2.start_bar * bq <= n.offset < (a2.start_bar + 4) * bq]
        assert copy == theme, "the kept half of a plain repeat is copied note for note"
        assert "a variation of" not in piece.explain()


# --- spec errors --------------------------------------------------------------------------------

def _base(a2: dict) -> dict:
    return {"key": "C major", "sections": [{"name": "A", "bars": 4}, {"name": "B", "bars": 4}, a2]}


@pytest.mark.parametrize("a2,field,received", [
    ({"name": "A2", "vary": {"of": "Z"}}, "sections[2].vary.of", "'Z'"),
    ({"name": "A2", "vary": {"of": "A2"}}, "sections[2].vary.of", "'A2'"),
    ({"name": "A2", "vary": {"of": "A", "amount": 2}}, "sections[2].vary.amount", "2"),
    ({"name": "A2", "vary": {"of": "A", "amount": -0.5}}, "sections[2].vary.amount", "-0.5"),
    ({"name": "A2", "vary": {"of": "A", "keep": "pitch"}}, "sections[2].vary.keep", "'pitch'"),
    ({"name": "A2", "repeat": "B", "vary": {"of": "A"}}, "sections[2].vary.of", "'A'"),
])
def test_spec_errors_name_the_field_and_value(a2, field, received):
    with pytest.raises(SpecError) as info:
        load_spec(_base(a2))
    first = info.value.problems[0]
    assert field in str(first) and f"received {received}" in str(first), str(info.value)


def test_varying_a_later_section_is_refused():
    spec = {"key": "C major", "sections": [{"name": "A", "bars": 4, "vary": {"of": "B"}}, {"name": "B", "bars": 4}]}
    with pytest.raises(SpecError) as info:
        load_spec(spec)
    assert "sections[0].vary.of" in str(info.value.problems[0]) and "received 'B'" in str(info.value.problems[0])


def test_repeat_and_vary_naming_the_same_section_is_accepted():
    spec = load_spec(_base({"name": "A2", "repeat": "A", "vary": {"of": "A", "amount": 0.5}}))
    assert spec.sections[2].variation == (0.5, "rhythm")


def test_unknown_vary_of_gives_one_problem_about_the_field_written():
    """Regression (fixed): `vary: {of: Z}` gives two problems, the second about `sections[2].repeat`, a field the spec does
    not have (the variation is rewritten into a repeat before the repeat check runs); the CLI prints both."""
    with pytest.raises(SpecError) as info:
        load_spec(_base({"name": "A2", "vary": {"of": "Z"}}))
    assert [str(p) for p in info.value.problems if "repeat" in str(p.path)] == [], str(info.value)


def test_cli_refuses_a_bad_variation_with_exit_2(tmp_path, capsys):
    spec = tmp_path / "bad.yaml"
    spec.write_text("key: C major\nsections:\n  - {name: A, bars: 4}\n  - {name: A2, vary: {of: A, keep: pitch}}\n")
    code, out, err = run_cli(capsys, "compose", spec, "-o", tmp_path / "out")
    assert code == 2
    assert "vary.keep" in err and "'pitch'" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
