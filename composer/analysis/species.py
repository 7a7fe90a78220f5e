"""The species-counterpoint checker a teacher uses: a counterpoint against a cantus firmus, read by the
named rules of `theory/rules/counterpoint.yaml` (Fux's five species), each finding in words that name
the bar, the notes and the interval.

Notes are (onset, end, cents) with exact `Fraction` times in quarter notes; the cantus has one whole
note a bar of `bar` quarter notes. A tie of the fourth species is one note across the barline, or two
notes of one pitch (they are merged). The counterpoint lies above the cantus or below it, by mean pitch:

    cantus = [(Fraction(4 * i), Fraction(4 * i + 4), c) for i, c in enumerate([6000, 6200, 6400, 6500, 6400, 6200, 6000])]
    answer = [(Fraction(4 * i), Fraction(4 * i + 4), c) for i, c in enumerate([7200, 6700, 6700, 7400, 7200, 7100, 7200])]
    species_findings(cantus, answer, species=1, bar=Fraction(4), tonic_cents=6000.0)
    -> [SpeciesFinding(rule='species-dissonance', onset=Fraction(4, 1), voice='both',
                       message='bar 2: dissonant fourth G4-D4 on the downbeat')]
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from theory.counterpoint import (
    SPECIES,
    counterpoint_rules,
    interval_name,
    is_consonant,
    melodic_name,
    melodic_quality,
    note_name,
    semitones,
)
from theory.voice_leading import consecutive_family

from ..score.errors import ComposerError


@dataclass(frozen=True)
class SpeciesFinding:
    """One breach of a named counterpoint rule: where (onset in quarter notes), which voice ('counterpoint'
    for the line itself, 'both' for what sounds between the voices), in words."""

    rule: str
    onset: Fraction
    voice: str
    message: str

    @property
    def severity(self) -> str:
        """'error' or 'warning', as `theory/rules/counterpoint.yaml` ranks the rule."""
        return counterpoint_rules().rule(self.rule).severity

    def __str__(self) -> str:
        return f"{self.severity} {self.rule}: {self.message}"


@dataclass(frozen=True)
class _Event:
    """A moment when either voice attacks while both sound: the counterpoint note `cp` (an index into
    the merged counterpoint), the cantus note `cf`, and whether the counterpoint attacks here."""

    time: Fraction
    cp: int
    cf: int
    attacked: bool


class _Lines:
    """The two voices read for the checks: merged counterpoint, events, positions in the bar, names."""

    def __init__(self, cantus, counterpoint, species, bar, tonic_cents, minor):
        self.cantus, self.species, self.bar = cantus, species, bar
        self.tonic, self.minor = tonic_cents, minor
        self.origin = cantus[0][0]
        self.cp = _merge_ties(counterpoint, species, bar, self.origin)
        self.above = _mean(self.cp) >= _mean(cantus)
        self.rules = counterpoint_rules()
        self.events = self._events()

    def _events(self) -> list[_Event]:
        times = sorted({n[0] for n in self.cp} | {c[0] for c in self.cantus})
        out = []
        for t in times:
            j, i = _sounding(self.cp, t), _sounding(self.cantus, t)
            if j is not None and i is not None:
                out.append(_Event(t, j, i, self.cp[j][0] == t))
        return out

    def bar_of(self, t: Fraction) -> int:
        return int((t - self.origin) // self.bar) + 1

    def rel(self, t: Fraction) -> Fraction:
        return (t - self.origin) % self.bar

    def pitch(self, j: int) -> float:
        return self.cp[j][2]

    def name(self, cents: float) -> str:
        return note_name(cents, self.tonic, self.minor)

    def interval(self, ev: _Event) -> int:
        """Semitones from the cantus to the counterpoint, toward the counterpoint's side (< 0: crossed)."""
        d = semitones(self.cp[ev.cp][2] - self.cantus[ev.cf][2])
        return d if self.above else -d

    def dyad(self, ev: _Event) -> str:
        """'C5-G4': the upper note first."""
        a, b = self.cp[ev.cp][2], self.cantus[ev.cf][2]
        return f"{self.name(max(a, b))}-{self.name(min(a, b))}"

    def where(self, t: Fraction) -> str:
        rel = self.rel(t)
        if rel == 0:
            return "on the downbeat"
        if rel == self.bar / 2:
            return "on the weak half"
        quarter = rel / (self.bar / 4)
        return f"on quarter {int(quarter) + 1}" if quarter.denominator == 1 else f"{rel} into the bar"

    def event_at(self, t: Fraction) -> _Event | None:
        return next((ev for ev in self.events if ev.time == t), None)

    def downbeats(self) -> list[_Event]:
        return [ev for ev in self.events if self.rel(ev.time) == 0]

    def finding(self, rule: str, t: Fraction, voice: str, text: str) -> SpeciesFinding:
        return SpeciesFinding(rule, t, voice, f"bar {self.bar_of(t)}: {text}")

    def motion(self, j: int, k: int) -> int:
        """Semitones from counterpoint note j to note k."""
        return semitones(self.pitch(k) - self.pitch(j))

    def consonant(self, j: int) -> bool:
        """Whether counterpoint note j is consonant with the cantus where it begins."""
        ev = self.event_at(self.cp[j][0])
        return ev is not None and is_consonant(self.interval(ev))

    def joined(self, j: int) -> bool:
        """Whether note j+1 follows note j with no rest between."""
        return j + 1 < len(self.cp) and self.cp[j][1] == self.cp[j + 1][0]


