"""Keys: a spelled tonic and a mode from a pack; Roman numerals in a key.

`Key.parse("Eb major")`, `Key.parse("E-flat major")`, `Key.parse("F# minor")`,
`Key.parse("Bb dorian")`. Roman numerals are read relative to the key's own
scale (natural minor for minor keys; V in minor is major because of its case):
`key.chord("V7")`, `key.chord("ii65")`, `key.chord("V/V")`, `key.chord("bVII")`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .chord import Chord, chord_from_quality
from .errors import ParseError, TheoryError
from .pack import ModeInfo, load_pack
from .pitch import LETTER_SEMITONES, Spelling, parse_spelling
from .scale import Scale

LETTERS = "CDEFGAB"
_LETTER_FIFTHS = {"F": -1, "C": 0, "G": 1, "D": 2, "A": 3, "E": 4, "B": 5}
# The tonics of the major and minor keys of each signature, from seven flats to seven sharps (index fifths + 7).
MAJOR_TONICS_BY_FIFTHS = ("Cb", "Gb", "Db", "Ab", "Eb", "Bb", "F", "C", "G", "D", "A", "E", "B", "F#", "C#")
MINOR_TONICS_BY_FIFTHS = ("Ab", "Eb", "Bb", "F", "C", "G", "D", "A", "E", "B", "F#", "C#", "G#", "D#", "A#")
NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII")
_ROMAN_RE = re.compile(
    r"^(?P<acc>b|#|♭|♯)?(?P<num>VII|VI|V|IV|III|II|I|vii|vi|v|iv|iii|ii|i)"
    r"(?P<qual>°|o|dim|\+|aug|ø)?(?P<fig>maj7|M7|7|65|6/5|43|4/3|42|4/2|2|64|6/4|6|9)?"
    r"(?:/(?P<of>.+))?$"
)
_LOWER_QUALITIES = {"min", "dim", "min7", "hdim7", "dim7", "min6", "min9"}


@dataclass(frozen=True)
class Key:
    """A tonic and a mode of a pack, in a tuning profile (None: the pack's default; or a Scala
    `.scl` path). `tonic_offset_cents` moves the tonic off 12-EDO (a maqam on E half-flat)."""

    tonic: Spelling
    mode: str = "major"
    pack: str = "western"
    tuning: str | None = None
    tonic_offset_cents: float = 0.0

    @classmethod
    def parse(cls, text: str) -> "Key":
        """'G major', 'Eb major', 'E-flat major', 'F# minor', 'Bb dorian', 'a minor', 'D' (major)."""
        raw = str(text).strip()
        m = re.match(r"^([A-Ga-g](?:-flat|-sharp| flat| sharp|##|bb|#|b|♯|♭|-)?)(?:\s+|$)(.*)$", raw)
        if not m:
            raise ParseError(f"cannot read key {text!r} (accepted: a tonic A-G with optional #/b and a mode, "
                             f"e.g. 'G major', 'Eb major', 'E-flat major', 'F# minor', 'Bb dorian')")
        tonic, octave = parse_spelling(m.group(1))
        if octave is not None:
            raise ParseError(f"key {text!r}: the tonic takes no octave")
        mode_text = m.group(2).strip() or "major"
        info = load_pack("western").mode(mode_text)  # raises UnknownNameError with close names
        return cls(tonic, info.name)

    def __str__(self) -> str:
        mode = "minor" if self.mode == "natural_minor" else self.mode.replace("_", " ")
        tonic = self.tonic.name + (f"{self.tonic_offset_cents:+g}c" if self.tonic_offset_cents else "")
        if self.pack == "western":
            return f"{tonic} {mode}"
        tuning = self.tuning if self.tuning and self.tuning != load_pack(self.pack).default_tuning else None
        if tuning and tuning.lower().endswith(".scl"):
            tuning = Path(tuning).name      # a Scala file by its name: the same key wherever the file lies
        tuning = f", {tuning}" if tuning else ""
        return f"{tonic} {mode} ({self.pack}{tuning})"

    @property
    def name(self) -> str:
        return str(self)

    @cached_property
    def info(self) -> ModeInfo:
        """The mode's facts (scale, final, emphasis, drone, phrases...) in this key's tuning."""
        pack = load_pack(self.pack)
        if self.tuning and self.tuning.lower().endswith(".scl"):
            from .scala import read_scl

            return pack.mode_info_in_user_tuning(self.mode, read_scl(self.tuning))
        return pack.mode_info(self.mode, self.tuning)

    @property
    def scale(self) -> Scale:
        """The mode's scale (movement graph) in this key's tuning."""
        return self.info.scale

    @property
    def anchor_cents(self) -> float:
        """The tonic in the octave of middle C: scales with a stretched period repeat from here."""
        return 6000.0 + self.tonic_cents

    def rel_cents(self, cents: float) -> float:
        """Cents above the tonic, within the scale's period (0 <= x < period)."""
        return (cents - self.anchor_cents) % self.scale.period_cents

    @property
    def harmony(self) -> str:
        """The harmony policy of the mode: functional, drone, heterophony or colotomic."""
        return self.info.harmony

    @property
    def family(self) -> str:
        return self.info.family

    @property
    def is_minor(self) -> bool:
        return self.info.family == "minor"

    @property
    def tonic_pc(self) -> int:
        return self.tonic.semitones

    @property
    def tonic_cents(self) -> float:
        return self.tonic.semitones * 100.0 + self.tonic_offset_cents

    @cached_property
    def harmonic_mode(self) -> ModeInfo:
        """The seven-note mode Roman numerals count in (a pentatonic key uses its parent)."""
        info = self.info
        if info.is_heptatonic:
            if self.pack == "western" and info.name in ("harmonic_minor", "melodic_minor"):
                return load_pack(self.pack).mode("natural_minor")
            return info
        if info.parent:
            try:
                return load_pack(self.pack).mode(info.parent)
            except TheoryError:
                pass
        if self.pack != "western":
            # A pentatonic or hexatonic mode of another pack: count in its Western major or minor.
            minor = info.scale.degree_of(300.0) is not None and info.scale.degree_of(400.0) is None
            return load_pack("western").mode("natural_minor" if minor else "major")
        raise TheoryError(f"key {self} has no seven-note parent mode for Roman numerals")

    @property
    def fifths(self) -> int:
        """Key signature: sharps (> 0) or flats (< 0)."""
        if self.info.signature_offset is None:
            return 0  # no conventional signature: every altered note carries its accidental
        base = _LETTER_FIFTHS[self.tonic.letter] + 7 * self.tonic.alter
        return base + self.info.signature_offset

    @property
    def prefers_flats(self) -> bool:
        return self.fifths < 0

    def degree_cents(self, degree: int) -> float:
        """Pitch class (cents above C) of 0-based degree `degree` of the harmonic mode."""
        cents = self.harmonic_mode.scale.degree_cents
        return (self.tonic_cents + cents[degree % 7]) % 1200.0

    def degree_spelling(self, degree: int, alter_semitones: int = 0) -> Spelling:
        letter = LETTERS[(LETTERS.index(self.tonic.letter) + degree) % 7]
        pc = (self.degree_cents(degree) / 100.0 + alter_semitones) % 12
        alter = int(round(pc - LETTER_SEMITONES[letter])) % 12
        if alter > 6:
            alter -= 12
        return Spelling(letter, alter)

    def spell(self, pc_semitones: int, chord: Chord | None = None) -> Spelling:
        """Spell a pitch class in this key: as a tone of the sounding `chord` where it is one (F-sharp in
        a D major chord, B-flat in C7, the leading tone of a secondary dominant as its own key spells it);
        else diatonic names first; in a minor key the raised sixth and seventh next (C-sharp and B in D
        minor, not D-flat and C-flat); else by the signature's side."""
        pc = pc_semitones % 12
        if chord is not None:
            for sp in chord.spelled_tones():
                if sp.semitones == pc:
                    return sp
        for d in range(7):
            sp = self.degree_spelling(d)
            if sp.semitones == pc and abs(sp.alter) <= 2:
                return sp
        if self.is_minor:
            for d in (6, 5):
                sp = self.degree_spelling(d, 1)
                if sp.semitones == pc and abs(sp.alter) <= 2:
                    return sp
        from .pitch import FLAT_NAMES, SHARP_NAMES

        sp, _ = parse_spelling((FLAT_NAMES if self.prefers_flats else SHARP_NAMES)[pc])
        return sp

    def pitch_name(self, cents: float, chord: Chord | None = None) -> str:
        """A pitch's name with its octave, spelled by `spell` (as a tone of `chord` where it is one):
        'F#4', 'Cb5' (the B above B4's neighbour C5's letter), 'Bb3+14c' for a pitch off 12-EDO."""
        midi = int(round(cents / 100.0))
        sp = self.spell(midi % 12, chord)
        octave = (midi - sp.alter) // 12 - 1
        off = cents - midi * 100.0
        return f"{sp.name}{octave}" + (f"{off:+.0f}c" if abs(off) >= 0.5 else "")

    # --- Roman numerals -------------------------------------------------------------------
    def chord(self, numeral: str) -> Chord:
        """The chord of a Roman numeral in this key."""
        m = _ROMAN_RE.match(str(numeral).strip())
        if not m:
            raise ParseError(
                f"cannot read Roman numeral {numeral!r} (accepted: an optional b/#, I-VII or i-vii, "
                f"an optional °/+/ø, a figure 7/maj7/6/64/65/43/42, an optional /target, e.g. 'V7', 'ii65', 'V/V')")
        if m.group("of"):
            target = self.chord(m.group("of"))
            target_minor = target.quality in _LOWER_QUALITIES
            mode = "natural_minor" if target_minor else "major"
            local = Key(target.root, mode, self._pack_with(mode))
            return local.chord(numeral.rsplit("/", 1)[0])
        num = m.group("num")
        degree = NUMERALS.index(num.upper())
        acc = {"b": -1, "♭": -1, "#": 1, "♯": 1}.get(m.group("acc") or "", 0)
        upper = num.isupper()
        raised = self._leading_tone_raise(degree, upper)
        if raised and acc == 1:
            acc = 0  # '#vii°7' in minor: the sharp is cautionary, the leading tone is raised once
        root = self.degree_spelling(degree, acc + raised)
        qual, fig = m.group("qual") or "", (m.group("fig") or "").replace("/", "")
        seventh = fig in ("7", "65", "43", "42", "2", "maj7", "M7", "9")
        if qual in ("°", "o", "dim"):
            quality = "dim7" if seventh else "dim"
        elif qual == "ø":
            quality = "hdim7"
        elif qual in ("+", "aug"):
            quality = "aug"
        elif fig in ("maj7", "M7"):
            quality = "maj7"
        elif fig == "9":
            quality = "dom9" if upper else "min9"
        elif seventh:
            quality = "dom7" if upper else "min7"
        else:
            quality = "maj" if upper else "min"
        chord = chord_from_quality(root, quality)
        inversion = {"6": 1, "64": 2, "65": 1, "43": 2, "42": 3, "2": 3}.get(fig, 0)
        if inversion:
            bass_pc = chord.pitch_classes_cents[inversion] / 100.0
            interval = (bass_pc - root.semitones) % 12
            letter_steps = {1: 2, 2: 4, 3: 6}[inversion]
            letter = LETTERS[(LETTERS.index(root.letter) + letter_steps) % 7]
            alter = int(round(root.semitones + interval - LETTER_SEMITONES[letter])) % 12
            chord = chord_from_quality(root, quality, Spelling(letter, alter - 12 if alter > 6 else alter))
        return chord

    def _leading_tone_raise(self, degree: int, upper: bool) -> int:
        """1 for a lower-case vii in a minor key (vii°, vii°7 use the raised leading tone), else 0.

        Upper-case VII is the natural subtonic (G in A minor); 'bvii' is a minor or diminished
        chord on the subtonic.
        """
        natural_seventh = round(self.harmonic_mode.scale.degree_cents[6]) == 1000
        return 1 if degree == 6 and not upper and self.harmonic_mode.name == "natural_minor" and natural_seventh else 0

    def roman(self, chord: Chord) -> str:
        """The Roman numeral of a chord in this key (inverse of `chord` for diatonic chords)."""
        q = chord.quality
        upper = q not in _LOWER_QUALITIES
        # The degree follows the letter of the root (Bb in C is bVII, not #VI); the accidental
        # is the root's distance from the degree as `chord` would read it.
        degree = (LETTERS.index(chord.root.letter) - LETTERS.index(self.tonic.letter)) % 7
        reference = self.degree_spelling(degree, self._leading_tone_raise(degree, upper))
        diff = (chord.root.semitones - reference.semitones) % 12
        diff = diff - 12 if diff > 6 else diff
        acc = "b" * -diff if diff < 0 else "#" * diff
        num = NUMERALS[degree]
        num = num if upper else num.lower()
        suffix = {"dim": "°", "aug": "+", "dom7": "7", "maj7": "maj7", "min7": "7", "hdim7": "ø7",
                  "dim7": "°7", "dom9": "9", "min9": "9", "maj6": "6add", "min6": "6add", "sus4": "sus4",
                  "sus2": "sus2", "maj9": "maj9"}.get(q, "")
        if chord.bass is not None and chord.bass.semitones != chord.root.semitones:
            pcs = [round(c / 100.0) % 12 for c in chord.pitch_classes_cents]
            if chord.bass.semitones in pcs:
                inv = pcs.index(chord.bass.semitones)
                if chord.has_seventh:
                    fig = {1: "65", 2: "43", 3: "42"}.get(inv, "")
                    suffix = suffix.replace("7", "") + fig
                else:
                    suffix += {1: "6", 2: "64"}.get(inv, "")
        return f"{acc}{num}{suffix}"

    # --- related keys ---------------------------------------------------------------------
    def transposed(self, semitones: int, mode: str | None = None) -> "Key":
        pc = (self.tonic.semitones + semitones) % 12
        mode = mode or self.mode
        pack = self._pack_with(mode)
        fifths_offset = load_pack(pack).mode(mode).signature_offset
        # Choose the spelling with the smallest signature.
        best = None
        for letter in LETTERS:
            alter = (pc - LETTER_SEMITONES[letter]) % 12
            alter = alter - 12 if alter > 6 else alter
            if abs(alter) > 1:
                continue
            fifths = _LETTER_FIFTHS[letter] + 7 * alter + fifths_offset
            if best is None or abs(fifths) < abs(best[0]) or (abs(fifths) == abs(best[0]) and fifths < best[0]):
                best = (fifths, Spelling(letter, alter))
        return Key(best[1], mode, pack)

    def transposed_spelling(self, semitones: int) -> Spelling:
        """The tonic moved by `semitones`, spelled with the smallest signature."""
        return Key(self.tonic, "major").transposed(semitones, "major").tonic

    def relative(self) -> "Key":
        """The key with the same signature: the major key on degree 3 of a minor key, the minor on degree 6."""
        if self.family == "minor":
            return Key(self.degree_spelling(2), "major", self._pack_with("major"))
        if self.family == "major":
            return Key(self.degree_spelling(5), "natural_minor", self._pack_with("natural_minor"))
        return self.transposed(-3, "natural_minor")

    def parallel(self) -> "Key":
        mode = "natural_minor" if self.family == "major" else "major"
        return Key(self.tonic, mode, self._pack_with(mode))

    def _pack_with(self, mode: str) -> str:
        """This key's pack when it has `mode`, else the western one: a secondary dominant or a relative
        key of a maqam or raga is a major or minor key, which most packs do not name."""
        try:
            load_pack(self.pack).mode(mode)
            return self.pack
        except TheoryError:
            return "western"
