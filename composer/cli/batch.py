"""`partita batch`: many pieces at once, on a process pool or a Ray cluster, with a manifest."""
from __future__ import annotations

import sys

from ..batch import Settings, run_batch
from .outputs import parse_formats


def cmd_batch(args) -> int:
    """Exit 0 when every item was written (or already was), 1 when any failed or a combination was refused."""
    settings = Settings(tuple(parse_formats(args.formats)), args.annotations, args.filler, args.midi_tuning,
                        args.time_budget)
    report = run_batch(args.specs, args.output, seeds=args.seeds, vary=args.vary, settings=settings,
                       engine=args.engine, workers=args.workers, address=args.address, resume=args.resume,
                       progress=not args.quiet)
    print(f"{report.written} written, {report.skipped} already done, {len(report.failed)} failed, "
          f"{len(report.invalid)} combinations refused, in {report.seconds:.1f} s; manifest: "
          f"{args.output.rstrip('/')}/manifest.jsonl", file=sys.stderr)
    return 0 if report.ok else 1
