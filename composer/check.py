"""Mark a written exercise: voice-leading, range, tendency-tone and scale rules, by bar and beat.

`check_file("exercise.musicxml", key="G major")` reads a MusicXML file and returns a list of
`Finding`s (rule, severity, bar, beat, voices, message) sorted by bar and beat;
`check(path, ...)` returns a `CheckReport` that also says which key was used and where it
came from; `check_score(score, ...)` marks a music21 score already in memory.
`partita check FILE [--key K | --scale PACK:MODE[:TONIC]] [--json]` prints them.

Voices are the parts of the score and the voices inside a part (SATB on two staves is four
voices); a chord inside one voice is split into voices by rank, top first. Voices keep score
order (top staff first, voice 1 before voice 2), or S A T B order when the parts are named so;
four voices with no SATB names and no known instrument are taken as soprano, alto, tenor,
bass. Notes sounding together are compared at every onset of either voice of a pair.

Rules (id: severity):

- ``parallel-fifths``, ``parallel-octaves`` (error): two voices move in similar motion from a
  perfect fifth (or octave / unison) to the same perfect interval, compound intervals included.
- ``hidden-fifths``, ``hidden-octaves`` (warning): the outer voices move in similar motion
  into a perfect fifth or octave from another interval, with a leap (more than a whole tone)
  in the upper voice.
- ``voice-crossing`` (warning): a voice sounds above the voice written above it (reported
  where the crossing begins).
- ``spacing`` (warning): more than an octave between adjacent upper voices (the bass is not
  counted), when there are at least three voices; reported where the gap opens.
- ``range`` (error): a note outside its voice's range: soprano C4-G5, alto G3-D5, tenor
  C3-G4, bass E2-C4; for other parts the instrument's range when music21 knows both ends,
  else no range check.
- ``leading-tone`` (warning, Western major/minor keys): the leading tone in a dominant
  chord (V, V7, vii°, vii°7) that does not rise by step to the tonic at the next chord that
  is no longer dominant and contains the tonic; an inner voice falling a third to the fifth
  of a tonic chord is allowed. Reported at the leading tone.
- ``seventh`` (warning, Western keys): the seventh of a seventh chord (dominant, major,
  minor, half-diminished, diminished) that does not fall by step at the next chord that is
  not a subset of the seventh chord. Reported at the seventh.
- ``out-of-scale`` (error): a pitch more than 10 cents from every note of the key's scale
  (minor keys also allow the raised 6th and 7th), or with ``--scale`` from every note of the
  mode in its tuning (quarter tones are compared in cents).
- ``omitted-note`` (error, ``--scale``): a note the mode says never sounds (e.g. Ma in
  Bhupali).
- ``movement`` (error, ``--scale``): a step in a voice that breaks the mode's movement graph:
  a rising step must use notes of the ascending form, a falling step notes of the descending
  form. Two notes are a step when no note of the mode, or no note of the ascending or of the
  descending form, lies between them. Leaps are not checked.

The key is `--key` when given; else the file's key signature (its mode when written, else
the major key of the signature or its relative minor, whichever music21's key analysis
prefers); else music21's key analysis. With `--scale PACK:MODE` the tonic is `:TONIC` when
given, else taken from the final note of the lowest voice; the tuning is the pack's profile
that fits the most notes (the pack's default on a tie). The report says which.

Limitations: chords are recognised from the notes sounding at each onset only (no
non-chord-tone analysis), so passing tones over a dominant, or a seventh transferred to
another voice, may be misread; secondary dominants and other chromatic chords are reported as
out-of-scale in Western keys; the tendency-tone rules need at least three sounding voices and
run for Western major/minor keys only.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path

from theory import Key, Spelling, TheoryError, load_pack
from theory.pitch import LETTER_SEMITONES, parse_spelling

from .errors import ComposerError

ERROR, WARNING = "error", "warning"
SEVERITY = {
    "parallel-fifths": ERROR, "parallel-octaves": ERROR, "range": ERROR, "out-of-scale": ERROR,
    "omitted-note": ERROR, "movement": ERROR,
    "hidden-fifths": WARNING, "hidden-octaves": WARNING, "voice-crossing": WARNING, "spacing": WARNING,
    "leading-tone": WARNING, "seventh": WARNING,
}
ROLES = ("soprano", "alto", "tenor", "bass")
SATB_RANGES = {"soprano": ("C4", "G5"), "alto": ("G3", "D5"), "tenor": ("C3", "G4"), "bass": ("E2", "C4")}
_ROLE_NAMES = {
    "soprano": "soprano", "s": "soprano", "sop": "soprano", "sopr": "soprano", "sopran": "soprano",
    "alto": "alto", "a": "alto", "alt": "alto", "contralto": "alto",
    "tenor": "tenor", "t": "tenor", "ten": "tenor", "tenore": "tenor",
    "bass": "bass", "b": "bass", "basso": "bass", "bas": "bass",
}
SCALE_TOLERANCE = 10.0      # cents: a note this close to a scale note is that note
PERFECT_TOLERANCE = 15.0    # cents: a just fifth (702) is a fifth
EPS = 1e-6
_SEVENTH_TEMPLATES = {      # quality -> (intervals above the root, third, seventh)
    "dom7": ({0, 400, 700, 1000}, 400, 1000),
    "maj7": ({0, 400, 700, 1100}, 400, 1100),
    "min7": ({0, 300, 700, 1000}, 300, 1000),
    "hdim7": ({0, 300, 600, 1000}, 300, 1000),
    "dim7": ({0, 300, 600, 900}, 300, 900),
}


@dataclass(frozen=True)
class Finding:
    """One rule broken at one place: `bar` is 1-based as numbered in the file, `beat` 1-based."""

    rule: str
    severity: str
    bar: int
    beat: float
    voices: tuple[str, ...]
    message: str

    def __str__(self) -> str:
        who = "-".join(self.voices)
        where = f"bar {self.bar} beat {self.beat:g}: {self.severity} {self.rule}: "
        return where + (f"{who}: " if who else "") + self.message

    def to_dict(self) -> dict:
        d = asdict(self)
        d["voices"] = list(self.voices)
        return d


@dataclass(frozen=True)
class CheckReport:
    file: str
    key: str              # the key or mode the notes were checked in, e.g. 'G major'
    key_source: str       # where it came from: 'given', 'the key signature', ...
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(f.severity == ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == WARNING for f in self.findings)

    def summary(self) -> str:
        e, w = self.errors, self.warnings
        return (f"{self.file}: {e} error{'s' * (e != 1)}, {w} warning{'s' * (w != 1)} "
                f"(key {self.key}, {self.key_source})")

    def to_json(self) -> dict:
        return {"file": self.file, "key": self.key, "key_source": self.key_source,
                "findings": [f.to_dict() for f in self.findings], "errors": self.errors, "warnings": self.warnings}


# --- reading ---------------------------------------------------------------------------------
@dataclass
class _Note:
    onset: Fraction
    end: Fraction
    cents: float
    name: str


@dataclass
class _Voice:
    name: str
    part_name: str
    notes: list[_Note]
    role: str | None = None
    instrument_range: tuple[float, float] | None = None
    starts: list[Fraction] = field(default_factory=list)

    def at(self, t: Fraction) -> _Note | None:
        """The note sounding at time t, if any."""
        i = bisect.bisect_right(self.starts, t) - 1
        if i >= 0 and self.notes[i].onset <= t < self.notes[i].end:
            return self.notes[i]
        return None


def _read_error(message: str) -> ComposerError:
    from . import errors

    return getattr(errors, "ReadError", ComposerError)(message)


def read_score(path):
    """Parse a MusicXML file with music21; a missing or unreadable file raises ReadError."""
    p = Path(path)
    if not p.exists():
        raise _read_error(f"{path}: no such file")
    if not p.is_file():
        raise _read_error(f"{path}: not a file")
    from music21 import stream

    from .read import read_musicxml_score

    score = read_musicxml_score(p)  # hardened: size limit, no entities, one-line errors
    if not isinstance(score, stream.Score):
        if isinstance(score, stream.Stream):
            wrapped = stream.Score()
            wrapped.insert(0, score)
            score = wrapped
        else:
            raise _read_error(f"{path}: not a MusicXML score")
    if not score.recurse().notes:
        raise _read_error(f"{path}: the score has no notes")
    return score


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


def _cents_name(cents: float) -> str:
    from theory import Pitch

    return Pitch(cents).name()


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
    from music21 import stream

    found: list[_Voice] = []
    for pi, part in enumerate(score.parts):
        pname = (part.partName or "").strip() or f"part {pi + 1}"
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
                if el.isChord:
                    pitches = sorted(el.pitches, key=lambda p: -p.ps)
                    ties = [getattr(n, "tie", None) or el.tie for n in el.notes]
                    ties = [t for _, t in sorted(zip([n.pitch.ps for n in el.notes], ties), key=lambda x: -x[0])]
                else:
                    pitches, ties = [el.pitch], [el.tie]
                for rank, (p, tie) in enumerate(zip(pitches, ties)):
                    streams.setdefault((vid, rank), []).append((onset, end, p, tie))
        keys = sorted(streams, key=lambda k: (int(k[0]) if k[0].isdigit() else 99, k[0], k[1]))
        multi = len(keys) > 1
        rng = _instrument_range(part)
        for k in keys:
            events = sorted(streams[k], key=lambda e: e[0])
            notes: list[_Note] = []
            for onset, end, p, tie in events:
                cents = p.ps * 100.0
                prev = notes[-1] if notes else None
                if (tie is not None and tie.type in ("stop", "continue") and prev is not None
                        and prev.end == onset and abs(prev.cents - cents) < EPS):
                    prev.end = end
                    continue
                if prev is not None and onset < prev.end:
                    prev.end = onset          # overlapping notes in one voice: the later one wins
                notes.append(_Note(onset, end, cents, _note_name(p)))
            ids = {kk[0] for kk in keys}
            ranks = {kk[1] for kk in keys if kk[0] == k[0]}
            if not multi:
                label = pname
            elif len(ids) == 1:
                label = f"{pname} {k[1] + 1}"
            else:
                label = f"{pname} v{k[0]}" + (f".{k[1] + 1}" if len(ranks) > 1 else "")
            found.append(_Voice(label, pname, notes, _role_of(pname) if not multi else None, rng))
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
        from music21 import meter, stream

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
    from music21 import key as m21key

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
    """The nearest degree of the key's scale to a pitch and the distance in cents."""
    scale = key.scale
    rel = key.rel_cents(cents)
    best = (0, float("inf"))
    for i, c in enumerate(scale.degree_cents):
        d = min(abs(rel - c), abs(rel - c - scale.period_cents), abs(rel - c + scale.period_cents))
        if d < best[1]:
            best = (i, d)
    return best


