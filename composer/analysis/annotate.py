"""`partita check --annotate OUT.musicxml`: the student's file with each finding written at its notes,
so that it opens in MuseScore with the marks in place.

Every note a finding names is coloured (red for an error, orange for a warning, green for what the
style allows) and the finding's rule and message are written as a text direction above the first of
its notes, in that note's measure. Nothing else in the file changes.
"""
from __future__ import annotations

from ..score.files import atomic_write
from .check import ALLOWED, ERROR, CheckReport

COLOURS = {ERROR: "#D00000", "warning": "#E07000", ALLOWED: "#208020"}


def _measure_of(element):
    from music21 import stream  # deferred: music21 takes about 0.5 s to import

    return element.getContextByClass(stream.Measure)


def annotate(report: CheckReport, out, force: bool = False) -> int:
    """Mark the report's findings in its score and write it to `out` (MusicXML); the number marked."""
    from music21 import expressions  # deferred: music21 takes about 0.5 s to import

    score = report.score
    marked = 0
    rank = {ALLOWED: 0, "warning": 1, ERROR: 2}      # an error's colour wins over a warning's on one note
    for f in sorted(report.findings, key=lambda f: rank.get(f.severity, 1)):
        notes = [n for n in f.notes if getattr(n, "element", None) is not None]
        if not notes:
            continue
        colour = COLOURS.get(f.severity, COLOURS["warning"])
        for n in notes:
            el = n.element
            target = el.notes[n.pitch_index] if el.isChord and n.pitch_index < len(el.notes) else el
            target.style.color = colour
        first = min(notes, key=lambda n: n.onset).element
        measure = _measure_of(first)
        text = expressions.TextExpression(f"{f.rule}: {f.message}")
        text.style.color = colour
        text.placement = "above"
        text.style.fontSize = 7
        if measure is not None:
            measure.insert(first.getOffsetInHierarchy(measure), text)
        else:
            score.parts[0].insert(first.offset, text)
        marked += 1

    def write(tmp):
        score.write("musicxml", fp=str(tmp))

    atomic_write(out, write, force=force)
    return marked


__all__ = ["annotate"]
