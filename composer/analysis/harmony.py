"""Analysis before judgement: the key regions of a written piece, a chord per beat with its Roman
numeral, and a label for every note that is not a tone of its chord.

`analyse_harmony(voices, bars, home)` reads the voices of an exercise (`check_input._voices`) in a
Western major or minor key and returns a `HarmonyAnalysis`:

- **chords**: one per beat, merged while the chord stays the same: its root, quality, bass and
  Roman numeral in the local key; an applied chord is named so (`V7/V`, `vii°7/ii`), a chord of the
  parallel mode (`ii°`, `bIII`, `iv`, `bVI`, `bVII` in major; the Picardy third, `IV`, `ii` in minor) is
  mixture, `bII` is the Neapolitan, a dominant seventh a
  semitone above its goal is a tritone substitute (`subV7/ii`).
  The chord of a beat is the triad or seventh chord that best covers the notes sounding in it,
  each weighted by how long it sounds and whether it is struck on the beat; the bass decides
  between equals.
- **regions**: the key of every beat, found by a Viterbi walk over the home key and its closely
  related keys (the keys one sharp or flat away, their relatives, and every key signature written
  in the file), mostly beginning and ending in the home key: a beat costs the weight of its notes outside
  the key's scale (the minor scale with its raised sixth and seventh), a change of key costs
  `KEY_CHANGE` beats' worth, and a tonic chord reached from its dominant pays the key back. An
  applied chord of one or two beats does not change the key; a tonicisation long enough to cadence
  does.
- **tones**: for each note that is not a tone of the chord at its onset, what it is: passing,
  neighbour, suspension, retardation, appoggiatura, anticipation, escape, pedal, approach (a
  semitone into a tone of the next chord, as a walking bass leads in), or `other`.

A chromatic note is *explained* when it belongs to the local key's scale, is a tone of an applied,
mixture or Neapolitan chord, or is a passing, neighbour, suspended, anticipated or appoggiatura
tone. `partita check` reports only the unexplained ones as out of the key.

The analysis is a teacher's first reading, not a full one: it knows triads and seventh chords (not
augmented sixths or ninths) and it labels each note at its onset only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from theory import Key

# chord templates: quality -> semitones above the root (the third and, for sevenths, the seventh required)
TEMPLATES = {
    "maj": (0, 4, 7), "min": (0, 3, 7), "dim": (0, 3, 6), "aug": (0, 4, 8),
    "dom7": (0, 4, 7, 10), "maj7": (0, 4, 7, 11), "min7": (0, 3, 7, 10), "hdim7": (0, 3, 6, 10), "dim7": (0, 3, 6, 9),
}
SEVENTHS = {"dom7", "maj7", "min7", "hdim7", "dim7"}
_TEMPLATE_PRIOR = {"aug": -0.35, "dim7": -0.02, "maj7": -0.08, "min7": -0.06, "hdim7": -0.06, "dom7": -0.03,
                   "dim": -0.05}
MAJOR_STEPS = (0, 2, 4, 5, 7, 9, 11)
MINOR_STEPS = (0, 2, 3, 5, 7, 8, 10)
KEY_CHANGE = 2.2            # beats' worth of outside notes a change of key costs
CADENCE_CREDIT = 0.9        # a tonic chord reached from its own dominant
HOME_CREDIT = 0.04          # a beat in the home key
BEGINS_IN_HOME = 1.0        # the first beat is in the home key, mostly
ENDS_IN_HOME = 0.5          # the last beat, mostly
STRUCK_WEIGHT = 1.0         # a note struck on the beat, or sounding through it
LATE_WEIGHT = 0.5           # a note that starts inside the beat
STEP = 2                    # semitones: a step; more is a leap
NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII")
# the roots (semitones above the tonic) of the chords a key borrows from its parallel mode: in major ii°
# (iiø7), bIII, iv, bVI, bVII; in minor the major tonic (the Picardy third), IV and ii
MIXTURE_ROOTS = {"major": (2, 3, 5, 8, 10), "minor": (0, 2, 5)}
_LOWER = {"min", "dim", "min7", "hdim7", "dim7"}
STEPWISE_TONES = {"passing", "neighbour", "suspension", "retardation", "appoggiatura", "anticipation", "escape",
                  "pedal", "approach"}


def pc_of(cents: float) -> int:
    return int(round(cents / 100.0)) % 12


@dataclass(frozen=True)
class ChordLabel:
    onset: Fraction
    end: Fraction
    root: int                 # pitch class, C = 0
    quality: str              # a TEMPLATES key
    bass: int                 # pitch class of the lowest sounding note
    key: Key                  # the local key
    numeral: str              # 'V65', 'V7/V', 'vii°7/ii', 'N6', 'iv' ...
    kind: str                 # 'diatonic', 'applied', 'mixture', 'neapolitan', 'chromatic'

    @property
    def pcs(self) -> frozenset[int]:
        return frozenset((self.root + s) % 12 for s in TEMPLATES[self.quality])

    @property
    def seventh_pc(self) -> int | None:
        return (self.root + TEMPLATES[self.quality][3]) % 12 if self.quality in SEVENTHS else None

    @property
    def function(self) -> str:
        """'dominant' (V, V7, vii°, vii°7, viiø7 of the local key), 'tonic' (I, i), or ''."""
        rel = (self.root - self.key.tonic_pc) % 12
        if rel == 7 and self.quality in ("maj", "dom7") or rel == 11 and self.quality in ("dim", "dim7", "hdim7"):
            return "dominant"
        if rel == 0 and self.quality in ("maj", "min"):
            return "tonic"
        return ""


@dataclass
class HarmonyAnalysis:
    home: Key
    chords: list[ChordLabel]
    regions: list[tuple[Fraction, Fraction, Key]]
    tones: dict[int, str] = field(default_factory=dict)      # id(note) -> non-chord-tone label
    beats: frozenset = frozenset()                            # the onsets of the beats

    def chord_at(self, t: Fraction) -> ChordLabel | None:
        for c in self.chords:           # short lists: a chorale has a few dozen chords
            if c.onset <= t < c.end:
                return c
        return None

    def key_at(self, t: Fraction) -> Key:
        for start, end, key in self.regions:
            if start <= t < end:
                return key
        return self.regions[-1][2] if self.regions else self.home

    def tone(self, note) -> str:
        """'' for a chord tone, else the note's non-chord-tone label."""
        return self.tones.get(id(note), "")

    def explained(self, note, against=()) -> bool:
        """The note belongs to its local key, to an applied, mixture or Neapolitan chord, or is a
        stepwise non-chord tone (chromatic passing and neighbour tones included). `against`: the notes
        of the other voices sounding when it is struck; a chromatic note on the beat against the
        diatonic note a semitone away (F-sharp with G, E-flat with D) is a clash nothing explains."""
        key = self.key_at(note.onset)
        pcs = collection(key)
        pc = pc_of(note.cents)
        if pc in pcs:
            return True
        if note.onset in self.beats and self.tone(note) not in ("passing", "suspension") \
                and any((pc_of(o.cents) - pc) % 12 in (1, 11) and pc_of(o.cents) in pcs for o in against):
            return False       # on the beat against the diatonic note a semitone away: nothing explains it
        if self.tone(note) in STEPWISE_TONES:
            return True
        label = self.tone(note)
        chord = self.chord_at(note.onset)
        return label == "" and chord is not None and chord.kind in ("applied", "mixture", "neapolitan", "diatonic")


