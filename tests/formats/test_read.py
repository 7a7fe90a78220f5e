"""Reading MIDI and MusicXML back: what partita writes survives, and foreign junk is refused in one line."""
from __future__ import annotations

import io
import os
import struct
import zipfile
from fractions import Fraction
from pathlib import Path

import mido
import pytest

from composer import compose
from composer.formats.midi import mido_key_name
from composer.formats.midi_read import read_midi
from composer.formats.musicxml_read import read_musicxml
from composer.formats.read import read_piece
from composer.formats.reading import MAX_FILE_BYTES
from composer.score.errors import ComposerError, ReadError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = {"minuet": ROOT / "examples" / "minuet_in_g.yaml", "rast": ROOT / "examples" / "maqam_rast_maqsum.yaml"}
FORMATS = (".mid", ".musicxml")
CENTS_TOLERANCE = 2.0


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """Each example composed once and written in both formats: {name: (piece, {ext: path})}."""
    folder = tmp_path_factory.mktemp("read")
    out = {}
    for name, spec in EXAMPLES.items():
        piece = compose(spec)
        out[name] = (piece, {ext: Path(piece.write(folder / f"{name}{ext}")) for ext in FORMATS})
    return out


def assert_same_notes(original, read, exact_pitch_of_percussion: bool = True) -> None:
    a, b = original.sorted_notes(), read.sorted_notes()
    assert len(a) == len(b), f"part {original.name!r}: {len(a)} notes written, {len(b)} read"
    for x, y in zip(a, b):
        assert (x.offset, x.duration) == (y.offset, y.duration), (x, y)
        assert isinstance(y.offset, Fraction) and isinstance(y.duration, Fraction)
        if exact_pitch_of_percussion or original.role != "percussion":
            assert abs(x.pitch.cents - y.pitch.cents) <= CENTS_TOLERANCE, (x, y)


def assert_round_trip(piece, read, fmt: str) -> None:
    assert (read.meter.numerator, read.meter.denominator) == (piece.meter.numerator, piece.meter.denominator)
    assert read.bars == piece.bars
    assert read.tempo_bpm == pytest.approx(piece.tempo_bpm, abs=0.01)
    assert read.title == piece.title
    assert [p.name for p in read.parts] == [p.name for p in piece.parts]
    for original in piece.parts:
        part = read.part(original.name)
        assert part.role == ("percussion" if original.role == "percussion" else "melody")
        # MusicXML shows percussion keys by staff position, which several keys may share.
        assert_same_notes(original, part, exact_pitch_of_percussion=fmt != ".musicxml")
    # Key signatures are kept (a maqam's as the western key of the same signature).
    assert read.key.fifths == piece.key.fifths
    assert mido_key_name(read.key) == mido_key_name(piece.key)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", list(EXAMPLES))
def test_round_trip(written, name, fmt):
    piece, paths = written[name]
    read = read_piece(paths[fmt])
    assert_round_trip(piece, read, fmt)
    melody = read.part("melody")
    assert len(melody.notes) == len(piece.part("melody").notes) > 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_minuet_keeps_its_keys_and_modulations(written, fmt):
    piece, paths = written["minuet"]
    read = read_piece(paths[fmt])
    assert str(read.key) == str(piece.key) == "G major"
    changes = [(c.offset, str(c.key)) for c in piece.keys]
    assert [(c.offset, str(c.key)) for c in read.keys] == changes


@pytest.mark.parametrize("fmt", FORMATS)
def test_quarter_tones_survive(written, fmt):
    piece, paths = written["rast"]
    written_bends = {round(n.pitch.bend_cents) for n in piece.part("melody").notes}
    assert written_bends & {50, -50}, "the rast example should have quarter tones"
    read_bends = {round(n.pitch.bend_cents) for n in read_piece(paths[fmt]).part("melody").notes}
    assert read_bends == written_bends


def test_midi_tuning_standard_is_read(written, tmp_path):
    piece, _ = written["rast"]
    path = Path(piece.write(tmp_path / "rast_mts.mid", midi_tuning="mts"))
    assert_round_trip(piece, read_midi(path), ".mid")


def test_compressed_musicxml(written, tmp_path):
    piece, paths = written["rast"]
    path = tmp_path / "rast.mxl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("META-INF/container.xml",
                         '<?xml version="1.0" encoding="UTF-8"?><container><rootfiles>'
                         '<rootfile full-path="score/rast.musicxml"/></rootfiles></container>')
        archive.writestr("score/rast.musicxml", paths[".musicxml"].read_bytes())
    assert_round_trip(piece, read_piece(path), ".musicxml")


def test_read_piece_dispatches_by_extension(written, tmp_path):
    piece, paths = written["minuet"]
    for ext, reader in ((".midi", read_midi), (".xml", read_musicxml), (".MID", read_midi)):
        source = paths[".mid"] if "mid" in ext.lower() else paths[".musicxml"]
        copy = tmp_path / f"copy{ext}"
        copy.write_bytes(source.read_bytes())
        assert len(read_piece(copy).part("melody").notes) == len(reader(copy).part("melody").notes)


