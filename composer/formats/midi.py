"""Standard MIDI files, written directly (`smf`), read back with mido.

A type-1 file at 480 ticks per quarter: track 0 is the conductor (title, tempo,
meter, key signatures); each part gets its own track. Two ways to keep microtones
(`midi_bytes(piece, tuning=...)`):

``tuning="bend"`` (default)
    Every melodic part has a home channel (0-15 in part order, skipping the drum
    channel 9) that announces a bend range of 2 semitones with RPN 0. A note whose
    cents differ from its channel's current bend is preceded, at the same tick, by a
    `pitchwheel` message. Notes of one channel share its bend, so a note whose bend
    differs from that of a note still sounding on its channel goes to another channel
    of the same part: first one whose bend already matches, then one sounding nothing,
    then a fresh channel taken from the pool (0-15 minus 9 minus every home channel),
    which gets the part's program and the RPN bend range at tick 0 and stays the
    part's for the whole piece. An empty pool raises `RenderError` naming the tick
    (and suggesting ``tuning="mts"``). A 12-EDO piece uses one channel per part and
    no pitchwheel.

``tuning="mts"``
    One channel per part, no pitch bend. Before each note whose key does not sound
    at the wanted pitch, a real-time MIDI Tuning Standard *Single Note Tuning Change*
    retunes that key (system exclusive, all devices, tuning program 0, one key)::

        F0 7F 7F 08 02 tt 01 kk xx yy zz F7
        tt    tuning program (0)
        01    number of keys changed
        kk    the key (note number) the note-on will use
        xx    the 12-EDO semitone at or below the wanted pitch (0-127)
        yy zz 14-bit fraction of 100 cents above xx (yy = high 7 bits, zz = low 7),
              resolution 100/16384 = 0.0061 cents; 7F 7F 7F is reserved (no change)

    Where any key is retuned, each channel selects tuning bank 0 and program 0 at tick 0 (RPN 4 and
    RPN 3, data entry 0), so that a synthesizer plays the retuned keys (FluidSynth keeps a channel
    without them in 12-EDO).
    The retuning is global (every channel), so the key used is the note's nearest
    key unless that key sounds at another pitch, or belongs to a percussion part;
    then the closest free key is retuned instead. A key retuned for one note and
    later needed at its 12-EDO pitch is retuned back.

Percussion parts (``role == "percussion"``) play on channel 9 with key
`note.pitch.nearest_midi` (the General MIDI percussion key): no program change,
no bend range, no bends, no retuning.

Lyrics: each note with a `Lyric` gets a `lyrics` meta event at its onset on its part's track,
just before the note-on: the syllable's text, followed by '-' when the word goes on (syllabic
begin or middle), as karaoke files write them ("hap-", "py"). The text is stored as UTF-8
bytes (the standard leaves the encoding open; mido reads them back as Latin-1 characters,
`read_midi_lyrics` decodes them); so are the title and the track names. An extender is not written.

`read_midi_notes` reads both methods back (bends per channel with their RPN range,
MTS retunings per key); `detect_midi_tuning` says which one a file uses.
"""
from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

from theory.key import MAJOR_TONICS_BY_FIFTHS, MINOR_TONICS_BY_FIFTHS

from ..score.errors import RenderError
from ..score.piece import PieceData
from . import smf
from .notation import PERCUSSION_ROLE
from .provenance import MIDI_PREFIX, provenance_text

TICKS_PER_QUARTER = 480
BEND_RANGE_SEMITONES = 2
DRUM_CHANNEL = 9
MELODIC_CHANNELS = tuple(c for c in range(16) if c != DRUM_CHANNEL)
PITCHWHEEL_MIN, PITCHWHEEL_MAX = -8192, 8191
TUNING_METHODS = ("bend", "mts")
MTS_PROGRAM = 0
MTS_DEVICE = 0x7F
_RPN_BEND_RANGE = ((101, 0), (100, 0), (6, BEND_RANGE_SEMITONES), (38, 0), (101, 127), (100, 127))
# MTS: the channel plays tuning bank 0 (RPN 4), program MTS_PROGRAM (RPN 3), the program the retunings
# change; without it a synthesizer (FluidSynth) keeps the channel in equal temperament.
_RPN_TUNING = ((101, 0), (100, 4), (6, 0), (101, 0), (100, 3), (6, MTS_PROGRAM), (101, 127), (100, 127))



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
        tonic = key.tonic.name
        return (tonic if tonic in MINOR_TONICS_BY_FIFTHS else MINOR_TONICS_BY_FIFTHS[fifths + 7]) + "m"
    if key.family == "major" and key.tonic.name in MAJOR_TONICS_BY_FIFTHS:
        return key.tonic.name
    return MAJOR_TONICS_BY_FIFTHS[fifths + 7]


