"""The motif plan and the contour plan, judged on the notes: a tune returns to its motifs (repeated,
sequenced or varied, as `composer.analysis.recurrence` hears it, the same measure the corpora were
labelled with) and rises to one climax where the plan put it."""
import re
from collections import Counter

import numpy as np
import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from random_specs import specs

from composer import compose
from composer.analysis.recurrence import bars_of, best_relation, label_units
from composer.grammar import load_schemes
from composer.grammar.idioms import parse_scheme
from composer.plan.contour import _climax_beat, climax_window
from composer.score.errors import GrammarError
from theory import Pitch

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def melody_bars(piece):
    notes = piece.part("melody").sorted_notes()
    return bars_of([n.offset for n in notes], [n.duration for n in notes], [n.pitch.cents / 100 for n in notes],
                   piece.meter.bar_quarters, piece.bars)


def returns(piece) -> list[tuple[int, int, str]]:
    """(bar, earlier bar, how) for every bar of the melody that returns to an earlier one."""
    key = piece.plan.home_key
    scale = tuple(sorted({round(c / 100) % 12 for c in key.scale.degree_cents})) if key.scale.period_cents == 1200 \
        else None
    bars = melody_bars(piece)
    out = []
    for j, bar in enumerate(bars):
        i, r = best_relation((bar,), [(b,) for b in bars[:j]], scale, 0)
        if i is not None and len(bar) > 1:       # a held note returning is no motif
            out.append((j, i, r.kind))
    return out


def check_climax(piece):
    notes = piece.part("melody").sorted_notes()
    top = max(n.pitch.cents for n in notes)
    first = next(n for n in notes if n.pitch.cents == top)
    start, end = climax_window(piece.plan)
    assert start <= first.offset < end, (piece.title, first, start, end)
    assert sum(n.pitch.cents == top for n in notes) == 1, "the climax is the melody's only highest note"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_of_16_bars_returns_to_a_motif_and_climbs_to_its_climax(path):
    piece = compose(path)
    if piece.bars < 16:
        pytest.skip("shorter than 16 bars")
    assert returns(piece), f"{path.stem}: no bar of the melody returns to an earlier one"
    if piece.plan.climax_planned and any("the climax:" in line for p in piece.plan.phrases
                                         for line in piece.fill.lines(p.index)):
        check_climax(piece)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_random_pieces_of_16_bars_return_to_a_motif_and_climb_to_one_climax(spec_dict):
    piece = compose(spec_dict)
    if piece.bars < 16:
        return
    assert returns(piece)
    if piece.plan.climax_planned and any("the climax:" in line for p in piece.plan.phrases
                                         for line in piece.fill.lines(p.index)):
        check_climax(piece)


@pytest.mark.parametrize("filler", ["neural", "rules"])
def test_the_climax_lies_in_the_second_half_in_its_planned_phrase(filler):
    """A 16-bar binary tune: the plan puts the climax in the phrase opening the second half, and the fill
    makes it the melody's only highest note."""
    for seed in range(6):
        piece = compose({"title": "t", "key": "D major", "meter": "6/8", "form": "binary", "seed": seed},
                        filler=filler)
        start, end = climax_window(piece.plan)
        assert start >= piece.bars * piece.meter.bar_quarters / 2
        check_climax(piece)


