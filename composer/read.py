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
  our writer places them (`render.musicxml.PERCUSSION_DISPLAY`), the lowest key where
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

import io
import math
import warnings
import xml.etree.ElementTree as ET
import zipfile
from fractions import Fraction
from pathlib import Path

from theory import Key, Meter, Pitch, TheoryError

from .errors import ReadError
from .provenance import MIDI_PREFIX, PROVENANCE_FIELD, parse_provenance
from .piece import Instrument, KeyChange, Lyric, Note, Part, Piece

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_MXL_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MIDI_EXTENSIONS = (".mid", ".midi")
MUSICXML_EXTENSIONS = (".musicxml", ".xml", ".mxl")
DEFAULT_MIDI_TEMPO_BPM = 120.0
DEFAULT_MUSICXML_TEMPO_BPM = 100.0
TEMPO_RANGE_BPM = (1.0, 1000.0)
TEMPO_DECIMALS = 3
MIDI_KEYS = range(128)
DEFAULT_VELOCITY = 80
DRUM_CHANNEL = 9
PERCUSSION_ROLE = "percussion"
MELODY_ROLE = "melody"
_MAJOR_BY_FIFTHS = ("Cb", "Gb", "Db", "Ab", "Eb", "Bb", "F", "C", "G", "D", "A", "E", "B", "F#", "C#")
_MINOR_BY_FIFTHS = ("Ab", "Eb", "Bb", "F", "C", "G", "D", "A", "E", "B", "F#", "C#", "G#", "D#", "A#")
_MXL_CONTAINER = "META-INF/container.xml"


def _error(path: Path, reason: str) -> ReadError:
    return ReadError(f"{path}: {reason}")


