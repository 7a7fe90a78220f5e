"""What `partita check` reads from an exercise: the voices and their notes (in cents, with
exact offsets), the bars and beats, and the key or mode to judge them in.

The rules themselves live in `composer.check`.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from theory import Key, Spelling, TheoryError, load_pack
from theory.pitch import LETTER_SEMITONES, parse_spelling
from theory.written import nearest_degree

from ..formats.musicxml_read import read_musicxml_file
from ..formats.provenance import PROVENANCE_FIELD, parse_provenance
from ..formats.reading import MIDI_EXTENSIONS, MUSICXML_EXTENSIONS
from ..score import errors
from ..score.errors import ComposerError

ROLES = ("soprano", "alto", "tenor", "bass")
_ROLE_NAMES = {
    "soprano": "soprano", "s": "soprano", "sop": "soprano", "sopr": "soprano", "sopran": "soprano",
    "alto": "alto", "a": "alto", "alt": "alto", "contralto": "alto",
    "tenor": "tenor", "t": "tenor", "ten": "tenor", "tenore": "tenor",
    "bass": "bass", "b": "bass", "basso": "bass", "bas": "bass",
}
SCALE_TOLERANCE = 10.0      # cents: a note this close to a scale note is that note
EPS = 1e-6


# --- reading ---------------------------------------------------------------------------------
@dataclass(eq=False)
class _Note:
    onset: Fraction
    end: Fraction
    cents: float
    name: str
    fermata: bool = False          # a fermata over the note: the phrase breaks after it
    element: object = None         # the music21 Note or Chord it was read from (for --annotate)
    pitch_index: int = 0           # which pitch of that chord, top first


@dataclass
class _Voice:
    name: str
    part_name: str
    notes: list[_Note]
    role: str | None = None
    instrument_range: tuple[float, float] | None = None
    starts: list[Fraction] = field(default_factory=list)
    part_index: int = 0            # which part of the score it belongs to
    in_chord: bool = False         # read from the chords of one staff (a keyboard part's doublings)

    def notes_between(self, start: Fraction, stop: Fraction) -> list[_Note]:
        """The notes sounding at some time in [start, stop)."""
        i = max(0, bisect.bisect_right(self.starts, start) - 1)
        out = []
        while i < len(self.notes) and self.notes[i].onset < stop:
            if self.notes[i].end > start:
                out.append(self.notes[i])
            i += 1
        return out

    def at(self, t: Fraction) -> _Note | None:
        """The note sounding at time t, if any."""
        i = bisect.bisect_right(self.starts, t) - 1
        if i >= 0 and self.notes[i].onset <= t < self.notes[i].end:
            return self.notes[i]
        return None


def _read_error(message: str) -> ComposerError:
    return getattr(errors, "ReadError", ComposerError)(message)


def read_score(path):
    """Parse a MusicXML file with music21; a missing or unreadable file raises ReadError."""
    return read_score_and_provenance(path)[0]


def read_score_and_provenance(path):
    """(music21 Score, the partita provenance the file carries or None); see `read_score`."""
    p = Path(path)
    if not p.exists():
        raise _read_error(f"{path}: no such file")
    if not p.is_file():
        raise _read_error(f"{path}: not a file")
    if p.suffix.lower() in MIDI_EXTENSIONS:     # a MIDI file has no spelling, beams or voices to check
        raise _read_error(f"{path}: check reads MusicXML ({', '.join(MUSICXML_EXTENSIONS)}); write the piece "
                          f"as MusicXML (`partita render` for a piece file) or export it from your notation program")
    from music21 import stream  # deferred: music21 takes about 0.5 s to import


    root, score = read_musicxml_file(p)  # hardened: size limit, no entities, one-line errors
    field_ = root.find(f".//{{*}}miscellaneous-field[@name='{PROVENANCE_FIELD}']")
    if field_ is None:
        field_ = root.find(f".//miscellaneous-field[@name='{PROVENANCE_FIELD}']")
    carried = parse_provenance(field_.text or "") if field_ is not None else None
    if not isinstance(score, stream.Score):
        if isinstance(score, stream.Stream):
            wrapped = stream.Score()
            wrapped.insert(0, score)
            score = wrapped
        else:
            raise _read_error(f"{path}: not a MusicXML score")
    if not score.recurse().notes:
        raise _read_error(f"{path}: the score has no notes")
    return score, carried


_SECTION_BARLINES = {"final", "light-light", "light-heavy", "heavy-light", "heavy-heavy", "double"}


def section_ends(score) -> set[Fraction]:
    """The times where a section ends: a double or final barline, or a repeat sign."""
    from music21 import bar, stream  # deferred: music21 takes about 0.5 s to import

    ends: set[Fraction] = set()
    part = score.parts[0] if score.parts else score
    for m in part.getElementsByClass(stream.Measure):
        right = m.rightBarline
        if right is not None and (isinstance(right, bar.Repeat) or right.type in _SECTION_BARLINES):
            ends.add(_frac(m.offset) + _frac(m.quarterLength))
        left = m.leftBarline
        if left is not None and isinstance(left, bar.Repeat):
            ends.add(_frac(m.offset))
    return ends


def key_signatures(score) -> list[Key]:
    """The keys of the signatures written in the score (major, or minor where the file says so)."""
    from music21 import key as m21key  # deferred: music21 takes about 0.5 s to import

    found = []
    for sig in score.recurse().getElementsByClass(m21key.KeySignature):
        k = sig if isinstance(sig, m21key.Key) else sig.asKey("major")
        found.append(_m21_key_to_key(k))
    return list({str(k): k for k in found}.values())


def _frac(x) -> Fraction:
    return Fraction(x).limit_denominator(1 << 20)


def _note_name(p) -> str:
    """'G4', 'Bb3', 'E4-50c' (a quarter-flat E): the written letter, whole accidentals, cents left over."""
    cents = p.ps * 100.0
    octave = p.octave if p.octave is not None else p.implicitOctave
    base = (octave + 1) * 1200 + LETTER_SEMITONES[p.step] * 100
    diff = cents - base
    semis = int(diff / 100.0)
    rest = round(diff - semis * 100.0, 1)
    acc = "#" * semis if semis > 0 else "b" * -semis
    return f"{p.step}{acc}{octave}" + (f"{rest:+g}c" if abs(rest) >= 0.1 else "")


def _role_of(name: str) -> str | None:
    text = re.sub(r"[\d.\s]+$", "", (name or "").strip().lower()).strip()
    return _ROLE_NAMES.get(text)


def _instrument_range(part) -> tuple[float, float] | None:
    try:
        inst = part.getInstrument(returnDefault=False)
    except Exception:  # noqa: BLE001
        inst = None
    if inst is None or inst.lowestNote is None or inst.highestNote is None:
        return None
    return inst.lowestNote.ps * 100.0, inst.highestNote.ps * 100.0


def _voices(score) -> list[_Voice]:
    """Every voice of every part, in score order, with tied notes merged."""
    from music21 import stream  # deferred: music21 takes about 0.5 s to import

    found: list[_Voice] = []
    names = [(part.partName or "").strip() for part in score.parts]
    for pi, part in enumerate(score.parts):
        pname = names[pi] or f"part {pi + 1}"
        if names[pi] and names.count(names[pi]) > 1:      # two parts of one name: tell them apart
            pname = f"{pname} ({names[:pi + 1].count(names[pi])})"
        streams: dict[tuple, list] = {}      # (voice id, chord rank) -> [(onset, end, pitch, tie)]
        measures = list(part.getElementsByClass(stream.Measure))
        containers = []
        if measures:
            for m in measures:
                base = _frac(m.offset)
                containers.append(("1", base, m))
                for v in m.voices:
                    containers.append((str(v.id), base + _frac(v.offset), v))
        else:
            containers.append(("1", Fraction(0), part.flatten()))
        for vid, base, cont in containers:
            for el in cont.getElementsByClass(("Note", "Chord")):
                if el.duration.isGrace or el.quarterLength == 0:
                    continue
                onset = base + _frac(el.offset)
                end = onset + _frac(el.quarterLength)
                fermata = any(type(x).__name__ == "Fermata" for x in el.expressions)
                if el.isChord:
                    pitches = sorted(el.pitches, key=lambda p: -p.ps)
                    ties = [getattr(n, "tie", None) or el.tie for n in el.notes]
                    ties = [t for _, t in sorted(zip([n.pitch.ps for n in el.notes], ties), key=lambda x: -x[0])]
                else:
                    pitches, ties = [el.pitch], [el.tie]
                for rank, (p, tie) in enumerate(zip(pitches, ties)):
                    streams.setdefault((vid, rank), []).append((onset, end, p, tie, fermata, el, rank))
        keys = sorted(streams, key=lambda k: (int(k[0]) if k[0].isdigit() else 99, k[0], k[1]))
        multi = len(keys) > 1
        rng = _instrument_range(part)
        for k in keys:
            events = sorted(streams[k], key=lambda e: e[0])
            notes: list[_Note] = []
            for onset, end, p, tie, fermata, el, rank in events:
                cents = p.ps * 100.0
                prev = notes[-1] if notes else None
                if (tie is not None and tie.type in ("stop", "continue") and prev is not None
                        and prev.end == onset and abs(prev.cents - cents) < EPS):
                    prev.end = end
                    prev.fermata = prev.fermata or fermata
                    continue
                if prev is not None and onset < prev.end:
                    prev.end = onset          # overlapping notes in one voice: the later one wins
                notes.append(_Note(onset, end, cents, _note_name(p), fermata, el, rank))
            ids = {kk[0] for kk in keys}
            ranks = {kk[1] for kk in keys if kk[0] == k[0]}
            if not multi:
                label = pname
            elif len(ids) == 1:
                label = f"{pname} {k[1] + 1}"
            else:
                label = f"{pname} v{k[0]}" + (f".{k[1] + 1}" if len(ranks) > 1 else "")
            in_chord = any(kk[0] == k[0] and kk[1] != k[1] for kk in keys)
            found.append(_Voice(label, pname, notes, _role_of(pname) if not multi else None, rng,
                                part_index=pi, in_chord=in_chord))
    found = [v for v in found if v.notes]
    # SATB roles: when every voice is named soprano, alto, tenor or bass (once each), or four
    # voices carry no such names and no known instrument (taken in score order).
    roles = [v.role for v in found]
    if all(roles) and len(set(roles)) == len(roles):
        found.sort(key=lambda v: ROLES.index(v.role))
    elif len(found) == 4 and not any(roles) and not any(v.instrument_range for v in found):
        for v, role in zip(found, ROLES):
            v.role = role
    else:
        for v in found:
            v.role = None
    for v in found:
        if v.role:
            v.name = v.role
        v.starts = [n.onset for n in v.notes]
    return found


# --- bars and beats --------------------------------------------------------------------------
class _BarMap:
    def __init__(self, score):
        from music21 import meter, stream  # deferred: music21 takes about 0.5 s to import

        self.rows: list[tuple[Fraction, int, Fraction, Fraction]] = []  # offset, number, beat length, padding
        part = score.parts[0] if score.parts else score
        ts = None
        for m in part.getElementsByClass(stream.Measure):
            found = m.getElementsByClass(meter.TimeSignature)
            if found:
                ts = found[0]
            if ts is None:
                ts = m.getContextByClass(meter.TimeSignature) or meter.TimeSignature("4/4")
            self.rows.append((_frac(m.offset), int(m.number or len(self.rows) + 1),
                              _frac(ts.beatDuration.quarterLength), _frac(m.paddingLeft or 0)))
        self.starts = [r[0] for r in self.rows]

    def locate(self, t: Fraction) -> tuple[int, float]:
        if not self.rows:
            return int(t // 4) + 1, float((t % 4) + 1)
        i = max(0, bisect.bisect_right(self.starts, t) - 1)
        off, number, beat_len, pad = self.rows[i]
        beat = (t - off + pad) / beat_len + 1
        return number, round(float(beat), 4)


# --- the key ---------------------------------------------------------------------------------
def _m21_key_to_key(k) -> Key:
    tonic = k.tonic.name.replace("-", "b")
    mode = (k.mode or "major").lower()
    try:
        return Key.parse(f"{tonic} {mode}")
    except TheoryError:
        return Key.parse(f"{tonic} major")


def _file_key(score) -> tuple[Key, str]:
    from music21 import key as m21key  # deferred: music21 takes about 0.5 s to import

    sigs = list(score.recurse().getElementsByClass(m21key.KeySignature))
    if sigs:
        first = sigs[0]
        if isinstance(first, m21key.Key) and first.mode in ("major", "minor"):
            return _m21_key_to_key(first), "from the key signature"
        major = first.asKey("major")
        try:
            guess = score.analyze("key")
        except Exception:  # noqa: BLE001
            guess = None
        if guess is not None and guess.mode == "minor" and guess.sharps == first.sharps:
            return _m21_key_to_key(first.asKey("minor")), "from the key signature, minor by music21's key analysis"
        return _m21_key_to_key(major), "from the key signature"
    try:
        guess = score.analyze("key")
    except Exception as exc:  # noqa: BLE001
        raise _read_error(f"no key signature and music21's key analysis failed ({exc}); pass --key") from None
    return _m21_key_to_key(guess), "from music21's key analysis (no key signature)"


def _parse_scale(text: str) -> tuple[object, object, str | None]:
    parts = [s.strip() for s in str(text).split(":")]
    if len(parts) not in (2, 3) or not all(parts):
        raise ComposerError(f"--scale {text!r}: expected PACK:MODE or PACK:MODE:TONIC, e.g. "
                            f"'hindustani:yaman' or 'arabic:rast:D'")
    pack = load_pack(parts[0])
    info = pack.mode(parts[1])
    return pack, info, parts[2] if len(parts) == 3 else None


def _tonic_from_text(text: str) -> tuple[Spelling, float]:
    m = re.match(r"^\s*([A-Ga-g](?:#|b|♯|♭)?)\s*(?:([+-]\d+(?:\.\d+)?)\s*c)?\s*$", text)
    if not m:
        raise ComposerError(f"--scale: cannot read the tonic {text!r} (accepted: a letter with optional #/b "
                            f"and cents, e.g. 'D', 'Eb', 'E-50c')")
    sp, _ = parse_spelling(m.group(1))
    return sp, float(m.group(2) or 0.0)


def _tonic_from_cents(pc: float) -> tuple[Spelling, float]:
    pc %= 1200.0
    semis = int(round(pc / 100.0)) % 12
    offset = pc - semis * 100.0
    if offset > 600:
        offset -= 1200
    names = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
    sp, _ = parse_spelling(names[semis])
    return sp, round(offset, 3)


def _scale_key(scale: str, voices: list[_Voice]) -> tuple[Key, str]:
    pack, info, tonic_text = _parse_scale(scale)
    if tonic_text:
        tonic, offset = _tonic_from_text(tonic_text)
        how = "tonic given"
    else:
        lowest = min(voices, key=lambda v: (min(n.cents for n in v.notes), -len(v.notes)))
        last = max((n for v in voices for n in v.notes), key=lambda n: (n.onset, -n.cents))
        final = max(lowest.notes, key=lambda n: n.onset) if lowest.notes else last
        tonic, offset = _tonic_from_cents(final.cents - info.final_cents)
        how = "tonic from the final note"
    notes = [n.cents for v in voices for n in v.notes]
    best = None
    for tuning in [pack.default_tuning] + [t for t in pack.tunings if t != pack.default_tuning]:
        key = Key(tonic, info.name, pack.name, None if tuning == pack.default_tuning else tuning, offset)
        misses = sum(_nearest(key, c)[1] > SCALE_TOLERANCE for c in notes)
        if best is None or misses < best[0]:
            best = (misses, key, tuning)
    _, key, tuning = best
    tuned = "the pack's tuning" if tuning == pack.default_tuning else f"tuning {tuning}, closest to the notes"
    return key, f"from --scale {pack.name}:{info.name}; {how}; {tuned}"


def _nearest(key: Key, cents: float) -> tuple[int, float]:
    """The nearest degree of the key's scale to a pitch and the distance in cents, a pitch written in
    letters read as the degree written so (`theory.written.nearest_degree`)."""
    return nearest_degree(key, cents)
