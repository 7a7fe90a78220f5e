"""Spelling from the key and the chord, as a reader of the score expects it: every note of the written
MusicXML that is a tone of the sounding chord carries the chord's own letter (F-sharp in D7, B-flat in
C7, G-sharp in E7), whatever side of the circle of fifths the key prefers."""
from __future__ import annotations

from fractions import Fraction

from music21 import converter

from composer import compose

SPEC = {"title": "secondary dominants", "key": "C major", "meter": "4/4", "style": "classical",
        "sections": [{"name": "A", "bars": 8, "cadence": "authentic",
                      "chords": ["I", "V7/IV", "IV", "V7/V", "V", "V7/vi", "vi", "I"]}],
        "parts": [{"role": "melody"}, {"role": "chords", "pattern": "block"}, {"role": "bass"}]}


def test_chord_tones_in_the_musicxml_are_spelled_by_their_chord(tmp_path):
    for seed in range(3):
        piece = compose(SPEC, seed=seed)
        score = converter.parse(str(piece.write(tmp_path / f"s{seed}.musicxml")))
        wrong, seen = [], set()
        for part in score.parts:
            for el in part.flatten().notes:
                onset = Fraction(el.getOffsetInHierarchy(part)).limit_denominator(96)
                event = piece.chord_at(onset)
                if event is None:
                    continue
                spelled = {sp.semitones: sp.name for sp in event.chord.spelled_tones()}
                for p in (el.pitches if el.isChord else [el.pitch]):
                    name = p.name.replace("-", "b")
                    if p.pitchClass in spelled:
                        seen.add(name)
                        if name != spelled[p.pitchClass]:
                            wrong.append(f"{part.partName} {onset}: {name} in {event.chord.symbol}")
        assert not wrong, wrong[:5]
        assert {"Bb", "F#", "G#"} <= seen          # the secondary dominants' tones were written
