"""Property tests over random valid specs: what a musician would check on any output.

The checks are written from music theory (theory/), independently of the constraint code
that produced the notes.
"""
import os
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, assume, given, settings
from random_specs import specs

from composer import compose
from composer.fill.constraints import arrival_index
from composer.grammar.chords import load_chord_style
from composer.grammar.patterns import load_pattern
from composer.plan.slots import plan_slots
from composer.score.errors import UnsatisfiableError


def _pcs(cents_list):
    return {round(c / 100.0) % 12 for c in cents_list}


def _check_piece(spec, piece):
    meter, bar = piece.meter, piece.meter.bar_quarters
    plan = piece.plan
    # Chords tile the piece exactly.
    pos = Fraction(0)
    for event in piece.chords:
        assert event.offset == pos
        pos = event.end
    assert pos == plan.bars * bar
    lead_in = {s.phrase.index: s.lead_in for s in plan_slots(plan, piece.spec) if s.part.role == "melody"}
    for part, part_spec in zip(piece.parts, spec_parts(piece)):
        notes = part.sorted_notes()
        for n in notes:
            # Ranges are respected; no note crosses a barline; all within the piece.
            assert part_spec.low.cents <= n.pitch.cents <= part_spec.high.cents, (part.name, n)
            assert n.duration > 0
            assert n.offset // bar == (n.end - Fraction(1, 10**6)) // bar, ("crosses a barline", part.name, n)
            assert n.end <= plan.bars * bar
        if part.role != "melody":
            continue
        # A melody is monophonic and fills every bar exactly.
        pos = Fraction(0)
        for n in notes:
            assert n.offset == pos, ("gap or overlap", part.name, n)
            pos = n.end
        assert pos == plan.bars * bar
        for k in range(plan.bars):
            assert sum(n.duration for n in notes if k * bar <= n.offset < (k + 1) * bar) == bar
        style = load_chord_style(spec.style)
        for n in notes:
            key = piece.key_at(n.offset)
            chord = piece.chord_at(n.offset)
            pc = n.pitch.nearest_midi % 12
            scale = _pcs(key.tonic_cents + c for c in key.scale.degree_cents)
            blue = _pcs(key.tonic_cents + c for c in style.variant_for(key.mode, key.family).blue_notes)
            chord_pcs = _pcs(chord.chord.pitch_classes_cents)
            # In the scale of the local key; chromatic only as a tone of the sounding chord or a blue note.
            assert pc in scale | chord_pcs | blue, (n, str(key), chord.chord.symbol)
            if spec.constraints.chord_tones_on_strong_beats and meter.strength(n.offset % bar) >= 0.5:
                assert pc in chord_pcs, ("strong beat", n, chord.chord.symbol)
        for a, b in zip(notes, notes[1:]):
            assert abs(b.pitch.cents - a.pitch.cents) <= spec.constraints.max_leap * 100
        # Every phrase ends on its cadence: the chords end on one of its formulas, and the melody's last
        # note is one of the cadence's melody degrees (or, the very end, the tonic).
        for phrase in plan.phrases:
            variant = style.variant_for(phrase.key.mode, phrase.key.family)
            romans = tuple(c.roman for c in phrase.chords)
            if not phrase.chart and not phrase.notes:
                assert any(romans[-len(f):] == tuple(f) for f in variant.cadences[phrase.cadence].formulas), \
                    (phrase.cadence, romans)
            end = phrase.end(meter)
            mine = [n for n in notes if phrase.offset(meter) <= n.offset < end]
            # The cadence note: on a strong beat of the last bar, a quarter (or the beat) or longer; the notes
            # after it, if any, lead into the next phrase (the piece's last phrase ends on it).
            cadence = arrival_index([n.offset for n in mine], [n.duration for n in mine],
                                    [meter.strength(n.offset % bar) for n in mine], meter,
                                    [piece.chord_at(n.offset) for n in mine]) if lead_in[phrase.index] else -1
            last = mine[cadence]
            final = phrase.chords[-1].chord
            assert last.pitch.nearest_midi % 12 in _pcs(final.pitch_classes_cents)
            assert meter.strength(last.offset % bar) >= 0.5  # the cadence note falls on a strong beat
            assert last.offset >= end - bar                     # ... in the phrase's last bar
            if phrase.index == len(plan.phrases) - 1:
                assert last is mine[-1], "the piece ends on its cadence note"
            if phrase.index == len(plan.phrases) - 1 and final.root_pc == phrase.key.tonic_pc:
                assert last.pitch.nearest_midi % 12 == phrase.key.tonic_pc
    # Repeated sections repeat: kept bars of the melody equal the source's, moved by the key change.
    for phrase in plan.phrases:
        if not phrase.kept_bars or any("written anew" in n for n in piece.fill.lines(phrase.index)):
            continue
        src = plan.phrases[phrase.copy_of]
        length = phrase.kept_bars * bar
        for part in piece.parts:
            if part.role != "melody":
                continue
            mine = [n for n in part.notes if phrase.offset(meter) <= n.offset < phrase.offset(meter) + length]
            theirs = [n for n in part.notes if src.offset(meter) <= n.offset < src.offset(meter) + length]
            assert [(n.offset - phrase.offset(meter), n.duration) for n in mine] == \
                   [(n.offset - src.offset(meter), n.duration) for n in theirs]
            shifts = {round((a.pitch.cents - b.pitch.cents) / 100) % 12 for a, b in zip(mine, theirs)}
            assert shifts == {(phrase.key.tonic_pc - src.key.tonic_pc) % 12} or not mine
            assert [c.roman for c in phrase.chords if c.offset < phrase.offset(meter) + length] == \
                   [c.roman for c in src.chords if c.offset < src.offset(meter) + length]


def spec_parts(piece):
    return piece.spec.parts


@settings(max_examples=int(os.environ.get("PARTITA_PROPERTY_EXAMPLES", "60")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_random_specs_compose_and_hold_every_rule(spec_dict):
    try:
        piece = compose(spec_dict)
    except UnsatisfiableError as exc:
        # The one refusal a valid spec may meet: parts whose ranges leave a lower part no line under a
        # higher one (a melody written down in the bass's register). It says so, and what to change.
        assert "no line in its range keeps clear of voice-crossing" in str(exc) and "range" in str(exc), exc
        assume(False)
    _check_piece(piece.spec, piece)


def test_pattern_meters_are_declared():
    assert load_pattern("waltz").meters == ("3/4",)


@pytest.mark.parametrize("meter", ["3/16", "5/16", "7/16", "15/16"])
def test_the_rules_filler_fills_sixteenth_note_meters(meter):
    """x/16 bars are an odd number of sixteenths: the rules filler needs sixteenths to fill them."""
    from composer import compose
    from composer.analysis.metrics import constraint_satisfaction
    from composer.plan.slots import plan_slots

    piece = compose({"title": "x", "meter": meter}, filler="rules")
    bar = piece.meter.bar_quarters
    notes = piece.part("melody").notes
    assert all(sum(n.duration for n in notes if b * bar <= n.offset < (b + 1) * bar) == bar for b in range(piece.bars))
    assert constraint_satisfaction(piece, piece.plan, plan_slots(piece.plan, piece.spec))["violations"] == 0
