"""texture: satb writes a four-part chorale as a harmony textbook asks: soprano, alto, tenor and bass
in their ranges and in that order, every chord complete with its root and third and the leading tone
never doubled, upper voices within an octave of each other, no parallels, quarter-note motion with at
most a pair of passing eighths, and a fermata on every cadence in every voice."""
from fractions import Fraction

import pytest

from composer import compose, load_spec
from composer.analysis.check import analyse_score
from composer.formats.musicxml import musicxml_bytes, to_music21
from composer.score.errors import SpecError
from theory import Pitch

RANGES = {"soprano": ("C4", "G5"), "alto": ("G3", "D5"), "tenor": ("C3", "G4"), "bass": ("E2", "D4")}
SPECS = {
    "the example": "examples/chorale_d_minor.yaml",
    "G major, planned": {"title": "chorale in G", "key": "G major", "meter": "4/4", "form": "period", "texture": "satb"},
    "Bb major in 3/4": {"title": "chorale in 3", "key": "Bb major", "meter": "3/4", "form": "binary", "texture": "satb"},
    "E minor, modulating": {"title": "chorale in E minor", "key": "E minor", "meter": "4/4", "form": "rounded_binary",
                            "texture": "satb"},
}
SEEDS = range(6)


def _sounding(part, t):
    return next((n for n in part.notes if n.offset <= t < n.end), None)


def _voices_at_chords(piece):
    """For each chord of the plan: (chord event, the four voices' pitches in cents, top first) at its onset."""
    parts = [piece.part(name) for name in RANGES]
    for event in piece.chords:
        notes = [_sounding(p, event.offset) for p in parts]
        if all(n is not None for n in notes):
            yield event, [n.pitch.cents for n in notes]


@pytest.fixture(scope="module", params=[(name, seed) for name in SPECS for seed in SEEDS],
                ids=[f"{name}-{seed}" for name in SPECS for seed in SEEDS])
def chorale(request):
    name, seed = request.param
    return compose(SPECS[name], seed=seed)


def test_four_voices_each_in_its_textbook_range(chorale):
    assert [p.name for p in chorale.parts] == list(RANGES)
    for name, (low, high) in RANGES.items():
        notes = chorale.part(name).notes
        assert notes, name
        assert all(Pitch.from_name(low).cents <= n.pitch.cents <= Pitch.from_name(high).cents for n in notes), name


def test_the_voices_keep_their_order_and_the_upper_ones_stay_within_an_octave(chorale):
    for event, (s, a, t, b) in _voices_at_chords(chorale):
        assert s >= a >= t >= b, (event, s, a, t, b)
        assert s - a <= 1200 and a - t <= 1200, (event, s, a, t)


def test_every_chord_is_complete_and_the_leading_tone_is_never_doubled(chorale):
    for event, pitches in _voices_at_chords(chorale):
        pcs = [p % 1200.0 for p in pitches]
        chord = event.chord
        root, third = chord.pitch_classes_cents[:2]
        assert any(abs(pc - root) < 1 for pc in pcs), f"no root in {event}: {pitches}"
        assert any(abs(pc - third) < 1 for pc in pcs), f"no third in {event}: {pitches}"
        leading = (event.key.tonic_cents - 100.0) % 1200.0
        if chord.contains_pc(leading):
            assert sum(abs(pc - leading) < 1 for pc in pcs) <= 1, f"doubled leading tone in {event}: {pitches}"


def test_no_parallels_or_crossing_between_any_two_voices(chorale):
    report = analyse_score(to_music21(chorale), key=str(chorale.key))
    bad = [str(f) for f in report.findings if f.rule in ("parallel-fifths", "parallel-octaves", "voice-crossing")]
    assert not bad, bad


def test_chorale_rhythm_quarters_with_passing_eighths_and_a_held_cadence(chorale):
    meter = chorale.meter
    ends = {phrase.end(meter) for phrase in chorale.plan.phrases}
    soprano = chorale.part("soprano").sorted_notes()
    for n in soprano:
        if n.end in ends:
            assert n.duration >= meter.unit * 2, f"the cadence at {n.offset} is not held"
        else:
            assert n.duration in (Fraction(1, 2), Fraction(1)) or n.duration == meter.unit, n
    eighths = [int(n.offset // meter.bar_quarters) for n in soprano if n.duration == Fraction(1, 2)]
    assert all(eighths.count(bar) <= 2 for bar in eighths), "more than one pair of passing eighths in a bar"


def test_a_fermata_on_every_cadence_in_every_voice(chorale):
    xml = musicxml_bytes(chorale).decode()
    assert xml.count("<fermata") == 4 * len(chorale.plan.phrases)


def test_satb_takes_the_four_voices_in_order_or_says_what_it_needs():
    spec = load_spec({"title": "t", "key": "C major", "texture": "satb",
                      "parts": [{"role": "melody", "instrument": "flute"}, {"role": "chords"}, {"role": "chords"},
                                {"role": "bass", "range": "F2-C4"}]})
    assert [p.name for p in spec.parts] == list(RANGES) and spec.parts[0].instrument.name != "choir"
    assert str(spec.parts[3].low) == "F2"
    with pytest.raises(SpecError) as info:
        load_spec({"title": "t", "key": "C major", "texture": "satb", "parts": [{"role": "melody"}, {"role": "bass"}]})
    assert "parts" in str(info.value) and "soprano (melody), alto and tenor (chords), bass" in str(info.value)
    with pytest.raises(SpecError) as info:
        load_spec({"title": "t", "key": "C major", "texture": "quartet"})
    assert "texture" in str(info.value) and "satb" in str(info.value)
