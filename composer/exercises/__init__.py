"""Exercises a teacher hands out: species-counterpoint cantus firmi and their model answers (`species`)."""
from .species import cantus_firmus, counterpoint

__all__ = ["cantus_firmus", "counterpoint"]
