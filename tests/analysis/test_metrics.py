"""composer.metrics: every metric on tiny melodies whose values are worked out by hand, then the
plan-based metrics (chord tones, scale, form, constraints) on a composed piece, intact and damaged.
"""
from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction as F

import numpy as np
import pytest
from conftest import ROOT

from composer.analysis import metrics as M
from composer.analysis.context import context_of
from composer.compose import compose
from composer.piece import Note
from theory import Meter, Pitch

FOUR_FOUR = Meter.parse("4/4")
AABA = ROOT / "examples" / "aaba_song.yaml"


def note(offset, duration, pitch) -> Note:
    """`pitch` a name ('C4') or cents above MIDI 0."""
    p = Pitch(float(pitch)) if isinstance(pitch, (int, float)) else Pitch.from_name(pitch)
    return Note(F(offset), F(duration), p)


def line(*notes, meter=FOUR_FOUR, tonic_cents=None) -> M.Line:
    return M.line_from_notes(list(notes), meter, tonic_cents)


def quarters(*names, start=0) -> list[Note]:
    """One quarter note per name, one after another from `start`."""
    return [note(start + i, 1, name) for i, name in enumerate(names)]


def label(name: str) -> int:
    return M.DURATION_LABELS.index(name)


# --- pitch ----------------------------------------------------------------------------------------

def test_pitch_class_entropy_by_hand():
    # Four classes equally often: log2(4) = 2 bits.
    assert M.pitch_class_entropy(line(*quarters("C4", "D4", "E4", "F4"))) == pytest.approx(2.0)
    # Two classes equally often: 1 bit.
    assert M.pitch_class_entropy(line(*quarters("C4", "C4", "G4", "G4"))) == pytest.approx(1.0)
    # C three times, G once: -(3/4 log2 3/4 + 1/4 log2 1/4) = 0.811278 bits.
    assert M.pitch_class_entropy(line(*quarters("C4", "C4", "C4", "G4"))) == pytest.approx(0.811278, abs=1e-6)
    # Octaves are one class: C4 C5 C6 is no information at all.
    assert M.pitch_class_entropy(line(*quarters("C4", "C5", "C6"))) == pytest.approx(0.0)
    assert M.pitch_class_entropy(line()) is None


def test_pitch_classes_used_and_range():
    melody = line(*quarters("C4", "G4", "C5", "E5", "D5"))
    assert M.pitch_classes_used(melody) == 4            # C, G, E, D (C5 is C again)
    assert M.pitch_range(melody) == pytest.approx(16.0)  # C4 -> E5: an octave and a major third
    assert M.pitch_range(line(*quarters("C4", "D5"))) == pytest.approx(14.0)
    assert M.pitch_range(line()) is None


def test_a_quarter_tone_is_its_own_pitch_class():
    # C4, C4 + 50 cents (C half-sharp), C5: classes 0 (twice) and 50 (once).
    melody = line(note(0, 1, 6000), note(1, 1, 6050), note(2, 1, 7200))
    assert M.pitch_classes_used(melody) == 2
    # -(2/3 log2 2/3 + 1/3 log2 1/3) = 0.918296 bits
    assert M.pitch_class_entropy(melody) == pytest.approx(0.918296, abs=1e-6)
    # E half-flat (6350) sits between Eb (6300) and E (6400): three classes, not two.
    assert M.pitch_classes_used(line(note(0, 1, 6300), note(1, 1, 6350), note(2, 1, 6400))) == 3
    # The range is measured in semitones, quarter tones included.
    assert M.pitch_range(line(note(0, 1, 6000), note(1, 1, 6350))) == pytest.approx(3.5)


