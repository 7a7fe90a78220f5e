"""partita's composer: spec -> plan -> constrained fill -> arrangement -> files.

    from composer import compose
    piece = compose("examples/minuet_in_g.yaml", seed=1)
    piece.write("out/minuet.mid")

The package is layered; each subpackage imports only those below it (docs/architecture.md):
version, score, grammar, models, text, spec, prompt, plan, fill, arrange, formats, analysis, edit, and at
the top `compose`, the `Piece` facade, `evaluate`, `lessons`, `batch` and the `cli`.
"""
from .compose import compose
from .piece import ChordEvent, Instrument, KeyChange, Note, Part, Piece
from .score.errors import ComposerError, SpecError, UnsatisfiableError
from .spec import Spec, load_spec
from .version import VERSION as __version__

__all__ = ["__version__", "ChordEvent", "ComposerError", "Instrument", "KeyChange", "Note", "Part", "Piece", "Spec",
           "SpecError", "UnsatisfiableError", "compose", "load_spec"]