def collection(key: Key) -> frozenset[int]:
    """The pitch classes of a key: its scale, and in minor the raised sixth and seventh as well."""
    t = key.tonic_pc
    if key.family == "minor":
        return frozenset((t + s) % 12 for s in (*MINOR_STEPS, 9, 11))
    if key.family == "major":
        return frozenset((t + s) % 12 for s in MAJOR_STEPS)
    return frozenset(pc_of(key.tonic_cents + c) for c in key.scale.degree_cents)


def _diatonic_triads(key: Key) -> dict[int, str]:
    """root pc -> quality of the key's diatonic triads (minor: V and vii° with the raised seventh)."""
    t = key.tonic_pc
    steps = MINOR_STEPS if key.family == "minor" else MAJOR_STEPS
    if key.family == "minor":
        steps = (0, 2, 3, 5, 7, 8, 11)
    out = {}
    scale = {(t + s) % 12 for s in steps}
    for s in steps:
        root = (t + s) % 12
        for q in ("maj", "min", "dim", "aug"):
            if all((root + i) % 12 in scale for i in TEMPLATES[q]):
                out[root] = q
                break
    if key.family == "minor":                    # iv, VI, III, VII of the natural form as well
        for s, q in ((5, "min"), (8, "maj"), (3, "maj"), (10, "maj")):
            out.setdefault((t + s) % 12, q)
    return out


