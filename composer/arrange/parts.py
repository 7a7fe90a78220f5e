"""One part that no filler writes, by its role."""
from __future__ import annotations

from ..plan.model import Plan
from ..score.notes import Note
from ..spec.model import PartSpec, Spec
from .accompaniment import arrange_bass, arrange_chords
from .drone import arrange_drone, arrange_percussion
from .heterophony import heterophony


def arrange_part(plan: Plan, part: PartSpec, spec: Spec, lead: list[Note] | None) -> list[Note]:
    """The notes of `part`: a second melody shadowing `lead` (heterophony), the chords, the bass, the
    drone or the percussion cycle."""
    if part.role == "melody":
        return heterophony(lead or [], plan, part)
    if part.role == "chords":
        return arrange_chords(plan, part, spec.style)
    if part.role == "bass":
        return arrange_bass(plan, part, spec.style)
    if part.role == "drone":
        return arrange_drone(plan, part)
    return arrange_percussion(plan, part, spec.cycle)


__all__ = ["arrange_part"]
