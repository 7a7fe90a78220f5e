"""Exact microtones in MIDI (pitch bend with channel allocation, or MTS) and MusicXML, and
percussion and drone parts; every claim is checked by reading the written bytes back."""
from __future__ import annotations

import io
import re
from fractions import Fraction as F

import mido
import pytest
from music21 import converter, note, stream
from music21 import key as m21key

from composer.formats.midi import detect_midi_tuning, midi_bytes, mts_frequency_data, mts_sysex, read_midi_notes
from composer.formats.musicxml import m21_pitch, measure_fill_problems, musicxml_bytes, percussion_display
from composer.formats.write import write_piece
from composer.piece import Instrument, KeyChange, Note, Part, Piece
from composer.score.errors import RenderError
from theory import Key, Meter, Pitch

FLUTE = Instrument("Flute", 73, Pitch.from_name("C4"), Pitch.from_name("C7"))
PIANO = Instrument("Piano", 0, Pitch.from_name("A0"), Pitch.from_name("C8"))
TANPURA = Instrument("Tanpura", 104, Pitch.from_name("C2"), Pitch.from_name("C5"))
DRUMS = Instrument("Drum Kit", 0, Pitch.from_midi(35), Pitch.from_midi(81))
COMMA = 1200.0 / 53
TURKISH = 6000 + 3 * COMMA      # C + 3 commas (67.92 cents)
D_KOMA_SHARP = 6200 + COMMA     # D + 1 comma
METHODS = ("bend", "mts")


def n(offset, duration, cents, velocity=80) -> Note:
    pitch = Pitch(float(cents)) if isinstance(cents, (int, float)) else Pitch.from_name(cents)
    return Note(F(offset), F(duration), pitch, velocity)


def make_piece(parts, bars=4, key="C major", meter="4/4") -> Piece:
    return Piece("Micro", Meter.parse(meter), 90.0, bars, parts, [], [KeyChange(F(0), Key.parse(key))])


@pytest.fixture
def micro() -> Piece:
    melody = Part("Ney", "melody", FLUTE, [
        n(0, 1, 6050, 90),          # the first note is microtonal
        n(1, 1, 6350), n(2, 1, TURKISH), n(3, 1, D_KOMA_SHARP),
        n(4, 2, "E4"), n(6, 2, 6177.36),
        n(8, 4, 6714.0), n(12, 4, "C5"),
    ])
    chords = Part("Qanun", "chords", PIANO, [
        n(0, 2, 6035), n(0, 2, 6450),                      # two offsets at once
        n(2, 2, "C4"), n(2, 2, "E4"), n(2, 2, "G4"),       # back to 12-EDO
        n(4, 2, 6035), n(4, 2, 6450), n(4, 2, 6714.0),     # three offsets at once
        n(6, 1, 6035), n(7, 1, 6450),                      # one at a time again
        n(8, 4, 6000), n(8, 4, 6400), n(12, 4, 6050),
    ])
    drone = Part("Tanpura", "drone", TANPURA, [n(0, 8, 4800), n(8, 8, 4800 + 701.955)])
    drums = Part("Drums", "percussion", DRUMS, [
        *(n(q, 1, 3600) for q in range(0, 16, 2)),           # bass drum on 1 and 3
        *(n(q, 1, 3800) for q in range(1, 16, 2)),           # snare on 2 and 4
        *(n(F(h, 2), F(1, 2), 4200) for h in range(32)),      # closed hi-hat in eighths
    ])
    return make_piece([melody, chords, drone, drums])


def _tracks(data: bytes) -> list[mido.MidiTrack]:
    return mido.MidiFile(file=io.BytesIO(data)).tracks


def _timeline(track) -> list[tuple[int, mido.Message]]:
    tick, out = 0, []
    for msg in track:
        tick += msg.time
        out.append((tick, msg))
    return out


def _expected(piece: Piece, index: int) -> list[tuple[float, float, float, int]]:
    part = piece.parts[index]
    notes = sorted(part.notes, key=lambda x: (x.offset, x.pitch.cents))
    return [(float(x.offset), float(x.duration), x.pitch.cents, x.velocity) for x in notes]


