"""The originality guard: a slot whose notes complete a run copied from a training tune is drawn again."""
from __future__ import annotations

from ..models.corpus_index import (
    DEFAULT_INDEX,
    MIN_MAX_COPIED_RUN,
    CopiedRun,
    CorpusIndex,
    OriginalityError,
    load_index,
    melody_of,
)

GUARD_ATTEMPTS = 12


class CopyGuard:
    """Refuses a slot's notes when, joined to the notes before them, they complete a run of
    `max_run` notes or more found in a tune of the index."""

    def __init__(self, index: CorpusIndex, max_run: int, attempts: int = GUARD_ATTEMPTS):
        if max_run < MIN_MAX_COPIED_RUN:
            raise OriginalityError(f"max_copied_run must be 0 (off) or at least {MIN_MAX_COPIED_RUN} notes, "
                                   f"received {max_run}")
        self.index, self.max_run, self.attempts = index, int(max_run), attempts
        self.resampled = 0

    def copy_in(self, before: list, new: list, part: str = "") -> CopiedRun | None:
        """The first run of `max_run` notes that ends among `new`, or None."""
        if not new:
            return None
        window = self.max_run - 1                    # tokens
        context = before[-window:]
        mel = melody_of(part, list(context) + list(new))
        if mel is None:
            return None
        first_new = sum(1 for o in mel.offsets if o < new[0].offset)
        for q, c in self.index.hits(mel.tokens(), window):
            if q + window >= first_new:
                return self.index.run_at(self.max_run, mel, q, c)
        return None


def guard_for(max_run: int | None) -> CopyGuard | None:
    """The guard against the shipped models' training corpora, or None when `max_run` is 0 or None."""
    if not max_run:
        return None
    return CopyGuard(load_index(DEFAULT_INDEX), max_run)
