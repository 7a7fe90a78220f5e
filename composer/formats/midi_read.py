"""Reading standard MIDI files into `PieceData` (see `formats.read` for what is kept)."""
from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

from theory import Meter
from theory.key import MAJOR_TONICS_BY_FIFTHS, MINOR_TONICS_BY_FIFTHS

from ..score.notes import Lyric, Note, Part
from ..score.piece import PieceData
from .midi import DRUM_CHANNEL, read_midi_lyrics, read_midi_notes, text_of_midi
from .notation import PERCUSSION_ROLE
from .provenance import MIDI_PREFIX, parse_provenance
from .reading import (
    DEFAULT_MIDI_TEMPO_BPM,
    MELODY_ROLE,
    TEMPO_DECIMALS,
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


def _midi_key_signature(path: Path, name: str) -> tuple[int, bool]:
    """A mido key name ('Bb', 'F#m') -> (fifths, minor)."""
    minor = name.endswith("m")
    tonic = name[:-1] if minor else name
    table = MINOR_TONICS_BY_FIFTHS if minor else MAJOR_TONICS_BY_FIFTHS
    if tonic not in table:
        raise read_error(path, f"key signature {name!r} is not a major or minor key signature")
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
                bpm = check_tempo(path, bpm, f"track {index}, tick {tick}")
                if info["tempo"] is None or tick < info["tempo"][0]:
                    info["tempo"] = (tick, bpm)
            elif msg.type == "time_signature":
                if info["meter"] is None or tick < info["meter"][0]:
                    info["meter"] = (tick, msg.numerator, msg.denominator)
            elif msg.type == "key_signature":
                info["keys"].append((Fraction(tick, tpq),) + _midi_key_signature(path, msg.key))
            elif msg.type == "text" and msg.text.startswith(MIDI_PREFIX) and "provenance" not in info:
                info["provenance"] = parse_provenance(msg.text)
            elif msg.type == "track_name" and index not in info["names"] and text_of_midi(msg.name).strip():
                # Decoded before it is stripped: a UTF-8 byte read as Latin-1 can be a space (0x85, 0xA0).
                info["names"][index] = text_of_midi(msg.name).strip()
            elif msg.type == "program_change":
                info["programs"].setdefault((index, msg.channel), msg.program)
        info["length_ticks"] = max(info["length_ticks"], tick)
    return info


def _parse_midi(path: Path, data: bytes):
    if not data.startswith(b"MThd"):
        raise read_error(path, "not a MIDI file (it does not start with the 'MThd' header)")
    import mido  # deferred: 25 ms of a cold start that only reading a MIDI file needs

    try:
        mid = mido.MidiFile(file=io.BytesIO(data))
    except EOFError:
        raise read_error(path, "truncated MIDI file (the data ends inside a chunk)") from None
    except Exception as exc:  # noqa: BLE001 - mido raises OSError, ValueError, KeySignatureError...
        raise read_error(path, f"corrupt MIDI file ({reason_of(exc)})") from None
    if mid.ticks_per_beat <= 0:
        raise read_error(path, f"time division {mid.ticks_per_beat} is not ticks per quarter note (zero or SMPTE "
                           f"time; accepted: 1 to 32767 ticks per quarter note)")
    if not mid.tracks:
        raise read_error(path, "the MIDI file has no tracks")
    return mid


def read_midi(path) -> PieceData:
    """A standard MIDI file (type 0, 1 or 2) as a Piece: one part per track (see the module docstring)."""
    path = Path(path)
    data = read_bytes(path)
    mid = _parse_midi(path, data)
    tpq = mid.ticks_per_beat
    meta = _midi_meta(path, mid)
    meter = meter_of(path, *meta["meter"][1:]) if meta["meter"] else Meter(4, 4)
    check_extent(path, notes=sum(1 for track in mid.tracks for msg in track if msg.type == "note_on"),
                 parts=len(mid.tracks), bars=bars_of(Fraction(meta["length_ticks"], tpq), meter))
    try:
        raw = read_midi_notes(mid, channels=True)
    except Exception as exc:  # noqa: BLE001 - whatever the bytes make the note reader raise, in one line
        raise read_error(path, f"corrupt MIDI note data ({reason_of(exc)})") from None
    # read_midi_notes gives quarters as floats of tick / tpq; round back to the exact tick.
    grouped: dict[tuple[int, bool], list[tuple[Note, int]]] = {}
    for track, onset_q, duration_q, cents, velocity, channel in raw:
        start, length = round(onset_q * tpq), round(duration_q * tpq)
        if length <= 0:
            continue
        offset = Fraction(start, tpq)
        pitch = checked_pitch(path, cents, f"track {track}, note at quarter {offset}")
        note = Note(offset, Fraction(length, tpq), pitch, max(1, min(127, int(velocity))))
        grouped.setdefault((track, channel == DRUM_CHANNEL), []).append((note, channel))
    if not grouped:
        raise read_error(path, "the MIDI file holds no notes")
    parts = []
    for (track, drums), members in sorted(grouped.items()):
        notes = sorted((n for n, _ in members), key=lambda n: (n.offset, n.pitch.cents))
        name = meta["names"].get(track) or f"Track {track}"
        if drums and (track, False) in grouped:
            name += " (percussion)"
        program = 0 if drums else meta["programs"].get((track, members[0][1]), 0)
        parts.append(Part(name=name, role=PERCUSSION_ROLE if drums else MELODY_ROLE,
                          instrument=instrument_of(name, program, notes), notes=notes))
    _attach_midi_lyrics(path, mid, tpq, grouped, parts)
    tempo = meta["tempo"][1] if meta["tempo"] else DEFAULT_MIDI_TEMPO_BPM
    last_end = max(n.end for p in parts for n in p.notes)
    length = max(Fraction(meta["length_ticks"], tpq), last_end)
    title = meta["names"].get(0) if not any(t == 0 for t, _ in grouped) else None
    return PieceData(title=title or path.stem, meter=meter, tempo_bpm=tempo, bars=bars_of(length, meter), parts=parts,
                 chords=[], keys=key_changes(path, meta["keys"]), settings=carried_settings(meta.get("provenance")))


def _attach_midi_lyrics(path: Path, data, tpq: int, grouped: dict, parts: list[Part]) -> None:
    """Put each `lyrics` event on the note of its track that starts at its tick (see the module docstring)."""
    try:
        events = read_midi_lyrics(data)
    except Exception as exc:  # noqa: BLE001 - the notes were read; the lyrics are no reason to fail
        raise read_error(path, f"corrupt MIDI lyric data ({reason_of(exc)})") from None
    if not events:
        return
    by_track = {track: part for (track, drums), part in zip(sorted(grouped), parts) if not drums}
    continues: dict[int, bool] = {}
    starting: dict[int, dict] = {}
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
        starts = starting.setdefault(track, _notes_by_offset(part))
        i = next((i for i in starts.get(offset, ()) if part.notes[i].lyric is None), None)
        if i is not None:
            part.notes[i] = _with_lyric(part.notes[i], Lyric(shown.strip(), syllabic))


def _notes_by_offset(part: Part) -> dict[Fraction, list[int]]:
    """The indices of a part's notes by their offset, in order."""
    out: dict[Fraction, list[int]] = {}
    for i, n in enumerate(part.notes):
        out.setdefault(n.offset, []).append(i)
    return out


def _with_lyric(n: Note, lyric: Lyric | None) -> Note:
    return Note(n.offset, n.duration, n.pitch, n.velocity, lyric)
