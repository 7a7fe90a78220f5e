"""What the fill returns (`FillResult`) and the notebook it keeps while it writes (`FillRecord`, `NoteReason`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from ..plan.slots import Slot


@dataclass(frozen=True)
class FillResult:
    """What the fill wrote and why: the notes of each melody part it wrote (by part index), the lines it
    added to each phrase's notes (by phrase index), and what shaped each note (by part name and onset: a
    `NoteReason` for a decoded note, lines of text for a copied one). The plan is left as it was."""

    parts: dict = field(default_factory=dict)
    phrase_notes: dict = field(default_factory=dict)
    reasons: dict = field(default_factory=dict, repr=False)

    def lines(self, phrase_index: int) -> tuple[str, ...]:
        return self.phrase_notes.get(phrase_index, ())

    @classmethod
    def combine(cls, results) -> "FillResult":
        """One result for several parts, each phrase's lines in the order of the results."""
        parts, lines, reasons = {}, {}, {}
        for result in results:
            parts.update(result.parts)
            reasons.update(result.reasons)
            for index, more in result.phrase_notes.items():
                lines[index] = lines.get(index, ()) + tuple(more)
        return cls(parts, lines, reasons)


class FillRecord:
    """The fill's notebook while it writes: lines per phrase and a reason per note; `result` freezes it.
    A record started from an earlier result (a refill) keeps what that result says."""

    def __init__(self, base: FillResult | None = None):
        self.lines: dict[int, list[str]] = {i: list(v) for i, v in base.phrase_notes.items()} if base else {}
        self.reasons: dict = dict(base.reasons) if base else {}

    def note(self, phrase_index: int, line: str) -> None:
        self.lines.setdefault(phrase_index, []).append(line)

    def mark(self, phrase_index: int) -> int:
        return len(self.lines.get(phrase_index, ()))

    def rollback(self, phrase_index: int, mark: int) -> None:
        """Forget the lines noted for a phrase since `mark` (a draft that was drawn again)."""
        del self.lines.get(phrase_index, [])[mark:]

    def reason(self, part: str, offset: Fraction, why) -> None:
        self.reasons[(part, offset)] = why

    def result(self, parts: dict) -> FillResult:
        return FillResult(dict(parts), {i: tuple(v) for i, v in self.lines.items() if v}, dict(self.reasons))


@dataclass(frozen=True)
class NoteReason:
    """What shaped one decoded note, kept cheaply; `explain --note` puts it into words."""

    slot: Slot
    constraints: tuple[str, ...]     # the named hard constraints that excluded something here
    chord: object                    # the ChordEvent sounding, or None
    strength: float
    previous_cents: float | None
    allowed: int                     # candidates that met the note's own constraints
    feasible: int                    # ... that could still reach the end of the phrase
    candidates: int
    filler: str = "rules"            # what chose among the feasible: 'neural' (the models) or 'rules'