# --- MIDI: every note's cents -------------------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
def test_every_note_reads_back_within_two_cents(micro, method):
    notes = read_midi_notes(midi_bytes(micro, tuning=method))
    assert len(notes) == sum(len(p.notes) for p in micro.parts)
    for index in range(len(micro.parts)):
        got = [x for x in notes if x[0] == index + 1]
        want = _expected(micro, index)
        assert len(got) == len(want)
        for (_, onset, dur, cents, vel), (w_on, w_dur, w_cents, w_vel) in zip(got, want):
            assert (onset, dur, vel) == (w_on, w_dur, w_vel)
            assert cents == pytest.approx(w_cents, abs=2.0), (method, index, onset)


@pytest.mark.parametrize("method", METHODS)
def test_detect_midi_tuning(micro, method):
    assert detect_midi_tuning(midi_bytes(micro, tuning=method)) == method
    twelve = make_piece([Part("P", "melody", FLUTE, [n(0, 1, "C4"), n(1, 1, "E4")])], bars=1)
    assert detect_midi_tuning(midi_bytes(twelve, tuning=method)) == "none"


def test_unknown_tuning_method(micro):
    with pytest.raises(RenderError, match="bend, mts"):
        midi_bytes(micro, tuning="scala")


# --- MIDI: pitch bend and channels ----------------------------------------------------------------

def test_simultaneous_different_bends_use_different_channels(micro):
    notes = read_midi_notes(midi_bytes(micro), channels=True)
    for track in (1, 2):
        part = [x for x in notes if x[0] == track]
        for a in part:
            for b in part:
                overlap = a[1] < b[1] + b[2] and b[1] < a[1] + a[2]
                bend_a, bend_b = a[3] - round(a[3] / 100) * 100, b[3] - round(b[3] / 100) * 100
                if a is not b and overlap and abs(bend_a - bend_b) > 0.5:
                    assert a[5] != b[5], (a, b)
    chord_channels = {x[5] for x in notes if x[0] == 2}
    assert len(chord_channels) == 3      # the home channel and two more for the three-offset chord
    assert {x[5] for x in notes if x[0] == 1} == {0}     # the melody never needs a second channel
    assert {x[5] for x in notes if x[0] == 3} == {2}     # the drone keeps its home channel
    assert not chord_channels & {0, 2, 9}


def test_extra_channels_get_program_and_bend_range_at_tick_zero(micro):
    track = _tracks(midi_bytes(micro))[2]
    timeline = _timeline(track)
    channels = sorted({m.channel for _, m in timeline if not m.is_meta})
    assert channels[0] == 1      # home channel of the second part
    for ch in channels:
        setup = [(t, m) for t, m in timeline if not m.is_meta and m.channel == ch
                 and m.type in ("program_change", "control_change")]
        assert all(t == 0 for t, _ in setup)
        assert setup[0][1].type == "program_change" and setup[0][1].program == 0
        assert [(m.control, m.value) for _, m in setup[1:]] == [(101, 0), (100, 0), (6, 2), (38, 0),
                                                                (101, 127), (100, 127)]
    # Each note-on is preceded (on its channel) by the bend it needs.
    bend = {ch: 0 for ch in channels}
    for tick, m in timeline:
        if m.type == "pitchwheel":
            bend[m.channel] = m.pitch
        elif m.type == "note_on":
            wanted = next(x for x in micro.parts[1].notes
                          if x.offset * 480 == tick and x.pitch.nearest_midi == m.note)
            assert bend[m.channel] == round(wanted.pitch.bend_cents / 200 * 8192)


def test_first_note_is_bent_at_tick_zero_before_its_note_on(micro):
    timeline = [(t, m) for t, m in _timeline(_tracks(midi_bytes(micro))[1]) if m.type in ("pitchwheel", "note_on")]
    assert timeline[0][0] == 0 and timeline[0][1].type == "pitchwheel" and timeline[0][1].pitch == 2048
    assert timeline[1][0] == 0 and timeline[1][1].type == "note_on" and timeline[1][1].note == 60
    # No bend back to zero while the first note sounds (the music21 trap).
    assert not any(m.type == "pitchwheel" and 0 < t < 480 for t, m in timeline)


