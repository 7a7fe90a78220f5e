"""Arrangement: the parts no filler writes, from the plan (and the lead melody).
"""
from .drone import arrange_drone, arrange_percussion
from .heterophony import heterophony
from .parts import arrange_parts
from .voice_leading import arrange_harmony

__all__ = ["arrange_drone", "arrange_harmony", "arrange_parts", "arrange_percussion", "heterophony"]
