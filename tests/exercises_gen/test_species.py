"""Species counterpoint: the rules as data (theory/rules/counterpoint.yaml), the checker
(composer.analysis.species) on examples a teacher can check by hand, and the exercise writer
(composer.exercises.species), whose cantus firmi and model answers are read here as a musician would."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from composer.analysis.species import SpeciesFinding, species_findings
from composer.exercises import cantus_firmus, counterpoint
from composer.score.errors import ComposerError
from theory import DataFileError, Pitch, TheoryError
from theory.counterpoint import RULES_PATH, SCHEMA_PATH, counterpoint_rules, melodic_quality, scale_cents
from theory.schema import read_checked
from theory.voice_leading import consecutive_family, parallel_kind

BAR = Fraction(4)
KEYS = {"C major": (6000.0, False), "A minor": (5700.0, True), "D major": (6200.0, False)}
SEEDS = range(10)
CONSONANT = {0, 3, 4, 7, 8, 9}


def c(name: str) -> float:
    return Pitch.from_name(name).cents


def whole_notes(names: list[str]) -> list[tuple]:
    return [(i * BAR, (i + 1) * BAR, c(n)) for i, n in enumerate(names)]


def notes_of(spec: list[tuple]) -> list[tuple]:
    """(onset, duration, name) -> (onset, end, cents), times in quarter notes."""
    return [(Fraction(t), Fraction(t) + Fraction(d), c(n)) for t, d, n in spec]


def rules_found(findings) -> set[str]:
    return {f.rule for f in findings}


def errors(findings) -> list[SpeciesFinding]:
    return [f for f in findings if f.severity == "error"]


def semis(a: float, b: float) -> int:
    return int(round((a - b) / 100.0))


# --- the rules file ---------------------------------------------------------------------------------

def test_every_rule_names_its_species_severity_and_source():
    rules = counterpoint_rules()
    for name in ("species-dissonance", "species-start", "species-end", "species-cadence", "species-unison",
                 "species-leap", "species-repeat", "species-consecutive-downbeats", "species-range",
                 "species-climax", "species-imperfect-run"):
        rule = rules.rule(name)
        assert rule.severity in ("error", "warning") and rule.species and set(rule.species) <= {1, 2, 3, 4, 5}
        assert "Fux" in rule.source or "Jeppesen" in rule.source or "Schubert" in rule.source
    assert rules.rule("species-dissonance").severity == "error"
    assert rules.rule("species-range").severity == "warning"
    assert rules.rule("species-consecutive-downbeats").species == (2, 3, 4, 5)
    assert 5 not in rules.perfect_consonances | rules.imperfect_consonances      # the fourth is a dissonance
    with pytest.raises(TheoryError, match="unknown counterpoint rule 'species-parallels'"):
        rules.rule("species-parallels")


def test_the_schema_rejects_a_sixth_species(tmp_path):
    bad = tmp_path / "counterpoint.yaml"
    bad.write_text(RULES_PATH.read_text(encoding="utf-8").replace("species: [1, 2, 3]", "species: [1, 2, 6]"),
                   encoding="utf-8")
    with pytest.raises(DataFileError, match="above the maximum 5"):
        read_checked(bad, SCHEMA_PATH)


# --- the checker, by hand -----------------------------------------------------------------------------

CF = ["C4", "D4", "E4", "F4", "E4", "D4", "C4"]
GOOD_FIRST = ["C5", "A4", "G4", "D5", "C5", "B4", "C5"]   # 8 5 3 6 6 6 8: contrary, a leap of a fifth recovered


def first(names: list[str], cantus=CF, tonic=6000.0, minor=False):
    return species_findings(whole_notes(cantus), whole_notes(names), 1, BAR, tonic, minor)


def test_a_good_first_species_has_no_finding():
    assert first(GOOD_FIRST) == []


def test_a_dissonant_downbeat_is_named_by_bar_notes_and_interval():
    findings = first(["C5", "G4", "G4", "D5", "C5", "B4", "C5"])        # G4 over D4: a fourth
    diss = [f for f in findings if f.rule == "species-dissonance"]
    assert len(diss) == 1 and diss[0].onset == 4 and diss[0].voice == "both"
    assert diss[0].message == "bar 2: dissonant fourth G4-D4 on the downbeat"
    assert diss[0].severity == "error" and str(diss[0]).startswith("error species-dissonance: bar 2")


def test_the_counterpoint_below_is_read_below():
    # the same two lines exchanged: the cantus above, the counterpoint an octave and more below
    cantus = ["C4", "A3", "G3", "D4", "C4", "B3", "C4"]
    low = ["C3", "D3", "E3", "F3", "E3", "D3", "C3"]
    assert first(low, cantus=cantus) == []                  # the cadence is 2-1 below, 7-8 above
    crossed = first(["C3", "D3", "E3", "F3", "E3", "D3", "C3"], cantus=["C4", "A3", "D3", "D4", "C4", "B3", "C4"])
    assert [f.message for f in crossed if f.rule == "species-crossing"] == [
        "bar 3: the counterpoint crosses above the cantus: E3-D3"]


PLANTED = {  # rule -> (species, cantus, counterpoint as (onset, duration, name), onset reported)
    "species-rhythm": (2, CF[:3], [(0, 4, "C5"), (4, 2, "B4"), (6, 2, "A4"), (8, 4, "C5")], 0),
    "species-dissonance": (1, CF, None, 4),
    "species-start": (1, CF, [(0, 4, "E5")] + [(4 * i, 4, n) for i, n in enumerate(GOOD_FIRST) if i], 0),
    "species-end": (1, CF, [(4 * i, 4, n) for i, n in enumerate(GOOD_FIRST[:-1])] + [(24, 4, "E5")], 24),
    "species-cadence": (1, CF, [(4 * i, 4, n) for i, n in enumerate(GOOD_FIRST[:-2] + ["G4", "C5"])], 20),
    "species-unison": (1, CF, [(4 * i, 4, n) for i, n in enumerate(["C5", "A4", "E4", "D5", "C5", "B4", "C5"])],
                       8),
    "species-crossing": (1, CF, [(4 * i, 4, n) for i, n in enumerate(["C5", "A4", "C4", "D5", "C5", "B4", "C5"])],
                         8),
    "species-leap": (1, CF, [(4 * i, 4, n) for i, n in enumerate(["C5", "F5", "G4", "D5", "C5", "B4", "C5"])], 8),
    "species-leap-recovery": (1, CF, [(4 * i, 4, n) for i, n in enumerate(["C5", "A4", "G4", "D5", "E5", "B4",
                                                                              "C5"])], 12),
    "species-repeat": (1, CF, [(4 * i, 4, n) for i, n in enumerate(["C5", "A4", "A4", "D5", "D5", "B4", "C5"])],
                       16),
    "species-consecutive-downbeats": (2, CF[:3], [(0, 2, "G4"), (2, 2, "E4"), (4, 2, "A4"), (6, 2, "B4"),
                                                  (8, 4, "C5")], 4),
    "species-range": (1, CF, [(4 * i, 4, n) for i, n in enumerate(["C5", "A4", "G4", "C6", "C5", "B4", "C5"])], 8),
    "species-climax": (1, CF, [(4 * i, 4, n) for i, n in enumerate(["C5", "D5", "G4", "D5", "C5", "B4", "C5"])],
                       12),
    "species-imperfect-run": (1, CF, [(4 * i, 4, n) for i, n in enumerate(["C5", "B4", "C5", "D5", "C5", "B4",
                                                                              "C5"])], 16),
}
PLANTED["species-dissonance"] = (1, CF, [(4 * i, 4, n) for i, n in enumerate(["C5", "G4", "G4", "D5", "C5", "B4",
                                                                                "C5"])], 4)


@pytest.mark.parametrize("rule", sorted(PLANTED))
def test_a_planted_mistake_is_found_where_it_was_planted(rule):
    species, cantus, cp, onset = PLANTED[rule]
    findings = species_findings(whole_notes(cantus), notes_of(cp), species, BAR, 6000.0)
    hits = [f for f in findings if f.rule == rule]
    assert hits, [str(f) for f in findings]
    assert hits[0].onset == onset and hits[0].message.startswith(f"bar {onset // 4 + 1}:")
    assert hits[0].severity == counterpoint_rules().rule(rule).severity


def test_every_rule_in_the_file_is_reachable():
    assert set(PLANTED) == set(counterpoint_rules().rules)


def test_the_messages_say_what_is_wrong():
    def message(rule):
        species, cantus, cp, _ = PLANTED[rule]
        return next(f.message for f in species_findings(whole_notes(cantus), notes_of(cp), species, BAR, 6000.0)
                    if f.rule == rule)

    assert message("species-leap") == "bar 3: leap of a minor seventh F5-G4"
    assert "begins on a major tenth E5-C4" in message("species-start")
    assert "leaps into the final" in message("species-cadence") and "G4-C5" in message("species-cadence")
    assert message("species-unison") == "bar 3: unison E4 on the downbeat"
    assert "fifths on successive downbeats, G4-C4 to A4-D4" in message("species-consecutive-downbeats")
    assert "the highest note D5 comes 2 times (bars 2, 4)" in message("species-climax")
    assert "4 sixths in a row" in message("species-imperfect-run")
    assert "repetition 2" in message("species-repeat")


def test_an_unraised_leading_tone_is_a_cadence_error_in_minor():
    cantus = ["A3", "C4", "B3", "A3"]
    good = species_findings(whole_notes(cantus), whole_notes(["A4", "E4", "G#4", "A4"]), 1, BAR, 5700.0, True)
    assert "species-cadence" not in rules_found(good)
    bad = species_findings(whole_notes(cantus), whole_notes(["A4", "E4", "G4", "A4"]), 1, BAR, 5700.0, True)
    assert [f.message for f in bad if f.rule == "species-cadence"] == [
        "bar 3: the leading tone is not raised: G4 rises a whole tone to the final A4"]


def test_melodic_intervals_are_spelled_in_the_key():
    assert melodic_quality(c("F4"), c("G#4"), 5700.0, True) == "augmented"      # augmented second
    assert melodic_quality(c("G#4"), c("C5"), 5700.0, True) == "diminished"     # diminished fourth
    assert melodic_quality(c("F4"), c("B4"), 6000.0, False) == "augmented"      # the tritone
    assert melodic_quality(c("E4"), c("C5"), 6000.0, False) == ""               # a minor sixth
    findings = species_findings(whole_notes(["A3", "D4", "C4", "B3", "A3"]),
                                whole_notes(["A4", "F4", "G#4", "G#4", "A4"]), 1, BAR, 5700.0, True)
    assert any(f.rule == "species-leap" and "augmented second F4-G#4" in f.message for f in findings)


# second and third species: passing tones, neighbours, the cambiata

def test_second_species_allows_a_passing_dissonance_on_the_weak_half_only():
    cantus = whole_notes(["C4", "D4", "C4"])
    passing = notes_of([(0, 2, "C5"), (2, 2, "B4"), (4, 2, "A4"), (6, 2, "B4"), (8, 4, "C5")])   # B4 over C4
    assert "species-dissonance" not in rules_found(species_findings(cantus, passing, 2, BAR, 6000.0))
    held = notes_of([(0, 2, "G4"), (2, 2, "A4"), (4, 2, "B4"), (6, 2, "C5"), (8, 4, "C5")])
    assert [f.message for f in species_findings(cantus, held, 2, BAR, 6000.0) if f.rule == "species-dissonance"] == [
        "bar 2: dissonant minor seventh C5-D4 on the weak half: it is repeated, not left by step"]
    leapt = notes_of([(0, 2, "C5"), (2, 2, "F4"), (4, 2, "A4"), (6, 2, "B4"), (8, 4, "C5")])
    messages = [f.message for f in species_findings(cantus, leapt, 2, BAR, 6000.0) if f.rule == "species-dissonance"]
    assert messages == ["bar 1: dissonant fourth F4-C4 on the weak half: it is approached by a leap (fifth)"]


def test_third_species_allows_the_nota_cambiata():
    cantus = whole_notes(["C4", "D4", "C4"])
    cambiata = notes_of([(0, 1, "E5"), (1, 1, "D5"), (2, 1, "C5"), (3, 1, "E5"),      # D5: a passing ninth
                         (4, 1, "D5"), (5, 1, "C5"), (6, 1, "A4"), (7, 1, "B4"),      # C5 over D4: the cambiata
                         (8, 4, "C5")])
    assert "species-dissonance" not in rules_found(species_findings(cantus, cambiata, 3, BAR, 6000.0))
    upward = notes_of([(0, 1, "E5"), (1, 1, "D5"), (2, 1, "C5"), (3, 1, "E5"),
                       (4, 1, "D5"), (5, 1, "C5"), (6, 1, "E5"), (7, 1, "B4"), (8, 4, "C5")])
    hits = [f for f in species_findings(cantus, upward, 3, BAR, 6000.0) if f.rule == "species-dissonance"]
    assert hits and hits[0].onset == 5 and "on quarter 2" in hits[0].message and "left by a leap" in hits[0].message


# fourth species: the suspension

CF4 = whole_notes(["C4", "E4", "D4", "C4"])
SUSPENSION = [(2, 4, "G4"), (6, 4, "C5"), (10, 2, "B4"), (12, 4, "C5")]     # C5 over D4: a 7-6


def test_a_prepared_suspension_resolving_down_is_allowed_and_a_tie_may_be_two_notes():
    one = species_findings(CF4, notes_of(SUSPENSION), 4, BAR, 6000.0)
    assert errors(one) == []
    split = notes_of([(2, 2, "G4"), (4, 2, "G4"), (6, 2, "C5"), (8, 2, "C5"), (10, 2, "B4"), (12, 4, "C5")])
    assert species_findings(CF4, split, 4, BAR, 6000.0) == one


def test_a_suspension_resolved_upward_is_reported():
    upward = notes_of([(2, 4, "G4"), (6, 4, "C5"), (10, 2, "D5"), (12, 4, "C5")])
    hits = [f for f in species_findings(CF4, upward, 4, BAR, 6000.0) if f.rule == "species-dissonance"]
    assert [f.message for f in hits] == ["bar 3: suspended minor seventh C5-D4 on the downbeat: it resolves up "
                                         "to D5, not down by step"]
    assert hits[0].onset == 8


def test_an_unprepared_syncope_is_reported():
    unprepared = notes_of([(2, 4, "G4"), (6, 4, "F4"), (10, 2, "B4"), (12, 4, "C5")])   # F4 over E4: a second
    messages = [f.message for f in species_findings(CF4, unprepared, 4, BAR, 6000.0) if f.rule == "species-dissonance"]
    assert any("bar 2: dissonant minor second F4-E4 on the weak half" in m for m in messages)


def test_bad_input_is_a_composer_error():
    with pytest.raises(ComposerError, match="species must be 1, 2, 3, 4 or 5, received 6"):
        species_findings(whole_notes(CF), whole_notes(GOOD_FIRST), 6, BAR, 6000.0)
    with pytest.raises(ComposerError, match="cantus note 1"):
        species_findings([(0, 4, 6000.0), (4, 6, 6200.0)], whole_notes(["C5", "B4"]), 1, BAR, 6000.0)
    with pytest.raises(ComposerError, match="exact time"):
        species_findings([(0.0, 4.0, 6000.0)], [(0, 4, 7200.0)], 1, BAR, 6000.0)


# --- the exercises, as a musician reads them ---------------------------------------------------------

def in_scale(cents: float, tonic: float, minor: bool) -> bool:
    return semis(cents, tonic) % 12 in {int(round(s / 100)) for s in scale_cents(minor)}


@pytest.mark.parametrize("key", sorted(KEYS))
def test_the_cantus_firmus_obeys_its_rules(key):
    tonic, minor = KEYS[key]
    for seed in SEEDS:
        length = 8 + seed % 7
        cf = cantus_firmus(tonic, minor, length, np.random.default_rng(seed))
        where = f"{key} seed {seed}: {[Pitch(x).name() for x in cf]}"
        assert len(cf) == length, where
        assert cf[0] == tonic and cf[-1] == tonic, where                     # begins and ends on the tonic
        assert semis(cf[-2], tonic) == 2, where                               # ends 2-1
        assert all(in_scale(x, tonic, minor) for x in cf), where
        moves = [semis(b, a) for a, b in zip(cf, cf[1:])]
        assert 0 not in moves, where                                          # no repeated note
        steps = [m for m in moves if abs(m) <= 2]
        assert len(steps) > 2 * (len(moves) - len(steps)), where              # steps outnumber leaps two to one
        assert any(abs(m) > 2 for m in moves), where                          # but it does leap
        for k, m in enumerate(moves):
            assert abs(m) <= 7 or m == 8, where                               # a fifth at most, or a rising m6
            assert abs(m) != 6 and not melodic_quality(cf[k], cf[k + 1], tonic, minor), where
            if abs(m) > 2:                                                    # a leap is recovered
                after = moves[k + 1]
                assert abs(after) <= 2 and (after > 0) != (m > 0), where
        assert semis(max(cf), min(cf)) <= 16, where                           # within a tenth
        top = max(cf)
        assert cf.count(top) == 1 and cf.index(top) not in (0, length - 1), where   # one climax, inside


def test_the_cantus_firmus_depends_on_the_seed_only():
    one = cantus_firmus(6000.0, False, 11, np.random.default_rng(5))
    assert one == cantus_firmus(6000.0, False, 11, np.random.default_rng(5))
    others = {tuple(cantus_firmus(6000.0, False, 11, np.random.default_rng(s))) for s in SEEDS}
    assert len(others) > 3


def test_the_cantus_length_is_checked():
    with pytest.raises(ComposerError, match="8 to 14 notes, received length=20"):
        cantus_firmus(6000.0, False, 20, np.random.default_rng(0))


def dyads(notes: list[tuple], cf: list[float]) -> list[tuple]:
    """(time, counterpoint, cantus) wherever either voice attacks."""
    times = sorted({n[0] for n in notes} | {i * BAR for i in range(len(cf))})
    out = []
    for t in times:
        sounding = [n for n in notes if n[0] <= t < n[1]]
        if sounding:
            out.append((t, sounding[0][2], cf[int(t // BAR)]))
    return out


def check_answer(notes, cf, tonic, minor, species, above, where):
    cantus = [(i * BAR, (i + 1) * BAR, x) for i, x in enumerate(cf)]
    findings = species_findings(cantus, notes, species, BAR, tonic, minor)
    assert errors(findings) == [], (where, [str(f) for f in findings])
    pairs = dyads(notes, cf)
    downbeats = [d for d in pairs if d[0] % BAR == 0]
    for a, b in list(zip(pairs, pairs[1:])) + list(zip(downbeats, downbeats[1:])):
        upper1, lower1 = (a[1], a[2]) if above else (a[2], a[1])
        upper2, lower2 = (b[1], b[2]) if above else (b[2], b[1])
        assert parallel_kind(upper1, lower1, upper2, lower2) == "", (where, a, b)
        assert int(consecutive_family(upper1, lower1, upper2, lower2)) == 0, (where, a, b)
    for t, x, y in pairs:
        assert (x >= y) if above else (x <= y), (where, t)                   # no crossing
    for t, x, y in downbeats:                                                 # downbeats consonant, but for
        if species < 4 or not any(n[0] < t < n[1] for n in notes):           # the suspensions of species 4
            assert abs(semis(x, y)) % 12 in CONSONANT, (where, t)
    # the rhythm of the species, and the cadence
    assert notes[-1][:2] == ((len(cf) - 1) * BAR, len(cf) * BAR) and notes[-1][2] % 1200 == tonic % 1200, where
    leading = notes[-2][2]
    assert semis(notes[-1][2], leading) == 1, where                          # the (raised) leading tone rises
    assert abs(semis(leading, cf[-2])) % 12 == (9 if above else 3), where     # M6 to 8 above, m3 to 1 below
    durations = {n[1] - n[0] for n in notes[:-1]}
    if species == 1:
        assert durations == {BAR}, where
    elif species == 2:
        assert durations == {BAR / 2}, where
    elif species == 3:
        assert durations == {BAR / 4}, where
    else:
        assert notes[0][0] == BAR / 2, where                                 # a half rest first
        tied = [n for n in notes if n[0] % BAR == BAR / 2 and n[1] - n[0] == BAR]
        assert len(tied) >= len(cf) // 2, where                              # mostly syncopes over the barline
        suspended = notes[-3]                                                # the 7-6 (above) or 2-3 (below)
        assert suspended[1] == (len(cf) - 2) * BAR + BAR / 2, where
        assert abs(semis(suspended[2], cf[-2])) % 12 in ((10,) if above else (1, 2)), where
        assert semis(suspended[2], leading) in (1, 2), where


@pytest.mark.parametrize("species", [1, 2, 3, 4])
@pytest.mark.parametrize("above", [True, False], ids=["above", "below"])
@pytest.mark.parametrize("key", sorted(KEYS))
def test_the_model_answer_breaks_no_rule(key, above, species):
    tonic, minor = KEYS[key]
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        cf = cantus_firmus(tonic, minor, 8 + seed % 7, rng)
        notes = counterpoint(cf, tonic, minor, species, above, rng)
        where = f"{key} species {species} {'above' if above else 'below'} seed {seed}"
        check_answer(notes, cf, tonic, minor, species, above, where)
        if minor:
            assert semis(notes[-2][2], tonic) % 12 == 11, where               # G#, not G, in A minor


def test_the_model_answer_depends_on_the_seed_only():
    cf = cantus_firmus(6000.0, False, 10, np.random.default_rng(1))
    one = counterpoint(cf, 6000.0, False, 3, True, np.random.default_rng(2))
    assert one == counterpoint(cf, 6000.0, False, 3, True, np.random.default_rng(2))
    assert all(isinstance(t, Fraction) for n in one for t in n[:2])


@pytest.mark.parametrize("seed", [0, 3, 7])
def test_mistakes_planted_in_a_model_answer_are_found(seed):
    tonic = 6000.0
    rng = np.random.default_rng(seed)
    cf = cantus_firmus(tonic, False, 10, rng)
    answer = counterpoint(cf, tonic, False, 1, True, rng)
    cantus = [(i * BAR, (i + 1) * BAR, x) for i, x in enumerate(cf)]
    i = 3
    # a fourth above the cantus on the downbeat of bar 4, in the register of the answer
    fourth = min((cf[i] + 500 + 1200 * k for k in range(3)), key=lambda x: abs(x - answer[i][2]))
    planted = answer[:i] + [(answer[i][0], answer[i][1], fourth)] + answer[i + 1:]
    hits = [f for f in species_findings(cantus, planted, 1, BAR, tonic) if f.rule == "species-dissonance"]
    assert [f.onset for f in hits] == [i * BAR] and "bar 4: dissonant" in hits[0].message
    assert "fourth" in hits[0].message or "eleventh" in hits[0].message
    # fifths above the cantus in bars 4 and 5: parallel fifths, which the voice-leading rules report
    fifths = answer[:i] + [(answer[k][0], answer[k][1], cf[k] + 1900) for k in (i, i + 1)] + answer[i + 2:]
    assert parallel_kind(fifths[i][2], cf[i], fifths[i + 1][2], cf[i + 1]) == "fifths"
    assert parallel_kind(answer[i][2], cf[i], answer[i + 1][2], cf[i + 1]) == ""


def test_no_answer_is_a_composer_error_naming_species_and_cantus():
    with pytest.raises(ComposerError, match="no species-1 counterpoint above the cantus C4 C#4 C4 \\(major, tonic C4\\)"):
        counterpoint([6000.0, 6100.0, 6000.0], 6000.0, False, 1, True, np.random.default_rng(0))
    with pytest.raises(ComposerError, match="species 1, 2, 3, 4, received species=5"):
        counterpoint([6000.0, 6200.0, 6000.0], 6000.0, False, 5, True, np.random.default_rng(0))
