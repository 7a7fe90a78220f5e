"""What a filler brings to a part's slots (the models, the sampling settings, the rhythms decoded in one
batch), the chords by time, and the guard's retry policy.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from fractions import Fraction

from ..models.ngram import ngram_models
from ..models.runtime import Sampling
from ..plan.model import Plan
from ..plan.slots import Slot
from ..score.errors import ComposerError
from ..score.notes import ChordEvent
from ..score.seeds import slot_rng
from .constraints import Position
from .neural import DEFAULT_SAMPLING, models, neural_rhythms

FILLERS = ("neural", "rules", "ngram")
DEFAULT_FILLER = "neural"
# The traditions the shipped models learned: they were trained on O'Neill's and Ryan's collections (Irish and
# American fiddle tunes), whose scales are western. Elsewhere the tonic swallowed a third to a half of a
# melody's time and a raga's vadi or a pathet's main tones were starved, so the rules filler writes them,
# with the pack's emphasis weights, until a model learns that tradition.
LEARNED_PACKS = ("western",)


@dataclass
class FillContext:
    """What a filler brings to every slot of a part: its name, and for the neural filler the models,
    the sampling settings and the rhythms decoded for all slots in one batch."""

    name: str
    rhythms: dict = None
    melody_model: object = None
    sampling: object = None
    late_rhythm: object = None       # decodes one slot's rhythm on demand (a copy that did not fit)


def filler_context(filler: str, plan: Plan, slots: list[Slot], seed: int, sampling=None,
                   batch: bool = True) -> FillContext:
    """'rules': nothing to prepare. 'neural' and 'ngram': the two models, and every slot's rhythm
    decoded in one batch (the n-gram baseline is decoded by the same code as the neural models).
    `batch=False`: no batch, each rhythm decoded on demand (a refill draws its own)."""
    if filler == "rules" or not learned(slots):
        return FillContext("rules")

    sampling = sampling or DEFAULT_SAMPLING
    if filler == "ngram":
        rhythm_model, melody_model = ngram_models()
    else:
        rhythm_model, melody_model = models()
    # Slots that only copy an earlier phrase need no rhythm unless the copy fails: decode those later, alone.
    # Slots that set words take the words' rhythm; an idiom's slots, the idiom's bar rhythms.
    todo = [s for s in slots if (s.kept_bars < s.phrase.bars or s.copy_of is None) and not s.lyrics
            and s.idiom is None] if batch else []
    rngs = [slot_rng(seed, s.part_index, s.phrase.index, 50) for s in todo]
    decoded = neural_rhythms(plan, todo, rngs, rhythm_model, sampling) if todo else []
    rhythms = {(s.part_index, s.phrase.index): decoded[i] for i, s in enumerate(todo)}

    def late(slot: Slot, attempt: int = 0):
        rng = slot_rng(seed, slot.part_index, slot.phrase.index, 50 + ATTEMPT_STAGE * attempt)
        return neural_rhythms(plan, [slot], [rng], rhythm_model, sampling)[0]

    return FillContext(filler, rhythms, melody_model, sampling, late)


def learned(slots: list[Slot]) -> bool:
    """Whether the models learned the tradition of these slots' scales (`LEARNED_PACKS`)."""
    return all(s.key.pack in LEARNED_PACKS for s in slots)


def sampling_settings(temperature, top_p) -> Sampling:
    """The neural filler's sampling settings, checked."""
    for name, value, lo, hi in (("temperature", temperature, 0.05, 5.0), ("top_p", top_p, 0.05, 1.0)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
            raise ComposerError(f"{name} must be a number from {lo} to {hi}, received {value!r}")
    return Sampling(float(temperature), float(top_p))


ATTEMPT_STAGE = 1000          # an rng stream per attempt of the originality guard


RHYTHM_REDRAW_ATTEMPT = 2     # from this attempt on, a guarded slot gets a fresh rhythm as well
COPY_DROP_ATTEMPT = 4         # ... and is written anew rather than copying the section it repeats
RULES_FALLBACK_ATTEMPT = 6    # ... and is written by the rules filler


class ChordLookup:
    def __init__(self, chords: list[ChordEvent]):
        self.chords = sorted(chords, key=lambda c: c.offset)
        self.starts = [c.offset for c in self.chords]

    def overlapping(self, start: Fraction, end: Fraction) -> list[ChordEvent]:
        """Chord events that sound somewhere in [start, end)."""
        i = max(0, bisect_right(self.starts, start) - 1)
        out = []
        while i < len(self.chords) and self.chords[i].offset < end:
            if self.chords[i].end > start:
                out.append(self.chords[i])
            i += 1
        return out

    def position(self, meter, offset: Fraction, duration: Fraction) -> Position:
        """A melody note's position for the constraints: its chord and metrical strength."""
        return Position(offset, duration, self.at(offset), meter.strength(offset % meter.bar_quarters))

    def at(self, offset: Fraction) -> ChordEvent | None:
        i = bisect_right(self.starts, offset) - 1
        if i >= 0 and self.chords[i].offset <= offset < self.chords[i].end:
            return self.chords[i]
        return None
