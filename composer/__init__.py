"""partita's composer: spec -> plan -> constrained fill -> arrangement -> files.

    from composer import compose
    piece = compose("examples/minuet_in_g.yaml", seed=1)
    piece.write("out/minuet.mid")
"""
from .compose import compose
from .errors import ComposerError, SpecError, UnsatisfiableError
from .piece import ChordEvent, Instrument, KeyChange, Note, Part, Piece
from .spec import Spec, load_spec

__all__ = ["ChordEvent", "ComposerError", "Instrument", "KeyChange", "Note", "Part", "Piece", "Spec",
           "SpecError", "UnsatisfiableError", "compose", "load_spec"]