def _mean(notes) -> float:
    return sum(n[2] for n in notes) / len(notes)


def _sounding(notes, t: Fraction) -> int | None:
    for k, n in enumerate(notes):
        if n[0] <= t < n[1]:
            return k
    return None


def _merge_ties(notes, species: int, bar: Fraction, origin: Fraction) -> list[tuple]:
    """A syncope given as two notes of one pitch across a barline becomes one note (species 4 and 5)."""
    out = []
    for n in notes:
        if (species in (4, 5) and out and out[-1][1] == n[0] and abs(out[-1][2] - n[2]) < 1.0
                and (n[0] - origin) % bar == 0 and (out[-1][0] - origin) % bar != 0):
            out[-1] = (out[-1][0], n[1], out[-1][2])
        else:
            out.append(tuple(n))
    return out


def _is_step(semis: int) -> bool:
    return semis != 0 and abs(semis) * 100 <= counterpoint_rules().step_cents


def _value_name(duration: Fraction, bar: Fraction) -> str:
    names = {bar: "whole note", bar / 2: "half note", bar / 4: "quarter note", bar / 8: "eighth note"}
    return names.get(duration, f"note of {duration} quarter-note beats")


# --- checks: each returns the findings of one rule ----------------------------------------------------

def _rhythm(L: _Lines) -> list[SpeciesFinding]:
    out, bar, sp = [], L.bar, L.species
    last, final = L.cp[-1], L.cantus[-1]
    if (last[0], last[1]) != (final[0], final[1]):
        out.append(L.finding("species-rhythm", last[0], "counterpoint",
                             f"the last note {L.name(last[2])} is not a whole note on the final of the cantus"))
    lead = {1: Fraction(0), 2: bar / 2, 3: bar / 4, 4: bar / 2, 5: bar / 2}[sp]
    if L.cp[0][0] - L.origin > lead:
        out.append(L.finding("species-rhythm", L.cp[0][0], "counterpoint",
                             f"the counterpoint begins after a rest of {L.cp[0][0] - L.origin} quarter-note beats"))
    expected = {1: "whole notes", 2: "half notes", 3: "quarter notes", 4: "half notes syncopated across the barline",
                5: "values of an eighth note to a whole note"}[sp]
    for j, (onset, end, cents) in enumerate(L.cp[:-1]):
        dur, rel = end - onset, L.rel(onset)
        fits = {1: rel == 0 and dur == bar,
                2: rel in (0, bar / 2) and dur == bar / 2,
                3: rel % (bar / 4) == 0 and dur == bar / 4,
                4: rel in (0, bar / 2) and (dur == bar / 2 or (dur == bar and rel == bar / 2)),
                5: rel % (bar / 8) == 0 and dur % (bar / 8) == 0 and dur <= bar}[sp]
        if not fits:
            out.append(L.finding("species-rhythm", onset, "counterpoint",
                                 f"a {_value_name(dur, bar)} {L.name(cents)} {L.where(onset)}, where species {sp} "
                                 f"has {expected}"))
        if L.cp[j + 1][0] < end:
            out.append(L.finding("species-rhythm", L.cp[j + 1][0], "counterpoint",
                                 f"{L.name(L.cp[j + 1][2])} begins before {L.name(cents)} ends"))
        elif L.cp[j + 1][0] > end:
            out.append(L.finding("species-rhythm", end, "counterpoint", f"a rest after {L.name(cents)}"))
    return out