def test_scale_consistency_by_hand():
    c_major = ["C4", "D4", "E4", "F4", "G4", "A4", "B4"]
    assert M.scale_consistency(line(*quarters(*c_major))) == pytest.approx(1.0)
    # Plus an F#: 8 classes; no 7-note scale holds them all; C major (or G major) holds 7 of the 8.
    assert M.scale_consistency(line(*quarters(*c_major, "F#5"))) == pytest.approx(7 / 8)
    # Counted per note, not per class: C C C C F# all lie in G major (C and F# both in it) -> 5/5.
    assert M.scale_consistency(line(*quarters("C4", "C4", "C4", "C4", "F#4"))) == pytest.approx(1.0)
    # The chromatic scale: any major or minor scale holds 7 of the 12.
    chromatic = [note(i, 1, 6000 + 100 * i) for i in range(12)]
    assert M.scale_consistency(line(*chromatic)) == pytest.approx(7 / 12)
    # A minor (natural) melody: A B C D E F G -> every note in a scale.
    assert M.scale_consistency(line(*quarters("A3", "B3", "C4", "D4", "E4", "F4", "G4"))) == pytest.approx(1.0)


def test_interval_histogram_bins_and_wide_leaps():
    # C4 -> D4 (+2) -> C4 (-2) -> D5 (+14, into the +12 end bin) -> C4 (-14, into the -12 end bin)
    hist = M.interval_histogram(line(*quarters("C4", "D4", "C4", "D5", "C4")))
    assert len(hist) == 25                                  # -12 .. +12
    expected = np.zeros(25)
    expected[12 + 2] = expected[12 - 2] = expected[24] = expected[0] = 0.25
    np.testing.assert_allclose(hist, expected)
    assert M.mean_abs_interval(line(*quarters("C4", "D4", "C4", "D5", "C4"))) == pytest.approx((2 + 2 + 14 + 14) / 4)
    # A repeated note is the unison bin (the middle one).
    assert M.interval_histogram(line(*quarters("G4", "G4")))[12] == pytest.approx(1.0)
    # One note: no interval at all.
    assert not M.interval_histogram(line(note(0, 1, "C4"))).any()
    assert M.mean_abs_interval(line(note(0, 1, "C4"))) is None


def test_intervals_follow_the_top_note_of_a_chord():
    # A C-E dyad then G: the melody (skyline) moves E4 -> G4, a minor third up (+3).
    melody = line(note(0, 1, "C4"), note(0, 1, "E4"), note(1, 1, "G4"))
    hist = M.interval_histogram(melody)
    assert hist[12 + 3] == pytest.approx(1.0) and hist.sum() == pytest.approx(1.0)


def test_duration_and_ioi_histograms():
    # Eighth, eighth, quarter, then a 5/4 note (in no bin: 'other'). Onsets 0, 1/2, 1, 2.
    melody = line(note(0, F(1, 2), "C4"), note(F(1, 2), F(1, 2), "D4"), note(1, 1, "E4"), note(2, F(5, 4), "F4"))
    dur = M.duration_histogram(melody)
    assert len(dur) == len(M.DURATION_LABELS) == 12
    assert dur[label("1/2")] == pytest.approx(2 / 4)
    assert dur[label("1")] == pytest.approx(1 / 4)
    assert dur[label("other")] == pytest.approx(1 / 4)
    assert dur.sum() == pytest.approx(1.0)
    # Inter-onset intervals: 1/2, 1/2, 1.
    ioi = M.ioi_histogram(melody)
    assert ioi[label("1/2")] == pytest.approx(2 / 3) and ioi[label("1")] == pytest.approx(1 / 3)
    assert M.mean_ioi(melody) == pytest.approx((0.5 + 0.5 + 1) / 3)
    # A rest lengthens the inter-onset interval, not the written duration: a quarter, a half rest, a quarter.
    gapped = line(note(0, 1, "C4"), note(3, 1, "D4"))
    assert M.duration_histogram(gapped)[label("1")] == pytest.approx(1.0)
    assert M.ioi_histogram(gapped)[label("3")] == pytest.approx(1.0)
    # Triplet eighths fall in the 1/3 bin exactly; dotted quarters in 3/2.
    triplets = line(*[note(F(i, 3), F(1, 3), "C4") for i in range(3)], note(1, F(3, 2), "D4"))
    h = M.duration_histogram(triplets)
    assert h[label("1/3")] == pytest.approx(3 / 4) and h[label("3/2")] == pytest.approx(1 / 4)


