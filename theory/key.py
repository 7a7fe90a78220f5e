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

from .chord import Chord, chord_from_quality
from .errors import ParseError, TheoryError
from .pack import ModeInfo, load_pack
from .pitch import LETTER_SEMITONES, Spelling, parse_spelling
from .scale import Scale

LETTERS = "CDEFGAB"
_LETTER_FIFTHS = {"F": -1, "C": 0, "G": 1, "D": 2, "A": 3, "E": 4, "B": 5}
NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII")
_ROMAN_RE = re.compile(
    r"^(?P<acc>b|#|♭|♯)?(?P<num>VII|VI|V|IV|III|II|I|vii|vi|v|iv|iii|ii|i)"
    r"(?P<qual>°|o|dim|\+|aug|ø)?(?P<fig>maj7|M7|7|65|6/5|43|4/3|42|4/2|2|64|6/4|6|9)?"
    r"(?:/(?P<of>.+))?$"
)
_LOWER_QUALITIES = {"min", "dim", "min7", "hdim7", "dim7", "min6", "min9"}


@dataclass(frozen=True)
class Key:
    tonic: Spelling
    mode: str = "major"
    pack: str = "western"

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
        return f"{self.tonic.name} {mode}"

    @property
    def name(self) -> str:
        return str(self)

    @cached_property
    def info(self) -> ModeInfo:
        return load_pack(self.pack).mode(self.mode)

    @property
    def scale(self) -> Scale:
        return self.info.scale

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
        return self.tonic.semitones * 100.0

    @cached_property
    def harmonic_mode(self) -> ModeInfo:
        """The seven-note mode Roman numerals count in (a pentatonic key uses its parent)."""
        info = self.info
        if info.is_heptatonic:
            if info.name in ("harmonic_minor", "melodic_minor"):
                return load_pack(self.pack).mode("natural_minor")
            return info
        if info.parent:
            return load_pack(self.pack).mode(info.parent)
        raise TheoryError(f"key {self} has no seven-note parent mode for Roman numerals")

    @property
    def fifths(self) -> int:
        """Key signature: sharps (> 0) or flats (< 0)."""
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

    def spell(self, pc_semitones: int) -> Spelling:
        """Spell a pitch class in this key: diatonic names first, else by the signature's side."""
        pc = pc_semitones % 12
        for d in range(7):
            sp = self.degree_spelling(d)
            if sp.semitones == pc and abs(sp.alter) <= 2:
                return sp
        from .pitch import FLAT_NAMES, SHARP_NAMES

        sp, _ = parse_spelling((FLAT_NAMES if self.prefers_flats else SHARP_NAMES)[pc])
        return sp

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
            local = Key(target.root, "natural_minor" if target_minor else "major", self.pack)
            return local.chord(numeral.rsplit("/", 1)[0])
        num = m.group("num")
        degree = NUMERALS.index(num.upper())
        acc = {"b": -1, "♭": -1, "#": 1, "♯": 1}.get(m.group("acc") or "", 0)
        root = self.degree_spelling(degree, acc)
        upper = num.isupper()
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

    def roman(self, chord: Chord) -> str:
        """The Roman numeral of a chord in this key (inverse of `chord` for diatonic chords)."""
        rel = (chord.root.semitones - self.tonic.semitones) % 12
        degree, acc = None, ""
        for d in range(7):
            if round(self.degree_cents(d) / 100.0 - self.tonic_pc) % 12 == rel:
                degree = d
                break
        if degree is None:
            for d in range(7):
                step = round(self.degree_cents(d) / 100.0 - self.tonic_pc) % 12
                if (step - 1) % 12 == rel:
                    degree, acc = d, "b"
                    break
                if (step + 1) % 12 == rel:
                    degree, acc = d, "#"
                    break
        if degree is None:
            degree = 0
        num = NUMERALS[degree]
        q = chord.quality
        num = num.lower() if q in _LOWER_QUALITIES else num
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
        fifths_offset = load_pack(self.pack).mode(mode).signature_offset
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
        return Key(best[1], mode, self.pack)

    def relative(self) -> "Key":
        if self.family == "minor":
            return self.transposed(3, "major")
        return self.transposed(-3, "natural_minor")

    def parallel(self) -> "Key":
        return Key(self.tonic, "natural_minor" if self.family == "major" else "major", self.pack)