def test_a_planned_repeat_is_heard_as_one():
    """Where the plan says a bar repeats an earlier one in the same key over the same chords, the notes
    repeat it, most of the time: the rest are moved where the range, the leap from the note before or the
    climax (which stays the only highest note) forbid the copy. (A return into another key is moved there,
    and the range often cannot hold it whole.)"""
    heard = planned = 0
    scale = (0, 2, 4, 5, 7, 9, 11)
    for seed in range(8):
        piece = compose({"title": "t", "key": "G major", "meter": "4/4", "form": "binary", "seed": seed,
                         "sections": [{"name": "A", "bars": 8, "key": "tonic"}, {"name": "B", "bars": 8, "key": "tonic"}]})
        bars = melody_bars(piece)
        bq = piece.meter.bar_quarters
        chords = {}
        for c in piece.chords:
            chords.setdefault(int(c.offset // bq), []).append((c.offset % bq, c.roman))
        for phrase in piece.plan.phrases:
            for m in phrase.scheme:
                if m.kind == "repeat" and chords.get(m.bar) == chords.get(m.source) \
                        and phrase.key == piece.key_at(m.source * bq):
                    planned += 1
                    how = best_relation((bars[m.bar],), [(bars[m.source],)], scale, phrase.key.tonic_pc)[1]
                    heard += how.kind == "repeat"
    assert planned >= 8
    assert heard > planned / 2, (heard, planned)


TUNE_SPECS = [{"title": "t", "key": key, "meter": meter, "form": "binary", "seed": seed,
               "sections": [{"name": "A", "bars": 8, "key": "tonic"}, {"name": "B", "bars": 8, "key": "tonic"}],
               "parts": [{"role": "melody", "instrument": "violin", "range": "D4-B5"}]}
              for key, meter in (("D major", "6/8"), ("G major", "2/2"), ("A minor", "6/8")) for seed in range(6)]


def test_a_bar_that_returns_before_the_cadence_restates_its_source_then_turns_to_the_cadence():
    """A tune restates its opening bars and turns to close only in the last ones: where the cadence's chords
    would take the whole of a returning bar before the last, that bar keeps its source's chord in its first
    half and turns to the cadence in its second (bar 7 as bar 3, then V; I in bar 8), and its melody starts
    as the source's did."""
    turns = 0
    for spec in TUNE_SPECS:
        piece = compose(spec)
        bq = piece.meter.bar_quarters
        notes = piece.part("melody").sorted_notes()
        for phrase in piece.plan.phrases:
            turn = phrase.start_bar + phrase.bars - 2
            motif = next((m for m in phrase.scheme if m.bar == turn), None)
            inside = [c for c in phrase.chords if turn * bq <= c.offset < (turn + 1) * bq]
            if motif is None or motif.source is None or len(inside) != 2 or phrase.kept_bars:
                continue
            source = next(c for c in piece.chords if c.offset <= motif.source * bq < c.offset + c.duration)
            assert inside[0].roman == source.roman, (spec["key"], spec["seed"], phrase.index)
            assert inside[1].offset - inside[0].offset == inside[0].duration
            head = [n for n in notes if turn * bq <= n.offset < inside[1].offset]
            was = [n for n in notes if motif.source * bq <= n.offset < motif.source * bq + inside[0].duration]
            turns += 1
            assert head and was and head[0].duration == was[0].duration
    assert turns >= 3, turns


def test_a_phrase_ends_within_reach_of_the_return_its_next_phrase_opens_with():
    """Before a phrase that opens by repeating an earlier bar, the line ends within a leap's reach of that
    bar's first note, so the return can start as it started, not an octave away."""
    led = 0
    for spec in TUNE_SPECS:
        piece = compose(spec)
        bq = piece.meter.bar_quarters
        notes = piece.part("melody").sorted_notes()
        for phrase, nxt in zip(piece.plan.phrases, piece.plan.phrases[1:]):
            motif = next((m for m in nxt.scheme if m.bar == nxt.start_bar), None)
            if motif is None or motif.source is None or motif.kind != "repeat" or nxt.kept_bars:
                continue
            last = [n for n in notes if n.offset < nxt.start_bar * bq][-1]
            source = next(n for n in notes if n.offset >= motif.source * bq)
            assert abs(last.pitch.cents - source.pitch.cents) <= 1200.0, (spec["key"], spec["seed"], nxt.index)
            led += 1
    assert led >= 10, led


def test_the_climax_stands_on_a_chord_that_holds_the_top_of_the_range_where_one_can():
    """The plan puts the climax on a beat whose chord holds the top note of the melody's range when such a
    beat lies in its window, and there the tune reaches the top of its compass: B5 in these tunes in D and G
    major, over their I, ii, iii, IV or vi."""
    reached = 0
    for spec in TUNE_SPECS[:12]:
        piece = compose(spec)
        top = max(n.pitch.cents for n in piece.part("melody").notes)
        at = piece.plan.climaxes[0]
        chord = next(c for c in piece.chords if c.offset <= at < c.offset + c.duration)
        if chord.chord.contains_pc(8300.0):
            assert top == 8300.0, (spec["key"], spec["seed"], chord.roman, top)
            reached += 1
    assert reached, "no climax stood on a chord holding B"


def test_the_climax_comes_early_in_its_phrase():
    """Drawn again and again for one plan, the climax beat falls more often on an earlier beat of its phrase than
    on a later one: a tune reaches its top soon after its second half begins, then comes down to the cadence."""
    plan = compose({"title": "t", "key": "D major", "meter": "4/4", "form": "binary", "seed": 3}).plan
    top = Pitch.from_name("B5").cents
    rng = np.random.default_rng(0)
    drawn = Counter(_climax_beat(plan, rng, top) for _ in range(300))
    counts = [drawn[at] for at in sorted(drawn)]
    assert len(counts) >= 2, drawn
    assert counts == sorted(counts, reverse=True), drawn


def test_explain_shows_each_phrases_scheme():
    piece = compose({"title": "t", "key": "D major", "form": "binary", "seed": 4})
    text = piece.explain()
    assert text.count("motifs: bars ") == len(piece.plan.phrases)
    assert re.search(r"motifs: bars 1-4: a [ab]", text)
    assert re.search(r"motifs: bars \d+-\d+: .*; \w\S* \(bars \d+-\d+\): bar \d+ (repeats|varies|moves)", text)


def test_schemes_are_labels_that_state_each_letter_before_it_returns():
    assert [u.kind for u in parse_scheme("a b a' c")] == ["new", "new", "vary", "new"]
    assert [(u.kind, u.steps) for u in parse_scheme("a a+1")][1] == ("sequence", 1)
    assert parse_scheme("a c") is None       # skips b
    assert parse_scheme("b a") is None       # starts on b
    assert parse_scheme("a' b") is None      # varies a letter not yet stated
    table = load_schemes("folk")
    assert abs(sum(s.weight for s in table.schemes[4]) - 1) < 0.35   # the common schemes carry most strains
    assert "train split" in table.source


def test_the_labels_hear_a_strain_as_a_musician_does():
    """'a b a c': the second phrase opens as the first did; a sequence is a repeat a step higher."""
    a = ((0, 2, 62), (2, 2, 66))
    b = ((0, 4, 69),)
    c = ((0, 1, 67), (1, 1, 66), (2, 2, 64))
    step_up = ((0, 2, 64), (2, 2, 67))
    major = (0, 2, 4, 5, 7, 9, 11)
    assert label_units([(a,), (b,), (a,), (c,)], major, 2) == ["a", "b", "a", "c"]
    assert label_units([(a,), (step_up,)], major, 2) == ["a", "a+1"]


def test_a_scheme_file_that_breaks_its_rules_is_refused(tmp_path):
    from composer.grammar.files import load_checked, load_document
    from composer.grammar.idioms import scheme_semantic

    text = (ROOT / "grammars" / "schemes" / "folk.yaml").read_text().replace('scheme: "a b c d"', 'scheme: "a c"')
    doc = load_document(text.encode(), "bad.yaml")
    with pytest.raises(GrammarError, match="not a scheme of 4 units"):
        load_checked("schemes", doc, scheme_semantic)