# --- chords ----------------------------------------------------------------------------------
def _beat_grid(bars, end: Fraction) -> list[Fraction]:
    """Every beat onset from 0 to `end` (the bar map's beats; quarter notes without bars)."""
    times: list[Fraction] = []
    rows = bars.rows
    if not rows:
        t = Fraction(0)
        while t < end:
            times.append(t)
            t += 1
        return times
    for i, (off, _number, beat_len, pad) in enumerate(rows):
        stop = rows[i + 1][0] if i + 1 < len(rows) else end
        t = off + ((beat_len - pad % beat_len) % beat_len if pad else 0)
        if off not in times:
            times.append(off)
        while t < stop:
            if t not in times and t >= off:
                times.append(t)
            t += beat_len
    return sorted(x for x in set(times) if x < end)


def _weights(voices, start: Fraction, stop: Fraction) -> tuple[dict[int, float], int | None]:
    weights: dict[int, float] = {}
    low = None
    span = stop - start
    for v in voices:
        for n in v.notes_between(start, stop):
            overlap = min(n.end, stop) - max(n.onset, start)
            w = float(overlap / span) * (STRUCK_WEIGHT if n.onset <= start else LATE_WEIGHT)
            pc = pc_of(n.cents)
            weights[pc] = weights.get(pc, 0.0) + w
            if n.onset <= start and (low is None or n.cents < low[0]):
                low = (n.cents, pc)
    if low is None:
        lows = [n for v in voices for n in v.notes_between(start, stop)]
        if lows:
            n = min(lows, key=lambda x: (x.onset, x.cents))
            low = (n.cents, pc_of(n.cents))
    return weights, (low[1] if low else None)


def _best_chord(weights: dict[int, float], bass: int | None, diatonic: frozenset[int]) -> tuple[int, str] | None:
    if not weights:
        return None
    best = None
    for root in weights:
        for quality, steps in TEMPLATES.items():
            pcs = [(root + s) % 12 for s in steps]
            if quality in SEVENTHS and pcs[3] not in weights:
                continue
            if pcs[1] not in weights and quality not in ("maj", "min"):
                continue
            inside = sum(weights.get(p, 0.0) for p in pcs)
            outside = sum(w for p, w in weights.items() if p not in pcs)
            score = inside - 1.2 * outside + _TEMPLATE_PRIOR.get(quality, 0.0)
            if pcs[1] not in weights:
                score -= 0.6
            if pcs[2] not in weights:
                score -= 0.5 if quality in ("dim", "aug", "dim7", "hdim7") else 0.1
            if bass == root:
                score += 0.15
            if all(p in diatonic for p in pcs):
                score += 0.1
            if best is None or score > best[0] + 1e-9:
                best = (score, root, quality)
    return (best[1], best[2]) if best else None


# --- keys ------------------------------------------------------------------------------------
def _candidate_keys(home: Key, signatures: list[Key]) -> list[Key]:
    if home.family not in ("major", "minor"):
        return [home]           # a mode is read in itself
    major = home if home.family == "major" else home.relative()
    keys = [home]
    for k in (major, major.transposed(7), major.transposed(5)):
        for c in (k, k.relative()):
            if all(str(c) != str(x) for x in keys):
                keys.append(c)
    for s in signatures:
        for c in (s, s.relative()):
            if all(str(c) != str(x) for x in keys):
                keys.append(c)
    return keys