# --- the checker -----------------------------------------------------------------------------
class _Checker:
    def __init__(self, score, key: Key, voices: list[_Voice], western: bool):
        self.key = key
        self.voices = voices
        self.bars = _BarMap(score)
        self.western = western
        self.findings: list[Finding] = []

    def add(self, rule: str, t: Fraction, voices, message: str) -> None:
        bar, beat = self.bars.locate(t)
        self.findings.append(Finding(rule, SEVERITY[rule], bar, beat, tuple(voices), message))

    # pairs of voices: the successive dyads where either voice starts a note and both sound
    def dyads(self, a: _Voice, b: _Voice):
        times = sorted(set(a.starts) | set(b.starts))
        chain = []
        for t in times:
            na, nb = a.at(t), b.at(t)
            chain.append((t, na, nb) if na and nb else None)
        return chain

    @staticmethod
    def _perfect(interval: float) -> str | None:
        iv = abs(interval) % 1200.0
        if min(iv, 1200.0 - iv) <= PERFECT_TOLERANCE:
            return "octaves" if abs(interval) > PERFECT_TOLERANCE else "unisons"
        if abs(iv - 700.0) <= PERFECT_TOLERANCE:
            return "fifths"
        return None

    def voice_pairs(self) -> None:
        vs = self.voices
        n = len(vs)
        for i in range(n):
            for j in range(i + 1, n):
                a, b = vs[i], vs[j]
                outer = i == 0 and j == n - 1
                adjacent = j == i + 1
                upper = j < n - 1 and n >= 3
                prev = None
                crossed_before = wide_before = False
                for d in self.dyads(a, b):
                    if d is None:
                        prev, crossed_before, wide_before = None, False, False
                        continue
                    t, na, nb = d
                    if adjacent:
                        crossed = na.cents < nb.cents - EPS
                        if crossed and not crossed_before:
                            self.add("voice-crossing", t, (a.name, b.name),
                                     f"{b.name} {nb.name} above {a.name} {na.name}")
                        crossed_before = crossed
                        if upper:
                            wide = na.cents - nb.cents > 1200.0 + PERFECT_TOLERANCE
                            if wide and not wide_before:
                                self.add("spacing", t, (a.name, b.name),
                                         f"more than an octave between {a.name} and {b.name} ({na.name}-{nb.name})")
                            wide_before = wide
                    if prev is not None:
                        self._motion(prev, d, a, b, outer)
                    prev = d

    def _motion(self, d1, d2, a: _Voice, b: _Voice, outer: bool) -> None:
        _, a1, b1 = d1
        t, a2, b2 = d2
        ma, mb = a2.cents - a1.cents, b2.cents - b1.cents
        if abs(ma) < EPS or abs(mb) < EPS or (ma > 0) != (mb > 0):
            return
        k1, k2 = self._perfect(a1.cents - b1.cents), self._perfect(a2.cents - b2.cents)
        motion = f"({a1.name}-{b1.name} -> {a2.name}-{b2.name})"
        fam = {"unisons": "octaves", "octaves": "octaves", "fifths": "fifths", None: None}
        if k2 and fam[k1] == fam[k2]:
            word = "unisons" if k1 == k2 == "unisons" else k2
            self.add(f"parallel-{fam[k2]}", t, (a.name, b.name), f"parallel {word} {motion}")
        elif k2 and outer and abs(ma) > 200.0 + PERFECT_TOLERANCE:
            self.add(f"hidden-{fam[k2]}", t, (a.name, b.name),
                     f"hidden {fam[k2]}: similar motion into a perfect {'fifth' if k2 == 'fifths' else 'octave'} "
                     f"with a leap in {a.name} {motion}")

    def ranges(self) -> None:
        for v in self.voices:
            if v.role in SATB_RANGES:
                lo_name, hi_name = SATB_RANGES[v.role]
                from theory import Pitch

                lo, hi, label = Pitch.from_name(lo_name).cents, Pitch.from_name(hi_name).cents, f"the {v.role} range"
                label += f" {lo_name}-{hi_name}"
            elif v.instrument_range:
                lo, hi = v.instrument_range
                label = f"the {v.part_name} range {_cents_name(lo)}-{_cents_name(hi)}"
            else:
                continue
            for n in v.notes:
                if n.cents < lo - EPS:
                    self.add("range", n.onset, (v.name,), f"{n.name} below {label}")
                elif n.cents > hi + EPS:
                    self.add("range", n.onset, (v.name,), f"{n.name} above {label}")

    # --- scale ---------------------------------------------------------------------------
    def western_scale(self) -> None:
        key = self.key
        allowed = list(key.scale.degree_cents)
        if key.is_minor:
            allowed += [900.0, 1100.0]
        for v in self.voices:
            for n in v.notes:
                rel = key.rel_cents(n.cents)
                d = min(min(abs(rel - c), 1200.0 - abs(rel - c)) for c in allowed)
                if d > SCALE_TOLERANCE:
                    micro = 1 < d % 100 < 99
                    self.add("out-of-scale", n.onset, (v.name,), f"{n.name} is not in {key}"
                             + (f" ({d:.0f} cents from the nearest scale note)" if micro else ""))

    def mode_scale(self) -> None:
        key = self.key
        info, scale = key.info, key.scale
        names = scale.degree_names or tuple(f"{c:g}" for c in scale.degree_cents)
        period = scale.period_cents
        asc, desc = set(scale.ascending), set(scale.descending)
        mode_name = f"{key.pack}:{key.mode}"
        for v in self.voices:
            prev: tuple[_Note, int] | None = None
            last_flagged = None
            for n in v.notes:
                rel = key.rel_cents(n.cents)
                omitted = [c for c in info.omitted_cents
                           if min(abs(rel - c), period - abs(rel - c)) <= SCALE_TOLERANCE]
                deg, dist = _nearest(key, n.cents)
                if omitted:
                    self.add("omitted-note", n.onset, (v.name,),
                             f"{n.name} ({rel:.0f} cents above the tonic) never sounds in {mode_name}")
                    prev = None
                    continue
                if dist > SCALE_TOLERANCE:
                    self.add("out-of-scale", n.onset, (v.name,),
                             f"{n.name} ({rel:.0f} cents above the tonic) is not a note of {mode_name} "
                             f"(nearest {names[deg]} = {scale.degree_cents[deg]:g}, {dist:.0f} cents away)")
                    prev = None
                    continue
                if prev is not None:
                    p, pdeg = prev
                    last_flagged = self._movement(v, p, pdeg, n, deg, asc, desc, names, mode_name, last_flagged)
                prev = (n, deg)

    def _movement(self, v, p: _Note, pdeg: int, n: _Note, deg: int, asc, desc, names, mode_name, last_flagged):
        scale, key = self.key.scale, self.key
        h1, h2 = p.cents, n.cents
        if abs(h2 - h1) < SCALE_TOLERANCE or abs(h2 - h1) >= scale.period_cents - SCALE_TOLERANCE:
            return last_flagged
        rising = h2 > h1
        lo, hi = min(h1, h2), max(h1, h2)
        between = set()
        anchor = key.anchor_cents
        for i, c in enumerate(scale.degree_cents):
            k0 = int((lo - anchor - c) // scale.period_cents) - 1
            for k in range(k0, k0 + 4):
                h = anchor + c + k * scale.period_cents
                if lo + SCALE_TOLERANCE < h < hi - SCALE_TOLERANCE:
                    between.add(i)
        step = not between or not (between & asc) or not (between & desc)
        if not step:
            return last_flagged
        form, word = (asc, "ascending") if rising else (desc, "descending")
        if pdeg in form and deg in form:
            return last_flagged
        direction = "up" if rising else "down"
        if any(a == pdeg and b == deg and d == direction for a, b, d in scale.extra_edges):
            return last_flagged
        offender = p if pdeg not in form else n
        odeg = pdeg if pdeg not in form else deg
        if offender is last_flagged:
            return last_flagged
        order = scale.ascending if rising else tuple(reversed(scale.descending))
        self.add("movement", n.onset, (v.name,),
                 f"{'rising' if rising else 'falling'} step {p.name} -> {n.name} uses {names[odeg]}, which the "
                 f"{word} form of {mode_name} does not use ({word}: {' '.join(names[i] for i in order)})")
        return offender

    # --- tendency tones --------------------------------------------------------------------
    def sonorities(self):
        times = sorted({t for v in self.voices for t in v.starts})
        out = []
        for t in times:
            sounding = {}
            for idx, v in enumerate(self.voices):
                nt = v.at(t)
                if nt is not None:
                    sounding[idx] = nt
            if len(sounding) < 3:
                out.append(None)
                continue
            pcs = set()
            micro = False
            for nt in sounding.values():
                rel = self.key.rel_cents(nt.cents)
                r = round(rel / 100.0) * 100 % 1200
                if abs(rel - round(rel / 100.0) * 100) > SCALE_TOLERANCE:
                    micro = True
                pcs.add(int(r))
            out.append(None if micro else (t, sounding, frozenset(pcs)))
        return out

    def tendency_tones(self) -> None:
        son = self.sonorities()
        minor = self.key.is_minor
        dominant_set = {700, 1100, 200, 500} | ({800} if minor else {800, 900})

        def is_dominant(pcs):
            return 1100 in pcs and pcs <= dominant_set and len(pcs & {700, 200, 500}) >= 1 and len(pcs) >= 2

        n = len(son)
        last_voice = len(self.voices) - 1
        i = 0
        while i < n:
            s = son[i]
            if s is None or not is_dominant(s[2]):
                i += 1
                continue
            j = i
            while j + 1 < n and son[j + 1] is not None and is_dominant(son[j + 1][2]):
                j += 1
            end_t, end_sounding, _ = son[j]
            nxt = son[j + 1] if j + 1 < n else None
            i = j + 1
            if nxt is None or 0 not in nxt[2]:
                continue
            _, next_sounding, next_pcs = nxt
            tonic_chord = next_pcs <= {0, 300, 400, 700}
            for idx, note in end_sounding.items():
                if round(self.key.rel_cents(note.cents)) % 1200 != 1100 or idx not in next_sounding:
                    continue
                to = next_sounding[idx]
                move = to.cents - note.cents
                if 50 <= move <= 150:
                    continue
                inner = 0 < idx < last_voice
                if inner and tonic_chord and -400 - EPS <= move <= -300 + EPS:
                    continue
                if to is note:
                    what = "is held"
                else:
                    what = f"moves to {to.name}"
                v = self.voices[idx]
                self.add("leading-tone", note.onset, (v.name,),
                         f"leading tone {note.name} does not rise to the tonic ({what})")

    def sevenths(self) -> None:
        son = self.sonorities()
        n = len(son)
        i = 0
        while i < n:
            s = son[i]
            chord = _seventh_chord(s[2]) if s else None
            if chord is None:
                i += 1
                continue
            quality, root, seventh_pc, members = chord
            j = i
            while j + 1 < n and son[j + 1] is not None and son[j + 1][2] <= members:
                j += 1
            nxt = son[j + 1] if j + 1 < n else None
            _, end_sounding, _ = son[j]
            i = j + 1
            if nxt is None:
                continue
            for idx, note in end_sounding.items():
                if round(self.key.rel_cents(note.cents)) % 1200 != seventh_pc or idx not in nxt[1]:
                    continue
                to = nxt[1][idx]
                move = to.cents - note.cents
                if -200 - EPS <= move <= -100 + EPS:
                    continue
                what = "is held" if to is note or abs(move) < EPS else f"moves to {to.name}"
                v = self.voices[idx]
                root_name = self.key.spell(int(round((self.key.tonic_cents + root) / 100.0)) % 12).name
                symbol = root_name + {"dom7": "7", "maj7": "maj7", "min7": "m7", "hdim7": "ø7", "dim7": "°7"}[quality]
                self.add("seventh", note.onset, (v.name,),
                         f"seventh {note.name} of {symbol} does not fall by step ({what})")

    def run(self, mode_check: bool) -> list[Finding]:
        self.voice_pairs()
        self.ranges()
        if mode_check:
            self.mode_scale()
        else:
            self.western_scale()
        if self.western and self.key.family in ("major", "minor") and len(self.voices) >= 3:
            self.tendency_tones()
            self.sevenths()
        order = {v.name: i for i, v in enumerate(self.voices)}
        unique = list(dict.fromkeys(self.findings))
        return sorted(unique, key=lambda f: (f.bar, f.beat, f.severity != ERROR, f.rule,
                                             [order.get(x, 99) for x in f.voices]))


def _seventh_chord(pcs: frozenset):
    """(quality, root, seventh pc, chord pcs) of a seventh chord spelled by `pcs` (cents above the tonic)."""
    if len(pcs) < 3:
        return None
    candidates = []
    for r in sorted(pcs):
        ints = {(p - r) % 1200 for p in pcs}
        for quality, (template, third, seventh) in _SEVENTH_TEMPLATES.items():
            if ints <= template and third in ints and seventh in ints:
                candidates.append((0 if r == 700 else 1 if r == 1100 else 2, quality, r,
                                   (r + seventh) % 1200, frozenset((r + x) % 1200 for x in template)))
    if not candidates:
        return None
    _, quality, r, sev, members = min(candidates)
    return quality, r, sev, members


def check_score(score, key: str | None = None, scale: str | None = None, file: str = "<score>") -> list[Finding]:
    """The findings on a music21 score (see the module docstring for the rules)."""
    return analyse_score(score, key, scale, file).findings


def analyse_score(score, key: str | None = None, scale: str | None = None, file: str = "<score>") -> CheckReport:
    if key and scale:
        raise ComposerError("give --key or --scale, not both")
    voices = _voices(score)
    if not voices:
        raise _read_error(f"{file}: the score has no notes")
    if scale:
        k, source = _scale_key(scale, voices)
        western = k.pack == "western"
    elif key:
        k, source, western = Key.parse(key), "given", True
    else:
        (k, source), western = _file_key(score), True
    findings = _Checker(score, k, voices, western).run(mode_check=bool(scale))
    return CheckReport(str(file), str(k), source, findings)


def check(path, key: str | None = None, scale: str | None = None) -> CheckReport:
    """Read a MusicXML file and mark it; raises ReadError (a ComposerError) for a bad file."""
    if key and scale:
        raise ComposerError("give --key or --scale, not both")
    if key:
        Key.parse(key)              # a bad key is reported before the file is read
    if scale:
        _parse_scale(scale)
    return analyse_score(read_score(path), key, scale, str(path))


def check_file(path, key: str | None = None, scale: str | None = None) -> list[Finding]:
    """The findings on a MusicXML file, sorted by bar and beat."""
    return check(path, key, scale).findings
