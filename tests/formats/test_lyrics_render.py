"""Lyric underlay: MusicXML <lyric> (syllabic, text, extend) and MIDI lyrics events, read back."""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from fractions import Fraction as F

import mido
import numpy as np
import pytest
from music21 import converter

from composer.formats.midi import TICKS_PER_QUARTER, lyric_event_text, midi_bytes, read_midi_lyrics
from composer.formats.midi_read import read_midi
from composer.formats.musicxml import musicxml_bytes
from composer.formats.musicxml_read import read_musicxml
from composer.piece import Instrument, KeyChange, Lyric, Note, Part, Piece
from composer.score.errors import RenderError
from composer.text.lyric_rhythm import lyric_rhythm
from composer.text.lyrics import note_lyrics, parse_lyrics
from theory import Key, Meter, Pitch

VOICE = Instrument("Soprano", 52, Pitch.from_name("C4"), Pitch.from_name("A5"))
PIANO = Instrument("Piano", 0, Pitch.from_name("A0"), Pitch.from_name("C8"))


def n(offset, duration, name, lyric=None) -> Note:
    return Note(F(offset), F(duration), Pitch.from_name(name), 80, lyric)


@pytest.fixture
def song() -> Piece:
    """Two bars of 4/4 (sung part first) with a word melisma, an extender across a barline, a note
    split into tied values, punctuation and a non-ASCII syllable; a piano part without lyrics."""
    sung = Part("Soprano", "melody", VOICE, [
        n(0, 1, "C5", Lyric("Hap", "begin")), n(1, F(1, 2), "D5", None),     # melisma inside a word
        n(F(3, 2), F(1, 2), "E5", Lyric("py", "end")),
        n(2, F(5, 2), "F5", Lyric("day,", "single", extend=True)),          # crosses the barline
        n(F(9, 2), F(1, 2), "E5", None),                                      # the extender's end
        n(5, F(5, 4), "D5", Lyric("Cé", "begin")),                           # 5/4: quarter + 16th, tied
        n(F(25, 4), F(3, 4), "C5", Lyric("line!", "end")),
        n(7, 1, "B4", Lyric("&", "single")),
    ])
    piano = Part("Piano", "chords", PIANO, [n(0, 4, "C3"), n(4, 4, "G2")])
    return Piece("Song", Meter.parse("4/4"), 90.0, 2, [sung, piano], [], [KeyChange(F(0), Key.parse("C major"))])


def sung_lyrics(part: Part) -> list[tuple]:
    return [(str(x.offset), x.lyric) for x in part.sorted_notes()]


# --- MusicXML --------------------------------------------------------------------------------

def xml_notes(data: bytes, part_index: int = 0) -> list[ET.Element]:
    root = ET.fromstring(data)
    part = root.findall("part")[part_index]
    return [el for el in part.iter("note") if el.find("rest") is None]


def test_musicxml_lyric_elements(song):
    data = musicxml_bytes(song)
    notes = xml_notes(data)
    shown = []
    for el in notes:
        lyric = el.find("lyric")
        tie = [t.get("type") for t in el.findall("tie")]
        if lyric is None:
            shown.append((None, tie))
            continue
        assert lyric.attrib == {"number": "1"}
        assert [c.tag for c in lyric] == ["syllabic", "text"] + (["extend"] if lyric.find("extend") is not None else [])
        shown.append(((lyric.findtext("syllabic"), lyric.findtext("text"), lyric.find("extend") is not None), tie))
    assert shown == [
        (("begin", "Hap", False), []), (None, []), (("end", "py", False), []),
        (("single", "day,", True), ["start"]),           # the first piece of the tied note only
        (None, ["stop"]), (None, []),
        (("begin", "Cé", False), ["start"]), (None, ["stop"]),
        (("end", "line!", False), []), (("single", "&", False), []),
    ]
    assert not any(el.find("lyric") is not None for el in xml_notes(data, 1))
    assert data == musicxml_bytes(song)                  # deterministic


def test_musicxml_lyrics_read_by_music21(song, tmp_path):
    path = tmp_path / "song.musicxml"
    path.write_bytes(musicxml_bytes(song))
    score = converter.parse(str(path))
    got = [(ly.syllabic, ly.text) for el in score.parts[0].flatten().notes for ly in el.lyrics]
    assert got == [("begin", "Hap"), ("end", "py"), ("single", "day,"), ("begin", "Cé"), ("end", "line!"),
                   ("single", "&")]


