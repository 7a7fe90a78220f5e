"""Renderers: MIDI through mido and MusicXML through music21, checked by reading them back."""
from __future__ import annotations

import io
import os
from fractions import Fraction as F

import mido
import pytest
from music21 import converter, harmony, note, stream
from music21 import key as m21key
from music21 import meter as m21meter

from composer.formats import musicxml as musicxml_module
from composer.formats.midi import midi_bytes, mido_key_name, read_midi_notes
from composer.formats.musicxml import (
    chord_symbol_figure,
    measure_fill_problems,
    musicxml_bytes,
    split_duration,
    to_music21,
)
from composer.formats.write import FORMATS, write_piece
from composer.piece import ChordEvent, Instrument, KeyChange, Note, Part, Piece
from composer.score.errors import OutputExistsError, RenderError
from theory import Key, Meter, Pitch, load_pack, parse_chord_symbol
from theory.chord import chord_from_quality
from theory.pitch import Spelling

FLUTE = Instrument("Flute", 73, Pitch.from_name("C4"), Pitch.from_name("C7"))
PIANO = Instrument("Piano", 0, Pitch.from_name("A0"), Pitch.from_name("C8"))
BASS = Instrument("Acoustic Bass", 32, Pitch.from_name("E1"), Pitch.from_name("G3"))


def n(offset, duration, name_or_cents, velocity=80) -> Note:
    pitch = Pitch(float(name_or_cents)) if isinstance(name_or_cents, (int, float)) else Pitch.from_name(name_or_cents)
    return Note(F(offset), F(duration), pitch, velocity)


def chord_event(offset, duration, symbol, key) -> ChordEvent:
    return ChordEvent(F(offset), F(duration), parse_chord_symbol(symbol), key, "", "")


@pytest.fixture
def waltz() -> Piece:
    """4 bars of 3/4 in G major; a key change to D major at bar 3; a note crossing a barline."""
    g, d = Key.parse("G major"), Key.parse("D major")
    melody = Part("Flute", "melody", FLUTE, [
        n(0, 1, 6050, 90),              # quarter-tone first note: C half-sharp 4
        n(1, 1, "B4"), n(2, F(3, 2), "A4"),  # crosses the barline into bar 2
        n(F(7, 2), F(1, 2), "F#4"), n(4, 1, 6350),  # E half-flat 4
        n(5, F(5, 4), "D5"),            # 5/4 crosses into bar 3
        n(F(25, 4), F(3, 4), "C#5"), n(7, 2, "D5"),
        n(9, 3, "D5"),
    ])
    chords = Part("Piano", "chords", PIANO, [
        n(0, 3, "G3"),                  # held note under shorter ones: two voices
        n(0, 1, "B3"), n(0, 1, "D4"), n(1, 1, "B3"), n(1, 1, "D4"), n(2, 1, "C4"), n(2, 1, "E4"),
        n(3, 3, "D4"), n(3, 3, "F#4"), n(3, 3, "A4"),
        n(6, F(5, 8), "D4"), n(F(53, 8), F(3, 8), "E4"),
    ])
    bass = Part("Bass", "bass", BASS, [n(0, 3, "G2"), n(3, 3, "D2"), n(6, 6, "D2")])
    harmony_plan = [chord_event(0, 3, "G", g), chord_event(3, F(3, 2), "D7", g),
                    chord_event(F(9, 2), F(3, 2), "Bbmaj7", g), chord_event(6, 3, "D/F#", d),
                    chord_event(9, 3, "Em7", d)]
    return Piece("Waltz", Meter.parse("3/4"), 96.0, 4, [melody, chords, bass], harmony_plan,
                 [KeyChange(F(0), g), KeyChange(F(15, 2), d)])


@pytest.fixture
def seven_eight() -> Piece:
    melody = Part("Violin", "melody", Instrument("Violin", 40, Pitch.from_name("G3"), Pitch.from_name("E7")),
                  [n(0, 1, "D4"), n(1, 1, "F4"), n(2, F(3, 2), "A4"), n(F(7, 2), F(7, 2), "D5")])
    return Piece("Seven", Meter.parse("7/8"), 120.0, 2, [melody], [], [KeyChange(F(0), Key.parse("D minor"))])


def _read(data: bytes) -> mido.MidiFile:
    return mido.MidiFile(file=io.BytesIO(data))


