"""Score specs: YAML (or a dict) -> a validated, typed `Spec`.

`load_spec` parses, checks the schema, then the meaning of every key (`keys`, `sections`, `parts`,
`timing`, `charts`), and reports every problem at once (`checker`). The types are in `model`.
"""
from .charts import ChartChord, parse_chart_item
from .keys import RELATION_NAMES
from .load import load_spec
from .model import DEFAULT_RANGES, Constraints, PartSpec, SectionSpec, Spec, spec_schema, stem_of_title
from .parts import parse_range
from .timing import Cue, parse_seconds

__all__ = ["DEFAULT_RANGES", "RELATION_NAMES", "ChartChord", "Constraints", "Cue", "PartSpec", "SectionSpec", "Spec",
           "load_spec", "parse_chart_item", "parse_range", "parse_seconds", "spec_schema", "stem_of_title"]
