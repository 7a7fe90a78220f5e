"""The parts no filler writes, by role: the voice-led bass and accompaniment, a heterophonic second
melody, the drone, the percussion cycle."""
from __future__ import annotations

from ..plan.model import Plan
from ..score.notes import Note
from ..spec.model import Spec
from .chorale import arrange_chorale
from .drone import arrange_drone, arrange_percussion
from .heterophony import heterophony
from .voice_leading import arrange_harmony


def arrange_parts(plan: Plan, spec: Spec, melodies: dict[int, list[Note]]) -> dict[int, list[Note]]:
    """The notes of every part of `spec` that `melodies` (the filled melody parts, by index) does not
    hold: the bass and chords voice-led under the melodies (or, texture satb, a chorale's bass, alto and
    tenor), a second melody shadowing the lead
    (heterophony), the drone, the percussion."""
    harmony = (arrange_chorale if spec.texture == "satb" else arrange_harmony)(plan, spec, melodies)
    lead = melodies[min(melodies)] if melodies else []
    out: dict[int, list[Note]] = {}
    for i, part in enumerate(spec.parts):
        if i in melodies:
            continue
        if part.role in ("chords", "bass"):
            out[i] = harmony.get(i, [])
        elif part.role == "melody":
            out[i] = heterophony(lead, plan, part)
        elif part.role == "drone":
            out[i] = arrange_drone(plan, part)
        else:
            out[i] = arrange_percussion(plan, part, spec.cycle)
    return out


__all__ = ["arrange_parts"]
