"""Exercises a teacher hands out, each with a model answer that passes its rule set: a figured or
unfigured bass and a melody to harmonise in four parts (`four_part`), a cantus firmus for species
counterpoint (`species`); `files` writes them for `partita exercise`."""
from .files import KINDS, Exercise, make_exercise, write_exercise
from .four_part import FOUR_PART_KINDS, figures, four_part_exercise
from .species import cantus_firmus, counterpoint

__all__ = ["FOUR_PART_KINDS", "KINDS", "Exercise", "cantus_firmus", "counterpoint", "figures", "four_part_exercise",
           "make_exercise", "write_exercise"]
