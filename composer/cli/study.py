"""The commands for teachers and researchers: check, exercise, evaluate, lessons."""
from __future__ import annotations

import json
import json as _json
import sys
from pathlib import Path

from ..analysis.annotate import annotate
from ..analysis.check import check
from ..analysis.evaluate_html import report_html
from ..evaluate import evaluate_files, text_report
from ..exercises import make_exercise, write_exercise
from ..lessons import build_lessons
from ..score.errors import OutputExistsError
from ..score.files import atomic_write_text


def cmd_evaluate(args) -> int:
    if args.html and Path(args.html).exists() and not args.force:
        raise OutputExistsError(f"--html {args.html} already exists; pass --force to overwrite it")
    report = evaluate_files(args.files, reference=args.reference, against=args.against,
                            progress=sys.stderr.isatty())
    if args.html:
        atomic_write_text(args.html, report_html(report), force=bool(args.force))
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else text_report(report))
    return 0


def cmd_lessons(args) -> int:
    for path in build_lessons(args.folder, args.output, force=args.force):
        print(path)
    return 0


def cmd_check(args) -> int:
    """Exit 1 when any error is found, 0 when clean or warnings only."""
    if args.annotate and Path(args.annotate).exists() and not args.force:
        raise OutputExistsError(f"--annotate {args.annotate} already exists; pass --force to overwrite it")
    report = check(args.file, key=args.key, scale=args.scale, rules=args.rules, enable=args.enable,
                   disable=args.disable, exercise=args.exercise)
    if args.annotate:
        annotate(report, args.annotate, force=bool(args.force))
    if args.json:
        data = report.to_json()
        if not args.analysis:
            data.pop("analysis", None)
        print(_json.dumps(data, indent=2, ensure_ascii=False))
    else:
        for finding in report.findings:
            print(finding)
        print(report.summary())
        if args.analysis:
            print("analysis:" if report.analysis_lines else "analysis: none (a major or minor key is needed)")
            for line in report.analysis_lines:
                print(line)
        if args.annotate:
            print(f"marked score: {args.annotate}")
    return 1 if report.errors else 0


def cmd_exercise(args) -> int:
    ex = make_exercise(args.kind, key=args.key, level=args.level, seed=args.seed, above=not args.below,
                       length=args.length)
    for path in write_exercise(ex, args.output, force=bool(args.force)):
        print(path)
    print(ex.instructions)
    print(f"grade an answer: partita check ANSWER.musicxml --exercise {Path(args.output) / 'exercise.json'}")
    return 0