def _reason(exc: BaseException) -> str:
    """One line saying what a library raised."""
    lines = str(exc).strip().splitlines()
    text = lines[0].strip() if lines else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise _error(path, "file not found")
    if not path.is_file():
        raise _error(path, "not a file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise _error(path, f"file is {size} bytes, over the limit of {MAX_FILE_BYTES} bytes (20 MB)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _error(path, f"cannot be read ({exc.strerror})") from None
    if not data:
        raise _error(path, "file is empty")
    return data


def read_piece(path) -> Piece:
    """Read a MIDI (.mid, .midi) or MusicXML (.musicxml, .xml, .mxl) file, chosen by extension."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext in MIDI_EXTENSIONS:
        return read_midi(path)
    if ext in MUSICXML_EXTENSIONS:
        return read_musicxml(path)
    raise _error(path, f"cannot read files ending {ext or '(no extension)'!r} "
                       f"(accepted: {', '.join(MIDI_EXTENSIONS + MUSICXML_EXTENSIONS)})")


def _carried(provenance: dict | None) -> dict:
    return {"provenance": provenance} if provenance else {}


def _western_key(path: Path, fifths: int, minor: bool) -> Key:
    """The major or minor key of a signature of `fifths` sharps (negative: flats)."""
    if not -7 <= fifths <= 7:
        raise _error(path, f"key signature of {fifths} fifths (accepted: -7 to 7)")
    tonic = (_MINOR_BY_FIFTHS if minor else _MAJOR_BY_FIFTHS)[fifths + 7]
    return Key.parse(f"{tonic} {'minor' if minor else 'major'}")


def _check_tempo(path: Path, bpm: float | None, where: str) -> float:
    low, high = TEMPO_RANGE_BPM
    if bpm is None or not math.isfinite(bpm) or not low <= bpm <= high:
        shown = "infinite" if bpm is None or not math.isfinite(bpm) else f"{bpm:g}"
        raise _error(path, f"{where}: tempo {shown} bpm is absurd (accepted: {low:g} to {high:g} bpm)")
    return float(bpm)


def _meter(path: Path, numerator: int, denominator: int) -> Meter:
    try:
        return Meter(int(numerator), int(denominator))
    except (TheoryError, TypeError, ValueError) as exc:
        raise _error(path, f"time signature {numerator}/{denominator} is not supported ({exc})") from None


def _checked_pitch(path: Path, cents: float, where: str) -> Pitch:
    if not math.isfinite(cents):
        raise _error(path, f"{where}: pitch is not a number")
    pitch = Pitch(float(cents))
    if pitch.nearest_midi not in MIDI_KEYS:
        raise _error(path, f"{where}: pitch {cents:g} cents is outside MIDI keys 0-127")
    return pitch


def _instrument(name: str, program: int, notes: list[Note]) -> Instrument:
    low = min(n.pitch for n in notes)
    high = max(n.pitch for n in notes)
    return Instrument(name=name, program=max(0, min(127, int(program))), low=low, high=high)


def _bars(length: Fraction, meter: Meter) -> int:
    return max(1, math.ceil(length / meter.bar_quarters))


def _key_changes(path: Path, changes: list[tuple[Fraction, int, bool]]) -> list[KeyChange]:
    """KeyChanges from (offset, fifths, minor), in time order, without repeats; C major when none at 0."""
    keys: list[KeyChange] = []
    for offset, fifths, minor in sorted(changes, key=lambda c: c[0]):
        key = _western_key(path, fifths, minor)
        if keys and keys[-1].offset == offset:
            keys[-1] = KeyChange(offset, key)
        elif not keys or keys[-1].key != key:
            keys.append(KeyChange(offset, key))
    if not keys or keys[0].offset > 0:
        keys.insert(0, KeyChange(Fraction(0), Key.parse("C major")))
    return keys


# --- MIDI ----------------------------------------------------------------------------------------

def _midi_key_signature(path: Path, name: str) -> tuple[int, bool]:
    """A mido key name ('Bb', 'F#m') -> (fifths, minor)."""
    minor = name.endswith("m")
    tonic = name[:-1] if minor else name
    table = _MINOR_BY_FIFTHS if minor else _MAJOR_BY_FIFTHS
    if tonic not in table:
        raise _error(path, f"key signature {name!r} is not a major or minor key signature")
    return table.index(tonic) - 7, minor


def _midi_meta(path: Path, mid) -> dict:
    """Tempo, meter, key signatures, track names, programs and track lengths of a mido file."""
    info = {"tempo": None, "meter": None, "keys": [], "names": {}, "programs": {}, "length_ticks": 0}
    tpq = mid.ticks_per_beat
    for index, track in enumerate(mid.tracks):
        tick = 0
        for msg in track:
            tick += msg.time
            if msg.type == "set_tempo":
                # Microseconds per quarter are whole numbers: 112 bpm is stored as 535714 us (112.00006 bpm).
                bpm = round(60_000_000 / msg.tempo, TEMPO_DECIMALS) if msg.tempo > 0 else None
                bpm = _check_tempo(path, bpm, f"track {index}, tick {tick}")
                if info["tempo"] is None or tick < info["tempo"][0]:
                    info["tempo"] = (tick, bpm)
            elif msg.type == "time_signature":
                if info["meter"] is None or tick < info["meter"][0]:
                    info["meter"] = (tick, msg.numerator, msg.denominator)
            elif msg.type == "key_signature":
                info["keys"].append((Fraction(tick, tpq),) + _midi_key_signature(path, msg.key))
            elif msg.type == "text" and msg.text.startswith(MIDI_PREFIX) and "provenance" not in info:
                info["provenance"] = parse_provenance(msg.text)
            elif msg.type == "track_name" and index not in info["names"] and msg.name.strip():
                info["names"][index] = msg.name.strip()
            elif msg.type == "program_change":
                info["programs"].setdefault((index, msg.channel), msg.program)
        info["length_ticks"] = max(info["length_ticks"], tick)
    return info


def _parse_midi(path: Path, data: bytes):
    import mido

    if not data.startswith(b"MThd"):
        raise _error(path, "not a MIDI file (it does not start with the 'MThd' header)")
    try:
        mid = mido.MidiFile(file=io.BytesIO(data))
    except EOFError:
        raise _error(path, "truncated MIDI file (the data ends inside a chunk)") from None
    except Exception as exc:  # noqa: BLE001 - mido raises OSError, ValueError, KeySignatureError...
        raise _error(path, f"corrupt MIDI file ({_reason(exc)})") from None
    if mid.ticks_per_beat <= 0:
        raise _error(path, f"time division {mid.ticks_per_beat} is not ticks per quarter note (zero or SMPTE "
                           f"time; accepted: 1 to 32767 ticks per quarter note)")
    if not mid.tracks:
        raise _error(path, "the MIDI file has no tracks")
    return mid


def read_midi(path) -> Piece:
    """A standard MIDI file (type 0, 1 or 2) as a Piece: one part per track (see the module docstring)."""
    from .render.midi import read_midi_notes

    path = Path(path)
    data = _read_bytes(path)
    mid = _parse_midi(path, data)
    tpq = mid.ticks_per_beat
    meta = _midi_meta(path, mid)
    try:
        raw = read_midi_notes(data, channels=True)
    except Exception as exc:  # noqa: BLE001 - whatever the bytes make the note reader raise, in one line
        raise _error(path, f"corrupt MIDI note data ({_reason(exc)})") from None
    # read_midi_notes gives quarters as floats of tick / tpq; round back to the exact tick.
    grouped: dict[tuple[int, bool], list[tuple[Note, int]]] = {}
    for track, onset_q, duration_q, cents, velocity, channel in raw:
        start, length = round(onset_q * tpq), round(duration_q * tpq)
        if length <= 0:
            continue
        offset = Fraction(start, tpq)
        pitch = _checked_pitch(path, cents, f"track {track}, note at quarter {offset}")
        note = Note(offset, Fraction(length, tpq), pitch, max(1, min(127, int(velocity))))
        grouped.setdefault((track, channel == DRUM_CHANNEL), []).append((note, channel))
    if not grouped:
        raise _error(path, "the MIDI file holds no notes")
    parts = []
    for (track, drums), members in sorted(grouped.items()):
        notes = sorted((n for n, _ in members), key=lambda n: (n.offset, n.pitch.cents))
        name = meta["names"].get(track) or f"Track {track}"
        if drums and (track, False) in grouped:
            name += " (percussion)"
        program = 0 if drums else meta["programs"].get((track, members[0][1]), 0)
        parts.append(Part(name=name, role=PERCUSSION_ROLE if drums else MELODY_ROLE,
                          instrument=_instrument(name, program, notes), notes=notes))
    _attach_midi_lyrics(path, data, tpq, grouped, parts)
    meter = _meter(path, *meta["meter"][1:]) if meta["meter"] else Meter(4, 4)
    tempo = meta["tempo"][1] if meta["tempo"] else DEFAULT_MIDI_TEMPO_BPM
    last_end = max(n.end for p in parts for n in p.notes)
    length = max(Fraction(meta["length_ticks"], tpq), last_end)
    title = meta["names"].get(0) if not any(t == 0 for t, _ in grouped) else None
    return Piece(title=title or path.stem, meter=meter, tempo_bpm=tempo, bars=_bars(length, meter), parts=parts,
                 chords=[], keys=_key_changes(path, meta["keys"]), settings=_carried(meta.get("provenance")))


def _attach_midi_lyrics(path: Path, data: bytes, tpq: int, grouped: dict, parts: list[Part]) -> None:
    """Put each `lyrics` event on the note of its track that starts at its tick (see the module docstring)."""
    from .render.midi import read_midi_lyrics

    try:
        events = read_midi_lyrics(data)
    except Exception as exc:  # noqa: BLE001 - the notes were read; the lyrics are no reason to fail
        raise _error(path, f"corrupt MIDI lyric data ({_reason(exc)})") from None
    if not events:
        return
    by_track = {track: part for (track, drums), part in zip(sorted(grouped), parts) if not drums}
    continues: dict[int, bool] = {}
    for track, onset_q, text in events:
        part = by_track.get(track)
        going_on = text.endswith("-") and len(text) > 1
        shown = text[:-1] if going_on else text
        before = continues.get(track, False)
        continues[track] = going_on
        if part is None or not shown.strip():
            continue
        offset = Fraction(round(onset_q * tpq), tpq)
        syllabic = ("middle" if before else "begin") if going_on else ("end" if before else "single")
        for i, n in enumerate(part.notes):
            if n.offset == offset and n.lyric is None:
                part.notes[i] = _with_lyric(n, Lyric(shown.strip(), syllabic))
                break


def _with_lyric(n: Note, lyric: Lyric | None) -> Note:
    return Note(n.offset, n.duration, n.pitch, n.velocity, lyric)


# --- MusicXML ------------------------------------------------------------------------------------

def _mxl_score_bytes(path: Path, data: bytes) -> bytes:
    """The score document inside a compressed MusicXML (.mxl) archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            total = sum(i.file_size for i in infos)
            if total > MAX_MXL_UNCOMPRESSED_BYTES:
                raise _error(path, f"the .mxl archive unpacks to {total} bytes, over the limit of "
                                   f"{MAX_MXL_UNCOMPRESSED_BYTES} bytes")
            names = [i.filename for i in infos]
            target = None
            if _MXL_CONTAINER in names:
                container = _parse_xml(path, archive.read(_MXL_CONTAINER), f" ({_MXL_CONTAINER})")
                rootfile = container.find(".//{*}rootfile")
                target = rootfile.get("full-path") if rootfile is not None else None
            if target is None:
                target = next((n for n in names if not n.startswith("META-INF/")
                               and n.lower().endswith((".xml", ".musicxml"))), None)
            if target not in names:
                raise _error(path, "the .mxl archive holds no MusicXML score")
            return archive.read(target)
    except ReadError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, KeyError) as exc:
        raise _error(path, f"not a readable compressed MusicXML (.mxl) archive ({_reason(exc)})") from None