def test_a_foreign_midi_file(tmp_path):
    """A type-0 file at 96 ticks per quarter, with drums on channel 9 in the same track."""
    mid = mido.MidiFile(type=0, ticks_per_beat=96)
    track = mido.MidiTrack([
        mido.MetaMessage("track_name", name="Tune"),
        mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(90)),
        mido.MetaMessage("time_signature", numerator=6, denominator=8),
        mido.MetaMessage("key_signature", key="Em"),
        mido.Message("program_change", channel=0, program=40),
        mido.Message("note_on", channel=0, note=64, velocity=70),
        mido.Message("note_on", channel=9, note=36, velocity=100),
        mido.Message("note_off", channel=9, note=36, time=32),
        mido.Message("note_off", channel=0, note=64, time=112),
        mido.Message("note_on", channel=0, note=67, velocity=70, time=0),
        mido.Message("note_on", channel=0, note=67, velocity=0, time=48),
    ])
    mid.tracks.append(track)
    path = tmp_path / "foreign.mid"
    mid.save(path)
    piece = read_midi(path)
    assert str(piece.key) == "E minor" and str(piece.meter) == "6/8" and piece.tempo_bpm == 90
    melody, drums = piece.parts
    assert (melody.role, drums.role) == ("melody", "percussion")
    assert melody.instrument.program == 40
    assert [(n.offset, n.duration, n.pitch.cents) for n in melody.notes] == [
        (Fraction(0), Fraction(3, 2), 6400.0), (Fraction(3, 2), Fraction(1, 2), 6700.0)]
    assert [(n.offset, n.duration, n.pitch.cents) for n in drums.notes] == [(Fraction(0), Fraction(1, 3), 3600.0)]
    assert piece.bars == 1


# --- what is refused -----------------------------------------------------------------------------

def _midi_bytes(written) -> bytes:
    return written["minuet"][1][".mid"].read_bytes()


def _xml_bytes(written) -> bytes:
    return written["minuet"][1][".musicxml"].read_bytes()


def _with_track_length(data: bytes, which: int, length: int) -> bytes:
    at = -1
    for _ in range(which + 1):
        at = data.index(b"MTrk", at + 1)
    return data[:at + 4] + struct.pack(">L", length) + data[at + 8:]


def _with_header_field(data: bytes, offset: int, value: bytes) -> bytes:
    return data[:offset] + value + data[offset + len(value):]


def _with_tempo(data: bytes, microseconds: int) -> bytes:
    at = data.index(b"\xff\x51\x03") + 3
    return data[:at] + microseconds.to_bytes(3, "big") + data[at + 3:]


def _bent_out_of_range() -> bytes:
    track = mido.MidiTrack([mido.Message("control_change", channel=0, control=c, value=v)
                            for c, v in ((101, 0), (100, 0), (6, 24), (38, 0))])
    track += [mido.Message("pitchwheel", channel=0, pitch=8191), mido.Message("note_on", channel=0, note=127),
              mido.Message("note_off", channel=0, note=127, time=480)]
    mid = mido.MidiFile(ticks_per_beat=480)
    mid.tracks.append(track)
    buffer = io.BytesIO()
    mid.save(file=buffer)
    return buffer.getvalue()


def _no_notes_midi() -> bytes:
    mid = mido.MidiFile(ticks_per_beat=480)
    mid.tracks.append(mido.MidiTrack([mido.MetaMessage("track_name", name="silence")]))
    buffer = io.BytesIO()
    mid.save(file=buffer)
    return buffer.getvalue()


