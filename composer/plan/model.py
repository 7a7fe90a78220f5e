"""The plan's types: `Plan`, `SectionPlan`, `PhrasePlan`, all frozen. Each stage after the planner reads
them; none changes them.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from functools import cached_property

from theory import Key, Meter

from ..score.notes import ChordEvent
from ..score.timeline import SpanIndex
from .form import Motif
from .keygraph import Modulation


@dataclass(frozen=True)
class BarMotif:
    """What one bar states (the motif plan, `plan.motifs`): new material ('new'), or a return to the earlier
    bar `source` (0-based, of the piece): its 'repeat', its 'sequence' by `steps` scale steps, or its
    variation ('vary': rhythm kept, the head of the bar restated, the tail new). `label`: the unit's letter in
    the phrase's scheme ("a", "a′", "a+1")."""

    bar: int
    label: str
    kind: str = "new"
    source: int | None = None
    steps: int = 0


@dataclass(frozen=True)
class PhrasePlan:
    index: int
    section: str
    number: int              # 1-based within its section
    start_bar: int           # 0-based bar of the piece
    bars: int
    key: Key
    cadence: str
    chords: tuple[ChordEvent, ...] = ()
    modulation: Modulation | None = None
    kept_bars: int = 0       # bars copied from the repeated section
    copy_of: int | None = None   # phrase index the kept bars come from
    motifs: tuple[Motif, ...] = ()
    chart: bool = False
    variation: tuple[float, str] | None = None   # (amount, keep): the kept bars are varied, not copied
    climax: Fraction | None = None   # a cue's climax: the melody's highest note starts here (quarters)
    notes: tuple[str, ...] = ()      # what the planner noted about this phrase (the fill's notes are its own)
    scheme: tuple[BarMotif, ...] = ()   # the motif plan of its bars (none for copied bars)
    register: float | None = None    # the contour plan: where in the part's range the phrase sits (0 low, 1 high)
    gushe: tuple[str, float] | None = None   # a dastgah's gushe the phrase is in: (name, its shahed's cents)

    def offset(self, meter: Meter) -> Fraction:
        return self.start_bar * meter.bar_quarters

    def end(self, meter: Meter) -> Fraction:
        return (self.start_bar + self.bars) * meter.bar_quarters


@dataclass(frozen=True)
class SectionPlan:
    name: str
    role: str
    start_bar: int
    bars: int
    key: Key
    phrases: tuple[PhrasePlan, ...]
    repeat_of: str | None = None
    vary: float = 0.0
    kept_bars: int = 0
    chart: bool = False
    variation: tuple[float, str] | None = None   # vary: {of, amount, keep}: a variation of `repeat_of`
    unmetered: bool = False          # an opening in free rhythm before the cycle starts (an alap, a taqsim)


@dataclass(frozen=True)
class Pedal:
    """A pedal point the plan asks of the bass: from `start` to `end` (quarters), pitch class `pc_cents`
    held under whatever chords sound above, and why."""

    start: Fraction
    end: Fraction
    pc_cents: float
    reason: str


@dataclass(frozen=True)
class Plan:
    """The plan of a piece: frozen, so that every later stage reads it and none changes it."""

    title: str
    meter: Meter
    tempo_bpm: float
    home_key: Key
    form: str | None
    style: str
    sections: tuple[SectionPlan, ...]
    phrases: tuple[PhrasePlan, ...]
    bars: int
    notes: tuple[str, ...] = ()
    harmony: str = "functional"
    cycle: str | None = None
    fit: object = None                # a plan.fit.FitReport when the spec asks for a duration
    climaxes: tuple[Fraction, ...] = ()   # offsets (quarters) of the climax cues
    pedals: tuple[Pedal, ...] = ()        # pedal points in the bass (a dominant pedal before a return)
    climax_planned: bool = False          # the climax was placed by the contour plan, not by a cue

    @property
    def unmetered_bars(self) -> range:
        """The bars of the opening in free rhythm (empty where the piece has none)."""
        first = self.sections[0] if self.sections else None
        return range(first.start_bar, first.start_bar + first.bars) if first is not None and first.unmetered \
            else range(0)

    @property
    def chords(self) -> list[ChordEvent]:
        return [c for p in self.phrases for c in p.chords]

    @cached_property
    def chord_spans(self) -> SpanIndex:
        """The chords as spans of time: `chord_spans.at(offset)` is the chord event sounding there."""
        return SpanIndex([(c.offset, c.end, c) for c in self.chords])

    @cached_property
    def phrase_keys(self) -> SpanIndex:
        """The phrases' keys as spans of time: `phrase_keys.at(offset, home_key)`."""
        return SpanIndex([(p.offset(self.meter), p.end(self.meter), p.key) for p in self.phrases])

    @property
    def modulations(self) -> list[Modulation]:
        return [p.modulation for p in self.phrases if p.modulation]

    def with_phrases(self, phrases) -> "Plan":
        """The same plan with its phrases replaced (by index), in its sections too."""
        phrases = tuple(phrases)
        sections = tuple(replace(s, phrases=tuple(phrases[p.index] for p in s.phrases)) for s in self.sections)
        return replace(self, phrases=phrases, sections=sections)
