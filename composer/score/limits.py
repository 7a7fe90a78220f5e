"""Limits on the size of a request, and the compose time budget.

Each limit is named in the error that enforces it, so a person knows what to change.
The spec schema carries the per-field limits (bars per section, parts, tempo, ...);
these are the whole-piece ones.
"""
from __future__ import annotations

import time

from .errors import ComposerError

MAX_BARS = 1024              # bars (or cycles) in a whole piece, repeats included
MAX_NOTES = 200_000          # notes in a whole piece, all parts
MAX_PITCHED_PARTS = 15       # parts that are not percussion: a MIDI file's 16 channels less the drum channel
MAX_PART_BARS = 4096         # bars x parts that are not percussion: what composes and is written (MIDI,
                             # MusicXML, piece file) within the default budget on a 2-core machine
                             # (benchmarks/bench_limits.py); 1024 bars of 4 parts, or 256 bars of 15
DEFAULT_TIME_BUDGET_S = 60.0  # seconds compose may take before it stops with an error


class LimitError(ComposerError):
    """A request exceeds a size limit or the time budget."""


class Budget:
    """A deadline for one compose call, in the process's CPU time (so that other work on a busy machine
    does not use it up); `check` raises LimitError once it has passed."""

    def __init__(self, seconds: float | None = DEFAULT_TIME_BUDGET_S):
        if seconds is not None and not seconds > 0:
            raise LimitError(f"time budget must be a positive number of seconds, received {seconds!r}")
        self.seconds = seconds
        self.start = time.process_time()

    def check(self, where: str) -> None:
        """Raise LimitError if the budget is spent; `where` names the stage just done."""
        if self.seconds is not None and time.process_time() - self.start > self.seconds:
            raise LimitError(f"compose ran past its time budget of {self.seconds:g} s ({where}); "
                             f"shorten the piece or raise the budget (--time-budget)")


def check_bars(bars: int, parts: int = 1) -> None:
    """The piece's length (repeats included), and its length times its `parts` that are not percussion."""
    if bars > MAX_BARS:
        raise LimitError(f"the piece has {bars} bars, above the limit of {MAX_BARS} bars (repeats included); "
                         f"shorten the form or its sections")
    if bars * parts > MAX_PART_BARS:
        raise LimitError(f"the piece has {bars} bars in each of {parts} parts that are not percussion, "
                         f"{bars * parts} in all, above the limit of {MAX_PART_BARS} (what composes and is written "
                         f"within the time budget: 1024 bars of 4 parts, 256 bars of 15); use fewer bars or parts")


def check_notes(count: int) -> None:
    if count > MAX_NOTES:
        raise LimitError(f"the piece has {count} notes, above the limit of {MAX_NOTES}; "
                         f"use fewer bars, parts or notes per bar")
