"""The texture under a melody, measured as a harmony teacher reads it: what each melody note is against
its chord (a chord tone, or a non-chord tone by type), which melody notes have an accompaniment or bass
note sounding above them, and which clash by a semitone with a note of another part without being a
non-chord tone that resolves by step. `partita check` judges the voice leading itself; this module
measures what it does not.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from theory.nonchord import CHORD_TONE, RESOLVES_BY_STEP, non_chord_types

from .. import grammar
from ..score.notes import Note

BLUE = "blue note"

ACCOMPANYING = ("chords", "bass")


@dataclass
class TextureReport:
    """Counts over a piece's melody notes (every melody part)."""

    melody_notes: int = 0
    covered: int = 0                               # with an accompaniment or bass note sounding above them
    clashes: int = 0                               # a semitone from another part's note, and not resolving by step
    types: Counter = field(default_factory=Counter)   # chord tone / passing / neighbour / ...
    examples: list[str] = field(default_factory=list)  # the first few covered notes and clashes, in words

    def add(self, other: "TextureReport") -> "TextureReport":
        self.melody_notes += other.melody_notes
        self.covered += other.covered
        self.clashes += other.clashes
        self.types += other.types
        self.examples += other.examples[:max(0, 8 - len(self.examples))]
        return self


def melody_types(piece, part) -> list[tuple[Note, str]]:
    """Each note of a melody part with its type against the chord sounding at its onset; a non-chord
    tone that is one of the style's blue notes (the blue third, fifth and seventh) is a blue note."""
    notes = part.sorted_notes()
    chords = [piece.chord_at(n.offset) for n in notes]
    types = non_chord_types([n.pitch.cents for n in notes], [c.chord if c is not None else None for c in chords])
    return [(n, BLUE if kind != CHORD_TONE and _is_blue(piece, n) else kind) for n, kind in zip(notes, types)]


def _is_blue(piece, note: Note) -> bool:
    if piece.spec is None:
        return False
    key = piece.key_at(note.offset)
    variant = grammar.variant_for_key(grammar.load_chord_style(piece.spec.style), key)
    blues = [(key.tonic_cents + b) % 1200.0 for b in (variant.blue_notes if variant else ())]
    return any(abs((note.pitch.cents - b + 600.0) % 1200.0 - 600.0) < 0.5 for b in blues)


def allowed_by_style(piece, finding) -> bool:
    """Is a finding of `partita check` (or of the arrangement's own reading) one the piece's chord style
    relaxes (grammars/chords/, `relax:`): a relaxed rule between two voices of one chords part? The
    checker names a part's voices by the part's name and a rank ('chords 2'); consecutive fifths by
    contrary motion go with the parallel ones. (The test is the arrangement's `is_relaxed`, written
    out here on the grammar alone so that `bench_voice_leading --compare` can measure older trees.)"""
    if piece.spec is None or piece.spec.harmony != "functional":
        return False
    style = grammar.load_chord_style(piece.spec.style)
    relaxed = {r.rule for r in getattr(style, "relax", ()) if r.between == "accompaniment"}
    fifths = finding.rule == "contrary-fifths-octaves" and getattr(finding, "family", "") == "fifths"
    if ("parallel-fifths" if fifths else finding.rule) not in relaxed:
        return False
    return any(all(v == part.name or v.rsplit(" ", 1)[0] == part.name for v in finding.voices)
               for part in piece.parts if part.role == "chords")


def _bar_beat(piece, note: Note) -> str:
    meter = piece.meter
    return f"bar {int(note.offset // meter.bar_quarters) + 1} beat {float(note.offset % meter.bar_quarters / meter.unit) + 1:g}"


def texture_report(piece) -> TextureReport:
    """The texture measures of one piece (see the module docstring)."""
    report = TextureReport()
    others = [n for p in piece.parts if p.role in ACCOMPANYING for n in p.notes]
    for part in piece.parts:
        if part.role != "melody":
            continue
        for note, kind in melody_types(piece, part):
            report.melody_notes += 1
            report.types[kind] += 1
            sounding = [o for o in others if o.offset < note.end and note.offset < o.end]
            above = [o for o in sounding if o.pitch.cents > note.pitch.cents + 0.5]
            if above:
                report.covered += 1
                report.examples.append(f"{part.name} {_bar_beat(piece, note)}: {note.pitch.name()} under "
                                       f"{above[0].pitch.name()}")
            semitone = [o for o in sounding if _is_semitone(o.pitch.cents - note.pitch.cents)]
            if semitone and kind not in (CHORD_TONE, BLUE) and kind not in RESOLVES_BY_STEP:
                report.clashes += 1
                report.examples.append(f"{part.name} {_bar_beat(piece, note)}: {note.pitch.name()} ({kind}) against "
                                       f"{semitone[0].pitch.name()}")
    return report


def _is_semitone(interval_cents: float) -> bool:
    """A minor second, a major seventh or a minor ninth, in any octave."""
    return abs(abs((interval_cents + 600.0) % 1200.0 - 600.0) - 100.0) < 0.5


__all__ = ["BLUE", "TextureReport", "allowed_by_style", "melody_types", "texture_report"]