def test_running_out_of_channels_names_the_tick_and_mts():
    cluster = [n(2, 1, 6000 + 100 * i + 3 * (i + 1)) for i in range(16)]
    piece = make_piece([Part("Cluster", "chords", PIANO, [n(0, 1, "C4")] + cluster)], bars=1)
    with pytest.raises(RenderError, match=r"tick 960.*mts"):
        midi_bytes(piece)
    notes = read_midi_notes(midi_bytes(piece, tuning="mts"))
    assert [round(x[3], 1) for x in notes] == [6000.0] + [round(x.pitch.cents, 1) for x in cluster]


def test_percussion_on_channel_nine_with_gm_keys(micro):
    for method in METHODS:
        data = midi_bytes(micro, tuning=method)
        track = _tracks(data)[4]
        msgs = [m for m in track if not m.is_meta]
        assert {m.channel for m in msgs} == {9}
        assert {m.type for m in msgs} == {"note_on", "note_off"}
        assert {m.note for m in msgs} == {36, 38, 42}
        drums = [x for x in read_midi_notes(data, channels=True) if x[0] == 4]
        assert {x[3] for x in drums} == {3600.0, 3800.0, 4200.0} and {x[5] for x in drums} == {9}
        assert len(drums) == len(micro.parts[3].notes)
    # Melodic parts skip channel 9 and keep their order.
    homes = [next(m.channel for m in t if not m.is_meta) for t in _tracks(midi_bytes(micro))[1:4]]
    assert homes == [0, 1, 2]


def test_twelve_edo_piece_is_unchanged():
    parts = [Part("Piano", "chords", PIANO, [n(0, 2, "C4"), n(0, 2, "E4"), n(0, 2, "G4"), n(2, 2, "F4")]),
             Part("Bass", "bass", PIANO, [n(0, 4, "C2")])]
    piece = make_piece(parts, bars=1)
    data = midi_bytes(piece)
    assert data == midi_bytes(piece, tuning="mts")       # nothing to retune: the same file
    for index, track in enumerate(_tracks(data)[1:]):
        msgs = [m for m in track if not m.is_meta]
        assert {m.channel for m in msgs} == {index}
        assert not any(m.type in ("pitchwheel", "sysex") for m in msgs)
        assert sum(m.type == "program_change" for m in msgs) == 1


# --- MIDI: MIDI Tuning Standard ------------------------------------------------------------------

def test_mts_sysex_format():
    assert mts_sysex(60, 6050.0) == bytes([0xF0, 0x7F, 0x7F, 0x08, 0x02, 0x00, 0x01, 60, 60, 0x40, 0x00, 0xF7])
    assert mts_frequency_data(6000.0) == (60, 0, 0)
    xx, yy, zz = mts_frequency_data(TURKISH)
    assert xx == 60 and ((yy << 7) | zz) / 16384 * 100 == pytest.approx(3 * COMMA, abs=0.01)
    assert mts_frequency_data(12799.999) != (127, 127, 127)


def test_mts_has_no_bends_one_channel_per_part_and_retunes_before_the_note(micro):
    tracks = _tracks(midi_bytes(micro, tuning="mts"))
    assert not any(m.type == "pitchwheel" for t in tracks for m in t)
    for index, track in enumerate(tracks[1:4]):
        assert {m.channel for m in track if not m.is_meta and m.type != "sysex"} == {index}
    timeline = _timeline(tracks[1])
    first_sysex = next(i for i, (_, m) in enumerate(timeline) if m.type == "sysex")
    first_on = next(i for i, (_, m) in enumerate(timeline) if m.type == "note_on")
    assert first_sysex < first_on and timeline[first_sysex][0] == timeline[first_on][0] == 0
    assert list(timeline[first_sysex][1].data) == [0x7F, 0x7F, 0x08, 0x02, 0x00, 0x01, 60, 60, 0x40, 0x00]
    # 6035 + 6450 at quarter 0 retune two keys; key 60 already sounds 6050 in the melody, so
    # 6035 takes key 61.
    chords = _timeline(tracks[2])
    retuned = [list(m.data)[6] for t, m in chords if m.type == "sysex" and t == 0]
    assert sorted(retuned) == [61, 64]


