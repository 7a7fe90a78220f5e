"""The two models' inputs and sizes (torch-free): what each conditions on, and its vocabularies.

A model reads, at every note, the token of the note before (or BOS) plus embeddings of its
conditions, summed, into one GRU layer, and predicts the note's token:

* rhythm: the note's duration, from its position in the bar, metrical strength, meter, bar in
  the phrase, bars left to the cadence and the section's role;
* melody: the note's pitch step, from all of those, its own duration (the melody is conditioned
  on the rhythm), the chord sounding (degree and quality) and the mode.
"""
from __future__ import annotations

from . import vocab as V

RHYTHM_CONDITIONS = {"pos": V.MAX_POS + 1, "strength": V.N_STRENGTH, "meter": len(V.METERS),
                     "phrase_bar": V.MAX_PHRASE_BAR, "bars_left": V.MAX_PHRASE_BAR, "role": V.N_ROLES}
MELODY_CONDITIONS = {**RHYTHM_CONDITIONS, "dur": V.N_DUR, "chord": V.N_CHORD, "mode": len(V.MODES)}

KINDS = ("rhythm", "melody")


def model_config(kind: str, embed: int = 64, hidden: int = 256, dropout: float = 0.2) -> dict:
    if kind == "rhythm":
        n_out, conds = V.N_DUR, RHYTHM_CONDITIONS
    elif kind == "melody":
        n_out, conds = V.N_PITCH, MELODY_CONDITIONS
    else:
        raise ValueError(f"unknown model kind {kind!r} (accepted: {', '.join(KINDS)})")
    return {"kind": kind, "vocabulary_version": V.VOCAB_VERSION, "n_out": n_out, "n_prev": n_out + 1,
            "bos": n_out, "conditions": dict(conds), "embed": embed, "hidden": hidden, "dropout": dropout}


def target_field(kind: str) -> str:
    return "dur" if kind == "rhythm" else "pitch"