def _parse_xml(path: Path, data: bytes, inside: str = "") -> ET.Element:
    if b"<!ENTITY" in data:
        raise _error(path, f"the XML{inside} declares entities, which are not read (they can expand without bound)")
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        message = str(exc).split(":")[0]
        raise _error(path, f"XML syntax error{inside} at line {line}, column {column + 1}: {message}") from None


def _score_root(path: Path, data: bytes) -> ET.Element:
    if path.suffix.lower() == ".mxl" or data.startswith(b"PK\x03\x04"):
        data = _mxl_score_bytes(path, data)
    elif not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise _error(path, "not a MusicXML file (it is not XML)")
    root = _parse_xml(path, data)
    if root.tag == "score-timewise":
        raise _error(path, "score-timewise MusicXML is not supported (accepted: score-partwise)")
    if root.tag != "score-partwise":
        raise _error(path, f"not a MusicXML file (the root element is <{root.tag}>, expected <score-partwise>)")
    if root.find("part") is None:
        raise _error(path, "the MusicXML holds no parts")
    return root


def _mark_extenders(root: ET.Element) -> None:
    """music21 reads no <extend>: name each lyric that starts one, as our writer does, to find it again."""
    from .render.musicxml import EXTEND_MARK

    for lyric in root.iter("lyric"):
        extend = lyric.find("extend")
        if extend is not None and extend.get("type") in (None, "start") and lyric.find("text") is not None:
            lyric.set("name", EXTEND_MARK)


