"""Reading MusicXML (.musicxml, .xml, compressed .mxl) into `PieceData`, through music21's importer
(see `formats.read` for what is kept).
"""
from __future__ import annotations

import io
import math
import warnings
import xml.etree.ElementTree as ET
import zipfile
from fractions import Fraction
from pathlib import Path

from theory import Meter, Pitch

from ..score.errors import ReadError
from ..score.notes import KeyChange, Lyric, Note, Part
from ..score.piece import PieceData
from .notation import EXTEND_MARK, LYRIC_SYLLABIC, PERCUSSION_DISPLAY, PERCUSSION_ROLE
from .provenance import PROVENANCE_FIELD, parse_provenance
from .reading import (
    DEFAULT_MUSICXML_TEMPO_BPM,
    DEFAULT_VELOCITY,
    MAX_MXL_UNCOMPRESSED_BYTES,
    MELODY_ROLE,
    MIDI_KEYS,
    bars_of,
    carried_settings,
    check_extent,
    check_tempo,
    checked_pitch,
    instrument_of,
    key_changes,
    meter_of,
    read_bytes,
    read_error,
    reason_of,
)

_MXL_CONTAINER = "META-INF/container.xml"


def _mxl_score_bytes(path: Path, data: bytes) -> bytes:
    """The score document inside a compressed MusicXML (.mxl) archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            total = sum(i.file_size for i in infos)
            if total > MAX_MXL_UNCOMPRESSED_BYTES:
                raise read_error(path, f"the .mxl archive unpacks to {total} bytes, over the limit of "
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
                raise read_error(path, "the .mxl archive holds no MusicXML score")
            with archive.open(target) as member:    # never more than the limit, whatever the header says
                score = member.read(MAX_MXL_UNCOMPRESSED_BYTES + 1)
            if len(score) > MAX_MXL_UNCOMPRESSED_BYTES:
                raise read_error(path, f"the .mxl archive unpacks to more than {MAX_MXL_UNCOMPRESSED_BYTES} bytes")
            return score
    except ReadError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, KeyError) as exc:
        raise read_error(path, f"not a readable compressed MusicXML (.mxl) archive ({reason_of(exc)})") from None


def _parse_xml(path: Path, data: bytes, inside: str = "") -> ET.Element:
    if b"<!ENTITY" in data:
        raise read_error(path, f"the XML{inside} declares entities, which are not read (they can expand without bound)")
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        message = str(exc).split(":")[0]
        raise read_error(path, f"XML syntax error{inside} at line {line}, column {column + 1}: {message}") from None


def _score_root(path: Path, data: bytes) -> ET.Element:
    if path.suffix.lower() == ".mxl" or data.startswith(b"PK\x03\x04"):
        data = _mxl_score_bytes(path, data)
    elif not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise read_error(path, "not a MusicXML file (it is not XML)")
    root = _parse_xml(path, data)
    if root.tag == "score-timewise":
        raise read_error(path, "score-timewise MusicXML is not supported (accepted: score-partwise)")
    if root.tag != "score-partwise":
        raise read_error(path, f"not a MusicXML file (the root element is <{root.tag}>, expected <score-partwise>)")
    parts = root.findall("part")
    if not parts:
        raise read_error(path, "the MusicXML holds no parts")
    # Counted before music21 reads the score, which takes time growing with the square of a part's measures.
    check_extent(path, notes=sum(1 for _ in root.iter("note")), parts=len(parts),
                 bars=max(len(p.findall("measure")) for p in parts))
    for signature in root.iter("time"):      # one partita cannot read is refused before music21 lays it out
        beats, beat_type = signature.findtext("beats", ""), signature.findtext("beat-type", "")
        if beats.strip().isdigit() and beat_type.strip().isdigit():
            meter_of(path, int(beats), int(beat_type))
    return root


def _mark_extenders(root: ET.Element) -> None:
    """music21 reads no <extend>: name each lyric that starts one, as our writer does, to find it again."""
    for lyric in root.iter("lyric"):
        extend = lyric.find("extend")
        if extend is not None and extend.get("type") in (None, "start") and lyric.find("text") is not None:
            lyric.set("name", EXTEND_MARK)


def _m21_lyric(element) -> Lyric | None:
    """Our lyric of a music21 note or chord: verse 1 where it has one, else its first lyric with text."""
    lyrics = [ly for ly in element.lyrics if (ly.text or "").strip()]
    if not lyrics:
        return None
    chosen = next((ly for ly in lyrics if ly.number == 1), lyrics[0])
    syllabic = chosen.syllabic if chosen.syllabic in LYRIC_SYLLABIC else "single"
    return Lyric(chosen.text.strip(), syllabic, extend=chosen.identifier == EXTEND_MARK)


def _music21_score(path: Path, root: ET.Element):
    from music21.musicxml.xmlToM21 import MusicXMLImporter  # deferred: music21 takes about 0.5 s to import

    importer = MusicXMLImporter()
    try:
        with warnings.catch_warnings():  # music21 warns, then raises, for a bad measure: report it once
            warnings.simplefilter("ignore")
            importer.xmlRootToScore(root, importer.stream)
    except Exception as exc:  # noqa: BLE001 - music21 raises many types for odd documents
        raise read_error(path, f"cannot read the MusicXML ({reason_of(exc)})") from None
    return importer.stream


def _percussion_keys() -> dict[tuple[str, str], int]:
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
    from music21 import chord  # deferred: music21 takes about 0.5 s to import

    return list(element.notes) if isinstance(element, chord.ChordBase) else [element]


def _element_cents(element, percussion_keys) -> list[float]:
    from music21 import note  # deferred: music21 takes about 0.5 s to import

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
    from music21 import harmony, note  # deferred: music21 takes about 0.5 s to import

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
            pitch = checked_pitch(path, cents, f"part {index + 1}, note at quarter {offset}")
            sung = lyric if cents == min(heads_cents) else None
            notes.append(Note(offset, duration, pitch, _velocity(element), sung))
    if not notes:
        return None
    notes.sort(key=lambda n: (n.offset, n.pitch.cents))
    inst = m21part.getInstrument(returnDefault=False)
    name = (m21part.partName or (inst.partName if inst else None) or m21part.id or f"Part {index + 1}")
    program = inst.midiProgram if inst is not None and inst.midiProgram is not None else 0
    return Part(name=str(name), role=PERCUSSION_ROLE if unpitched else MELODY_ROLE,
                instrument=instrument_of(str(name), program, notes), notes=notes)


def _m21_keys(path: Path, score, parts: list[Part]) -> list[KeyChange]:
    from music21 import key as m21key  # deferred: music21 takes about 0.5 s to import

    for m21part, part in zip(score.parts, parts):
        if part is None or part.role == PERCUSSION_ROLE:
            continue
        found = m21part.flatten().getElementsByClass(m21key.KeySignature)
        changes = [(Fraction(k.offset), int(k.sharps),
                    isinstance(k, m21key.Key) and k.mode == "minor") for k in found]
        if changes:
            return key_changes(path, changes)
    return key_changes(path, [])


def read_musicxml_file(path: Path):
    """(XML root, music21 Score) of a MusicXML file, with the hardening of this module."""
    root = _score_root(path, read_bytes(path))
    _mark_extenders(root)
    score = _music21_score(path, root)
    if not score.parts:
        raise read_error(path, "the MusicXML holds no parts")
    check_extent(path, bars=bars_of(Fraction(score.highestTime), _score_meter(path, score)))  # a long <forward>
    _check_pitches(path, score)
    return root, score


def _check_pitches(path: Path, score) -> None:
    """Refuse a pitched note outside MIDI keys 0-127 here, where `check` and `evaluate` both read the file,
    so that they accept and refuse the same files."""
    from music21 import note  # deferred: music21 takes about 0.5 s to import

    for index, part in enumerate(score.parts):
        for element in part.recurse().notes:
            for head in _heads(element):
                if isinstance(head, note.Unpitched) or getattr(head, "pitch", None) is None:
                    continue
                cents = head.pitch.ps * 100.0
                if not (math.isfinite(cents) and Pitch(cents).nearest_midi in MIDI_KEYS):   # named only when wrong
                    checked_pitch(path, cents, f"part {index + 1}, note at quarter "
                                               f"{Fraction(element.getOffsetInHierarchy(score))}")


def _score_meter(path: Path, score) -> Meter:
    """The score's first time signature (4/4 where it has none)."""
    from music21 import meter as m21meter  # deferred: music21 takes about 0.5 s to import

    signature = score.recurse().getElementsByClass(m21meter.TimeSignature).first()
    return meter_of(path, signature.numerator, signature.denominator) if signature is not None else Meter(4, 4)


