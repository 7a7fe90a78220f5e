"""Mark a written exercise by a rule set: voice leading, ranges, tendency tones and the key, by bar
and beat, after a harmonic analysis of the piece.

`check("exercise.musicxml", key="G major", rules="chorale")` reads a MusicXML file and returns a
`CheckReport`: the key and where it came from, the rule set, the findings (rule, severity, bar,
beat, voices, message) sorted by bar and beat, and the analysis (`harmony.HarmonyAnalysis`: key
regions, a Roman numeral per beat, the non-chord tones). `check_score(score, ...)` marks a music21
score already in memory. `partita check FILE [--key K | --scale PACK:MODE[:TONIC]] [--rules SET]
[--enable R] [--disable R] [--analysis] [--annotate OUT.musicxml] [--exercise exercise.json] [--json]`
prints them (`--exercise`: grade an answer to `partita exercise`, see `given.py`).

**Rule sets** (`sets:` in theory/rules/voice_leading.yaml, the file the composer's arrangement obeys):
chorale, strict, free, jazz, blues, pop, and species1 to species5. Each keeps some of the named rules
at a severity (error, warning) and leaves the others off; `--enable` and `--disable` switch one. The
default: the rule set of the style a partita file was composed in (its provenance), else chorale for
four voices, else free. A rule the set's idiom relaxes (the fifths of a jazz pianist's planing inside
one staff) is reported as `allowed`, with why.

**Analysis before judgement.** A chromatic note of an applied chord (the F-sharp of V7/V in C), of a
modulation, of mixture, or a chromatic passing or neighbour note is not out of the key; parallels
made by a non-chord tone off the beat, or a fifth restated by both voices leaping an octave, have
their own, lower rules (`passing-parallels`, `restated-perfects`). Rests, fermatas and section ends
break the voices: no rule of motion reaches across them.

Voices are the parts of the score and the voices inside a part (SATB on two staves is four voices);
a chord inside one voice is split into voices by rank, top first (their octaves are
`keyboard-doubling` where the set allows doublings). Voices keep score order, or S A T B order when
the parts are named so; four unnamed voices are soprano, alto, tenor, bass. Two parts of one name are
told apart by a number.

The key is `--key` when given; else the key a partita file was composed in; else the file's key
signature (with its mode when written, else the major key or its relative minor, whichever music21's
analysis prefers); else music21's key analysis. With `--scale PACK:MODE` the tonic is `:TONIC` when
given, else the final note of the lowest voice; the tuning is the pack's profile that fits the most
notes. The report says which.

Limitations: the analysis knows triads and seventh chords (not augmented sixths or ninths) and labels
each note at its onset; the tendency-tone rules need three voices and a major or minor key.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from fractions import Fraction

from theory import Key, Pitch
from theory.counterpoint import counterpoint_rules
from theory.voice_leading import RuleBook, hidden_kind, parallel_kind, perfect_kind, voice_leading_rules

from .. import grammar
from ..score.errors import ComposerError
from . import check_tonal
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
    key_signatures,
    read_score_and_provenance,
    section_ends,
)
from .check_plan import PlanFacts, plan_facts
from .context import replanned
from .given import GIVEN_RULE, ExerciseFile, given_voice_findings, read_exercise
from .harmony import HarmonyAnalysis, analyse_harmony, collection, describe, pc_of
from .species import species_findings

ERROR, WARNING, ALLOWED = "error", "warning", "allowed"
RULES = voice_leading_rules()          # the named rules and their sets, shared with the composer's arrangement
SEVERITY = {name: rule.severity for name, rule in RULES.rules.items()}   # each rule's own severity
PERFECT_TOLERANCE = RULES.perfect_tolerance_cents    # cents: a just fifth (702) is a fifth
OCTAVE = 1200.0
CANTUS_NAMES = {"cantus firmus", "cantus", "cf", "c.f."}


def rule_sets() -> list[str]:
    return list(RULES.sets)


def rule_book(name: str, enable=(), disable=()) -> RuleBook:
    """The rule set `name` with rules switched on or off; a bad name is a ComposerError naming the accepted."""
    if name not in RULES.sets:
        raise ComposerError(f"--rules {name!r}: no such rule set (accepted: {', '.join(RULES.sets)})")
    known = set(RULES.rules) | _species_rule_names()
    for flag, names in (("--enable", enable), ("--disable", disable)):
        for rule in names:
            if rule not in known:
                raise ComposerError(f"{flag} {rule!r}: no such rule (accepted: {', '.join(sorted(known))})")
    return RULES.book(name).with_changes(enable, disable)


def _species_rule_names() -> set[str]:
    return set(counterpoint_rules().rules)


@dataclass(frozen=True)
class Finding:
    """One rule broken at one place: `bar` is 1-based as numbered in the file, `beat` 1-based.
    `notes` are the notes it marks (for --annotate); they are not part of its identity or its JSON."""

    rule: str
    severity: str
    bar: int
    beat: float
    voices: tuple[str, ...]
    message: str
    notes: tuple = field(default=(), compare=False, repr=False)

    def __str__(self) -> str:
        who = "-".join(self.voices)
        where = f"bar {self.bar} beat {self.beat:g}: {self.severity} {self.rule}: "
        return where + (f"{who}: " if who else "") + self.message

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("notes")
        d["voices"] = list(self.voices)
        return d


@dataclass(frozen=True)
class CheckReport:
    file: str
    key: str              # the key or mode the notes were checked in, e.g. 'G major'
    key_source: str       # where it came from: 'given', 'the key signature', ...
    findings: list[Finding] = field(default_factory=list)
    rules: str = "chorale"         # the rule set
    rules_source: str = "given"    # where it came from
    analysis_lines: tuple[str, ...] = ()
    score: object = field(default=None, compare=False, repr=False)   # the music21 score read

    @property
    def errors(self) -> int:
        return sum(f.severity == ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == WARNING for f in self.findings)

    def summary(self) -> str:
        e, w = self.errors, self.warnings
        allowed = sum(f.severity == ALLOWED for f in self.findings)
        return (f"{self.file}: {e} error{'s' * (e != 1)}, {w} warning{'s' * (w != 1)}"
                + (f", {allowed} allowed by the style" if allowed else "")
                + f" (key {self.key}, {self.key_source}; rules {self.rules}, {self.rules_source})")

    def to_json(self) -> dict:
        return {"file": self.file, "key": self.key, "key_source": self.key_source, "rules": self.rules,
                "rules_source": self.rules_source, "findings": [f.to_dict() for f in self.findings],
                "errors": self.errors, "warnings": self.warnings,
                **({"analysis": list(self.analysis_lines)} if self.analysis_lines else {})}


# --- the checker -----------------------------------------------------------------------------
class _Checker:
    def __init__(self, score, key: Key, voices: list[_Voice], western: bool, book: RuleBook,
                 analysis: HarmonyAnalysis | None, ends: set[Fraction], facts: PlanFacts | None = None):
        self.key = key
        self.voices = voices
        self.bars = _BarMap(score)
        self.western = western
        self.book = book
        self.analysis = analysis
        self.ends = ends
        self.facts = facts
        self.findings: list[Finding] = []

    def key_at(self, t: Fraction) -> Key:
        """The key of the passage: the plan's phrase key, else the analysis's region, else the home key."""
        if self.facts is not None and (k := self.facts.key_at(t)) is not None:
            return k
        return self.analysis.key_at(t) if self.analysis is not None else self.key

    def planned(self, n: _Note) -> bool:
        return self.facts is not None and self.facts.planned(n.onset, n.cents)

    def add(self, rule: str, t: Fraction, voices, message: str, notes=(), severity: str | None = None) -> None:
        severity = severity or self.book.severity(rule)
        if severity == "off":
            return
        bar, beat = self.bars.locate(t)
        self.findings.append(Finding(rule, severity, bar, beat, tuple(voices), message, tuple(notes)))

    def breaks(self, t: Fraction) -> bool:
        """A phrase ends at time t: a section ends, or a note ending there carries a fermata."""
        if t in self.ends:
            return True
        return any(n.fermata for v in self.voices for n in v.notes_between(t - Fraction(1, 64), t) if n.end == t)

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
                                     f"{b.name} {nb.name} above {a.name} {na.name}", (na, nb))
                        crossed_before = crossed
                        if upper:
                            wide = na.cents - nb.cents > RULES.max_upper_spacing_cents + PERFECT_TOLERANCE
                            if wide and not wide_before:
                                self.add("spacing", t, (a.name, b.name),
                                         f"more than an octave between {a.name} and {b.name} ({na.name}-{nb.name})",
                                         (na, nb))
                            wide_before = wide
                    if prev is not None and not self._broken(prev, d):
                        self._motion(prev, d, a, b, outer)
                    prev = d

    def _broken(self, d1, d2) -> bool:
        """A phrase ends between two dyads: a fermata on a note of the first, or a section end."""
        _, a1, b1 = d1
        t2 = d2[0]
        if any(x.fermata and x.end <= t2 for x in (a1, b1)):
            return True
        return any(d1[0] < e <= t2 for e in self.ends)

    def _off_beat_tone(self, *notes) -> bool:
        if self.analysis is None:
            return False
        for n in notes:
            if self.analysis.tone(n) and self.bars.locate(n.onset)[1] % 1 != 0:
                return True
        return False

    def _motion(self, d1, d2, a: _Voice, b: _Voice, outer: bool) -> None:
        _, a1, b1 = d1
        t, a2, b2 = d2
        notes = (a1, b1, a2, b2)
        motion = f"({a1.name}-{b1.name} -> {a2.name}-{b2.name})"
        parallel = parallel_kind(a1.cents, b1.cents, a2.cents, b2.cents)
        pair = (a.name, b.name)
        same_staff = a.part_index == b.part_index and a.in_chord and b.in_chord
        if parallel:
            start, end = perfect_kind(a1.cents - b1.cents), perfect_kind(a2.cents - b2.cents)
            word = "unisons" if start == end == "unisons" else end
            ma, mb = a2.cents - a1.cents, b2.cents - b1.cents
            if abs(abs(ma) - OCTAVE) <= PERFECT_TOLERANCE and abs(ma - mb) <= PERFECT_TOLERANCE:
                self.add("restated-perfects", t, pair, f"the {word[:-1]} restated an octave away {motion}", notes)
            elif same_staff and parallel == "octaves" and self.book.keeps("keyboard-doubling"):
                self.add("keyboard-doubling", t, pair, f"octave doubling inside one staff {motion}", notes)
            elif (relax := self.book.relaxes(f"parallel-{parallel}", "accompaniment" if same_staff else "parts")):
                self.add(f"parallel-{parallel}", t, pair, f"parallel {word} {motion}; allowed in {self.book.name}: "
                         f"{relax.why}", notes, severity=ALLOWED)
            elif self._off_beat_tone(*notes):
                self.add("passing-parallels", t, pair, f"parallel {word} through a non-chord tone off the beat "
                         f"{motion}", notes)
            else:
                self.add(f"parallel-{parallel}", t, pair, f"parallel {word} {motion}", notes)
            return
        contrary = self._contrary(a1, b1, a2, b2)
        if contrary and not same_staff:
            self.add("contrary-fifths-octaves", t, pair, f"{contrary} by contrary motion {motion}", notes)
        elif outer and (hidden := hidden_kind(a1.cents, b1.cents, a2.cents, b2.cents)):
            self.add(f"hidden-{hidden}", t, pair,
                     f"hidden {hidden}: similar motion into a perfect {'fifth' if hidden == 'fifths' else 'octave'} "
                     f"with a leap in {a.name} {motion}", notes)

    @staticmethod
    def _contrary(a1, b1, a2, b2) -> str:
        ma, mb = a2.cents - a1.cents, b2.cents - b1.cents
        if abs(ma) <= EPS or abs(mb) <= EPS or (ma > 0) == (mb > 0):
            return ""
        k1, k2 = perfect_kind(a1.cents - b1.cents), perfect_kind(a2.cents - b2.cents)
        family = {"unisons": "octaves", "octaves": "octaves", "fifths": "fifths"}
        if k1 and k2 and family[k1] == family[k2]:
            return family[k2]
        return ""

    def ranges(self) -> None:
        stretch = self.book.stretch_semitones * 100.0
        for v in self.voices:
            if v.role in self.book.ranges:
                lo_name, hi_name = self.book.ranges[v.role]
                lo, hi, label = Pitch.from_name(lo_name).cents, Pitch.from_name(hi_name).cents, f"the {v.role} range"
                label += f" {lo_name}-{hi_name}"
            elif v.instrument_range and (v.role is None or not self.book.ranges):
                lo, hi = v.instrument_range
                label = f"the {v.part_name} range {Pitch(lo).name()}-{Pitch(hi).name()}"
            else:
                continue
            stretch_here = stretch if v.role in self.book.ranges else 0.0
            for n in v.notes:
                off = lo - n.cents if n.cents < lo - EPS else n.cents - hi if n.cents > hi + EPS else 0.0
                if off <= 0:
                    continue
                where = "below" if n.cents < lo else "above"
                rule = "range-stretch" if off <= stretch_here + EPS else "range"
                self.add(rule, n.onset, (v.name,), f"{n.name} {where} {label}", (n,))

    # --- scale ---------------------------------------------------------------------------
    def western_scale(self) -> None:
        extra = {pc_of(c) for c in self.book.also_in_key_cents}
        for v in self.voices:
            for i, n in enumerate(v.notes):
                key = self.key_at(n.onset)
                micro = abs(n.cents / 100.0 - round(n.cents / 100.0)) * 100
                if (pc_of(n.cents) - key.tonic_pc) % 12 in extra or self.planned(n) \
                        or self._chromatic_approach(key, v.notes, i):
                    continue
                if micro <= SCALE_TOLERANCE and (self.analysis.explained(n, self._sounding_with(v, n)) if self.analysis
                                                 else pc_of(n.cents) in collection(key)):
                    continue
                why = (f" ({micro:.0f} cents off the nearest semitone)" if micro > SCALE_TOLERANCE
                       else ", and no chord or passing motion explains it")
                self.add("out-of-scale", n.onset, (v.name,), f"{n.name} is not in {key}{why}", (n,))

    def mode_scale(self) -> None:
        for v in self.voices:
            prev: tuple[_Note, int] | None = None
            last_flagged = None
            for i, n in enumerate(v.notes):
                key = self.key_at(n.onset)
                info, scale = key.info, key.scale
                names = scale.degree_names or tuple(f"{c:g}" for c in scale.degree_cents)
                period = scale.period_cents
                asc, desc = set(scale.ascending), set(scale.descending)
                mode_name = f"{key.pack}:{key.mode}"
                if self.planned(n):
                    prev = None
                    continue
                rel = key.rel_cents(n.cents)
                omitted = [c for c in info.omitted_cents
                           if min(abs(rel - c), period - abs(rel - c)) <= SCALE_TOLERANCE]
                deg, dist = _nearest(key, n.cents)
                if omitted:
                    self.add("omitted-note", n.onset, (v.name,),
                             f"{n.name} ({rel:.0f} cents above the tonic) never sounds in {mode_name}", (n,))
                    prev = None
                    continue
                if dist > SCALE_TOLERANCE and not self._chromatic_approach(key, v.notes, i):
                    self.add("out-of-scale", n.onset, (v.name,),
                             f"{n.name} ({rel:.0f} cents above the tonic) is not a note of {mode_name} "
                             f"(nearest {names[deg]} = {scale.degree_cents[deg]:g}, {dist:.0f} cents away)", (n,))
                    prev = None
                    continue
                if prev is not None:
                    p, pdeg = prev
                    last_flagged = self._movement(key, v, p, pdeg, n, deg, asc, desc, names, mode_name, last_flagged)
                prev = (n, deg)

    def _sounding_with(self, voice: _Voice, n: _Note) -> list[_Note]:
        """The notes of the other voices sounding when `n` is struck."""
        return [o for v in self.voices if v is not voice and (o := v.at(n.onset)) is not None]

    def _chromatic_approach(self, key: Key, notes: list[_Note], i: int) -> bool:
        """A semitone into the next note, which is of the mode or of the planned chord (a walking bass's
        chromatic approach, a chromatic passing tone), in a style with chords."""
        if self.facts is None or not self.facts.chords or i + 1 >= len(notes):
            return False
        n, nxt = notes[i], notes[i + 1]
        if nxt.onset != n.end or abs(abs(nxt.cents - n.cents) - 100.0) > SCALE_TOLERANCE:
            return False
        return self.planned(nxt) or _nearest(key, nxt.cents)[1] <= SCALE_TOLERANCE

    def _movement(self, key: Key, v, p: _Note, pdeg: int, n: _Note, deg: int, asc, desc, names, mode_name,
                  last_flagged):
        scale = key.scale
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
                 f"{word} form of {mode_name} does not use ({word}: {' '.join(names[i] for i in order)})", (p, n))
        return offender

    # --- tendency tones (check_tonal) ------------------------------------------------------
    def tendency_tones(self) -> None:
        found = (check_tonal.leading_tones(self.analysis, self.voices, self.breaks)
                 + check_tonal.sevenths(self.analysis, self.voices, self.breaks)
                 + check_tonal.doubled_leading_tones(self.analysis, self.voices))
        for rule, t, idxs, message, notes in found:
            self.add(rule, t, tuple(self.voices[i].name for i in idxs), message, notes)

    def run(self, mode_check: bool) -> list[Finding]:
        self.voice_pairs()
        self.ranges()
        if mode_check:
            self.mode_scale()
        else:
            self.western_scale()
        if self.analysis is not None and self.key.family in ("major", "minor") and len(self.voices) >= 3:
            self.tendency_tones()
        order = {v.name: i for i, v in enumerate(self.voices)}
        rank = {ERROR: 0, WARNING: 1, ALLOWED: 2}
        unique = list(dict.fromkeys(self.findings))
        return sorted(unique, key=lambda f: (f.bar, f.beat, rank.get(f.severity, 3), f.rule,
                                             [order.get(x, 99) for x in f.voices]))


# --- the default rule set and key of a piece ----------------------------------------------------
def _composed(provenance: dict | None):
    """(spec, plan facts) of the piece a partita file was composed from (its provenance), or (None, None)."""
    if not provenance:
        return None, None
    try:
        spec, plan = replanned(provenance)
    except ComposerError:
        return None, None
    return spec, plan_facts(spec, plan)


def default_rules(voices: list[_Voice], spec=None) -> tuple[str, str]:
    """(rule set, why): the set of the style a partita piece was composed in; chorale for four voices;
    free otherwise."""
    if spec is not None:
        if getattr(spec, "texture", "") == "satb":
            return "chorale", "the piece is a four-part chorale (its provenance)"
        if spec.key.harmony == "heterophony":
            return "heterophony", f"its mode {spec.key.mode!r} is played in heterophony (its provenance)"
        try:
            style = grammar.load_chord_style(spec.style)
            return style.rule_set, f"the rule set of its style {spec.style!r} (its provenance)"
        except ComposerError:
            pass
        return "free", "the piece was composed by partita without a chord style"
    if len(voices) == 4:
        return "chorale", "four voices"
    return "free", f"{len(voices)} voice{'s' * (len(voices) != 1)}"


def check_score(score, key: str | None = None, scale: str | None = None, file: str = "<score>",
                rules: str | None = None, enable=(), disable=()) -> list[Finding]:
    """The findings on a music21 score (see the module docstring for the rules)."""
    return analyse_score(score, key, scale, file, rules=rules, enable=enable, disable=disable).findings


def analyse_score(score, key: str | None = None, scale: str | None = None, file: str = "<score>",
                  rules: str | None = None, enable=(), disable=(), provenance: dict | None = None,
                  exercise: ExerciseFile | None = None) -> CheckReport:
    if key and scale:
        raise ComposerError("give --key or --scale, not both")
    given_scale = scale
    voices = _voices(score)
    if not voices:
        raise _read_error(f"{file}: the score has no notes")
    spec, facts = _composed(provenance)
    if scale:
        k, source = _scale_key(scale, voices)
        western = k.pack == "western"
    elif key:
        k, source, western = Key.parse(key), "given", True
    elif spec is not None and spec.key.pack == "western":
        k, source, western = spec.key, "the key it was composed in (its provenance)", True
    elif spec is not None:
        k, source, western = spec.key, "the mode it was composed in (its provenance)", False
        scale = f"{k.pack}:{k.mode}"
    else:
        (k, source), western = _file_key(score), True
    if rules:
        set_name, set_source = rules, "given"
    else:
        set_name, set_source = default_rules(voices, spec)
    book = rule_book(set_name, enable, disable)
    analysis = None
    bars = _BarMap(score)
    if western and not scale and k.pack == "western":
        analysis = analyse_harmony(voices, bars, k, key_signatures(score) if k.family in ("major", "minor") else [],
                                   regions=facts.regions if facts is not None and not key else None)
    checker = _Checker(score, k, voices, western, book, analysis, section_ends(score),
                       facts if not key and not given_scale else None)
    if exercise is not None:            # the given voice of an exercise, kept note for note
        for t, who, message, notes in given_voice_findings(exercise, voices):
            checker.add(GIVEN_RULE, t, (who,), message, notes, severity=ERROR)
    findings = checker.run(mode_check=bool(scale))
    if book.species:
        findings = sorted(findings + _species(voices, book, k, checker), key=lambda f: (f.bar, f.beat))
    lines = tuple(describe(analysis, bars)) if analysis is not None else ()
    return CheckReport(str(file), str(k), source, findings, set_name, set_source, lines, score)


def _species(voices, book: RuleBook, key: Key, checker: _Checker) -> list[Finding]:
    """The species rules (theory/rules/counterpoint.yaml) between a cantus firmus and its counterpoint:
    the cantus is the part named so ('cantus firmus', 'cantus', 'CF'), else the voice in whole notes (the
    lower one when both are)."""
    if len(voices) != 2:
        raise ComposerError(f"--rules {book.name}: species counterpoint is two voices, the score has {len(voices)}")
    named = [i for i, v in enumerate(voices) if v.part_name.strip().lower() in CANTUS_NAMES]
    durations = [min(n.end - n.onset for n in v.notes) for v in voices]
    cantus_i = named[0] if len(named) == 1 else 1 if durations[1] >= durations[0] else 0
    cantus, cp = voices[cantus_i], voices[1 - cantus_i]
    bar = _bar_length(checker.bars)
    found = species_findings([(n.onset, n.end, n.cents) for n in cantus.notes],
                             [(n.onset, n.end, n.cents) for n in cp.notes], book.species, bar,
                             key.tonic_cents, key.is_minor)
    severities = counterpoint_rules().rules
    out = []
    for f in found:
        severity = book.severity(f.rule)
        if severity == "off":
            continue
        if severity not in (ERROR, WARNING):
            severity = severities[f.rule].severity
        bar_no, beat = checker.bars.locate(f.onset)
        who = (cp.name,) if f.voice == "counterpoint" else (cp.name, cantus.name)
        notes = tuple(n for n in cp.notes if n.onset <= f.onset < n.end)
        out.append(Finding(f.rule, severity, bar_no, beat, who, f.message, notes))
    return out


def _bar_length(bars: _BarMap) -> Fraction:
    rows = bars.rows
    if len(rows) >= 2:
        return rows[1][0] - rows[0][0]
    return Fraction(4)


def check(path, key: str | None = None, scale: str | None = None, rules: str | None = None,
          enable=(), disable=(), exercise=None) -> CheckReport:
    """Read a MusicXML file and mark it; raises ReadError (a ComposerError) for a bad file. `exercise`:
    the exercise.json of a `partita exercise` the file answers (its key and rule set, unless given, and
    the given voice to keep)."""
    given = read_exercise(exercise) if exercise else None
    if given is not None:
        key = key or (None if scale else given.key)
        rules = rules or given.rules
    if key and scale:
        raise ComposerError("give --key or --scale, not both")
    if key:
        Key.parse(key)              # a bad key is reported before the file is read
    if scale:
        _parse_scale(scale)
    if rules or enable or disable:
        rule_book(rules or "chorale", enable, disable)      # a bad rule set or rule before the file is read
    score, provenance = read_score_and_provenance(path)
    return analyse_score(score, key, scale, str(path), rules=rules, enable=enable, disable=disable,
                         provenance=provenance, exercise=given)


def check_file(path, key: str | None = None, scale: str | None = None, rules: str | None = None) -> list[Finding]:
    """The findings on a MusicXML file, sorted by bar and beat."""
    return check(path, key, scale, rules).findings