def test_pitch_class_histogram_is_relative_to_the_tonic():
    # In D (tonic 200 cents): D4 A4 F#4 D5 -> degrees 0, 7, 4, 0 semitones above the tonic.
    hist = M.pitch_class_histogram(line(*quarters("D4", "A4", "F#4", "D5"), tonic_cents=200.0))
    expected = np.zeros(12)
    expected[0], expected[7], expected[4] = 0.5, 0.25, 0.25
    np.testing.assert_allclose(hist, expected)
    assert M.pitch_class_histogram(line(*quarters("D4"))) is None          # no tonic known


# --- rhythm ----------------------------------------------------------------------------------------

def test_groove_consistency_identical_bars():
    two_bars = quarters("C4", "D4", "E4", "F4") + quarters("G4", "F4", "E4", "D4", start=4)
    assert M.groove_consistency(line(*two_bars)) == pytest.approx(1.0)


def test_groove_consistency_quarters_against_halves():
    # Bar 1: onsets at beats 1-4 (grid 0, 12, 24, 36 of 48); bar 2: half notes (0, 24).
    # They differ at 12 and 36: Hamming distance 2 over 48 positions -> 1 - 2/48.
    bars = quarters("C4", "D4", "E4", "F4") + [note(4, 2, "G4"), note(6, 2, "E4")]
    assert M.groove_consistency(line(*bars)) == pytest.approx(1 - 2 / 48)
    # A third bar of quarters again: pairs (1,2) and (2,3) both differ by 2 -> the mean is still 2/48.
    three = bars + quarters("C4", "D4", "E4", "F4", start=8)
    assert M.groove_consistency(line(*three)) == pytest.approx(1 - 2 / 48)
    # A third bar with a single whole note: (2,3) differ at position 24 only -> mean (2 + 1) / 2 = 1.5.
    whole = bars + [note(8, 4, "C4")]
    assert M.groove_consistency(line(*whole)) == pytest.approx(1 - 1.5 / 48)


def test_groove_consistency_leaves_the_pickup_out():
    # A pickup eighth at -1/2 (bar -1), then two identical bars: still perfectly consistent.
    bars = [note(F(-1, 2), F(1, 2), "G3")] + quarters("C4", "D4", "E4", "F4") + quarters("C4", "D4", "E4", "F4", start=4)
    assert M.groove_consistency(line(*bars)) == pytest.approx(1.0)
    assert M.groove_consistency(line(*quarters("C4", "D4"))) is None        # one bar: nothing to compare


def test_empty_beat_rate_half_rest():
    # 4/4, two bars: a half note (beats 1-2), a half rest (beats 3-4), a whole note (bar 2).
    # Beats 3 and 4 of bar 1 are silent: 2 empty beats of 8.
    melody = line(note(0, 2, "C4"), note(4, 4, "G4"))
    assert M.empty_beat_rate(melody) == pytest.approx(2 / 8)
    # No rest at all.
    assert M.empty_beat_rate(line(note(0, 4, "C4"), note(4, 4, "G4"))) == pytest.approx(0.0)
    # An eighth note sounding in a beat is enough for it not to be empty (beat 2 holds the off-beat eighth).
    assert M.empty_beat_rate(line(note(0, 1, "C4"), note(F(3, 2), F(1, 2), "D4"), note(3, 1, "E4"))) == \
        pytest.approx(1 / 4)                                             # only beat 3 is silent


