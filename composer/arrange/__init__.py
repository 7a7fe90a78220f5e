"""Arrangement: the parts no filler writes, from the plan (and the lead melody).
"""
from .accompaniment import arrange_bass, arrange_chords
from .drone import arrange_drone, arrange_percussion
from .heterophony import heterophony
from .parts import arrange_part

__all__ = ["arrange_bass", "arrange_chords", "arrange_drone", "arrange_part", "arrange_percussion", "heterophony"]
