"""Analysis of pieces: metrics and their comparison with a corpus (`metrics`, `similarity`,
`evaluate_html`), the copied-run report (`originality`), and the checker a teacher uses (`check`),
which reads a piece first (`harmony`: key regions, Roman numerals, non-chord tones) and marks it by a
rule set (`check`, `check_tonal`, `species`), writing the marks into the file (`annotate`).
"""
from importlib import import_module

# The names above, each from its module, imported when first asked for (deferred: the checker, with the
# MusicXML reader under it, is not loaded by a compose that only writes MIDI).
# (`check`, the function, is `composer.analysis.check.check`: the name is its module's.)
_EXPORTS = {"CheckReport": "check", "Finding": "check", "check_file": "check",
            "rule_book": "check", "HarmonyAnalysis": "harmony", "analyse_harmony": "harmony",
            "constraint_satisfaction": "metrics", "OriginalityReport": "originality"}

__all__ = ["CheckReport", "Finding", "HarmonyAnalysis", "OriginalityReport", "analyse_harmony", "check_file",
           "constraint_satisfaction", "rule_book"]


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
