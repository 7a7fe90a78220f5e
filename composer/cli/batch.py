"""`partita batch`: many pieces at once, on a process pool or a Ray cluster, with a manifest."""
from __future__ import annotations

import sys

from ..batch import ENGINES, Settings, run_batch
from .outputs import DEFAULT_FORMATS, parse_formats


def batch_arguments(sub) -> None:
    p = sub.add_parser("batch", help="compose many pieces: specs x varied fields x seeds, with a manifest (and "
                                     "annotations), on a process pool or a Ray cluster")
    p.add_argument("specs", nargs="+", metavar="SPEC_OR_DIR", help="spec files, or folders of them (*.yaml)")
    p.add_argument("-o", "--output", required=True, help="the folder to write into (with manifest.jsonl)")
    p.add_argument("--seeds", help="seeds to compose each spec with: N, A-B or a list (default: the spec's own)")
    p.add_argument("--vary", action="append", default=[], metavar="FIELD=V1,V2,...",
                   help="sweep a spec field over values (a grid across --vary options): key, meter, tempo, form, "
                        "idiom, parts.0.instrument, ...; repeatable")
    p.add_argument("--formats", default=DEFAULT_FORMATS, help=f"as for compose (default {DEFAULT_FORMATS})")
    p.add_argument("--annotations", action="store_true",
                   help="also write each piece's labels as JSON (docs/annotations.md)")
    p.add_argument("--workers", type=int, help="processes (local) or CPUs (a local Ray instance); default: one "
                                               "per core")
    p.add_argument("--engine", default="local", choices=ENGINES, help="local: a process pool (default); ray: a "
                                                                      "Ray cluster (pip install \"partita[ray]\")")
    p.add_argument("--address", help="the Ray cluster to join (default: start a local instance)")
    p.add_argument("--resume", action="store_true", help="skip the items the manifest lists as written, with "
                                                         "the same spec, seed and settings, and files intact")
    p.add_argument("--filler", default="neural", choices=["neural", "rules", "ngram"], help="as for compose")
    p.add_argument("--midi-tuning", default="bend", choices=["bend", "mts"], help="as for compose")
    p.add_argument("--time-budget", type=float, default=60.0, metavar="SECONDS",
                   help="the most one item may take to compose and write (default 60)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


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