# A key signature's name -> (sharps or minus flats, minor): the Key Signature meta event's two bytes.
KEY_SIGNATURES = {**{name: (i - 7, False) for i, name in enumerate(MAJOR_TONICS_BY_FIFTHS)},
                  **{name + "m": (i - 7, True) for i, name in enumerate(MINOR_TONICS_BY_FIFTHS)}}


def _conductor_track(piece: PieceData, end_tick: int) -> bytes:
    meter = piece.meter
    events = [(0, smf.track_name(piece.title)), (0, smf.tempo(piece.tempo_bpm)),
              (0, smf.time_signature(meter.numerator, meter.denominator))]
    carried = provenance_text(piece)
    if carried is not None:
        events.append((0, smf.text(MIDI_PREFIX + carried)))
    last = None
    for change in sorted(piece.keys, key=lambda c: c.offset):
        name = mido_key_name(change.key)
        if name != last:
            events.append((to_ticks(change.offset, "key change offset"), smf.key_signature(*KEY_SIGNATURES[name])))
            last = name
    return smf.track_chunk(events, end_tick)


def mts_frequency_data(cents: float) -> tuple[int, int, int]:
    """Cents above MIDI 0 -> the MTS frequency bytes (xx, yy, zz): semitone and 14-bit fraction."""
    steps = round(cents / 100.0 * 16384)
    if 0 <= cents < 12800.0:
        steps = min(steps, 128 * 16384 - 2)  # the top of the range, short of 7F 7F 7F ("no change")
    semitone, fraction = divmod(steps, 16384)
    if not 0 <= semitone <= 127:
        raise RenderError(f"pitch {cents:g} cents is outside the MIDI Tuning Standard range 0-12799.99 cents")
    return semitone, fraction >> 7, fraction & 0x7F


def mts_sysex(key: int, cents: float, program: int = MTS_PROGRAM) -> bytes:
    """A real-time Single Note Tuning Change retuning one key to `cents` (see the module docstring)."""
    xx, yy, zz = mts_frequency_data(cents)
    return smf.sysex((0x7F, MTS_DEVICE, 0x08, 0x02, program, 1, key, xx, yy, zz))


def _note_events(piece: PieceData) -> list[tuple]:
    """(tick, kind, part index, key, bend value, velocity, cents, note id), in sounding order."""
    raw = []
    for index, part in enumerate(piece.parts):
        for note_id, note in enumerate(part.notes):
            start = to_ticks(note.offset, f"part {part.name!r}: note offset")
            stop = start + to_ticks(note.duration, f"part {part.name!r}: note duration")
            key = note.pitch.nearest_midi
            if not 0 <= key <= 127:
                raise RenderError(f"part {part.name!r}: pitch {note.pitch} at {note.offset} is outside MIDI keys 0-127")
            if not 1 <= note.velocity <= 127 or stop <= start:
                raise RenderError(f"part {part.name!r}: note at {note.offset} needs velocity 1-127 and a duration "
                                  f"of at least one tick (received velocity {note.velocity}, duration {note.duration})")
            bend = 0 if part.role == PERCUSSION_ROLE else bend_value(note.pitch.bend_cents)
            raw.append((start, _ON, index, key, bend, note.velocity, note.pitch.cents, note_id))
            raw.append((stop, _OFF, index, key, 0, 0, 0.0, note_id))
    raw.sort()
    return raw


def _header(part, channels: list[int], tuning: str = "bend") -> list[tuple[int, bytes]]:
    """A part's track head: its name, and on each of its channels its program, the bend range, and with
    MTS the tuning bank and program the channel plays."""
    events: list[tuple[int, bytes]] = [(0, smf.track_name(part.name))]
    if part.role == PERCUSSION_ROLE:
        return events
    for ch in channels:
        events.append((0, smf.program_change(ch, part.instrument.program)))
        for control, value in _RPN_BEND_RANGE + (_RPN_TUNING if tuning == "mts" else ()):
            events.append((0, smf.control_change(ch, control, value)))
    return events


