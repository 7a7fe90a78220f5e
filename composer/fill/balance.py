"""The mode's hierarchy kept over the whole piece: before each phrase is written, the notes written so far
are weighed, and where the mode's first leaning note (a raga's vadi, a Carnatic jiva svara, a maqam's
ghammaz, a makam's güçlü, a pathet's gong tone) has sounded less than a plain degree, the phrase leans on
it harder and on the plain degrees that outweigh it less, as a performer returns to the vadi when the
line has strayed from it; a phrase that still leaves a plain degree ahead is drawn again, a few times
(`fill.melody`). Soft preferences, like the emphasis itself (`fill.rules.emphasis_weights`): the hard
constraints are untouched.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

from theory import Key
from theory.melody_rules import leaning_roles

from ..plan.slots import Slot
from ..score.notes import Note

MOST_BOOST = 4.0          # the largest extra factor on the leaning note in one phrase
FLOOR_SHARE = 0.05        # a leaning note that has not sounded yet counts as this share
LEAN_ATTEMPTS = 5         # drafts of a phrase, at most, until the leaning note leads the piece so far


@dataclass(frozen=True)
class Standing:
    """The leaning note's share of the piece so far, in its mode, against the plain degrees'."""

    name: str             # the leaning note's name
    role: str
    cents: float          # above the tonic
    share: float
    ahead: dict           # plain degree (cents above the tonic) -> share, for those at or above `share`


def standing(key: Key, written: list[tuple[Key, list[Note]]]) -> Standing | None:
    """Where the mode's first leaning note stands in the notes written in `key` (None: a Western key, a mode
    without a leaning note, or nothing written yet)."""
    if key.pack == "western":
        return None
    info = key.info
    leaning = leaning_roles(tuple(info.emphasis))
    notes = [n for k, phrase in written if k == key for n in phrase]
    if not leaning or not notes:
        return None
    period = key.scale.period_cents
    target = info.emphasis[leaning[0]] % period
    marked = [c % period for c in info.emphasis.values()] + [info.final_cents % period]
    durations: dict[float, Fraction] = {}
    for n in notes:
        rel = round(key.rel_cents(n.pitch.cents), 1)
        if key.scale.degree_of(rel, 1.0) is not None:
            durations[rel] = durations.get(rel, Fraction(0)) + n.duration
    total = sum(durations.values(), Fraction(0))
    if not total:
        return None
    own = float(sum((d for rel, d in durations.items() if abs(rel - target) < 1.0), Fraction(0)) / total)
    plain = {rel: float(d / total) for rel, d in durations.items() if not any(abs(rel - m) < 1.0 for m in marked)}
    index = key.scale.degree_of(target, 1.0)
    name = key.scale.degree_names[index] if key.scale.degree_names else f"{target:.0f}c"
    return Standing(name, leaning[0], target, own, {rel: s for rel, s in plain.items() if s >= own})


def balanced(slot: Slot, written: list[tuple[Key, list[Note]]]) -> tuple[Slot, str | None]:
    """The slot with its emphasis adjusted by what the piece has sounded so far in the slot's mode
    (`written`: each earlier phrase's key and notes), and a line saying so (None where nothing changed)."""
    if slot.phrase.gushe is not None:
        return slot, None       # a gushe centres on its own shahed, not on the mode's
    now = standing(slot.key, written)
    if now is None or not now.ahead:
        return slot, None
    top = max(now.ahead.values())
    boost = min(MOST_BOOST, (top / max(now.share, FLOOR_SHARE)) ** 2)
    extra = ((now.cents, boost),) + tuple((rel, 1.0 / boost ** 0.5) for rel in now.ahead)
    return replace(slot, emphasis=slot.emphasis + extra), \
        f"{slot.part.name}: leans on {now.name} ({now.role}) harder: {now.share:.0%} of the piece so far, " \
        f"{top:.0%} for a plain degree"


def shortfall(slot: Slot, written: list[tuple[Key, list[Note]]], notes: list[Note]) -> float:
    """With these notes of the slot, how far the leaning note's share of the piece so far falls short of the
    largest plain degree's (0: it leads, or the mode has none)."""
    if slot.phrase.gushe is not None:
        return 0.0
    now = standing(slot.key, [*written, (slot.key, notes)])
    if now is None or not now.ahead:
        return 0.0
    return max(now.ahead.values()) - now.share + 1e-9
