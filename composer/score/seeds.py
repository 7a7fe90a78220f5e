"""Seeds and the random streams drawn from them: one home for every derivation.

A piece's seed is an integer 0..2**32-1. Each stage draws from its own stream, named by a fixed tuple
(numpy's `SeedSequence` mixes it), so a stage's draws never depend on how many another stage made:
the plan from `[seed, 0]`, each melody slot from `[seed, 1 + part, phrase, stage]`, a refill's region
from its own stream. The same seed gives the same streams on every machine.
"""
from __future__ import annotations

import numpy as np

from .errors import ComposerError

MAX_SEED = 2**32 - 1
PLAN_STREAM = 0
REFILL_SEED_STREAM = 0x7EF1        # the default seed of a piece's next refill
MORPH_STREAM = 0x30F


def check_seed(seed, error: type[ComposerError] = ComposerError, field: str = "seed") -> int:
    """`seed` when it is an integer 0..MAX_SEED; else `error` naming the field and the value received."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise error(f"{field} must be an integer 0..{MAX_SEED}, received {seed!r}")
    return seed


def plan_rng(seed: int) -> np.random.Generator:
    """The planner's stream: the form, keys and chords of a piece."""
    return np.random.default_rng([seed, PLAN_STREAM])


def slot_rng(seed: int, part_index: int, phrase_index: int, stage: int) -> np.random.Generator:
    """One melody slot's stream at one stage (rhythm, pitch, variation, a guard's retry...)."""
    return np.random.default_rng([seed, 1 + part_index, phrase_index, stage])


def refill_rng(seed: int, part_index: int, phrase_index: int, stage: int, attempt: int) -> np.random.Generator:
    """A refill's stream for one slot of its region, per attempt."""
    return np.random.default_rng([seed, 1 + part_index, phrase_index, stage, attempt])


def next_refill_seed(seed: int, edits: int) -> int:
    """The seed a piece's next refill draws with when none is given: from the piece's seed and its edits."""
    return int(np.random.default_rng([seed, REFILL_SEED_STREAM, edits]).integers(0, MAX_SEED))


def morph_rng(seed: int) -> np.random.Generator:
    return np.random.default_rng([seed, MORPH_STREAM])


__all__ = ["MAX_SEED", "check_seed", "morph_rng", "next_refill_seed", "plan_rng", "refill_rng", "slot_rng"]