def test_bar_repetition_rate_counts_transposed_repeats():
    # Bar 1 C D E F; bar 2 D E F# G (the same steps +2 +2 +1 a tone higher: a repeat);
    # bar 3 C E G C (new); bar 4 C D E F (a repeat). 2 of the 3 bars after the first.
    bars = (quarters("C4", "D4", "E4", "F4") + quarters("D4", "E4", "F#4", "G4", start=4)
            + quarters("C4", "E4", "G4", "C5", start=8) + quarters("C4", "D4", "E4", "F4", start=12))
    assert M.bar_repetition_rate(line(*bars)) == pytest.approx(2 / 3)
    # Same pitches in another rhythm are not a repeat.
    other = quarters("C4", "D4", "E4", "F4") + [note(4, F(3, 2), "C4"), note(F(11, 2), F(1, 2), "D4"),
                                               note(6, 1, "E4"), note(7, 1, "F4")]
    assert M.bar_repetition_rate(line(*other)) == pytest.approx(0.0)
    assert M.bar_repetition_rate(line(*quarters("C4"))) is None


# --- plan-based metrics on a composed piece ------------------------------------------------------------

@pytest.fixture(scope="module")
def aaba():
    return compose(AABA)


def test_composed_piece_satisfies_its_own_plan(aaba):
    ctx = context_of(aaba)
    notes = aaba.part("melody").sorted_notes()
    form = M.form_structure(notes, ctx.plan)
    assert form["labels"] == ["A", "A", "B", "A"]
    assert form["form_accuracy"] == pytest.approx(1.0)
    # The second A is an exact repeat of the first; the last A closes on the tonic, so nearly one.
    assert form["similarity"][0][1] == pytest.approx(1.0)
    assert form["repeat_similarity"] >= 0.9
    assert form["similarity"][0][2] < M.SAME_MATERIAL       # the bridge is new material
    report = M.constraint_satisfaction(aaba, ctx.plan, ctx.slots)
    assert report["checks"] > len(notes)
    assert report["violations"] == 0 and report["rate"] == 1.0 and report["first_violations"] == []
    # The spec asks for chord tones on strong beats (the constraint checker above agrees), so all of them are.
    assert M.strong_beat_chord_tone_ratio(notes, aaba) == pytest.approx(1.0)
    assert 0.9 <= M.in_scale_rate(notes, aaba) <= 1.0


def test_a_wrong_note_on_a_strong_beat_is_reported_with_its_bar():
    piece = compose(AABA)
    ctx = context_of(piece)
    melody = piece.part("melody")
    bar_q = piece.meter.bar_quarters
    # The note on the downbeat of bar 5 (strength 1): raise it a semitone, out of Eb major.
    target = next(n for n in melody.notes if n.offset == 4 * bar_q)
    key = piece.key_at(target.offset)
    wrong = target.pitch.cents + 100
    if M._is_member(wrong - key.tonic_cents, key.scale.degree_cents):       # the wrong note must leave the scale
        wrong = target.pitch.cents - 100
    assert not M._is_member(wrong - key.tonic_cents, key.scale.degree_cents)
    notes_before = melody.sorted_notes()
    in_scale_before = M.in_scale_rate(notes_before, piece)
    melody.notes[melody.notes.index(target)] = replace(target, pitch=Pitch(wrong))
    report = M.constraint_satisfaction(piece, ctx.plan, ctx.slots)
    assert report["violations"] >= 1 and report["rate"] < 1.0
    assert any(v.startswith("melody bar 5 beat 1:") and "in scale" in v for v in report["first_violations"]), \
        report["first_violations"]
    # Only that bar is blamed.
    assert all(v.startswith("melody bar 5 ") for v in report["first_violations"])
    # One note of the melody left the scale: the in-scale rate drops by exactly 1/len.
    notes_after = melody.sorted_notes()
    assert M.in_scale_rate(notes_after, piece) == pytest.approx(in_scale_before - 1 / len(notes_after))


def test_a_bar_that_does_not_add_up_is_reported():
    piece = compose(AABA)
    ctx = context_of(piece)
    melody = piece.part("melody")
    bar_q = piece.meter.bar_quarters
    # Shorten the last note that starts in bar 3: the bar is no longer filled exactly.
    last = max((n for n in melody.notes if 2 * bar_q <= n.offset < 3 * bar_q), key=lambda n: n.offset)
    melody.notes[melody.notes.index(last)] = replace(last, duration=last.duration / 2)
    report = M.constraint_satisfaction(piece, ctx.plan, ctx.slots)
    assert "melody bar 3: the bar's notes do not fill it exactly" in report["first_violations"]


