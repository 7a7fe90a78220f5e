"""The `partita` command: `main` parses the command line; one module per group of verbs (`compose`:
compose, render, refill, morph, explain; `study`: check, evaluate, lessons; `data`: train, corpora,
packs, cycles, grammars, schema).
"""
from .main import main

__all__ = ["main"]
