"""Editing a piece: write one region again (`refill`), or morph one melody into another (`morph`).
"""
from .morph import MorphError, morph
from .refill import RefillError, refill

__all__ = ["MorphError", "RefillError", "morph", "refill"]