def _treatment_problem(L: _Lines, j: int) -> str | None:
    """None if the attacked dissonant note j is a passing tone (or, from the third species on, a
    neighbour tone or the dissonance of a nota cambiata); else why not."""
    has_prev = j > 0 and L.joined(j - 1)
    has_next = L.joined(j)
    d1 = L.motion(j - 1, j) if has_prev else 0
    d2 = L.motion(j, j + 1) if has_next else 0
    if has_prev and has_next and _is_step(d1) and _is_step(d2):
        if (d1 > 0) == (d2 > 0):
            return None
        if L.species != 2 and L.motion(j - 1, j + 1) == 0 and L.consonant(j - 1) and L.consonant(j + 1):
            return None
    if (L.species in (3, 5) and has_prev and has_next and L.joined(j + 1) and _is_step(d1) and d1 < 0
            and d2 in (-3, -4) and _is_step(L.motion(j + 1, j + 2)) and L.motion(j + 1, j + 2) > 0
            and L.consonant(j - 1) and L.consonant(j + 1)):
        return None
    if not has_prev:
        return "nothing leads into it by step"
    if not _is_step(d1):
        return f"it is approached by a leap ({melodic_name(L.pitch(j - 1), L.pitch(j), L.tonic, L.minor)})"
    if not has_next:
        return "nothing leaves it by step"
    if d2 == 0:
        return "it is repeated, not left by step"
    if not _is_step(d2):
        return f"it is left by a leap ({melodic_name(L.pitch(j), L.pitch(j + 1), L.tonic, L.minor)})"
    if L.species == 2:
        return "it turns back, a neighbour tone, where the second species allows only passing tones"
    if L.motion(j - 1, j + 1) == 0:
        return "it turns back, but a neighbour tone lies between consonances"
    return "it turns back to another note: neither a passing nor a neighbour tone"


def _suspension_problem(L: _Lines, ev: _Event) -> str | None:
    """None if note ev.cp, held dissonant over the barline, is a suspension: prepared by a consonance,
    resolved down by step to a consonance over the same cantus note (not into a unison, nor 7-8 below)."""
    j = ev.cp
    entry = L.event_at(L.cp[j][0])
    if entry is not None and not is_consonant(L.interval(entry)):
        return f"it is not prepared: it entered as a dissonant {interval_name(abs(L.interval(entry)))}"
    if not L.joined(j) or _sounding(L.cantus, L.cp[j + 1][0]) != ev.cf:
        return "it does not resolve over the same cantus note"
    d = L.motion(j, j + 1)
    to = L.name(L.pitch(j + 1))
    if d > 0:
        return f"it resolves up to {to}, not down by step"
    if not _is_step(d):
        return f"it resolves by a leap ({melodic_name(L.pitch(j), L.pitch(j + 1), L.tonic, L.minor)}) to {to}"
    res = L.event_at(L.cp[j + 1][0])
    iv = L.interval(res)
    if not is_consonant(iv):
        return f"it resolves to {to}, a dissonant {interval_name(abs(iv))}"
    if iv == 0:
        return f"it resolves into a unison on {to}"
    if not L.above and iv % 12 == 0:
        return f"it resolves into an octave on {to} (7-8 in the lower voice)"
    return None


def _dissonance(L: _Lines) -> list[SpeciesFinding]:
    out = []
    for ev in L.events:
        iv = L.interval(ev)
        if is_consonant(iv):
            continue
        what = f"dissonant {interval_name(abs(iv))} {L.dyad(ev)}"
        rel = L.rel(ev.time)
        if not ev.attacked:
            if L.species in (4, 5):
                problem = _suspension_problem(L, ev)
                what = f"suspended {interval_name(abs(iv))} {L.dyad(ev)}"
            else:
                problem = f"held over the barline, which species {L.species} does not allow"
        elif rel == 0:
            problem = ""
        elif L.species == 1:
            problem = "note against note allows none"
        elif L.species == 2:
            problem = _treatment_problem(L, ev.cp) if rel == L.bar / 2 else "off the half-note beats"
        elif L.species == 4:
            problem = "the syncope enters as a consonance"
        else:
            problem = _treatment_problem(L, ev.cp)
        if problem is None:
            continue
        reason = f": {problem}" if problem else ""
        out.append(L.finding("species-dissonance", ev.time, "both", f"{what} {L.where(ev.time)}{reason}"))
    return out


