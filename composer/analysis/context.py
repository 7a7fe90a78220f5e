"""The spec, plan and slots behind a piece: its own, or planned again from the spec a file carries."""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..plan.planner import plan_piece
from ..plan.slots import plan_slots
from ..score.errors import ComposerError
from ..score.seeds import plan_rng
from ..spec.load import load_spec


@dataclass
class Context:
    """What a piece was composed from, when known: spec, plan and slots."""

    spec: object = None
    plan: object = None
    slots: list | None = None
    note: str | None = None         # why there is none


def context_of(piece) -> Context:
    """The spec, plan and slots of a composed piece, or rebuilt from the provenance a file carries."""
    if piece.plan is not None and piece.spec is not None:
        return Context(piece.spec, piece.plan, plan_slots(piece.plan, piece.spec))
    carried = piece.settings.get("provenance")
    if not carried:
        return Context(note="the file carries no partita spec (only files partita wrote do)")
    try:
        spec, plan = replanned(carried)
        return Context(spec, plan, plan_slots(plan, spec))
    except ComposerError as exc:
        return Context(note=f"the carried spec could not be planned again ({str(exc).splitlines()[0][:160]})")


def replanned(carried: dict):
    """(spec, plan) of the provenance a file carries: its spec with the seed it was composed with, planned
    again (the plan is a pure function of the two). Raises ComposerError when that cannot be done here."""
    try:
        spec = load_spec(carried["spec"], carried={})    # never a file named by the file's provenance
        spec = replace(spec, seed=int(carried.get("seed", spec.seed)))
    except (KeyError, TypeError, ValueError) as exc:
        raise ComposerError(f"the carried provenance is not a spec and seed ({exc})") from None
    return spec, plan_piece(spec, plan_rng(spec.seed))


def lead_part(piece, ctx: Context):
    roles = {p.name: p.role for p in ctx.spec.parts} if ctx.spec is not None else {}
    pitched = [p for p in piece.parts if p.notes and roles.get(p.name, p.role) not in ("percussion", "drone")]
    melodies = [p for p in pitched if roles.get(p.name, p.role) == "melody"]
    return (melodies or pitched or [None])[0]
