"""Music theory for partita: cents-native pitch, tunings, scales as movement graphs,
chords, keys with Roman numerals, meters with additive groupings, and scale packs.

Pure Python (numpy and networkx); no torch.
"""
from .chord import Chord, parse_chord_symbol
from .errors import DataFileError, ParseError, TheoryError, UnknownNameError
from .key import Key
from .meter import Meter
from .pack import Pack, list_packs, load_pack, load_pack_file
from .pitch import Interval, Pitch, Spelling
from .scale import Scale
from .tuning import EDO12, Tuning

__all__ = [
    "Chord", "DataFileError", "EDO12", "Interval", "Key", "Meter", "Pack", "ParseError", "Pitch",
    "Scale", "Spelling", "TheoryError", "Tuning", "UnknownNameError", "list_packs", "load_pack",
    "load_pack_file", "parse_chord_symbol",
]