def _start(L: _Lines) -> list[SpeciesFinding]:
    ev = L.events[0] if L.events else None
    if ev is None:
        return []
    iv = L.interval(ev)
    allowed = (0, 7) if L.above else (0,)
    if iv >= 0 and iv % 12 in allowed:
        return []
    side = "above the cantus: a unison, fifth or octave" if L.above else "below the cantus: a unison or octave"
    return [L.finding("species-start", ev.time, "both",
                      f"the counterpoint begins on a {interval_name(abs(iv))} {L.dyad(ev)}; it begins {side}")]


def _end(L: _Lines) -> list[SpeciesFinding]:
    ev = L.event_at(L.cp[-1][0])
    if ev is None:
        return []
    iv = L.interval(ev)
    if iv >= 0 and iv % 12 == 0:
        return []
    return [L.finding("species-end", ev.time, "both",
                      f"the counterpoint ends on a {interval_name(abs(iv))} {L.dyad(ev)}, not a unison or octave")]


def _cadence(L: _Lines) -> list[SpeciesFinding]:
    if len(L.cp) < 2 or len(L.cantus) < 2 or L.cp[-1][0] != L.cantus[-1][0]:
        return []
    pen, fin = len(L.cp) - 2, len(L.cp) - 1
    t = L.cp[pen][0]
    p, f = L.name(L.pitch(pen)), L.name(L.pitch(fin))
    d_cp = L.motion(pen, fin)
    d_cf = semitones(L.cantus[-1][2] - L.cantus[-2][2])
    ev = L.events[-2] if len(L.events) >= 2 else None

    def bad(text: str) -> list[SpeciesFinding]:
        return [L.finding("species-cadence", t, "both", text)]

    if not L.joined(pen):
        return bad(f"a rest before the final {f}")
    if not _is_step(d_cp):
        return bad(f"the counterpoint leaps into the final ({melodic_name(L.pitch(pen), L.pitch(fin), L.tonic, L.minor)}"
                   f" {p}-{f}); it must approach it by step")
    if d_cf == 0 or (d_cp > 0) == (d_cf > 0):
        return bad(f"{p}-{f} moves with the cantus into the final; the cadence wants contrary motion")
    if d_cp > 0 and d_cp != 1:
        return bad(f"the leading tone is not raised: {p} rises a whole tone to the final {f}")
    if ev is None or ev.cp != pen:
        return []
    iv = abs(L.interval(ev))
    expanding = (d_cp > 0) == L.above
    want, cadence = ((9,), "a major sixth to the octave (7-8)") if expanding else ((3,), "a minor third to the unison "
                                                                                    "or a minor tenth to the octave")
    if iv % 12 not in want:
        return bad(f"the penultimate interval {L.dyad(ev)} is a {interval_name(iv)}; the cadence goes from {cadence}")
    return []


def _unison(L: _Lines) -> list[SpeciesFinding]:
    last = len(L.cp) - 1
    return [L.finding("species-unison", ev.time, "both", f"unison {L.name(L.pitch(ev.cp))} {L.where(ev.time)}")
            for ev in L.events if L.interval(ev) == 0 and ev.cp not in (0, last)
            and (L.species == 1 or L.rel(ev.time) == 0)]


def _crossing(L: _Lines) -> list[SpeciesFinding]:
    out, seen = [], set()
    for ev in L.events:
        if L.interval(ev) < 0 and ev.cp not in seen:
            seen.add(ev.cp)
            side = "below" if L.above else "above"
            out.append(L.finding("species-crossing", ev.time, "both",
                                 f"the counterpoint crosses {side} the cantus: {L.dyad(ev)}"))
    return out


