"""Standard MIDI files, written directly with mido.

A type-1 file at 480 ticks per quarter: track 0 is the conductor (title, tempo,
meter, key signatures); each part gets its own track and channel (skipping the
drum channel 9). Microtones are kept with pitch bend: every channel announces a
bend range of 2 semitones with RPN 0, and a note whose cents differ from the
channel's current bend is preceded, at the same tick, by a `pitchwheel` message.

Notes sharing a channel share its bend, so two simultaneous notes in one part
with different cent offsets cannot both sound true; the later one wins.
"""
from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

import mido

from ..errors import RenderError
from ..piece import Piece

TICKS_PER_QUARTER = 480
BEND_RANGE_SEMITONES = 2
DRUM_CHANNEL = 9
MELODIC_CHANNELS = tuple(c for c in range(16) if c != DRUM_CHANNEL)
PITCHWHEEL_MIN, PITCHWHEEL_MAX = -8192, 8191

_MAJOR_BY_FIFTHS = ("Cb", "Gb", "Db", "Ab", "Eb", "Bb", "F", "C", "G", "D", "A", "E", "B", "F#", "C#")
_MINOR_BY_FIFTHS = ("Abm", "Ebm", "Bbm", "Fm", "Cm", "Gm", "Dm", "Am", "Em", "Bm", "F#m", "C#m", "G#m", "D#m", "A#m")

# Event kinds, in the order they sound at one tick.
_OFF, _ON = 0, 1


def to_ticks(quarters: Fraction, what: str = "time") -> int:
    """Quarter notes -> ticks; a time that falls between ticks raises RenderError."""
    quarters = Fraction(quarters) if not isinstance(quarters, (Fraction, int)) else quarters
    ticks, rest = divmod(quarters.numerator * TICKS_PER_QUARTER, quarters.denominator)
    if rest:
        raise RenderError(f"{what} {quarters} quarter notes does not fall on a MIDI tick "
                          f"(resolution 1/{TICKS_PER_QUARTER} quarter note)")
    return ticks


def _channel_message(kind: str, **fields) -> mido.Message:
    """A mido channel message built without mido's per-field checks (the callers check ranges)."""
    msg = mido.Message.__new__(mido.Message)
    vars(msg).update(type=kind, time=0, **fields)
    return msg


def bend_value(bend_cents: float) -> int:
    """Cents of bend -> pitchwheel value for a range of BEND_RANGE_SEMITONES."""
    value = round(bend_cents / (BEND_RANGE_SEMITONES * 100.0) * 8192)
    return max(PITCHWHEEL_MIN, min(PITCHWHEEL_MAX, value))


def mido_key_name(key) -> str:
    """A mido key-signature name: the tonic for major/minor keys, else the signature's major key."""
    fifths = key.fifths
    if fifths > 7:
        fifths -= 12
    elif fifths < -7:
        fifths += 12
    if key.family == "minor":
        name = key.tonic.name + "m"
        return name if name in _MINOR_BY_FIFTHS else _MINOR_BY_FIFTHS[fifths + 7]
    if key.family == "major" and key.tonic.name in _MAJOR_BY_FIFTHS:
        return key.tonic.name
    return _MAJOR_BY_FIFTHS[fifths + 7]


def _with_deltas(events: list[tuple[int, mido.Message]], end_tick: int) -> mido.MidiTrack:
    track = mido.MidiTrack()
    now = 0
    for tick, msg in events:
        vars(msg)["time"] = tick - now  # ticks are non-negative ints by construction
        now = tick
        track.append(msg)
    track.append(mido.MetaMessage("end_of_track", time=max(0, end_tick - now)))
    return track


def _conductor_track(piece: Piece, end_tick: int) -> mido.MidiTrack:
    meter = piece.meter
    events = [
        (0, mido.MetaMessage("track_name", name=piece.title)),
        (0, mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(piece.tempo_bpm))),
        (0, mido.MetaMessage("time_signature", numerator=meter.numerator, denominator=meter.denominator)),
    ]
    last = None
    for change in sorted(piece.keys, key=lambda c: c.offset):
        name = mido_key_name(change.key)
        if name != last:
            events.append((to_ticks(change.offset, "key change offset"), mido.MetaMessage("key_signature", key=name)))
            last = name
    return _with_deltas(events, end_tick)


