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

from dataclasses import asdict, dataclass, field
from fractions import Fraction

from theory import Key, Pitch
from theory.voice_leading import hidden_kind, parallel_kind, perfect_kind, voice_leading_rules

from ..score.errors import ComposerError
from .check_input import (
    EPS,
    SCALE_TOLERANCE,
    _BarMap,
    _file_key,
    _nearest,
    _Note,
    _parse_scale,
    _read_error,
    _scale_key,
    _Voice,
    _voices,
    read_score,
)

ERROR, WARNING = "error", "warning"
RULES = voice_leading_rules()          # the voice-leading rules, shared with the composer's arrangement
SEVERITY = {
    **{name: rule.severity for name, rule in RULES.rules.items()},
    "range": ERROR, "out-of-scale": ERROR, "omitted-note": ERROR, "movement": ERROR,
}
SATB_RANGES = {"soprano": ("C4", "G5"), "alto": ("G3", "D5"), "tenor": ("C3", "G4"), "bass": ("E2", "C4")}
PERFECT_TOLERANCE = RULES.perfect_tolerance_cents    # cents: a just fifth (702) is a fifth
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
                            wide = na.cents - nb.cents > RULES.max_upper_spacing_cents + PERFECT_TOLERANCE
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
        motion = f"({a1.name}-{b1.name} -> {a2.name}-{b2.name})"
        parallel = parallel_kind(a1.cents, b1.cents, a2.cents, b2.cents)
        if parallel:
            start, end = perfect_kind(a1.cents - b1.cents), perfect_kind(a2.cents - b2.cents)
            word = "unisons" if start == end == "unisons" else end
            self.add(f"parallel-{parallel}", t, (a.name, b.name), f"parallel {word} {motion}")
        elif outer and (hidden := hidden_kind(a1.cents, b1.cents, a2.cents, b2.cents)):
            self.add(f"hidden-{hidden}", t, (a.name, b.name),
                     f"hidden {hidden}: similar motion into a perfect {'fifth' if hidden == 'fifths' else 'octave'} "
                     f"with a leap in {a.name} {motion}")

    def ranges(self) -> None:
        for v in self.voices:
            if v.role in SATB_RANGES:
                lo_name, hi_name = SATB_RANGES[v.role]

                lo, hi, label = Pitch.from_name(lo_name).cents, Pitch.from_name(hi_name).cents, f"the {v.role} range"
                label += f" {lo_name}-{hi_name}"
            elif v.instrument_range:
                lo, hi = v.instrument_range
                label = f"the {v.part_name} range {Pitch(lo).name()}-{Pitch(hi).name()}"
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