def _regions(home: Key, keys: list[Key], beats: list[tuple[Fraction, Fraction, dict, tuple | None]]):
    """The Viterbi path of keys over the beats, as (start, end, key) runs."""
    n, m = len(beats), len(keys)
    if n == 0:
        return []
    cols = [collection(k) for k in keys]
    cost = []
    for i, (_s, _e, weights, chord) in enumerate(beats):
        total = sum(weights.values()) or 1.0
        row = []
        prev = beats[i - 1][3] if i else None
        for k, key in enumerate(keys):
            c = sum(w for p, w in weights.items() if p not in cols[k]) / total * 2.0
            if chord is not None:
                rel = (chord[0] - key.tonic_pc) % 12
                tonic_q = "min" if key.family == "minor" else "maj"
                if rel == 0 and chord[1] == tonic_q and prev is not None:
                    prel = (prev[0] - key.tonic_pc) % 12
                    if prel == 7 and prev[1] in ("maj", "dom7") or prel == 11 and prev[1] in ("dim", "dim7"):
                        c -= CADENCE_CREDIT
            if k == 0:
                c -= HOME_CREDIT
            elif i == 0:
                c += BEGINS_IN_HOME     # a piece begins in its home key
            elif i == n - 1:
                c += ENDS_IN_HOME       # and mostly ends there (a chorale may close on another final)
            row.append(c)
        cost.append(row)
    best = list(cost[0])
    back = []
    for i in range(1, n):
        arg = min(range(m), key=lambda k: best[k])
        new, ptr = [], []
        for k in range(m):
            stay, switch = best[k], best[arg] + KEY_CHANGE
            if stay <= switch:
                new.append(stay + cost[i][k])
                ptr.append(k)
            else:
                new.append(switch + cost[i][k])
                ptr.append(arg)
        best = new
        back.append(ptr)
    k = min(range(m), key=lambda j: best[j])
    path = [k]
    for ptr in reversed(back):
        k = ptr[k]
        path.append(k)
    path.reverse()
    runs: list[tuple[Fraction, Fraction, Key]] = []
    for (s, e, _w, _c), k in zip(beats, path):
        if runs and runs[-1][2] is keys[k]:
            runs[-1] = (runs[-1][0], e, keys[k])
        else:
            runs.append((s, e, keys[k]))
    return runs


# --- Roman numerals ----------------------------------------------------------------------------
def _dim7_root(root: int, key: Key) -> int:
    """A diminished seventh chord divides the octave equally; its root is the note a semitone below the
    tonic, else below the root of another of the key's major or minor triads (its goal)."""
    diatonic = _diatonic_triads(key)
    rotations = [(root + 3 * k) % 12 for k in range(4)]

    def rank(r: int) -> int:
        goal = (r + 1) % 12
        return 0 if goal == key.tonic_pc else 1 if diatonic.get(goal) in ("maj", "min") else 2

    return min(rotations, key=lambda r: (rank(r), rotations.index(r)))