def _leap_problem(L: _Lines, j: int) -> str | None:
    a, b = L.pitch(j - 1), L.pitch(j)
    d = semitones(b - a)
    name = melodic_name(a, b, L.tonic, L.minor)
    if melodic_quality(a, b, L.tonic, L.minor):
        return f"{name} {L.name(a)}-{L.name(b)}"
    if abs(d) * 100 > L.rules.max_leap_cents:
        return f"leap of a {name} {L.name(a)}-{L.name(b)}, more than an octave"
    if abs(d) in (10, 11):
        return f"leap of a {name} {L.name(a)}-{L.name(b)}"
    if abs(d) == 9 or d == -8:
        return f"leap of a {'falling ' if d < 0 else ''}{name} {L.name(a)}-{L.name(b)}: of the sixths only the " \
               f"rising minor sixth"
    return None


def _leap(L: _Lines) -> list[SpeciesFinding]:
    return [L.finding("species-leap", L.cp[j][0], "counterpoint", problem)
            for j in range(1, len(L.cp)) if (problem := _leap_problem(L, j))]


def _leap_recovery(L: _Lines) -> list[SpeciesFinding]:
    out = []
    for j in range(1, len(L.cp) - 1):
        d, after = L.motion(j - 1, j), L.motion(j, j + 1)
        if abs(d) * 100 <= L.rules.large_leap_cents:
            continue
        if _is_step(after) and (after > 0) != (d > 0):
            continue
        a, b, c = (L.name(L.pitch(k)) for k in (j - 1, j, j + 1))
        out.append(L.finding("species-leap-recovery", L.cp[j][0], "counterpoint",
                             f"the leap of a {melodic_name(L.pitch(j - 1), L.pitch(j), L.tonic, L.minor)} {a}-{b} "
                             f"is not recovered by a step the other way ({b}-{c})"))
    return out


def _repeat(L: _Lines) -> list[SpeciesFinding]:
    out, count = [], 0
    allowed = L.rules.max_repeats_first_species if L.species == 1 else 0
    for j in range(1, len(L.cp)):
        if L.motion(j - 1, j) != 0:
            continue
        count += 1
        if count > allowed:
            rule = f"note against note allows {allowed}" if L.species == 1 else f"species {L.species} allows none"
            out.append(L.finding("species-repeat", L.cp[j][0], "counterpoint",
                                 f"repeated note {L.name(L.pitch(j))} (repetition {count}; {rule})"))
    return out


def _consecutive_downbeats(L: _Lines) -> list[SpeciesFinding]:
    out, beats = [], L.downbeats()
    for e1, e2 in zip(beats, beats[1:]):
        if e2.time - e1.time != L.bar:
            continue
        family = int(consecutive_family(L.pitch(e1.cp), L.cantus[e1.cf][2], L.pitch(e2.cp), L.cantus[e2.cf][2]))
        if family:
            kind = "fifths" if family == 2 else "octaves"
            out.append(L.finding("species-consecutive-downbeats", e2.time, "both",
                                 f"{kind} on successive downbeats, {L.dyad(e1)} to {L.dyad(e2)}"))
    return out


def _range(L: _Lines) -> list[SpeciesFinding]:
    low, high = min(L.cp, key=lambda n: n[2]), max(L.cp, key=lambda n: n[2])
    span = semitones(high[2] - low[2])
    if span * 100 <= L.rules.max_range_cents:
        return []
    return [L.finding("species-range", min(low[0], high[0]), "counterpoint",
                      f"the counterpoint spans a {interval_name(span)} ({L.name(low[2])} to {L.name(high[2])}), "
                      f"more than a tenth")]


def _climax(L: _Lines) -> list[SpeciesFinding]:
    top = max(n[2] for n in L.cp)
    at = [n[0] for n in L.cp if semitones(top - n[2]) == 0]
    if len(at) < 2:
        return []
    bars = ", ".join(str(L.bar_of(t)) for t in at)
    return [L.finding("species-climax", at[1], "counterpoint",
                      f"the highest note {L.name(top)} comes {len(at)} times (bars {bars}); a single climax is best")]