def test_mts_moves_a_clashing_note_to_another_key():
    # 6035 and 6000 at once need key 60 at two pitches: one of them goes to a neighbouring key.
    parts = [Part("A", "melody", FLUTE, [n(0, 2, 6035), n(2, 1, 6000)]),
             Part("B", "chords", PIANO, [n(0, 2, 6000), n(1, 2, 6040)])]
    data = midi_bytes(make_piece(parts, bars=1), tuning="mts")
    notes = read_midi_notes(data)
    want = sorted((i + 1, float(x.offset), x.pitch.cents) for i, p in enumerate(parts) for x in p.notes)
    got = sorted((x[0], x[1], x[3]) for x in notes)
    assert [g[:2] for g in got] == [w[:2] for w in want]
    for g, w in zip(got, want):
        assert g[2] == pytest.approx(w[2], abs=0.01)
    keys = {m.note for t in _tracks(data)[1:] for m in t if m.type == "note_on"}
    assert len(keys) >= 2


def test_write_piece_passes_midi_tuning(micro, tmp_path):
    path = tmp_path / "m.mid"
    write_piece(micro, path, midi_tuning="mts")
    assert path.read_bytes() == midi_bytes(micro, tuning="mts")
    write_piece(micro, tmp_path / "m.musicxml", midi_tuning="mts")     # ignored by the MusicXML writer
    write_piece(micro, tmp_path / "b.mid", midi_tuning=None)            # None: the default
    assert (tmp_path / "b.mid").read_bytes() == midi_bytes(micro)
    with pytest.raises(RenderError, match="midi_tuning"):
        write_piece(micro, tmp_path / "x.mid", midi_tunin="mts")
    assert not (tmp_path / "x.mid").exists()


# --- MusicXML -----------------------------------------------------------------------------------

@pytest.fixture
def micro_xml(micro) -> str:
    return musicxml_bytes(micro).decode("utf-8")


@pytest.fixture
def micro_score(micro, tmp_path):
    path = tmp_path / "micro.musicxml"
    write_piece(micro, path)
    return converter.parse(str(path))


def test_musicxml_alters_are_exact(micro_xml):
    assert "<alter>-0.5</alter>" in micro_xml and "<alter>0.5</alter>" in micro_xml
    alters = re.findall(r"<alter>([^<]*)</alter>", micro_xml)
    assert all(len(a.split(".")[1]) <= 4 for a in alters if "." in a)
    assert f"<alter>{3 * COMMA / 100:.4f}</alter>" == "<alter>0.6792</alter>"
    assert "<alter>0.6792</alter>" in micro_xml          # C + 3 commas
    assert "<alter>0.2264</alter>" in micro_xml          # D + 1 comma
    assert "<alter>-0.2264</alter>" in micro_xml         # D - 1 comma
    assert "<alter>0.14</alter>" in micro_xml            # G + 14 cents (6714)
    assert "<accidental>sharp-3</accidental>" in micro_xml
    assert "<accidental>sharp-1</accidental>" in micro_xml
    assert "<accidental>flat-1</accidental>" in micro_xml
    assert "<accidental>natural-up</accidental>" in micro_xml
    assert "<accidental>quarter-flat</accidental>" in micro_xml


def test_comma_note_is_spelled_on_d(micro_xml):
    block = micro_xml[micro_xml.index("<alter>0.2264</alter>") - 80:]
    assert "<step>D</step>" in block[:100]


