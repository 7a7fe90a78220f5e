"""A walking bass in jazz and blues (the styles' `bass: walking`): a quarter note on every beat, each
chord reached on one of its own tones, and the chord change approached by step from the beat before,
as a bassist walks, until the last chord, held; under any other style, or with a pattern named, the
bass plays its pattern."""
import pytest

from composer import compose, grammar

WALKING = {
    "the blues example": "examples/blues_in_f.yaml",
    "the AABA song": "examples/aaba_song.yaml",
    "blues in G": {"title": "blues in G", "key": "G major", "meter": "4/4", "form": "twelve_bar_blues", "style": "blues"},
    "jazz waltz": {"title": "jazz waltz", "key": "F major", "meter": "3/4", "form": "aaba", "style": "jazz"},
}
SEEDS = range(8)


def test_jazz_and_blues_walk_and_the_other_styles_do_not():
    assert {s for s in grammar.list_grammars("chords") if grammar.load_chord_style(s).bass == "walking"} == {"jazz", "blues"}


@pytest.mark.parametrize("name", list(WALKING))
def test_a_note_on_every_beat_each_chord_reached_on_its_own_tone_and_approached_by_step(name):
    approached = stepwise = 0
    for seed in SEEDS:
        piece = compose(WALKING[name], seed=seed)
        bass = piece.part("bass").sorted_notes()
        assert {n.duration for n in bass[:-1]} == {piece.meter.unit}
        assert all(a.end == b.offset for a, b in zip(bass, bass[1:])), "the walk never stops"
        last = piece.chords[-1]
        assert (bass[-1].offset, bass[-1].duration) == (last.offset, last.duration), "it stops on the last chord"
        at = {n.offset: n for n in bass}
        for before, event in zip(piece.chords, piece.chords[1:]):
            arrival = at[event.offset]
            assert event.chord.contains_pc(arrival.pitch.cents % 1200.0), (seed, event, arrival)
            if before.duration >= 2 * piece.meter.unit:          # room for an approach note
                approach = at[event.offset - piece.meter.unit]
                approached += 1
                stepwise += 0 < abs(arrival.pitch.cents - approach.pitch.cents) <= 200.5
    assert approached and stepwise / approached >= 0.95, f"{stepwise} of {approached} chord changes approached by step"


def test_a_named_pattern_or_another_style_keeps_its_pattern():
    spec = {"title": "t", "key": "F major", "meter": "4/4", "form": "twelve_bar_blues", "style": "blues",
            "parts": [{"role": "melody"}, {"role": "chords"}, {"role": "bass", "pattern": "block"}]}
    piece = compose(spec)
    assert len(piece.part("bass").notes) < 2 * piece.bars          # block: one note per chord, not four per bar
    minuet = compose("examples/minuet_in_g.yaml")
    assert len(minuet.part("bass").notes) < 2 * minuet.bars        # the waltz bass: the downbeat
