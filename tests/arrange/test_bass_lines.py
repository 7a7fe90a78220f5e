"""The bass beyond one chord tone per chord, in the classical style. A dominant pedal before the return
(`pedal:`): over the last two bars of the section before a return of the opening, the bass holds the
returning key's dominant, whatever the harmony above does, and `explain` says so. Passing and
neighbour tones (`bass: passing`): a held bass fills a third on its last beat, approached and left by
step. Styles without these write neither."""
import pytest

from composer import compose

SPECS = {
    "the minuet": "examples/minuet_in_g.yaml",
    "a ternary piece in D minor": {"title": "t", "key": "D minor", "meter": "4/4", "form": "ternary",
                                   "style": "classical"},
    "a rounded binary in Bb": {"title": "r", "key": "Bb major", "meter": "2/4", "form": "rounded_binary",
                               "style": "classical"},
}


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("name", list(SPECS))
def test_the_bass_holds_the_dominant_before_the_return(name, seed):
    piece = compose(SPECS[name], seed=seed)
    returns = [i for i, s in enumerate(piece.plan.sections) if s.role == "return"]
    assert returns and len(piece.plan.pedals) == len(returns)
    for pedal, i in zip(piece.plan.pedals, returns):
        section = piece.plan.sections[i]
        assert pedal.end == section.start_bar * piece.meter.bar_quarters
        assert pedal.end - pedal.start == 2 * piece.meter.bar_quarters
        assert abs(pedal.pc_cents - (section.key.tonic_cents + 700.0) % 1200.0) < 0.5
        under = [n for n in piece.part("bass").notes if n.offset < pedal.end and n.end > pedal.start]
        assert under and all(abs((n.pitch.cents - pedal.pc_cents) % 1200.0) < 0.5 for n in under), under
        assert pedal.reason in piece.explain()


def test_a_style_without_pedals_writes_none():
    piece = compose({"title": "p", "key": "E major", "meter": "4/4", "form": "ternary", "style": "pop"})
    assert piece.plan.pedals == () and "pedal" not in piece.explain()


PASSING = {
    "a march in C minor": {"title": "m", "key": "C minor", "meter": "2/4", "form": "rounded_binary", "style": "classical"},
    "block chords in Bb": {"title": "b", "key": "Bb major", "meter": "4/4", "form": "ternary", "style": "classical",
                           "parts": [{"role": "melody"}, {"role": "chords", "pattern": "block"},
                                     {"role": "bass", "pattern": "block"}]},
}


@pytest.mark.parametrize("name", list(PASSING))
def test_a_held_bass_moves_through_passing_and_neighbour_tones_left_and_taken_by_step(name):
    added = 0
    for seed in range(6):
        piece = compose(PASSING[name], seed=seed)
        bass = piece.part("bass").sorted_notes()
        for before, note, after in zip(bass, bass[1:], bass[2:]):
            event = piece.chord_at(note.offset)
            pedal = any(p.start <= note.offset < p.end for p in piece.plan.pedals)
            if event.chord.contains_pc(note.pitch.cents % 1200.0) or pedal:
                continue
            added += 1
            assert before.end == note.offset == after.offset - note.duration, (seed, note)
            assert note.duration == piece.meter.unit, (seed, note)
            assert 0 < abs(note.pitch.cents - before.pitch.cents) <= 200 and \
                0 < abs(after.pitch.cents - note.pitch.cents) <= 200, (seed, before, note, after)
    assert added, "a held bass that moves a third is filled in"


def test_only_the_styles_that_ask_add_tones_to_the_bass():
    pop = compose({"title": "p", "key": "E major", "meter": "4/4", "form": "ternary", "style": "pop",
                   "parts": [{"role": "melody"}, {"role": "chords", "pattern": "block"},
                             {"role": "bass", "pattern": "block"}]})
    assert all(pop.chord_at(n.offset).chord.contains_pc(n.pitch.cents % 1200.0) for n in pop.part("bass").notes)
