"""The fill: the melody of each slot of a plan, rhythm then pitch, under hard constraints.

`fill_melody(plan, slots, seed, ...)` returns a `FillResult`: the notes of the part and why (the
lines it noted on each phrase, a reason per note). It copies the kept bars of repeats (`repeats`),
decodes the rest (`region`, `decode`) with the rules, neural or n-gram filler (`rules`, `neural`,
`context`) under the constraints (`constraints`), varies what the spec asks (`variation`) and
redraws what copies a training tune (`guard`). `precheck` finds impossible slots first.
"""
from .context import DEFAULT_FILLER, FILLERS, sampling_settings
from .guard import CopyGuard, guard_for
from .melody import fill_melody
from .precheck import precheck
from .reasons import explain_note
from .result import FillResult, NoteReason

__all__ = ["DEFAULT_FILLER", "FILLERS", "CopyGuard", "FillResult", "NoteReason", "explain_note", "fill_melody",
           "guard_for", "precheck", "sampling_settings"]