def _numeral(key: Key, root: int, quality: str, bass: int | None) -> tuple[str, str]:
    """(numeral, kind) of a chord in a key."""
    diatonic = _diatonic_triads(key)
    t = key.tonic_pc
    fig = _figure(root, quality, bass)
    triad = {"dom7": "maj", "maj7": "maj", "min7": "min", "hdim7": "dim", "dim7": "dim"}.get(quality, quality)
    if diatonic.get(root) == triad and all(p in collection(key) for p in ((root + s) % 12 for s in TEMPLATES[quality])):
        return _roman(key, root, quality, fig), "diatonic"
    # applied dominants: a major triad or dominant seventh a fifth above a diatonic major or minor triad
    if quality in ("maj", "dom7"):
        target = (root - 7) % 12
        if target in diatonic and diatonic[target] in ("maj", "min") and target != t:
            return f"V{_seventh_fig(quality, fig)}/{_roman(key, target, diatonic[target], '')}", "applied"
    if quality in ("dim", "dim7", "hdim7"):
        target = (root + 1) % 12
        if target in diatonic and diatonic[target] in ("maj", "min") and target != t:
            sym = {"dim": "°", "dim7": "°", "hdim7": "ø"}[quality]
            return f"vii{sym}{_seventh_fig(quality, fig)}/{_roman(key, target, diatonic[target], '')}", "applied"
    if quality == "dom7":
        target = (root - 1) % 12          # the tritone substitute: a dominant seventh a semitone above
        if target in diatonic and diatonic[target] in ("maj", "min"):
            return f"subV{fig}/{_roman(key, target, diatonic[target], '')}" if target != t else f"subV{fig}", "applied"
    if quality == "maj" and (root - t) % 12 == 1:
        return "N" + fig, "neapolitan"
    parallel = key.parallel() if key.family in ("major", "minor") else key
    borrowed = MIXTURE_ROOTS.get(key.family, ())
    if (root - t) % 12 in borrowed and all(p in collection(parallel) for p in ((root + s) % 12 for s in TEMPLATES[quality])):
        return _roman(key, root, quality, fig), "mixture"
    return _roman(key, root, quality, fig), "chromatic"


def _figure(root: int, quality: str, bass: int | None) -> str:
    if bass is None or bass == root:
        return "7" if quality in SEVENTHS else ""
    steps = [(root + s) % 12 for s in TEMPLATES[quality]]
    if bass not in steps:
        return "7" if quality in SEVENTHS else ""
    inv = steps.index(bass)
    if quality in SEVENTHS:
        return {1: "65", 2: "43", 3: "42"}[inv]
    return {1: "6", 2: "64"}[inv]


def _seventh_fig(quality: str, fig: str) -> str:
    return fig if quality in SEVENTHS or fig else ""


def _roman(key: Key, root: int, quality: str, fig: str) -> str:
    rel = (root - key.tonic_pc) % 12
    steps = MINOR_STEPS if key.family == "minor" else MAJOR_STEPS
    if rel in steps:
        degree, acc = steps.index(rel), ""
    elif (rel + 1) % 12 in steps and rel != 6:
        degree, acc = steps.index((rel + 1) % 12), "b"
    else:
        degree, acc = steps.index((rel - 1) % 12), "#"
    if key.family == "minor" and rel == 11:
        degree, acc = 6, ""
    num = NUMERALS[degree]
    num = num.lower() if quality in _LOWER else num
    sym = {"dim": "°", "aug": "+", "dim7": "°", "hdim7": "ø", "maj7": "maj"}.get(quality, "")
    if quality in SEVENTHS and not fig:
        fig = "7"
    return f"{acc}{num}{sym}{fig}"


# --- non-chord tones -------------------------------------------------------------------------
def _label(prev, note, nxt, chord: ChordLabel | None, next_chord: ChordLabel | None, lowest: bool) -> str:
    if chord is None or pc_of(note.cents) in chord.pcs:
        return ""
    into = round((note.cents - prev.cents) / 100.0) if prev is not None and prev.end == note.onset else None
    out = round((nxt.cents - note.cents) / 100.0) if nxt is not None and nxt.onset == note.end else None
    held = note.onset < chord.onset or (into == 0)
    if held and out is not None and 0 < -out <= STEP:
        return "suspension"
    if held and out is not None and 0 < out <= STEP:
        return "retardation"
    if lowest and note.end - note.onset >= 2 * (chord.end - chord.onset) and into in (0, None):
        return "pedal"
    if into is not None and out is not None:
        if 0 < abs(into) <= STEP and 0 < abs(out) <= STEP:
            return "passing" if (into > 0) == (out > 0) else "neighbour"
        if abs(into) > STEP and 0 < abs(out) <= STEP and (into > 0) != (out > 0):
            return "appoggiatura"
        if 0 < abs(into) <= STEP and abs(out) > STEP and (into > 0) != (out > 0):
            return "escape"
    if out == 0 and next_chord is not None and pc_of(note.cents) in next_chord.pcs:
        return "anticipation"
    if out in (-1, 1) and next_chord is not None and pc_of(nxt.cents) in next_chord.pcs:
        return "approach"         # a chromatic approach tone: a semitone into the next chord's tone
    if into is not None and 0 < abs(into) <= STEP and out is not None and abs(out) <= STEP:
        return "neighbour" if out == 0 else "passing"
    if out is not None and 0 < abs(out) <= STEP and note.onset not in (chord.onset,):
        return "appoggiatura" if into is None or abs(into) > STEP else "passing"
    return "other"


