"""What the MIDI and MusicXML readers share: limits, defaults, and checks that name the file and the reason."""
from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

from theory import Key, Meter, Pitch, TheoryError
from theory.key import MAJOR_TONICS_BY_FIFTHS, MINOR_TONICS_BY_FIFTHS

from ..score.errors import ReadError
from ..score.limits import MAX_BARS, MAX_NOTES
from ..score.notes import Instrument, KeyChange, Note

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_MXL_UNCOMPRESSED_BYTES = MAX_FILE_BYTES     # a compressed score unpacks to no more than a plain one
# A file is read as far as partita composes: every piece it writes reads back, and nothing longer does, so
# that no analysis meets more notes or bars than composing makes.
MAX_READ_NOTES = MAX_NOTES
MAX_READ_BARS = MAX_BARS
MAX_READ_PARTS = 64
MIDI_EXTENSIONS = (".mid", ".midi")
MUSICXML_EXTENSIONS = (".musicxml", ".xml", ".mxl")
DEFAULT_MIDI_TEMPO_BPM = 120.0
DEFAULT_MUSICXML_TEMPO_BPM = 100.0
TEMPO_RANGE_BPM = (1.0, 1000.0)
TEMPO_DECIMALS = 3
MIDI_KEYS = range(128)
DEFAULT_VELOCITY = 80
MELODY_ROLE = "melody"




def read_error(path: Path, reason: str) -> ReadError:
    return ReadError(f"{path}: {reason}")


def reason_of(exc: BaseException) -> str:
    """One line saying what a library raised."""
    lines = str(exc).strip().splitlines()
    text = lines[0].strip() if lines else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise read_error(path, "file not found")
    if not path.is_file():
        raise read_error(path, "not a file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise read_error(path, f"file is {size} bytes, over the limit of {MAX_FILE_BYTES} bytes (20 MB)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise read_error(path, f"cannot be read ({exc.strerror})") from None
    if not data:
        raise read_error(path, "file is empty")
    return data


def carried_settings(provenance: dict | None) -> dict:
    """The settings of a piece read from a file: the provenance it carries, if any."""
    return {"provenance": provenance} if provenance else {}


def western_key(path: Path, fifths: int, minor: bool) -> Key:
    """The major or minor key of a signature of `fifths` sharps (negative: flats)."""
    if not -7 <= fifths <= 7:
        raise read_error(path, f"key signature of {fifths} fifths (accepted: -7 to 7)")
    tonic = (MINOR_TONICS_BY_FIFTHS if minor else MAJOR_TONICS_BY_FIFTHS)[fifths + 7]
    return Key.parse(f"{tonic} {'minor' if minor else 'major'}")


def check_tempo(path: Path, bpm: float | None, where: str) -> float:
    low, high = TEMPO_RANGE_BPM
    if bpm is None or not math.isfinite(bpm) or not low <= bpm <= high:
        shown = "infinite" if bpm is None or not math.isfinite(bpm) else f"{bpm:g}"
        raise read_error(path, f"{where}: tempo {shown} bpm is absurd (accepted: {low:g} to {high:g} bpm)")
    return float(bpm)


def meter_of(path: Path, numerator: int, denominator: int) -> Meter:
    try:
        return Meter(int(numerator), int(denominator))
    except (TheoryError, TypeError, ValueError) as exc:
        raise read_error(path, f"time signature {numerator}/{denominator} is not supported ({exc})") from None


def checked_pitch(path: Path, cents: float, where: str) -> Pitch:
    if not math.isfinite(cents):
        raise read_error(path, f"{where}: pitch is not a number")
    pitch = Pitch(float(cents))
    if pitch.nearest_midi not in MIDI_KEYS:
        raise read_error(path, f"{where}: pitch {cents:g} cents is outside MIDI keys 0-127")
    return pitch


def instrument_of(name: str, program: int, notes: list[Note]) -> Instrument:
    low = min(n.pitch for n in notes)
    high = max(n.pitch for n in notes)
    return Instrument(name=name, program=max(0, min(127, int(program))), low=low, high=high)


def bars_of(length: Fraction, meter: Meter) -> int:
    return max(1, math.ceil(length / meter.bar_quarters))


def check_extent(path: Path, notes: int | None = None, parts: int | None = None, bars: int | None = None) -> None:
    """Refuse a file with more notes, parts or bars than partita reads (checked before the costly step
    where the count is known early, and again on what was read)."""
    for count, limit, what in ((notes, MAX_READ_NOTES, "notes"), (parts, MAX_READ_PARTS, "parts"),
                               (bars, MAX_READ_BARS, "bars")):
        if count is not None and count > limit:
            raise read_error(path, f"the file holds {count} {what}, above the limit of {limit} {what} "
                                   f"(the most partita composes)" if what != "parts" else
                                   f"the file holds {count} parts, above the limit of {limit} parts")


def key_changes(path: Path, changes: list[tuple[Fraction, int, bool]]) -> list[KeyChange]:
    """KeyChanges from (offset, fifths, minor), in time order, without repeats; C major when none at 0."""
    keys: list[KeyChange] = []
    for offset, fifths, minor in sorted(changes, key=lambda c: c[0]):
        key = western_key(path, fifths, minor)
        if keys and keys[-1].offset == offset:
            keys[-1] = KeyChange(offset, key)
        elif not keys or keys[-1].key != key:
            keys.append(KeyChange(offset, key))
    if not keys or keys[0].offset > 0:
        keys.insert(0, KeyChange(Fraction(0), Key.parse("C major")))
    return keys