def read_musicxml_score(path):
    """A MusicXML file as a music21 Score, read with the same hardening as `read_musicxml` (size
    limit, no XML entities, no music21 cache, one-line ReadError for anything unreadable)."""
    return read_musicxml_file(Path(path))[1]


def read_musicxml(path) -> PieceData:
    """A MusicXML file (.musicxml, .xml, or compressed .mxl) as a Piece (see the module docstring)."""
    path = Path(path)
    root, score = read_musicxml_file(path)
    field = root.find(f".//{{*}}miscellaneous-field[@name='{PROVENANCE_FIELD}']")
    if field is None:
        field = root.find(f".//miscellaneous-field[@name='{PROVENANCE_FIELD}']")
    carried = parse_provenance(field.text or "") if field is not None else None
    try:
        piece = _piece_from_score(path, score)
        piece.settings = carried_settings(carried)
        return piece
    except ReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - music21 objects of an odd document can fail when asked anything
        raise read_error(path, f"cannot read the MusicXML ({reason_of(exc)})") from None


def _piece_from_score(path: Path, score) -> PieceData:
    from music21 import tempo as m21tempo  # deferred: music21 takes about 0.5 s to import

    keys = _percussion_keys()
    read = [_m21_part(path, p, i, keys) for i, p in enumerate(score.parts)]
    parts = [p for p in read if p is not None]
    if not parts:
        raise read_error(path, "the MusicXML holds no notes")
    meter = _score_meter(path, score)
    mark = score.recurse().getElementsByClass(m21tempo.MetronomeMark).first()
    bpm = mark.getQuarterBPM() if mark is not None and mark.number is not None else None
    tempo = check_tempo(path, bpm, "metronome mark") if bpm is not None else DEFAULT_MUSICXML_TEMPO_BPM
    last_end = max(n.end for p in parts for n in p.notes)
    length = max(Fraction(score.highestTime), last_end)
    check_extent(path, notes=sum(len(p.notes) for p in parts), bars=bars_of(length, meter))
    title = (score.metadata.bestTitle if score.metadata is not None else None) or path.stem
    return PieceData(title=str(title), meter=meter, tempo_bpm=tempo, bars=bars_of(length, meter), parts=parts,
                 chords=[], keys=_m21_keys(path, score, read))