def _assign_bend_channels(piece: PieceData, raw: list[tuple], homes: dict[int, int]):
    """Channel of every note (bend method), the channels each part uses, and its per-part events."""
    pool = [c for c in MELODIC_CHANNELS if c not in homes.values()]
    part_channels = {i: [homes[i]] for i in homes}
    bend = {c: 0 for c in range(16)}
    sounding = {c: 0 for c in range(16)}
    bending: set[int] = set()          # channels whose note is ornamented: no other note joins them
    note_channel: dict[tuple[int, int], int] = {}
    body: dict[int, list] = {i: [] for i in range(len(piece.parts))}
    for tick, kind, index, key, value, velocity, _cents, note_id in raw:
        if index not in homes:  # percussion
            event = smf.note_on(DRUM_CHANNEL, key, velocity) if kind == _ON else smf.note_off(DRUM_CHANNEL, key)
            body[index].append((tick, event))
            continue
        if kind == _OFF:
            ch = note_channel.pop((index, note_id))
            sounding[ch] -= 1
            bending.discard(ch)
            body[index].append((tick, smf.note_off(ch, key)))
            continue
        chans = [c for c in part_channels[index] if c not in bending]
        ornament = piece.parts[index].notes[note_id].ornament
        ch = None if ornament is not None else next((c for c in chans if bend[c] == value), None)
        if ch is None:
            ch = next((c for c in chans if sounding[c] == 0), None)
        if ch is None:
            if not pool:
                part = piece.parts[index]
                raise RenderError(
                    f"part {part.name!r}: at tick {tick} (quarter {Fraction(tick, TICKS_PER_QUARTER)}) more "
                    f"simultaneous pitch bends are needed than the {len(MELODIC_CHANNELS)} MIDI channels give; "
                    f'write with tuning="mts" (MIDI Tuning Standard) instead')
            ch = pool.pop(0)
            part_channels[index].append(ch)
        if bend[ch] != value:
            body[index].append((tick, smf.pitchwheel(ch, value)))
            bend[ch] = value
        sounding[ch] += 1
        note_channel[(index, note_id)] = ch
        body[index].append((tick, smf.note_on(ch, key, velocity)))
        if ornament is not None:
            bending.add(ch)
            note = piece.parts[index].notes[note_id]
            for at, curve_value in ornament_bends(ornament, tick, tick + to_ticks(note.duration), key):
                if curve_value != bend[ch]:
                    body[index].append((at, smf.pitchwheel(ch, curve_value)))
                    bend[ch] = curve_value
    return part_channels, body


ORNAMENT_STEP_TICKS = TICKS_PER_QUARTER // 32     # a pitch curve is written as a bend every 1/32 quarter


def ornament_bends(ornament, start: int, stop: int, key: int) -> list[tuple[int, int]]:
    """(tick, pitchwheel value) along an ornament's curve inside a note on MIDI key `key`, from the tick after
    its note-on (where the note's own bend already sounds) to its note-off."""
    out = []
    for at in range(start + ORNAMENT_STEP_TICKS, stop, ORNAMENT_STEP_TICKS):
        cents = ornament.cents_at((at - start) / (stop - start))
        out.append((at, bend_value(cents - key * 100.0)))
    return out


def _assign_mts_keys(piece: PieceData, raw: list[tuple], homes: dict[int, int]):
    """Per-part events for the MTS method: retune a free key before each note that needs it."""
    reserved = {key for _, kind, index, key, *_ in raw if index not in homes}
    tuning = {k: (k, 0, 0) for k in range(128)}
    busy = [0] * 128
    released: dict[int, tuple[int, int]] = {}  # key -> (tick, part index) of its last note-off
    note_key: dict[tuple[int, int], int] = {}
    body: dict[int, list] = {i: [] for i in range(len(piece.parts))}
    for tick, kind, index, key, _value, velocity, cents, note_id in raw:
        if index not in homes:
            event = smf.note_on(DRUM_CHANNEL, key, velocity) if kind == _ON else smf.note_off(DRUM_CHANNEL, key)
            body[index].append((tick, event))
            continue
        ch = homes[index]
        if kind == _OFF:
            used = note_key.pop((index, note_id))
            busy[used] -= 1
            released[used] = (tick, index)
            body[index].append((tick, smf.note_off(ch, used)))
            continue
        wanted = mts_frequency_data(cents)

        def free(k: int) -> bool:
            if k in reserved or busy[k]:
                return False
            last = released.get(k)  # a later track's note-off at this tick comes after this track's retuning
            return not (last and last[0] == tick and last[1] > index)

        used = None
        for distance in range(128):
            for k in ((key,) if distance == 0 else (key + distance, key - distance)):
                if 0 <= k <= 127 and (tuning[k] == wanted or free(k)):
                    used = k
                    break
            if used is not None:
                break
        if used is None:
            raise RenderError(f"part {piece.parts[index].name!r}: at tick {tick} every MIDI key is sounding; "
                              f"no key is free to retune")
        if tuning[used] != wanted:
            body[index].append((tick, mts_sysex(used, cents)))
            tuning[used] = wanted
        busy[used] += 1
        note_key[(index, note_id)] = used
        body[index].append((tick, smf.note_on(ch, used, velocity)))
    return {i: [homes[i]] for i in homes}, body