# --- MIDI ------------------------------------------------------------------------------------

def test_midi_conductor_track(waltz):
    mid = _read(midi_bytes(waltz))
    assert mid.type == 1 and mid.ticks_per_beat == 480 and len(mid.tracks) == 4
    meta = [m for m in mid.tracks[0] if m.is_meta]
    assert meta[0].type == "track_name" and meta[0].name == "Waltz"
    tempo = next(m for m in meta if m.type == "set_tempo")
    assert mido.tempo2bpm(tempo.tempo) == pytest.approx(96.0)
    ts = next(m for m in meta if m.type == "time_signature")
    assert (ts.numerator, ts.denominator) == (3, 4)
    ticks, keys = 0, []
    for m in mid.tracks[0]:
        ticks += m.time
        if m.type == "key_signature":
            keys.append((ticks, m.key))
    assert keys == [(0, "G"), (3600, "D")]


def test_midi_part_tracks_program_channel_and_rpn(waltz):
    mid = _read(midi_bytes(waltz))
    for index, (track, program) in enumerate(zip(mid.tracks[1:], (73, 0, 32))):
        assert track[0].type == "track_name" and track[0].name == waltz.parts[index].name
        msgs = [m for m in track if not m.is_meta]
        assert {m.channel for m in msgs} == {index}
        assert msgs[0].type == "program_change" and msgs[0].program == program
        first_note = next(i for i, m in enumerate(msgs) if m.type == "note_on")
        ccs = [(m.control, m.value) for m in msgs[:first_note] if m.type == "control_change"]
        assert ccs == [(101, 0), (100, 0), (6, 2), (38, 0), (101, 127), (100, 127)]


def test_midi_channels_skip_drums():
    parts = [Part(f"P{i}", "inner", PIANO, [n(0, 1, "C4")]) for i in range(11)]
    mid = _read(midi_bytes(Piece("Many", Meter.parse("4/4"), 100, 1, parts, [], [KeyChange(F(0), Key.parse("C"))])))
    channels = [next(m.channel for m in t if not m.is_meta) for t in mid.tracks[1:]]
    assert channels == [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11]


def test_midi_exact_ticks_and_first_note_bend(waltz):
    data = midi_bytes(waltz)
    track = _read(data).tracks[1]
    ticks, timeline = 0, []
    for m in track:
        ticks += m.time
        if m.type in ("note_on", "note_off", "pitchwheel"):
            timeline.append((ticks, m.type, getattr(m, "note", None), getattr(m, "pitch", None)))
    # The quarter-tone bend is sent at tick 0, before the first note-on, and reset before the second.
    assert timeline[0] == (0, "pitchwheel", None, 2048)
    assert timeline[1] == (0, "note_on", 60, None)
    assert (480, "pitchwheel", None, 0) in timeline
    notes = read_midi_notes(data)
    melody = [x for x in notes if x[0] == 1]
    assert melody[0][1] == 0.0 and melody[0][2] == 1.0
    assert melody[0][3] == pytest.approx(6050.0, abs=1.0) and melody[0][4] == 90
    assert (1, 2.0, 1.5) == melody[2][:3] and melody[2][3] == pytest.approx(6900.0)
    assert melody[4][3] == pytest.approx(6350.0, abs=1.0)
    assert (1, 5.0, 1.25) == melody[5][:3]
    chords = [x for x in notes if x[0] == 2]
    assert (2, 6.0, 0.625) == chords[-2][:3] and (2, 6.625, 0.375) == chords[-1][:3]
    assert len(notes) == sum(len(p.notes) for p in waltz.parts)


def test_midi_twelve_edo_has_no_pitchwheel(seven_eight):
    mid = _read(midi_bytes(seven_eight))
    assert not any(m.type == "pitchwheel" for t in mid.tracks for m in t)
    ts = next(m for m in mid.tracks[0] if m.type == "time_signature")
    assert (ts.numerator, ts.denominator) == (7, 8)
    assert next(m for m in mid.tracks[0] if m.type == "key_signature").key == "Dm"


def test_midi_note_offs_before_note_ons_at_same_tick(waltz):
    track = _read(midi_bytes(waltz)).tracks[2]
    ticks, seen = 0, []
    for m in track:
        ticks += m.time
        if m.type in ("note_on", "note_off"):
            seen.append((ticks, 0 if m.type == "note_off" else 1, m.note))
    assert seen == sorted(seen)