def test_musicxml_round_trip_keeps_lyrics(song, tmp_path):
    path = tmp_path / "song.musicxml"
    path.write_bytes(musicxml_bytes(song))
    back = read_musicxml(path)
    assert sung_lyrics(back.parts[0]) == sung_lyrics(song.parts[0])
    assert all(x.lyric is None for x in back.parts[1].notes)


def test_foreign_extend_forms_are_read(song, tmp_path):
    data = musicxml_bytes(song).replace(b"<extend />", b'<extend type="start"/>')
    # a continuation note that carries only <extend type="stop"/> has no syllable of its own
    stop = b'<tied type="stop" />\n        </notations>'
    data = data.replace(stop, stop + b'<lyric number="1"><extend type="stop"/></lyric>', 1)
    assert data.count(b'<extend type="stop"/>') == 1 and b'<extend type="start"/>' in data
    path = tmp_path / "foreign.musicxml"
    path.write_bytes(data)
    back = read_musicxml(path)
    assert sung_lyrics(back.parts[0]) == sung_lyrics(song.parts[0])


def test_bad_syllabic_is_a_render_error(song):
    song.parts[0].notes[0] = n(0, 1, "C5", Lyric("Hap", "start"))
    with pytest.raises(RenderError, match="syllabic 'start'"):
        musicxml_bytes(song)


# --- MIDI ------------------------------------------------------------------------------------

def test_midi_lyrics_events_at_onsets(song):
    data = midi_bytes(song)
    track = mido.MidiFile(file=io.BytesIO(data)).tracks[1]
    tick, events = 0, []
    for msg in track:
        tick += msg.time
        if msg.type in ("lyrics", "note_on"):
            events.append((tick, msg.type))
    lyric_ticks = [t for t, kind in events if kind == "lyrics"]
    assert lyric_ticks == [int(x.offset * TICKS_PER_QUARTER) for x in song.parts[0].notes if x.lyric]
    for t in lyric_ticks:                                # the lyric comes just before its note
        i = events.index((t, "lyrics"))
        assert events[i + 1] == (t, "note_on")
    texts = [text for _, _, text in read_midi_lyrics(data)]
    assert texts == ["Hap-", "py", "day,", "Cé-", "line!", "&"]
    assert not any(msg.type == "lyrics" for msg in mido.MidiFile(file=io.BytesIO(data)).tracks[2])
    assert lyric_event_text(Lyric("mid", "middle")) == "mid-"


def test_midi_round_trip_keeps_syllables(song, tmp_path):
    path = tmp_path / "song.mid"
    path.write_bytes(midi_bytes(song))
    back = read_midi(path)
    want = [(o, None if ly is None else Lyric(ly.text, ly.syllabic)) for o, ly in sung_lyrics(song.parts[0])]
    assert sung_lyrics(back.parts[0]) == want            # MIDI keeps no extenders


# --- from text to a sung part ------------------------------------------------------------------

def test_a_parsed_line_set_and_written():
    meter = Meter.parse("3/4")
    line = parse_lyrics("A-ma-zing grace,_ how sweet the sound")[0]
    bars, line = lyric_rhythm(meter, 4, line, np.random.default_rng(7))
    marks = note_lyrics(line)
    onsets = [(b * meter.bar_quarters + x.offset, x.duration) for b, bar in enumerate(bars) for x in bar]
    assert len(onsets) == len(marks)
    pitches = ["G4", "C5", "E5", "C5", "D5", "E5", "D5", "C5", "A4", "G4"]
    notes = [Note(o, d, Pitch.from_name(pitches[i % len(pitches)]), 80, marks[i]) for i, (o, d) in enumerate(onsets)]
    piece = Piece("Grace", meter, 80.0, 4, [Part("Voice", "melody", VOICE, notes)], [],
                  [KeyChange(F(0), Key.parse("C major"))])
    root = ET.fromstring(musicxml_bytes(piece))
    texts = [el.findtext("lyric/text") for el in root.iter("note") if el.find("lyric") is not None]
    assert texts == ["A", "ma", "zing", "grace,", "how", "sweet", "the", "sound"]
    extended = [el.findtext("lyric/text") for el in root.iter("note") if el.find("lyric/extend") is not None]
    assert extended == ["grace,"]