def text_of_midi(text: str) -> str:
    """Text of a meta event as mido reads it (a character per byte, Latin-1): text stored as UTF-8, as
    partita writes it, is decoded; any other is kept as read."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def lyric_event_text(lyric) -> str:
    """The text of a `lyrics` meta event: the syllable, with '-' when its word goes on (begin, middle)."""
    return lyric.text + ("-" if lyric.syllabic in ("begin", "middle") else "")


def _lyric_events(part) -> list[tuple[int, bytes]]:
    """A `lyrics` meta event at each sung syllable's onset (text as UTF-8 bytes, see the module docstring)."""
    return [(to_ticks(note.offset, f"part {part.name!r}: note offset"), smf.lyrics(lyric_event_text(note.lyric)))
            for note in part.sorted_notes() if note.lyric is not None]


def midi_bytes(piece: PieceData, tuning: str = "bend") -> bytes:
    """The piece as a type-1 standard MIDI file; microtones by pitch bend or by MTS retuning."""
    if tuning not in TUNING_METHODS:
        raise RenderError(f"unknown MIDI tuning method {tuning!r} (accepted: {', '.join(TUNING_METHODS)})")
    melodic = [i for i, p in enumerate(piece.parts) if p.role != PERCUSSION_ROLE]
    if len(melodic) > len(MELODIC_CHANNELS):
        raise RenderError(f"a MIDI file holds at most {len(MELODIC_CHANNELS)} melodic parts, "
                          f"received {len(melodic)}")
    homes = dict(zip(melodic, MELODIC_CHANNELS))
    last_end = max((n.end for p in piece.parts for n in p.notes), default=Fraction(0))
    end_tick = to_ticks(max(piece.length_quarters, last_end), "piece length")
    raw = _note_events(piece)
    assign = _assign_bend_channels if tuning == "bend" else _assign_mts_keys
    part_channels, body = assign(piece, raw, homes)
    # A channel selects the tuning program only where a key is retuned (a 12-EDO piece's file is the same
    # by either method).
    retuned = any(event[0] == smf.SYSEX for events in body.values() for _, event in events)
    tracks = [_conductor_track(piece, end_tick)]
    for index, part in enumerate(piece.parts):
        timed = sorted(_lyric_events(part) + body[index], key=lambda e: e[0])  # stable: a lyric before its note
        events = _header(part, part_channels.get(index, []), "mts" if retuned else "bend") + timed
        tracks.append(smf.track_chunk(events, end_tick))
    return smf.file_bytes(tracks, TICKS_PER_QUARTER)


def write_midi(piece: PieceData, path, tuning: str = "bend") -> str:
    """Write the piece as a MIDI file at `path` (tuning "bend" or "mts"); returns the path."""
    Path(path).write_bytes(midi_bytes(piece, tuning=tuning))
    return str(path)