def analyse_harmony(voices, bars, home: Key, signatures: list[Key] | None = None,
                    regions=None) -> HarmonyAnalysis:
    """Key regions, a chord per beat and the non-chord tones of `voices` (see the module docstring).
    `regions` ((start, end, key), ...) gives the keys when they are known (a partita plan's phrases)."""
    end = max((n.end for v in voices for n in v.notes), default=Fraction(0))
    grid = _beat_grid(bars, end) + [end]
    diatonic_home = collection(home)
    beats = []
    for s, e in zip(grid, grid[1:]):
        if e <= s:
            continue
        weights, bass = _weights(voices, s, e)
        beats.append((s, e, weights, _best_chord(weights, bass, diatonic_home), bass))
    keys = _candidate_keys(home, signatures or [])
    if regions is None:
        regions = _regions(home, keys, [(s, e, w, c) for s, e, w, c, _b in beats])
    else:
        regions = [(s, e, k) for s, e, k in regions]
    analysis = HarmonyAnalysis(home, [], regions, beats=frozenset(grid))
    chords: list[ChordLabel] = []
    for s, e, _w, chord, bass in beats:
        if chord is None:
            continue
        root, quality = chord
        key = analysis.key_at(s)
        if quality == "dim7":
            root = _dim7_root(root, key)
        if chords and chords[-1].root == root and chords[-1].quality == quality and chords[-1].end == s \
                and chords[-1].key == key:
            chords[-1] = ChordLabel(chords[-1].onset, e, root, quality, chords[-1].bass, key, chords[-1].numeral,
                                    chords[-1].kind)
            continue
        numeral, kind = _numeral(key, root, quality, bass)
        chords.append(ChordLabel(s, e, root, quality, bass if bass is not None else root, key, numeral, kind))
    analysis.chords = chords
    low = min(range(len(voices)), key=lambda i: sum(n.cents for n in voices[i].notes) / max(1, len(voices[i].notes))) \
        if voices else -1
    for idx, v in enumerate(voices):
        notes = v.notes
        for i, n in enumerate(notes):
            chord = analysis.chord_at(n.onset)
            nxt = notes[i + 1] if i + 1 < len(notes) else None
            next_chord = analysis.chord_at(nxt.onset) if nxt is not None else None
            label = _label(notes[i - 1] if i else None, n, nxt, chord, next_chord, idx == low)
            if label:
                analysis.tones[id(n)] = label
    return analysis


def describe(analysis: HarmonyAnalysis, bars) -> list[str]:
    """The analysis as a teacher writes it under the score: a line per bar with its key and chords,
    and a line for each change of key."""
    lines: list[str] = []
    by_bar: dict[int, list[str]] = {}
    for c in analysis.chords:
        bar, beat = bars.locate(c.onset)
        by_bar.setdefault(bar, []).append(f"{c.numeral}" + ("" if beat == 1 else f"@{beat:g}"))
    for start, _end, key in analysis.regions:
        bar, beat = bars.locate(start)
        by_bar.setdefault(bar, [])
    region_starts = {bars.locate(s)[0]: k for s, _e, k in analysis.regions}
    for bar in sorted(by_bar):
        if bar in region_starts:
            lines.append(f"  key {region_starts[bar]} from bar {bar}")
        lines.append(f"  bar {bar}: " + "  ".join(by_bar[bar]))
    counts: dict[str, int] = {}
    for label in analysis.tones.values():
        counts[label] = counts.get(label, 0) + 1
    if counts:
        lines.append("  non-chord tones: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda x: -x[1])))
    return lines


__all__ = ["ChordLabel", "HarmonyAnalysis", "analyse_harmony", "collection", "describe", "pc_of"]