def _m21_lyric(element) -> Lyric | None:
    """Our lyric of a music21 note or chord: verse 1 where it has one, else its first lyric with text."""
    from .render.musicxml import EXTEND_MARK, LYRIC_SYLLABIC

    lyrics = [ly for ly in element.lyrics if (ly.text or "").strip()]
    if not lyrics:
        return None
    chosen = next((ly for ly in lyrics if ly.number == 1), lyrics[0])
    syllabic = chosen.syllabic if chosen.syllabic in LYRIC_SYLLABIC else "single"
    return Lyric(chosen.text.strip(), syllabic, extend=chosen.identifier == EXTEND_MARK)


def _music21_score(path: Path, root: ET.Element):
    from music21.musicxml.xmlToM21 import MusicXMLImporter

    importer = MusicXMLImporter()
    try:
        with warnings.catch_warnings():  # music21 warns, then raises, for a bad measure: report it once
            warnings.simplefilter("ignore")
            importer.xmlRootToScore(root, importer.stream)
    except Exception as exc:  # noqa: BLE001 - music21 raises many types for odd documents
        raise _error(path, f"cannot read the MusicXML ({_reason(exc)})") from None
    return importer.stream


def _percussion_keys() -> dict[tuple[str, str], int]:
    from .render.musicxml import PERCUSSION_DISPLAY

    keys: dict[tuple[str, str], int] = {}
    for key, display in sorted(PERCUSSION_DISPLAY.items()):
        keys.setdefault(display, key)
    return keys


def _unpitched_cents(element, keys: dict[tuple[str, str], int]) -> float:
    """The General MIDI key of an unpitched note written as our MusicXML writer places it, in cents."""
    display = f"{element.displayStep}{element.displayOctave}"
    head = element.notehead or "normal"
    key = keys.get((display, head), keys.get((display, "normal")))
    if key is None:
        key = element.displayPitch().midi
    return key * 100.0


def _heads(element) -> list:
    """The note heads of a note, a chord or a percussion chord (whose `isChord` is False)."""
    from music21 import chord

    return list(element.notes) if isinstance(element, chord.ChordBase) else [element]


def _element_cents(element, percussion_keys) -> list[float]:
    from music21 import note

    heads = _heads(element)
    out = []
    for head in heads:
        if isinstance(head, note.Unpitched):
            out.append(_unpitched_cents(head, percussion_keys))
        else:
            out.append(head.pitch.ps * 100.0)  # ps counts the accidental's alter and the microtone
    return list(dict.fromkeys(round(c, 6) for c in out))


def _velocity(element) -> int:
    velocity = element.volume.velocity if element.volume is not None else None
    return DEFAULT_VELOCITY if velocity is None else max(1, min(127, int(round(velocity))))