def test_bridge_rewritten_as_the_opening_breaks_the_form():
    piece = compose(AABA)
    plan = piece.plan
    melody = piece.part("melody")
    bar_q = plan.meter.bar_quarters
    sections = sorted(plan.sections, key=lambda s: s.start_bar)
    a, b = sections[0], sections[2]
    assert (a.name, b.name) == ("A", "B")
    a_start, b_start = a.start_bar * bar_q, b.start_bar * bar_q
    b_end = b_start + b.bars * bar_q
    # The bridge becomes the opening A, moved into the bridge's key (Ab, the subdominant: +500 cents),
    # so it is the same material by every measure; the labels still say A A B A.
    shift = b.key.tonic_cents - a.key.tonic_cents
    assert shift % 1200 == pytest.approx(500.0)
    opening = [n for n in melody.notes if a_start <= n.offset < a_start + a.bars * bar_q]
    kept = [n for n in melody.notes if not b_start <= n.offset < b_end]
    copied = [replace(n, offset=n.offset - a_start + b_start, pitch=Pitch(n.pitch.cents + shift)) for n in opening]
    notes = sorted(kept + copied, key=lambda n: (n.offset, n.pitch.cents))
    form = M.form_structure(notes, plan)
    assert form["similarity"][0][2] == pytest.approx(1.0)
    # Every section now resembles the bridge (or is it), which the labels call different:
    # no section's row agrees with the labels.
    assert form["form_accuracy"] < 1.0
    assert form["form_accuracy"] == pytest.approx(0.0)


def test_section_similarity_by_hand():
    a = {(0, 0): 1, (12, 200): 1, (24, 400): 2}
    assert M.section_similarity(a, dict(a)) == pytest.approx(1.0)
    # b shares (0, 0) and one of the two (24, 400): 2 shared of max(4, 3) events.
    b = {(0, 0): 1, (24, 400): 1, (36, 700): 1}
    assert M.section_similarity(a, b) == pytest.approx(2 / 4)
    assert M.section_similarity({}, {}) == 0.0


def test_line_from_tune_measures_a_corpus_tune_like_a_piece():
    """A corpus tune and the same notes as a piece give the same metrics."""
    from types import SimpleNamespace

    # 2/4, a pickup eighth (bar -1) then one bar of eighths: G | C D E F; in C (tonic_pc 0).
    tune = SimpleNamespace(numerator=2, denominator=4, bar_q=24, tonic_pc=0,
                           midi=np.array([55, 60, 62, 64, 65]), dur=np.array([6, 6, 6, 6, 6]),
                           bar=np.array([-1, 0, 0, 0, 0]), bar_pos=np.array([18, 0, 6, 12, 18]))
    from_tune = M.line_from_tune(tune)
    np.testing.assert_allclose(from_tune.onset, [-0.5, 0, 0.5, 1, 1.5])
    np.testing.assert_allclose(from_tune.duration, [0.5] * 5)
    assert from_tune.tonic_cents == 0.0 and from_tune.bar_quarters == 2.0
    notes = [note(F(-1, 2), F(1, 2), "G3")] + [note(F(i, 2), F(1, 2), p) for i, p in enumerate(["C4", "D4", "E4", "F4"])]
    from_notes = line(*notes, meter=Meter.parse("2/4"), tonic_cents=0.0)
    for metric in (M.pitch_class_entropy, M.pitch_range, M.scale_consistency, M.mean_abs_interval, M.mean_ioi,
                   M.empty_beat_rate):
        assert metric(from_tune) == pytest.approx(metric(from_notes)), metric.__name__
    np.testing.assert_allclose(M.interval_histogram(from_tune), M.interval_histogram(from_notes))
    # Five classes (G C D E F) once each: log2(5) bits.
    assert math.isclose(M.pitch_class_entropy(from_tune), math.log2(5))