def _imperfect_run(L: _Lines) -> list[SpeciesFinding]:
    out, run, kind_before, t_before = [], 0, None, None
    for ev in L.downbeats():
        iv = abs(L.interval(ev)) % 12
        kind = "thirds" if iv in (3, 4) else "sixths" if iv in (8, 9) else None
        joined = t_before is not None and ev.time - t_before == L.bar
        run = run + 1 if kind and kind == kind_before and joined else (1 if kind else 0)
        kind_before, t_before = kind, ev.time
        if run == L.rules.max_imperfect_run + 1:
            out.append(L.finding("species-imperfect-run", ev.time, "both",
                                 f"{run} {kind} in a row (to {L.dyad(ev)}): the voices move as one"))
    return out


_CHECKS = {"species-rhythm": _rhythm, "species-dissonance": _dissonance, "species-start": _start,
           "species-end": _end, "species-cadence": _cadence, "species-unison": _unison,
           "species-crossing": _crossing, "species-leap": _leap, "species-leap-recovery": _leap_recovery,
           "species-repeat": _repeat, "species-consecutive-downbeats": _consecutive_downbeats,
           "species-range": _range, "species-climax": _climax, "species-imperfect-run": _imperfect_run}


# --- input ----------------------------------------------------------------------------------------------

def _time(value, what: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, (int, Fraction)):
        raise ComposerError(f"{what} must be an exact time (an int or a Fraction in quarter notes), "
                            f"received {value!r}")
    return Fraction(value)


def _notes(notes, voice: str) -> list[tuple]:
    if not isinstance(notes, (list, tuple)) or not notes:
        raise ComposerError(f"the {voice} must be a non-empty list of (onset, end, cents) notes, received {notes!r}")
    out = []
    for k, note in enumerate(notes):
        if not isinstance(note, (list, tuple)) or len(note) != 3:
            raise ComposerError(f"{voice} note {k} must be (onset, end, cents), received {note!r}")
        onset, end = _time(note[0], f"{voice} note {k} onset"), _time(note[1], f"{voice} note {k} end")
        cents = note[2]
        if isinstance(cents, bool) or not isinstance(cents, (int, float)) or not math.isfinite(cents):
            raise ComposerError(f"{voice} note {k} pitch must be a finite number of cents, received {cents!r}")
        if end <= onset:
            raise ComposerError(f"{voice} note {k} ends ({end}) at or before its onset ({onset})")
        out.append((onset, end, float(cents)))
    return sorted(out, key=lambda n: n[0])


def _checked_input(cantus, counterpoint, species, bar):
    if isinstance(species, bool) or species not in SPECIES:
        raise ComposerError(f"species must be 1, 2, 3, 4 or 5, received {species!r}")
    bar = _time(bar, "bar")
    if bar <= 0:
        raise ComposerError(f"bar must be a positive length in quarter notes, received {bar}")
    cf, cp = _notes(cantus, "cantus"), _notes(counterpoint, "counterpoint")
    if len(cf) < 2:
        raise ComposerError(f"the cantus needs at least two notes, received {len(cf)}")
    for k, (onset, end, _) in enumerate(cf):
        if end - onset != bar or (k and cf[k - 1][1] != onset):
            raise ComposerError(f"cantus note {k} ({onset} to {end}) is not one whole note of the bar ({bar}) "
                                f"following the note before")
    if cp[0][0] < cf[0][0] or cp[-1][1] > cf[-1][1]:
        raise ComposerError(f"the counterpoint ({cp[0][0]} to {cp[-1][1]}) runs outside the cantus "
                            f"({cf[0][0]} to {cf[-1][1]})")
    return cf, cp, bar


def species_findings(cantus, counterpoint, species: int, bar: Fraction, tonic_cents: float,
                     minor: bool = False) -> list[SpeciesFinding]:
    """Every breach of the species rules that bind `species`, in the order of the music (then of the
    rules file). `tonic_cents` and `minor` spell melodic intervals (F-G# an augmented second) and note
    names. Raises ComposerError for input that is not two voices of notes against a cantus of whole notes."""
    cf, cp, bar = _checked_input(cantus, counterpoint, species, bar)
    lines = _Lines(cf, cp, species, bar, float(tonic_cents), bool(minor))
    rules = counterpoint_rules()
    order = {name: k for k, name in enumerate(rules.rules)}
    findings = [f for name, check in _CHECKS.items() if rules.binds(name, species) for f in check(lines)]
    return sorted(findings, key=lambda f: (f.onset, order[f.rule]))


__all__ = ["SpeciesFinding", "species_findings"]
