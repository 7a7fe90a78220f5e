"""Analysis of pieces: metrics and their comparison with a corpus (`metrics`, `similarity`,
`evaluate_html`), the copied-run report (`originality`), and the checker a teacher uses (`check`).
"""
from .check import CheckReport, Finding, check, check_file
from .metrics import constraint_satisfaction
from .originality import OriginalityReport

__all__ = ["CheckReport", "Finding", "OriginalityReport", "check", "check_file", "constraint_satisfaction"]