def _mts_retunings(msg) -> list[tuple[int, float | None]]:
    """(key, cents or None for 'no change') of a real-time Single Note Tuning Change; [] for other SysEx."""
    data = list(msg.data)
    if len(data) < 6 or data[0] not in (0x7F, 0x7E) or data[2:4] != [0x08, 0x02]:
        return []
    count, body = data[5], data[6:]
    out = []
    for i in range(min(count, len(body) // 4)):
        kk, xx, yy, zz = body[4 * i: 4 * i + 4]
        out.append((kk, None if (xx, yy, zz) == (0x7F, 0x7F, 0x7F) else xx * 100.0 + ((yy << 7) | zz) / 16384 * 100.0))
    return out


def detect_midi_tuning(data: bytes) -> str:
    """How a MIDI file keeps microtones: "mts" (tuning SysEx), "bend" (pitchwheel) or "none"."""
    mid = _midi_file(data)
    bends = False
    for track in mid.tracks:
        for msg in track:
            if msg.type == "sysex" and _mts_retunings(msg):
                return "mts"
            bends = bends or (msg.type == "pitchwheel" and msg.pitch != 0)
    return "bend" if bends else "none"


def _midi_file(data):
    """A MIDI file's bytes parsed by mido, or a parsed file as it is (parsing costs seconds for a large file)."""
    import mido  # deferred: 25 ms of a cold start, and writing a file does not need it (`smf`)

    return data if isinstance(data, mido.MidiFile) else mido.MidiFile(file=io.BytesIO(data))


def read_midi_notes(data, channels: bool = False) -> list[tuple]:
    """Notes of a MIDI file as (track, onset_quarters, duration_quarters, cents, velocity).

    With `channels=True` each tuple gets the MIDI channel as a sixth item. Tracks are
    merged in time order (at one tick, lower tracks first), as a player does. Cents
    come from the key's tuning (its 12-EDO pitch, or the last MTS Single Note Tuning
    Change for it) plus the channel's bend at the note-on, scaled by the bend range
    set with RPN 0 (2 semitones when none is set); either method, or both, is read
    without being told. Notes on the drum channel 9 are percussion: key x 100 cents.
    Sorted by track, onset, cents. `data`: the file's bytes, or the file parsed by mido.
    """
    mid = _midi_file(data)
    tpq = mid.ticks_per_beat
    bend = [0] * 16
    bend_range = [float(BEND_RANGE_SEMITONES)] * 16
    rpn = [[127, 127] for _ in range(16)]
    key_cents = [k * 100.0 for k in range(128)]
    timeline = []
    for index, track in enumerate(mid.tracks):
        tick = 0
        for seq, msg in enumerate(track):
            tick += msg.time
            if not msg.is_meta:
                timeline.append((tick, index, seq, msg))
    timeline.sort(key=lambda e: e[:3])
    sounding: dict[tuple[int, int, int], list[tuple[int, float, int]]] = {}
    # A note-off with nothing sounding on its key, then that key's note-on at the same tick: a note of no
    # length (music21 writes a grace note so, its off before its on). It is no note; its on opens none.
    unmatched: dict[tuple[int, int, int], int] = {}
    out = []
    for tick, index, _seq, msg in timeline:
        ch = getattr(msg, "channel", None)
        if msg.type == "sysex":
            for kk, cents in _mts_retunings(msg):
                if cents is not None:
                    key_cents[kk] = cents
        elif msg.type == "control_change":
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
            if unmatched.pop((index, ch, msg.note), None) == tick:
                continue        # the grace note whose off came first
            if ch == DRUM_CHANNEL:
                cents = msg.note * 100.0
            else:
                cents = key_cents[msg.note] + bend[ch] / 8192 * bend_range[ch] * 100.0
            sounding.setdefault((index, ch, msg.note), []).append((tick, cents, msg.velocity))
        elif msg.type in ("note_off", "note_on"):
            started = sounding.get((index, ch, msg.note))
            if not started:
                unmatched[(index, ch, msg.note)] = tick
            else:
                onset, cents, velocity = started.pop(0)
                note = (index, onset / tpq, (tick - onset) / tpq, cents, velocity)
                out.append(note + (ch,) if channels else note)
    out.sort(key=lambda n: (n[0], n[1], n[3]))
    return out


def read_midi_lyrics(data) -> list[tuple[int, float, str]]:
    """`lyrics` meta events of a MIDI file (its bytes, or the file parsed by mido) as (track,
    onset_quarters, text), in track and time order; text stored as UTF-8 is decoded, any other is
    kept as read (Latin-1)."""
    mid = _midi_file(data)
    out = []
    for index, track in enumerate(mid.tracks):
        tick = 0
        for msg in track:
            tick += msg.time
            if msg.type == "lyrics":
                out.append((index, tick / mid.ticks_per_beat, text_of_midi(msg.text)))
    return out
