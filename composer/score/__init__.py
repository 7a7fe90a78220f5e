"""The value types every stage builds and reads, and the small facts they all share.

Notes, parts, chords and key changes (`notes`), the piece's data (`piece`), a note's place in its
bar (`rhythm`), errors (`errors`), limits on work (`limits`), the text accepted (`printable`), seeds and the random streams drawn
from them (`seeds`), atomic file writing (`files`). Imports nothing else of composer.
"""
from .errors import (
    ComposerError,
    GrammarError,
    LyricsError,
    OutputExistsError,
    PromptError,
    ReadError,
    RenderError,
    SpecError,
    UnsatisfiableError,
)
from .files import atomic_write, atomic_write_text
from .limits import MAX_BARS, MAX_NOTES, Budget, LimitError, check_bars, check_notes
from .notes import ChordEvent, Instrument, KeyChange, Lyric, Note, Part, key_at
from .piece import PieceData
from .rhythm import RhythmNote, grid_of
from .seeds import MAX_SEED, check_seed, plan_rng, slot_rng

__all__ = ["MAX_BARS", "MAX_NOTES", "MAX_SEED", "Budget", "ChordEvent", "ComposerError", "GrammarError",
           "Instrument", "KeyChange", "LimitError", "Lyric", "LyricsError", "Note", "OutputExistsError", "Part",
           "PieceData", "PromptError", "ReadError", "RenderError", "RhythmNote", "SpecError", "UnsatisfiableError",
           "atomic_write", "atomic_write_text", "check_bars", "check_notes", "check_seed", "grid_of", "key_at",
           "plan_rng", "slot_rng"]