def _m21_part(path: Path, m21part, index: int, percussion_keys) -> Part | None:
    from music21 import harmony, note

    flat = m21part.flatten().stripTies()
    notes: list[Note] = []
    unpitched = False
    for element in flat.notes:
        if isinstance(element, harmony.Harmony):
            continue
        duration = Fraction(element.quarterLength)
        if duration <= 0:  # grace notes take no time
            continue
        offset = Fraction(element.offset)
        heads = _heads(element)
        unpitched = unpitched or any(isinstance(h, note.Unpitched) for h in heads)
        lyric = _m21_lyric(element)
        heads_cents = _element_cents(element, percussion_keys)
        for cents in heads_cents:
            pitch = _checked_pitch(path, cents, f"part {index + 1}, note at quarter {offset}")
            sung = lyric if cents == min(heads_cents) else None
            notes.append(Note(offset, duration, pitch, _velocity(element), sung))
    if not notes:
        return None
    notes.sort(key=lambda n: (n.offset, n.pitch.cents))
    inst = m21part.getInstrument(returnDefault=False)
    name = (m21part.partName or (inst.partName if inst else None) or m21part.id or f"Part {index + 1}")
    program = inst.midiProgram if inst is not None and inst.midiProgram is not None else 0
    return Part(name=str(name), role=PERCUSSION_ROLE if unpitched else MELODY_ROLE,
                instrument=_instrument(str(name), program, notes), notes=notes)


def _m21_keys(path: Path, score, parts: list[Part]) -> list[KeyChange]:
    from music21 import key as m21key

    for m21part, part in zip(score.parts, parts):
        if part is None or part.role == PERCUSSION_ROLE:
            continue
        found = m21part.flatten().getElementsByClass(m21key.KeySignature)
        changes = [(Fraction(k.offset), int(k.sharps),
                    isinstance(k, m21key.Key) and k.mode == "minor") for k in found]
        if changes:
            return _key_changes(path, changes)
    return _key_changes(path, [])


def _read_musicxml(path: Path):
    """(XML root, music21 Score) of a MusicXML file, with the hardening of this module."""
    root = _score_root(path, _read_bytes(path))
    _mark_extenders(root)
    score = _music21_score(path, root)
    if not score.parts:
        raise _error(path, "the MusicXML holds no parts")
    return root, score


def read_musicxml_score(path):
    """A MusicXML file as a music21 Score, read with the same hardening as `read_musicxml` (size
    limit, no XML entities, no music21 cache, one-line ReadError for anything unreadable)."""
    return _read_musicxml(Path(path))[1]


def read_musicxml(path) -> Piece:
    """A MusicXML file (.musicxml, .xml, or compressed .mxl) as a Piece (see the module docstring)."""
    path = Path(path)
    root, score = _read_musicxml(path)
    field = root.find(f".//{{*}}miscellaneous-field[@name='{PROVENANCE_FIELD}']")
    if field is None:
        field = root.find(f".//miscellaneous-field[@name='{PROVENANCE_FIELD}']")
    carried = parse_provenance(field.text or "") if field is not None else None
    try:
        piece = _piece_from_score(path, score)
        piece.settings = _carried(carried)
        return piece
    except ReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - music21 objects of an odd document can fail when asked anything
        raise _error(path, f"cannot read the MusicXML ({_reason(exc)})") from None


def _piece_from_score(path: Path, score) -> Piece:
    from music21 import meter as m21meter, tempo as m21tempo

    keys = _percussion_keys()
    read = [_m21_part(path, p, i, keys) for i, p in enumerate(score.parts)]
    parts = [p for p in read if p is not None]
    if not parts:
        raise _error(path, "the MusicXML holds no notes")
    signature = score.recurse().getElementsByClass(m21meter.TimeSignature).first()
    meter = _meter(path, signature.numerator, signature.denominator) if signature is not None else Meter(4, 4)
    mark = score.recurse().getElementsByClass(m21tempo.MetronomeMark).first()
    bpm = mark.getQuarterBPM() if mark is not None and mark.number is not None else None
    tempo = _check_tempo(path, bpm, "metronome mark") if bpm is not None else DEFAULT_MUSICXML_TEMPO_BPM
    last_end = max(n.end for p in parts for n in p.notes)
    length = max(Fraction(score.highestTime), last_end)
    title = (score.metadata.bestTitle if score.metadata is not None else None) or path.stem
    return Piece(title=str(title), meter=meter, tempo_bpm=tempo, bars=_bars(length, meter), parts=parts,
                 chords=[], keys=_m21_keys(path, score, read))
