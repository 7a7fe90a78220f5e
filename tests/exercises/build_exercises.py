"""Write the checker's exercise files (MusicXML) from small note lists.

Run `python tests/exercises/build_exercises.py` to rewrite them; the `.musicxml` files are
committed, so the tests do not depend on this script. What each file plants, and where, is
in `manifest.yaml` next to it. Pitch names are music21's: `B-4` is B-flat, `E`4` E half-flat.
"""
from __future__ import annotations

from pathlib import Path

from music21 import clef, key, layout, meter, note, stream

HERE = Path(__file__).resolve().parent
SATB = ("Soprano", "Alto", "Tenor", "Bass")
CLEFS = (clef.TrebleClef, clef.TrebleClef, clef.Treble8vbClef, clef.BassClef)


def _key_object(k):
    if k is None:
        return None
    if isinstance(k, int):
        return key.KeySignature(k)          # a signature without a mode
    tonic, mode = k.split()
    return key.Key(tonic, mode)


def _write(score: stream.Score, name: str) -> None:
    score.metadata = None
    path = HERE / f"{name}.musicxml"
    score.write("musicxml", fp=str(path))
    print(path.name)


def satb(name: str, k, chords: list[str], ql: float = 2.0, ts: str = "4/4") -> None:
    """Four parts named Soprano, Alto, Tenor, Bass; each chord 'S A T B', `ql` quarters long."""
    score = stream.Score()
    per_bar = meter.TimeSignature(ts).barDuration.quarterLength / ql
    for i, (pname, clef_cls) in enumerate(zip(SATB, CLEFS)):
        part = stream.Part()
        part.partName = pname
        part.id = pname
        m = None
        for c, chord_text in enumerate(chords):
            if c % per_bar == 0:
                m = stream.Measure(number=int(c // per_bar) + 1)
                if c == 0:
                    m.append(clef_cls())
                    ko = _key_object(k)
                    if ko is not None:
                        m.append(ko)
                    m.append(meter.TimeSignature(ts))
                part.append(m)
            m.append(note.Note(chord_text.split()[i], quarterLength=ql))
        score.insert(0, part)
    _write(score, name)


def two_staves(name: str, k, chords: list[str], ql: float = 2.0, ts: str = "4/4") -> None:
    """SATB on a grand staff: soprano and alto as voices 1 and 2 of the upper staff, tenor and bass below."""
    score = stream.Score()
    upper, lower = stream.PartStaff(), stream.PartStaff()
    upper.partName = lower.partName = "Choir"
    per_bar = int(meter.TimeSignature(ts).barDuration.quarterLength / ql)
    bars = [chords[i:i + per_bar] for i in range(0, len(chords), per_bar)]
    for staff, (hi, lo), clef_cls in ((upper, (0, 1), clef.TrebleClef), (lower, (2, 3), clef.BassClef)):
        for b, bar in enumerate(bars):
            m = stream.Measure(number=b + 1)
            if b == 0:
                m.insert(0, clef_cls())
                ko = _key_object(k)
                if ko is not None:
                    m.insert(0, ko)
                m.insert(0, meter.TimeSignature(ts))
            v1, v2 = stream.Voice(id="1"), stream.Voice(id="2")
            for chord_text in bar:
                pitches = chord_text.split()
                v1.append(note.Note(pitches[hi], quarterLength=ql))
                v2.append(note.Note(pitches[lo], quarterLength=ql))
            m.insert(0, v1)
            m.insert(0, v2)
            staff.append(m)
    score.insert(0, upper)
    score.insert(0, lower)
    score.insert(0, layout.StaffGroup([upper, lower], symbol="brace"))
    _write(score, name)


def melody(name: str, bars: list[str], k=None, ts: str = "4/4", part_name: str = "Melody") -> None:
    """One line; each bar 'C4 D4 E4 F4' in quarters, a note written 'C4:2' lasts two quarters."""
    score = stream.Score()
    part = stream.Part()
    part.partName = part_name
    for b, text in enumerate(bars):
        m = stream.Measure(number=b + 1)
        if b == 0:
            m.append(clef.TrebleClef())
            ko = _key_object(k)
            if ko is not None:
                m.append(ko)
            m.append(meter.TimeSignature(ts))
        for token in text.split():
            pitch_name, _, length = token.partition(":")
            m.append(note.Note(pitch_name, quarterLength=float(length or 1)))
        part.append(m)
    score.insert(0, part)
    _write(score, name)


def main() -> None:
    # --- clean: correct four-part progressions, a raga line and a maqam line ---------------
    satb("clean_major_I_IV_V7_I", "C major", ["E5 G4 C4 C3", "F5 A4 C4 F3", "F5 G4 B3 G3", "E5 G4 C4 C3"])
    satb("clean_minor_i_iv_V_i", "A minor", ["C5 E4 A3 A2", "D5 F4 A3 D3", "B4 E4 G#3 E3", "C5 E4 A3 A2"])
    satb("clean_minor_signature_only", -1, ["F5 A4 D4 D3", "G5 B-4 D4 G3", "E5 A4 C#4 A3", "F5 A4 D4 D3"])
    two_staves("clean_two_staves_G_major", "G major", ["D4 B3 G3 G2", "E4 C4 G3 C3", "D4 A3 F#3 D3", "D4 B3 G3 G2"])
    melody("clean_yaman", ["B3 D4 E4 F#4", "A4 B4 C5:2", "B4 A4 G4 F#4", "E4 D4 C4:2"], part_name="Sitar")
    melody("clean_rast", ["C4 D4 E`4 F4", "G4 A4 B`4 C5", "B-4 A4 G4 F4", "E`4 D4 C4:2"], part_name="Oud")

    # --- one or two planted errors each ---------------------------------------------------
    satb("parallel_fifths", "C major", ["C5 E4 G3 C3", "C5 F4 A3 F3", "D5 D4 B3 G3", "C5 E4 C4 C3"])
    satb("parallel_octaves", "G major", ["B4 D4 G3 G2", "C5 E4 G3 C3", "D5 F#4 D4 D3", "B4 G4 D4 G2"])
    satb("hidden_fifths", "C major", ["G4 E4 C4 C3", "A4 F4 C4 F3", "D5 D4 B3 G3", "C5 E4 C4 C3"])
    satb("voice_crossing", "C major", ["G4 E4 C4 C3", "A4 F4 C4 F3", "B4 D4 G4 G3", "C5 E4 C4 C4"])
    satb("spacing", "C major", ["G4 E4 C4 C3", "A4 F4 C4 F3", "D5 B3 G3 G2", "C5 C4 E3 C3"])
    satb("out_of_range", "C major", ["G4 E4 C4 C3", "A4 F4 C4 F3", "G4 D4 B3 G3", "G4 E4 C4 C2"])
    satb("unresolved_leading_tone", "C major", ["C5 E4 G3 C3", "C5 F4 A3 F2", "B4 D4 G3 G2", "G4 E4 G3 C3"])
    satb("unresolved_seventh", "C major", ["E5 G4 C4 C3", "F5 A4 C4 F3", "F5 G4 B3 G3", "G5 G4 C4 C3"])
    satb("out_of_scale", "C major", ["G4 E4 C4 C3", "A4 F4 C4 F3", "G4 D4 B3 G3", "G4 E-4 C4 C3"])
    satb("quarter_tone", "C major", ["G4 E4 C4 C3", "A4 F4 C4 F3", "G4 D4 B3 G3", "G4 E`4 C4 C3"])
    melody("yaman_shuddha_ma", ["B3 D4 E4 F#4", "A4 G4 F4 E4", "D4:2 C4:2"], part_name="Sitar")
    melody("yaman_rising_pa", ["B3 D4 E4 F#4", "G4 A4 B4 C5", "B4 A4 G4 F#4", "E4 D4 C4:2"], part_name="Sitar")
    melody("khamaj_falling_ni", ["C4 E4 F4 G4", "A4 B4 C5 B4", "A4 G4 F4 E4", "D4:2 C4:2"], part_name="Sitar")
    melody("bhupali_ma", ["C4 D4 E4 G4", "A4 G4 F4 E4", "D4:2 C4:2"], part_name="Sitar")
    melody("rast_descent_b_half_flat", ["C4 D4 E`4 F4", "G4 A4 B`4 C5", "B`4 A4 G4 F4", "E`4 D4 C4:2"],
           part_name="Oud")
    melody("rast_e_natural", ["C4 D4 E4 F4", "G4 A4 B`4 C5", "B-4 A4 G4 F4", "E`4 D4 C4:2"], part_name="Oud")


if __name__ == "__main__":
    main()
