"""The grammar files of `grammars/`: forms, chord styles, accompaniment patterns and instruments, each
read, checked against its schema and its musical rules, and cached.

    from composer import grammar
    grammar.load_form("rounded_binary").sections
    grammar.variant_for_key(grammar.load_chord_style("classical"), key)
"""
from .chords import (
    CADENCES,
    CadenceDef,
    ChordGraphDef,
    ChordStyle,
    load_chord_style,
    load_chord_style_file,
    variant_for_key,
)
from .files import list_grammars
from .forms import FormGrammar, FormSection, MotifDef, PhraseDef, load_form, load_form_file
from .idioms import Idiom, Scheme, SchemeTable, UnitLabel, load_idiom, load_schemes
from .instruments import InstrumentDef, default_instrument, find_instrument, load_instruments
from .patterns import AccompanimentPattern, PatternEvent, load_pattern, load_pattern_file
from .validate import validate_all

__all__ = ["CADENCES", "AccompanimentPattern", "CadenceDef", "ChordGraphDef", "ChordStyle", "FormGrammar",
           "FormSection", "Idiom", "InstrumentDef", "MotifDef", "PatternEvent", "PhraseDef", "Scheme", "SchemeTable",
           "UnitLabel", "default_instrument", "find_instrument", "list_grammars", "load_chord_style",
           "load_chord_style_file", "load_form", "load_form_file", "load_idiom", "load_instruments", "load_pattern",
           "load_pattern_file", "load_schemes", "validate_all", "variant_for_key"]
