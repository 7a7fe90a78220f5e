"""Standard MIDI File bytes, encoded here (SMF 1.0): the few events partita writes, each as its bytes.

An event is the bytes of one message: a channel message (status byte, data), a meta event
(FF type length data) or a system exclusive message (F0 data F7). A track is a list of
(absolute tick, event) in order; `track_chunk` writes the delta times, drops a channel
message's status byte when it repeats the one before (running status; a meta or SysEx event
cancels it) and ends the track with End of Track. The bytes are those mido writes for the same
messages; reading a file back stays with mido (`midi.read_midi_notes`), which is imported only then.
"""
from __future__ import annotations

import struct

META, SYSEX = 0xFF, 0xF0
_TRACK_NAME, _TEXT, _LYRICS, _END_OF_TRACK, _TEMPO, _TIME_SIGNATURE, _KEY_SIGNATURE = (
    0x03, 0x01, 0x05, 0x2F, 0x51, 0x58, 0x59)
_CLOCKS_PER_CLICK, _THIRTY_SECONDS_PER_QUARTER = 24, 8
PITCHWHEEL_CENTRE = 8192


def varlen(value: int) -> bytes:
    """A variable-length quantity: 7 bits a byte, most significant first, the high bit on all but the last."""
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def meta(kind: int, data: bytes) -> bytes:
    return bytes((META, kind)) + varlen(len(data)) + data


def track_name(text: str) -> bytes:
    """Text events hold UTF-8 (the standard leaves the encoding open): any name is kept."""
    return meta(_TRACK_NAME, text.encode("utf-8"))


def text(text: str) -> bytes:
    return meta(_TEXT, text.encode("utf-8"))


def lyrics(text: str) -> bytes:
    return meta(_LYRICS, text.encode("utf-8"))


def tempo(bpm: float) -> bytes:
    """Set Tempo: microseconds per quarter note, rounded."""
    return meta(_TEMPO, int(round(60 * 1e6 / bpm)).to_bytes(3, "big"))


def time_signature(numerator: int, denominator: int) -> bytes:
    """The denominator as a power of two; a metronome click every 24 MIDI clocks, 8 32nds a quarter."""
    return meta(_TIME_SIGNATURE, bytes((numerator, denominator.bit_length() - 1, _CLOCKS_PER_CLICK,
                                        _THIRTY_SECONDS_PER_QUARTER)))


def key_signature(fifths: int, minor: bool) -> bytes:
    return meta(_KEY_SIGNATURE, bytes((fifths & 0xFF, int(minor))))


def note_on(channel: int, key: int, velocity: int) -> bytes:
    return bytes((0x90 | channel, key, velocity))


def note_off(channel: int, key: int) -> bytes:
    return bytes((0x80 | channel, key, 0))


def program_change(channel: int, program: int) -> bytes:
    return bytes((0xC0 | channel, program))


def control_change(channel: int, control: int, value: int) -> bytes:
    return bytes((0xB0 | channel, control, value))


def pitchwheel(channel: int, value: int) -> bytes:
    """`value` -8192..8191 (0: no bend), sent as 14 bits, low 7 first."""
    value += PITCHWHEEL_CENTRE
    return bytes((0xE0 | channel, value & 0x7F, value >> 7))


def sysex(data: tuple[int, ...]) -> bytes:
    return bytes((SYSEX, *data, 0xF7))


def track_chunk(events: list[tuple[int, bytes]], end_tick: int) -> bytes:
    """An MTrk chunk of (tick, event) in order, ending at `end_tick` (or at its last event, if later)."""
    data = bytearray()
    now, running = 0, None
    for tick, event in events:
        data += varlen(tick - now)
        now = tick
        status = event[0]
        if status == META:
            data += event
            running = None
        elif status == SYSEX:
            data.append(SYSEX)
            data += varlen(len(event) - 1)
            data += event[1:]
            running = None
        else:
            data += event[1:] if status == running else event
            running = status
    data += varlen(max(0, end_tick - now)) + meta(_END_OF_TRACK, b"")
    return b"MTrk" + struct.pack(">L", len(data)) + bytes(data)


def file_bytes(tracks: list[bytes], ticks_per_quarter: int) -> bytes:
    """A type-1 file (simultaneous tracks) of MTrk chunks."""
    return b"MThd" + struct.pack(">Lhhh", 6, 1, len(tracks), ticks_per_quarter) + b"".join(tracks)