def test_midi_is_deterministic(waltz):
    assert midi_bytes(waltz) == midi_bytes(waltz)


def test_midi_rejects_time_between_ticks():
    part = Part("P", "melody", FLUTE, [n(F(1, 7), 1, "C4")])
    with pytest.raises(RenderError, match="tick"):
        midi_bytes(Piece("T", Meter.parse("4/4"), 100, 1, [part], [], [KeyChange(F(0), Key.parse("C"))]))


@pytest.mark.parametrize("text, name", [("G major", "G"), ("E minor", "Em"), ("Bb major", "Bb"),
                                         ("F# minor", "F#m"), ("D dorian", "C"), ("A mixolydian", "D"),
                                         ("D# minor", "D#m"), ("A harmonic minor", "Am")])
def test_mido_key_names(text, name):
    assert mido_key_name(Key.parse(text)) == name


# --- MusicXML ----------------------------------------------------------------------------------

def test_split_duration():
    assert split_duration(F(5, 4)) == [1, F(1, 4)]
    assert split_duration(F(5, 8)) == [F(1, 2), F(1, 8)]
    assert split_duration(F(7, 2)) == [3, F(1, 2)]
    assert split_duration(F(2, 3)) == [F(2, 3)]
    with pytest.raises(RenderError):
        split_duration(F(5, 3))


def test_quarter_tone_spelling(waltz):
    xml = musicxml_bytes(waltz).decode()
    assert "<alter>0.5</alter>" in xml and "<alter>-0.5</alter>" in xml


def test_every_measure_full_in_memory(waltz, seven_eight):
    for piece in (waltz, seven_eight):
        assert measure_fill_problems(to_music21(piece), piece.meter.bar_quarters) == []


@pytest.fixture
def waltz_back(waltz, tmp_path):
    path = tmp_path / "waltz.musicxml"
    write_piece(waltz, path)
    return converter.parse(str(path)), path


def test_musicxml_reads_back(waltz, waltz_back):
    score, _ = waltz_back
    assert len(score.parts) == 3
    assert score.metadata.bestTitle == "Waltz"
    for part in score.parts:
        measures = list(part.getElementsByClass(stream.Measure))
        assert [m.number for m in measures] == [1, 2, 3, 4]
        ts = measures[0].getElementsByClass(m21meter.TimeSignature).first()
        assert ts.ratioString == "3/4"
        assert measures[0].getElementsByClass(m21key.KeySignature).first().sharps == 1
        assert measures[2].getElementsByClass(m21key.KeySignature).first().sharps == 2
    assert measure_fill_problems(score, F(3)) == []
    names = [p.getInstrument().instrumentName for p in score.parts]
    assert names == ["Flute", "Piano", "Acoustic Bass"]
    assert [p.getInstrument().midiProgram for p in score.parts] == [73, 0, 32]


def test_musicxml_voices_chords_ties_and_clefs(waltz_back):
    score, _ = waltz_back
    melody, chords, bass = score.parts
    bar1 = chords.getElementsByClass(stream.Measure).first()
    assert len(bar1.voices) == 2
    assert any(len(c.pitches) == 2 for c in bar1.recurse().getElementsByClass("Chord")
               if not isinstance(c, harmony.Harmony))
    m1, m2 = list(melody.getElementsByClass(stream.Measure))[:2]
    last = [x for x in m1.notesAndRests if not isinstance(x, harmony.Harmony)][-1]
    first = [x for x in m2.notesAndRests if not isinstance(x, harmony.Harmony)][0]
    assert last.name == "A" and last.tie.type == "start" and last.quarterLength == 1
    assert first.name == "A" and first.tie.type == "stop" and first.quarterLength == 0.5
    assert bass.recurse().getElementsByClass("Clef").first().sign == "F"
    assert melody.recurse().getElementsByClass("Clef").first().sign == "G"
    pitches = [x.pitch for x in melody.recurse().getElementsByClass(note.Note)]
    assert pitches[0].step == "C" and pitches[0].alter == 0.5 and pitches[0].octave == 4


