"""The commands that make or change a piece: compose, render, refill, morph, explain."""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from ..compose import compose
from ..edit.morph import morph
from ..edit.refill import refill
from ..fill.reasons import explain_note
from ..formats.piece_file import load_piece, stem_of
from ..plan.explain import explain_json
from ..score.errors import ComposerError, OutputExistsError
from ..score.limits import Budget
from ..spec.model import stem_of_title
from .outputs import output_targets, write_outputs


def cmd_compose(args) -> int:
    if (args.spec is None) == (args.prompt is None):
        raise ComposerError("compose: give a spec file or --prompt \"...\" (one of the two)")
    spec, spec_file = args.spec, None
    if args.prompt is not None:
        from ..prompt import prompt_to_spec  # deferred: words -> spec, 9 ms that only --prompt needs

        chosen = prompt_to_spec(args.prompt)
        stem = stem_of_title(chosen.spec.get("title", "piece"))[:60]
        spec, spec_file = chosen.spec, Path(args.output) / f"{stem}.yaml"
        targets = output_targets(args, stem)
        if spec_file.exists() and not args.force:
            raise OutputExistsError(f"{spec_file} already exists; pass --force to overwrite")
        print(chosen.yaml_text().rstrip("\n"))
    else:
        targets = output_targets(args, Path(args.spec).stem)
    budget = Budget(args.time_budget)         # composing and writing the files
    piece = compose(spec, seed=args.seed, filler=args.filler, time_budget_s=budget,
                    temperature=args.temperature, top_p=args.top_p, max_copied_run=args.max_copied_run)
    for notice in getattr(piece.spec, "notices", ()):
        print(f"note: {notice}", file=sys.stderr)
    # The spec a prompt chose is one file of the set: written with the music or not at all.
    extra = [(spec_file, lambda tmp: Path(tmp).write_text(chosen.yaml_text(), encoding="utf-8"))] if spec_file else []
    write_outputs(piece, targets, args, budget=budget, extra=extra)
    return 0


def cmd_render(args) -> int:
    piece = load_piece(args.piece)           # a bad file is reported before existing outputs
    write_outputs(piece, output_targets(args, stem_of(args.piece)), args)
    return 0


def cmd_morph(args) -> int:
    def stem(text: str) -> str:
        file, _, section = text.rpartition(":") if not Path(text).exists() and ":" in text else (text, "", "")
        return stem_of(file) + (f"_{section}" if section else "")

    piece = morph(args.first, args.second, bars=args.bars, seed=args.seed, title=args.title)
    write_outputs(piece, output_targets(args, f"{stem(args.first)}_to_{stem(args.second)}"), args)
    return 0


def cmd_refill(args) -> int:
    piece = refill(load_piece(args.piece), args.section, bars=args.bars, part=args.part, keep=args.keep,
                   seed=args.seed)
    write_outputs(piece, output_targets(args, stem_of(args.piece)), args)
    return 0


def cmd_explain(args) -> int:
    piece = compose(args.spec, seed=args.seed, filler=args.filler, temperature=args.temperature, top_p=args.top_p,
                    max_copied_run=args.max_copied_run)
    if args.note is not None:
        bar_text, _, beat_text = args.note.partition(":")
        try:
            bar, beat = int(bar_text), float(beat_text or 1)
            if not math.isfinite(beat) or beat < 1:       # beats are counted from 1
                raise ValueError(beat_text)
        except ValueError:
            raise ComposerError(f"--note: cannot read {args.note!r} (accepted: BAR or BAR:BEAT, e.g. 5 or 5:2.5)") from None
        print(explain_note(piece, bar, beat, args.part))
    elif args.json:

        print(json.dumps(explain_json(piece.plan, piece.fill), indent=2, ensure_ascii=False))
    else:
        print(piece.explain())
        print(piece.originality.summary())
    return 0