@pytest.mark.parametrize("cents, key, step, alter, accidental", [
    (6550, "C# major", "E", 1.5, "one-and-a-half-sharp"),      # three-quarter tone
    (6350, "C major", "E", -0.5, "half-flat"),
    (6200 + 5 * COMMA, "C major", "D", 1.1321, "slash-quarter-sharp"),   # kucuk mucennep sharp
    (6400 - 4 * COMMA, "C major", "E", -0.9057, "slash-flat"),           # bakiye flat
    (6200 + 4 * COMMA, "C major", "D", 0.9057, "sharp-down"),            # bakiye sharp: arrow sign
    (6986.0, "C major", "A", 0.86, "sharp-down"),
])
def test_m21_pitch_spellings(cents, key, step, alter, accidental):
    p = m21_pitch(Pitch(cents), Key.parse(key))
    assert (p.step, p.accidental.alter, p.accidental.name) == (step, alter, accidental)
    assert p.ps == pytest.approx(cents / 100, abs=0.0001)


def test_three_quarter_tone_in_xml(tmp_path):
    piece = make_piece([Part("P", "melody", FLUTE, [n(0, 4, 6550)])], bars=1, key="C# major")
    xml = musicxml_bytes(piece).decode()
    assert "<alter>1.5</alter>" in xml and "<accidental>three-quarters-sharp</accidental>" in xml


def test_music21_round_trip_keeps_microtones(micro, micro_score):
    melody = [x for x in micro_score.parts[0].recurse().getElementsByClass(note.Note)]
    first, second, third, fourth = (x.pitch for x in melody[:4])
    assert (first.step, first.accidental.alter, first.octave) == ("C", 0.5, 4)
    assert (second.step, second.accidental.alter) == ("E", -0.5)
    assert third.ps == pytest.approx(TURKISH / 100, abs=0.0001)
    assert (fourth.step, fourth.accidental.alter) == ("D", 0.2264)
    sounding = sorted(round(p.ps * 100, 1) for x in micro_score.parts[1].recurse().notes for p in x.pitches)
    assert 6035.0 in sounding and 6450.0 in sounding


def test_every_part_has_full_measures(micro, micro_score):
    assert measure_fill_problems(micro_score, F(4)) == []
    assert measure_fill_problems(micro.to_music21(), F(4)) == []
    assert [len(p.getElementsByClass(stream.Measure)) for p in micro_score.parts] == [4, 4, 4, 4]


def test_drone_notes_tie_across_barlines(micro_score):
    drone = list(micro_score.parts[2].recurse().getElementsByClass(note.Note))
    assert len(drone) == 4 and [x.tie.type for x in drone] == ["start", "stop", "start", "stop"]
    assert drone[2].pitch.ps == pytest.approx(55.01955, abs=0.0001)


def test_percussion_part_is_unpitched(micro, micro_score, micro_xml):
    drums = micro_score.parts[3]
    assert drums.recurse().getElementsByClass("Clef").first().sign == "percussion"
    assert not list(drums.recurse().getElementsByClass(m21key.KeySignature))
    assert not list(drums.recurse().getElementsByClass(note.Note))
    heads = list(drums.recurse().getElementsByClass(note.Unpitched))
    for chord in drums.recurse().getElementsByClass("PercussionChord"):
        heads.extend(chord.notes)
    shown = {(h.displayStep, h.displayOctave) for h in heads}
    assert shown == {("F", 4), ("C", 5), ("G", 5)}
    part_xml = micro_xml[micro_xml.index('<part id="P4">'):]
    assert "<pitch>" not in part_xml and "<unpitched>" in part_xml
    assert "<notehead" in part_xml and ">x</notehead>" in part_xml


def test_percussion_display_is_deterministic():
    assert percussion_display(36) == ("F4", "normal")
    assert percussion_display(38) == ("C5", "normal")
    assert percussion_display(42) == ("G5", "x")
    assert percussion_display(81) == percussion_display(81)
    assert all(percussion_display(k)[0][-1] in "45" for k in range(128))


def test_microtonal_output_is_deterministic(micro):
    assert musicxml_bytes(micro) == musicxml_bytes(micro)
    for method in METHODS:
        assert midi_bytes(micro, tuning=method) == midi_bytes(micro, tuning=method)