def test_musicxml_chord_symbols(waltz_back):
    score, _ = waltz_back
    symbols = list(score.parts[0].recurse().getElementsByClass(harmony.ChordSymbol))
    found = [(s.measureNumber, s.offset, s.root().name, s.chordKind) for s in symbols]
    assert found == [(1, 0.0, "G", "major"), (2, 0.0, "D", "dominant-seventh"),
                     (2, 1.5, "B-", "major-seventh"), (3, 0.0, "D", "major"), (4, 0.0, "E", "minor-seventh")]
    assert symbols[3].bass().name == "F#"
    assert not list(score.parts[1].recurse().getElementsByClass(harmony.ChordSymbol))


@pytest.mark.parametrize("quality", list(load_pack("western").chord_qualities))
def test_every_pack_quality_has_a_chord_symbol(quality):
    chord = chord_from_quality(Spelling("B", -1), quality)
    symbol = harmony.ChordSymbol(chord_symbol_figure(chord))
    got = sorted(round(p.ps) % 12 for p in symbol.pitches)
    assert got == sorted({round(c / 100) % 12 for c in chord.pitch_classes_cents})


def test_seven_eight_reads_back(seven_eight, tmp_path):
    path = tmp_path / "seven.xml"
    write_piece(seven_eight, path)
    score = converter.parse(str(path))
    measures = list(score.parts[0].getElementsByClass(stream.Measure))
    assert len(measures) == 2
    assert measures[0].timeSignature.ratioString == "7/8"
    assert measures[0].keySignature.sharps == -1
    assert measure_fill_problems(score, F(7, 2)) == []


def test_musicxml_is_deterministic(waltz, tmp_path):
    a, b = tmp_path / "a.musicxml", tmp_path / "b.musicxml"
    write_piece(waltz, a)
    write_piece(waltz, b)
    assert a.read_bytes() == b.read_bytes()
    assert b"encoding-date" not in a.read_bytes()


# --- write_piece ---------------------------------------------------------------------------------

def test_formats_and_unknown_extension(waltz, tmp_path):
    assert FORMATS == {"mid": ".mid", "musicxml": ".musicxml", "svg": ".svg", "html": ".html", "wav": ".wav",
                       "piece": ".piece.json"}
    with pytest.raises(RenderError, match=r"'\.ogg'.*\.mid"):
        write_piece(waltz, tmp_path / "x.ogg")


def test_write_piece_refuses_overwrite_without_force(waltz, tmp_path):
    path = tmp_path / "w.mid"
    assert write_piece(waltz, path) == str(path)
    assert path.read_bytes() == midi_bytes(waltz)
    path.write_bytes(b"old")
    with pytest.raises(OutputExistsError, match="--force"):
        write_piece(waltz, path)
    assert path.read_bytes() == b"old"
    write_piece(waltz, path, force=True)
    assert path.read_bytes() == midi_bytes(waltz)
    assert sorted(os.listdir(tmp_path)) == ["w.mid"]


def test_write_piece_leaves_no_temp_file_on_failure(waltz, tmp_path, monkeypatch):
    def broken(piece, path):
        with open(path, "wb") as fh:
            fh.write(b"half")
        raise RuntimeError("disk full")

    monkeypatch.setitem(__import__("composer.formats.write", fromlist=["WRITERS"]).WRITERS, ".musicxml", broken)
    with pytest.raises(RuntimeError):
        write_piece(waltz, tmp_path / "w.musicxml")
    assert os.listdir(tmp_path) == []
    assert musicxml_module.write_musicxml is not broken


def test_triplets_empty_part_and_notes_past_the_last_bar(tmp_path):
    melody = Part("Oboe", "melody", FLUTE, [n(0, F(1, 3), "C5"), n(F(1, 3), F(1, 3), "D5"),
                                           n(F(2, 3), F(1, 3), "E5"), n(1, 2, "F5"), n(3, 2, 6150)])
    empty = Part("Cello", "bass", BASS, [])
    piece = Piece("Edge", Meter.parse("6/8"), 72.5, 1, [melody, empty], [], [KeyChange(F(0), Key.parse("Eb major"))])
    path = tmp_path / "edge.musicxml"
    write_piece(piece, path)
    xml = path.read_text()
    assert '<tuplet bracket="yes"' in xml and "<alter>-0.5</alter>" in xml  # D half-flat in Eb
    score = converter.parse(str(path))
    assert [len(p.getElementsByClass(stream.Measure)) for p in score.parts] == [2, 2]
    assert measure_fill_problems(score, F(3)) == []
