"""A hypothesis strategy for random valid specs, shared by the property tests."""
from hypothesis import strategies as st

from composer.grammar.files import list_grammars
from composer.grammar.patterns import load_pattern

TONICS = ["C", "G", "D", "A", "E", "F", "Bb", "Eb", "F#", "Ab"]
MODES_BY_STYLE = {
    "classical": ["major", "minor", "harmonic minor"],
    "pop": ["major", "minor"],
    "jazz": ["major", "minor"],
    "blues": ["major"],
    "modal": ["dorian", "mixolydian", "lydian", "phrygian", "aeolian"],
}
METERS = ["2/4", "3/4", "4/4", "6/8", "7/8", "5/8"]
FORMS = ["period", "sentence", "binary", "rounded_binary", "ternary", "aaba", "rondo", "verse_chorus"]
RELATIONS = ["tonic", "dominant", "subdominant", "relative"]
PITCH_NAMES = ["C", "D", "E", "F", "G", "A", "B"]


@st.composite
def specs(draw):
    style = draw(st.sampled_from(sorted(MODES_BY_STYLE)))
    mode = draw(st.sampled_from(MODES_BY_STYLE[style]))
    meter = draw(st.sampled_from(METERS))
    spec = {"title": "random", "key": f"{draw(st.sampled_from(TONICS))} {mode}", "meter": meter, "style": style,
            "tempo": draw(st.integers(60, 180)), "seed": draw(st.integers(0, 2**32 - 1))}
    if draw(st.booleans()):
        spec["form"] = draw(st.sampled_from(FORMS))
    else:
        sections = []
        for i in range(draw(st.integers(1, 3))):
            section = {"name": f"S{i}", "bars": draw(st.integers(2, 10)),
                       "cadence": draw(st.sampled_from(["authentic", "half", "plagal", "deceptive"]))}
            if style != "modal" and draw(st.booleans()):
                section["key"] = draw(st.sampled_from(RELATIONS))
            sections.append(section)
        if draw(st.booleans()):
            sections.append({"name": "R", "repeat": "S0", "vary": draw(st.sampled_from([0, 0.25, 0.5]))})
        spec["sections"] = sections
    low_octave = draw(st.integers(3, 4))
    low_index = draw(st.integers(0, 6))
    low = f"{PITCH_NAMES[low_index]}{low_octave}"
    # At least an octave: a melody with a cadence on the tonic needs room (narrower ranges are errors).
    high = f"{PITCH_NAMES[draw(st.integers(low_index, 6))]}{low_octave + draw(st.integers(1, 2))}"
    patterns = [name for name in list_grammars("accompaniment")
                if not load_pattern(name).meters or meter in load_pattern(name).meters]
    parts = [{"role": "melody", "range": f"{low}-{high}"},
             {"role": "chords", "pattern": draw(st.sampled_from(patterns))},
             {"role": "bass", "pattern": draw(st.sampled_from(patterns))}]
    if draw(st.booleans()):
        parts.insert(1, {"role": "melody", "name": "descant", "range": "G4-C6"})   # in score order, under the lead
    spec["parts"] = parts
    spec["constraints"] = {"max_leap": draw(st.integers(5, 12)),
                           "chord_tones_on_strong_beats": draw(st.booleans())}
    if style == "classical" and draw(st.integers(0, 3)) == 0:
        spec["texture"] = "satb"          # a four-part chorale: the voices are its own
        del spec["parts"]
    return spec
