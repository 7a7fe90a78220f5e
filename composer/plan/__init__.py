"""The planner: spec -> a frozen `Plan` (form, sections and phrases, key path, chords, cues).

`plan_piece(spec, rng)` resolves the form (`form`), walks the key graph (`keygraph`) and the chord
graph to each cadence (`harmony`), fits a duration when asked (`fit`), and returns the plan
(`model`). `plan_slots` cuts it into the (part, phrase) slots the fillers write (`slots`);
`explain` puts it into words. The backward feasibility pass (`feasibility`) serves the chord walk
here and the melody decoder in `fill`.
"""
from .explain import explain_json, explain_text
from .fit import FitError, FitReport
from .model import PhrasePlan, Plan, SectionPlan
from .planner import plan_piece
from .slots import Slot, plan_slots

__all__ = ["FitError", "FitReport", "PhrasePlan", "Plan", "SectionPlan", "Slot", "explain_json", "explain_text",
           "plan_piece", "plan_slots"]