def test_key_fidelity_of_a_c_major_tune():
    """Krumhansl-Schmuckler on a tune of C major arpeggios (I, IV, V, I): C major is the best key, its
    relative A minor the runner-up, F# major (a tritone away, no common triad) near the bottom."""
    from composer.piece import Instrument, KeyChange, Part, Piece
    from theory import Key

    names = "C4 E4 G4 C5 G4 E4 C4 G3 F4 A4 C5 A4 G4 B4 D5 B4 C5 G4 E4 C4".split()
    violin = Instrument("Violin", 40, Pitch.from_name("G3"), Pitch.from_name("E7"))
    piece = Piece("Arpeggios", FOUR_FOUR, 100.0, 5, [Part("Violin", "melody", violin, quarters(*names))], [],
                  [KeyChange(F(0), Key.parse("C major"))])
    c = M.key_fidelity(piece, Key.parse("C major"))
    assert c["applies"] and c["match"] and c["spec_key_rank"] == 1 and c["analysed_key"] == "C major"
    a = M.key_fidelity(piece, Key.parse("A minor"))
    assert not a["match"] and a["spec_key_rank"] == 2 and a["analysed_key"] == "C major"
    assert M.key_fidelity(piece, Key.parse("F# major"))["spec_key_rank"] >= 20
    # A mode other than major or minor cannot be compared.
    dorian = M.key_fidelity(piece, Key.parse("C dorian"))
    assert dorian["applies"] is False and "dorian" in dorian["reason"]
    assert M.key_fidelity(piece, None) == {"applies": False, "reason": "the piece carries no spec"}


def test_rounded_binary_reprise_as_planned_is_recognised():
    piece = compose(ROOT / "examples" / "minuet_in_g.yaml", seed=5, max_copied_run=0)
    melody = piece.part("melody").sorted_notes()
    bar_q = piece.meter.bar_quarters
    sections = sorted(piece.plan.sections, key=lambda s: s.start_bar)
    a, reprise = sections[0], sections[2]
    assert reprise.repeat_of == "A"
    # The composer did what the plan says: the reprise's first phrase (4 bars) is the opening, note for note.
    shift = (reprise.start_bar - a.start_bar) * bar_q
    opening = [(n.offset, n.duration, n.pitch.cents) for n in melody if n.offset < 4 * bar_q]
    again = [(n.offset - shift, n.duration, n.pitch.cents) for n in melody
             if shift <= n.offset < shift + 4 * bar_q]
    assert again == opening
    form = M.form_structure(melody, piece.plan)
    assert form["form_accuracy"] == 1.0, form


def test_in_scale_rate_with_a_stretched_octave():
    """Slendro in a measured tuning repeats every 1208 cents, not 1200: a note is in the scale by its
    distance from the tonic as sounded (the key's anchor), counted in that period."""
    piece = compose(ROOT / "examples" / "gamelan_lancaran_slendro.yaml")
    key = piece.key
    assert key.scale.period_cents == pytest.approx(1208.0)
    melody = piece.part("melody").sorted_notes()
    ctx = context_of(piece)
    assert M.constraint_satisfaction(piece, ctx.plan, ctx.slots)["rate"] == 1.0
    assert M.in_scale_rate(melody, piece) == pytest.approx(1.0)
    # By hand: the tonic, degree 2 one period up, and a note 100 cents above the tonic (no slendro degree).
    tonic = melody[0].pitch.cents - key.rel_cents(melody[0].pitch.cents)
    hand = [note(0, 1, tonic), note(1, 1, tonic + 1208 + key.scale.degree_cents[1]), note(2, 1, tonic + 100),
            note(3, 1, tonic + 2 * 1208 + key.scale.degree_cents[4])]
    assert M.in_scale_rate(hand, piece) == pytest.approx(3 / 4)
