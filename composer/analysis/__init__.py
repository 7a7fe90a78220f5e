"""Analysis of pieces: metrics and their comparison with a corpus (`metrics`, `similarity`,
`evaluate_html`), the copied-run report (`originality`), and the checker a teacher uses (`check`),
which reads a piece first (`harmony`: key regions, Roman numerals, non-chord tones) and marks it by a
rule set (`check`, `check_tonal`, `species`), writing the marks into the file (`annotate`).
"""
from .check import CheckReport, Finding, check, check_file, rule_book
from .harmony import HarmonyAnalysis, analyse_harmony
from .metrics import constraint_satisfaction
from .originality import OriginalityReport

__all__ = ["CheckReport", "Finding", "HarmonyAnalysis", "OriginalityReport", "analyse_harmony", "check", "check_file",
           "constraint_satisfaction", "rule_book"]