def _part_track(part, channel: int, end_tick: int) -> mido.MidiTrack:
    ch = channel
    events: list[tuple[int, mido.Message]] = [
        (0, mido.MetaMessage("track_name", name=part.name)),
        (0, mido.Message("program_change", channel=ch, program=part.instrument.program)),
    ]
    for control, value in ((101, 0), (100, 0), (6, BEND_RANGE_SEMITONES), (38, 0), (101, 127), (100, 127)):
        events.append((0, mido.Message("control_change", channel=ch, control=control, value=value)))
    raw = []
    for note in part.notes:
        start = to_ticks(note.offset, f"part {part.name!r}: note offset")
        stop = start + to_ticks(note.duration, f"part {part.name!r}: note duration")
        key = note.pitch.nearest_midi
        if not 0 <= key <= 127:
            raise RenderError(f"part {part.name!r}: pitch {note.pitch} at {note.offset} is outside MIDI keys 0-127")
        if not 1 <= note.velocity <= 127 or stop <= start:
            raise RenderError(f"part {part.name!r}: note at {note.offset} needs velocity 1-127 and a duration "
                              f"of at least one tick (received velocity {note.velocity}, duration {note.duration})")
        raw.append((start, _ON, key, bend_value(note.pitch.bend_cents), note.velocity))
        raw.append((stop, _OFF, key, 0, 0))
    raw.sort()
    current_bend = 0
    for tick, kind, key, bend, velocity in raw:
        if kind == _OFF:
            events.append((tick, _channel_message("note_off", channel=ch, note=key, velocity=0)))
            continue
        if bend != current_bend:
            events.append((tick, _channel_message("pitchwheel", channel=ch, pitch=bend)))
            current_bend = bend
        events.append((tick, _channel_message("note_on", channel=ch, note=key, velocity=velocity)))
    return _with_deltas(events, end_tick)


def midi_bytes(piece: Piece) -> bytes:
    """The piece as a type-1 standard MIDI file."""
    if len(piece.parts) > len(MELODIC_CHANNELS):
        raise RenderError(f"a MIDI file holds at most {len(MELODIC_CHANNELS)} melodic parts, "
                          f"received {len(piece.parts)}")
    last_end = max((n.end for p in piece.parts for n in p.notes), default=Fraction(0))
    end_tick = to_ticks(max(piece.length_quarters, last_end), "piece length")
    mid = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_QUARTER)
    mid.tracks.append(_conductor_track(piece, end_tick))
    for part, channel in zip(piece.parts, MELODIC_CHANNELS):
        mid.tracks.append(_part_track(part, channel, end_tick))
    buffer = io.BytesIO()
    mid.save(file=buffer)
    return buffer.getvalue()


def write_midi(piece: Piece, path) -> str:
    """Write the piece as a MIDI file at `path`; returns the path."""
    Path(path).write_bytes(midi_bytes(piece))
    return str(path)


def read_midi_notes(data: bytes) -> list[tuple[int, float, float, float, int]]:
    """Notes of a MIDI file as (track, onset_quarters, duration_quarters, cents, velocity).

    Cents come from the key number plus the channel's bend at the note-on, scaled by
    the bend range set with RPN 0 (2 semitones when none is set). Sorted by track,
    onset, cents.
    """
    mid = mido.MidiFile(file=io.BytesIO(data))
    tpq = mid.ticks_per_beat
    bend = [0] * 16
    bend_range = [float(BEND_RANGE_SEMITONES)] * 16
    rpn = [[127, 127] for _ in range(16)]
    out = []
    for index, track in enumerate(mid.tracks):
        tick = 0
        sounding: dict[tuple[int, int], list[tuple[int, float, int]]] = {}
        for msg in track:
            tick += msg.time
            if msg.is_meta:
                continue
            ch = getattr(msg, "channel", None)
            if msg.type == "control_change":
                if msg.control == 101:
                    rpn[ch][0] = msg.value
                elif msg.control == 100:
                    rpn[ch][1] = msg.value
                elif rpn[ch] == [0, 0] and msg.control == 6:
                    bend_range[ch] = float(msg.value) + bend_range[ch] % 1
                elif rpn[ch] == [0, 0] and msg.control == 38:
                    bend_range[ch] = int(bend_range[ch]) + msg.value / 100.0
            elif msg.type == "pitchwheel":
                bend[ch] = msg.pitch
            elif msg.type == "note_on" and msg.velocity > 0:
                cents = msg.note * 100.0 + bend[ch] / 8192 * bend_range[ch] * 100.0
                sounding.setdefault((ch, msg.note), []).append((tick, cents, msg.velocity))
            elif msg.type in ("note_off", "note_on"):
                started = sounding.get((ch, msg.note))
                if started:
                    onset, cents, velocity = started.pop(0)
                    out.append((index, onset / tpq, (tick - onset) / tpq, cents, velocity))
    out.sort(key=lambda n: (n[0], n[1], n[3]))
    return out