_PART_LIST = '<part-list><score-part id="P1"><part-name>x</part-name></score-part></part-list>'
MALFORMED = {
    "empty.mid": (lambda w: b"", "empty"),
    "empty.musicxml": (lambda w: b"", "empty"),
    "random.mid": (lambda w: os.urandom(400), "not a MIDI file"),
    "random.musicxml": (lambda w: bytes(range(256)) * 2, "not a MusicXML file"),
    "random.mxl": (lambda w: os.urandom(400), "not a readable compressed MusicXML"),
    "header_cut.mid": (lambda w: _midi_bytes(w)[:10], "truncated"),
    "half.mid": (lambda w: _midi_bytes(w)[: len(_midi_bytes(w)) // 2], "truncated"),
    "track_length_huge.mid": (lambda w: _with_track_length(_midi_bytes(w), 0, 0x7FFFFFFF), "MIDI"),
    "track_length_short.mid": (lambda w: _with_track_length(_midi_bytes(w), 1, 3), "corrupt MIDI"),
    "zero_division.mid": (lambda w: _with_header_field(_midi_bytes(w), 12, b"\x00\x00"), "time division 0"),
    "smpte.mid": (lambda w: _with_header_field(_midi_bytes(w), 12, b"\xe7\x28"), "SMPTE"),
    "zero_tempo.mid": (lambda w: _with_tempo(_midi_bytes(w), 0), "tempo"),
    "absurd_tempo.mid": (lambda w: _with_tempo(_midi_bytes(w), 1), "absurd"),
    "bent_too_high.mid": (lambda w: _bent_out_of_range(), "outside MIDI keys 0-127"),
    "no_notes.mid": (lambda w: _no_notes_midi(), "no notes"),
    "musicxml_named.mid": (lambda w: _xml_bytes(w), "not a MIDI file"),
    "midi_named.musicxml": (lambda w: _midi_bytes(w), "not a MusicXML file"),
    "page.xml": (lambda w: b"<?xml version='1.0'?><html><body><p>hello</p></body></html>", "root element is <html>"),
    "cut.musicxml": (lambda w: _xml_bytes(w)[: len(_xml_bytes(w)) // 2], "XML syntax error at line"),
    "mismatched.musicxml": (lambda w: _xml_bytes(w).replace(b"</measure>", b"</measur>", 1), "XML syntax error"),
    "entities.musicxml": (lambda w: b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa">'
                          b'<!ENTITY b "&a;&a;&a;&a;&a;&a;">]><score-partwise>&b;</score-partwise>', "entities"),
    "no_parts.musicxml": (lambda w: b'<score-partwise version="4.0"><part-list/></score-partwise>', "no parts"),
    "no_notes.musicxml": (lambda w: (
        f'<score-partwise version="4.0">{_PART_LIST}<part id="P1"><measure number="1"><attributes>'
        f'<divisions>1</divisions></attributes><note><rest/><duration>4</duration></note></measure></part>'
        f'</score-partwise>').encode(), "no notes"),
    "bad_divisions.musicxml": (lambda w: _xml_bytes(w).replace(b"<divisions>", b"<divisions>x", 1),
                               "cannot read the MusicXML"),
    "too_high.musicxml": (lambda w: _xml_bytes(w).replace(b"<octave>4</octave>", b"<octave>11</octave>", 1),
                          "outside MIDI keys 0-127"),
    "timewise.musicxml": (lambda w: b'<score-timewise version="4.0"/>', "score-timewise"),
    "notes.txt": (lambda w: b"C D E F G", "cannot read files ending '.txt'"),
    "no_extension": (lambda w: _midi_bytes(w), "no extension"),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_files_raise_read_error(written, tmp_path, name):
    make, words = MALFORMED[name]
    path = tmp_path / name
    path.write_bytes(make(written))
    with pytest.raises(ReadError) as info:
        read_piece(path)
    message = str(info.value)
    assert name in message and words in message, message
    assert "\n" not in message and "Traceback" not in message


def test_missing_file(tmp_path):
    for name in ("gone.mid", "gone.musicxml"):
        with pytest.raises(ReadError, match="gone.* file not found"):
            read_piece(tmp_path / name)


def test_a_folder_is_not_a_file(tmp_path):
    (tmp_path / "folder.mid").mkdir()
    with pytest.raises(ReadError, match="folder.mid: not a file"):
        read_piece(tmp_path / "folder.mid")


@pytest.mark.parametrize("name", ["huge.mid", "huge.musicxml"])
def test_files_over_20_mb_are_refused_unread(tmp_path, name):
    path = tmp_path / name
    with open(path, "wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)  # sparse: no real 20 MB written
    with pytest.raises(ReadError, match=f"{name}: file is {MAX_FILE_BYTES + 1} bytes, over the limit"):
        read_piece(path)


def test_read_error_is_a_composer_error():
    assert issubclass(ReadError, ComposerError)


def test_a_grace_note_written_off_before_on_is_no_note(tmp_path):
    """music21 writes a grace note as a note-off then a note-on of its key at one tick: a note of no length,
    which must not stay open until that key's next note-off (and swallow the bars between)."""
    import mido

    from composer.formats.read import read_piece

    mid = mido.MidiFile(ticks_per_beat=480)
    track = mido.MidiTrack()
    mid.tracks.append(track)
    events = [(0, "note_on", 67), (480, "note_off", 67), (0, "note_off", 74), (0, "note_on", 74),
              (0, "note_on", 72), (480, "note_off", 72), (0, "note_on", 74), (480, "note_off", 74)]
    for delta, kind, key in events:
        track.append(mido.Message(kind, note=key, velocity=90 if kind == "note_on" else 0, time=delta))
    path = tmp_path / "grace.mid"
    mid.save(path)
    notes = [(float(n.offset), float(n.duration), round(n.pitch.cents)) for n in read_piece(path).parts[0].notes]
    assert notes == [(0.0, 1.0, 6700), (1.0, 1.0, 7200), (2.0, 1.0, 7400)]
