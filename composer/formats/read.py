"""Reading foreign files: standard MIDI files and MusicXML, into a `Piece`.

`read_piece(path)` chooses by extension (.mid/.midi, .musicxml/.xml/.mxl). The readers
trust nothing they read: a missing, empty, oversized (over `MAX_FILE_BYTES`), truncated or
corrupt file, a file that is not what its name says, XML with a syntax error or entity
declarations, a MIDI file with a zero or SMPTE time division or an absurd tempo, a score
with no parts or notes, or a note outside MIDI keys 0-127 raises `ReadError` naming the
file and the reason in one line; mido's and music21's own exceptions never escape.

What is kept:

* every part with its notes at exact offsets and durations (`Fraction` quarter notes) and
  pitch in cents; microtones from MIDI pitch bend (with the RPN bend range) or MIDI Tuning
  Standard retunings, from MusicXML quarter-tone alters, decimal alters and `microtone`
  cents. Tied MusicXML notes are merged; chords become simultaneous notes.
* MIDI: one part per track (a track's notes on channel 9 form a separate part with role
  "percussion"; the others have role "melody"), named by the track name.
  MusicXML: one part per part, role "percussion" where its notes are unpitched; an
  unpitched note's General MIDI key is recovered from its staff position and notehead as
  our writer places them (`formats.notation.PERCUSSION_DISPLAY`), the lowest key where
  several share a place.
* the first tempo (MIDI default 120 bpm, MusicXML default 100 bpm), the first time
  signature (default 4/4; an additive grouping is not stored in either format, so the
  meter gets its default grouping), and key signatures as western major or minor keys
  (default C major).
* lyrics (verse 1, or the first lyric of a note), into `Note.lyric`: from MusicXML the text,
  `<syllabic>` and `<extend>`; from MIDI each `lyrics` event on a part's track goes to that
  track's note starting at the same tick (a trailing '-' means the word goes on: begin or
  middle; no extenders). In a chord, the lowest note carries it.
* bars: the length of the file (the longest MIDI track, the MusicXML measures) rounded up
  to whole bars.
"""
from __future__ import annotations

from pathlib import Path

from ..score.piece import PieceData
from .midi_read import read_midi
from .musicxml_read import read_musicxml
from .reading import MIDI_EXTENSIONS, MUSICXML_EXTENSIONS, read_error


def read_piece(path) -> PieceData:
    """Read a MIDI (.mid, .midi) or MusicXML (.musicxml, .xml, .mxl) file, chosen by extension."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext in MIDI_EXTENSIONS:
        return read_midi(path)
    if ext in MUSICXML_EXTENSIONS:
        return read_musicxml(path)
    raise read_error(path, f"cannot read files ending {ext or '(no extension)'!r} "
                       f"(accepted: {', '.join(MIDI_EXTENSIONS + MUSICXML_EXTENSIONS)})")
