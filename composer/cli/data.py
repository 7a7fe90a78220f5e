"""The commands about data: train, corpora, packs, cycles, grammars, schema."""
from __future__ import annotations

import json
import shlex
from pathlib import Path

from corpora import CorpusError, load_corpora, load_corpus, load_manifest, manifest_names
from theory import list_packs, load_pack, load_pack_file
from theory.cycle import list_cycles, load_cycle
from theory.scala import pack_tuning_to_scl

from .. import grammar
from ..grammar.instruments import gm_drums, load_instruments
from ..models.corpus_index import build_shipped
from ..models.ship import ship
from ..score.errors import ComposerError
from ..score.files import atomic_write_text
from ..spec.model import spec_schema


def cmd_train(args) -> int:
    try:
        from ..models.train import train  # deferred: torch takes about 2 s to import, and only training needs it
    except ImportError as exc:
        if exc.name != "torch":
            raise
        raise ComposerError("training needs torch, which the base install leaves out (composing does not need "
                            "it): pip install \"partita[train]\"") from None

    names = [n.strip() for n in args.corpus.split(",") if n.strip()]
    try:
        corpus = load_corpora(names)
    except CorpusError as exc:
        raise ComposerError(f"--corpus: {exc}") from None
    for name in ("epochs", "hidden", "embed"):
        if getattr(args, name) < 1:
            raise ComposerError(f"--{name} must be at least 1, received {getattr(args, name)}")
    if not args.minutes > 0:
        raise ComposerError(f"--minutes must be above 0, received {args.minutes}")
    print(f"{corpus.name}: {len(corpus.tunes('train'))} training, {len(corpus.tunes('validation'))} validation, "
          f"{len(corpus.tunes('test'))} test lines; licence {corpus.licence}", flush=True)
    command = (f"partita train {args.kind} --corpus {shlex.quote(args.corpus)} --out {shlex.quote(args.out)} "
               f"--epochs {args.epochs} --minutes {args.minutes:g} --seed {args.seed} --hidden {args.hidden} "
               f"--embed {args.embed}" + (" --resume" if args.resume else "") + (" --ship" if args.ship else ""))
    result = train(args.kind, corpus, Path(args.out), epochs=args.epochs, minutes=args.minutes, seed=args.seed,
                   embed=args.embed, hidden=args.hidden, resume=args.resume, command=command)
    print(json.dumps({"weights": str(result.weights), "validation_bits_per_note": round(result.best_validation_bits, 4),
                      "epochs": result.epochs, "seconds": round(result.seconds, 1)}))
    if args.ship:
        print(f"installed as the shipped {args.kind} weights: {ship(args.kind, result.weights)}")
    return 0


def cmd_corpora(args) -> int:
    try:
        if args.corpora_command == "list":
            for name in manifest_names():
                m = load_manifest(name)
                print(f"{name:15} {m.licence:15} {m.title}")
            return 0
        if args.corpora_command == "index":
            written = build_shipped(args.names, progress=True, out=Path(args.out) if args.out else None)
            for name, cal in written.items():
                if name in ("+".join(args.names),) or name in args.names:
                    print(f"{name}: {cal['tunes']} tunes; longest run shared with another tune: median "
                          f"{cal['percentiles']['50']} notes, p95 {cal['percentiles']['95']}; share >= 8: "
                          f"{cal['share_at_least']['8']:.0%}, >= 16: {cal['share_at_least']['16']:.0%}")
            return 0
        corpus = load_corpus(args.name)
    except CorpusError as exc:
        raise ComposerError(str(exc)) from None
    splits = {s: len(corpus.tunes(s)) for s in ("train", "validation", "test")}
    print(f"{corpus.name}: {len(corpus)} lines, {corpus.note_count()} notes; {splits}; refused: "
          f"{corpus.report.get('refused', {})}")
    return 0


def cmd_packs(args) -> int:
    if args.packs_command == "list":
        for name in list_packs():
            pack = load_pack(name)
            modes = list(pack.modes)
            shown = ", ".join(modes[:12]) + (f", ... ({len(modes)} in all)" if len(modes) > 12 else "")
            print(f"{name}: {pack.title}; harmony {pack.harmony}; tunings {', '.join(pack.tunings)}; modes {shown}")
        return 0
    if args.packs_command == "scala":
        text = pack_tuning_to_scl(args.name, args.tuning)
        if args.output:
            atomic_write_text(args.output, text, force=args.force)
            print(args.output)
        else:
            print(text, end="")
        return 0
    name, _, mode = args.name.partition(":")
    if name.lower().endswith((".yaml", ".yml")):
        pack = load_pack_file(name)  # a user's pack: validated, with file and line on any problem
    else:
        pack = load_pack(name)
    modes = [pack.mode(mode)] if mode else list(pack.modes.values())
    print(f"{pack.name}: {pack.title}; harmony {pack.harmony}; tuning {pack.default_tuning} "
          f"(also {', '.join(t for t in pack.tunings if t != pack.default_tuning) or 'none'})")
    for info in modes:
        print(describe_mode(pack, info, detailed=bool(mode)))
    return 0


def describe_mode(pack, info, detailed: bool) -> str:
    """A mode's degrees in cents, up and down, and (in detail) its movement rules."""
    scale = info.scale
    names = scale.degree_names or tuple(f"{c:g}" for c in scale.degree_cents)
    period = f"{scale.period_cents:g}"

    def cents(indices):
        return " ".join(f"{scale.degree_cents[i]:g}" for i in indices)

    line = f"  {info.name} ({info.family}): cents up {cents(scale.ascending)} {period}"
    if not scale.is_symmetric or info.pack != "western":
        line += f" | down {period} {cents(reversed(scale.descending))}"
    if info.aliases:
        line += f"; also {', '.join(info.aliases)}"
    if not detailed:
        return line
    out = [line]
    if any(n != f"{c:g}" for n, c in zip(names, scale.degree_cents)):
        out.append("    notes: " + ", ".join(f"{n} = {c:g}" for n, c in zip(names, scale.degree_cents)))
        out.append(f"    ascending: {' '.join(names[i] for i in scale.ascending)}")
        out.append(f"    descending: {' '.join(names[i] for i in reversed(scale.descending))}")
    for a, b, direction in scale.extra_edges:
        out.append(f"    turn: {names[a]} -> {names[b]} ({direction})")
    out.append("    movement: a rising step follows the ascending notes, a falling step the descending ones")
    if info.omitted_cents:
        out.append("    never sounds: " + ", ".join(f"{c:g}" for c in info.omitted_cents))
    for role, c in info.emphasis.items():
        out.append(f"    {role}: {c:g}")
    out.append(f"    final: {info.final_cents:g}; harmony: {info.harmony}")
    if info.drone_cents:
        out.append("    drone: " + ", ".join(f"{c:g}" for c in info.drone_cents))
    for jins, on in info.ajnas:
        out.append(f"    jins {jins} on {on:g}")
    for p in info.phrases:
        out.append(f"    phrase {p.name}: " + " ".join(f"{c:g}" for c in p.cents))
    if info.cycles:
        out.append("    cycles: " + ", ".join(info.cycles))
    out.append(f"    source: {info.source}")
    return "\n".join(out)


def cmd_cycles(args) -> int:
    if args.cycles_command == "list":
        for name in list_cycles():
            c = load_cycle(name)
            print(f"{name}: {c.title} ({c.tradition}), {c.beats} beats "
                  f"{'+'.join(map(str, c.meter.grouping))}")
        return 0
    c = load_cycle(args.name)
    print(f"{c.name}: {c.title} ({c.tradition}); {c.beats} beats of 1/{c.meter.denominator}, groups "
          f"{'+'.join(map(str, c.meter.grouping))}" + (f", marks {' '.join(c.marks)}" if c.marks else "")
          + f"; sam {c.sam}" + (f"; khali {', '.join(map(str, c.khali))}" if c.khali else ""))
    for s in c.strokes:
        beat = s.offset / c.meter.unit + 1
        print(f"  beat {float(beat):g}: {s.name} (accent {s.accent}; GM keys {', '.join(map(str, s.keys))})")
    print(f"  source: {c.source}")
    return 0


def cmd_grammars(args) -> int:
    for kind in ("forms", "chords", "accompaniment", "schemes", "idioms"):
        print(f"{kind}: {', '.join(grammar.list_grammars(kind))}")
    table = load_instruments()
    print("instruments (General MIDI program, other names):")
    for inst in sorted(table.values(), key=lambda i: (i.program, i.name)):
        if inst.name != "percussion":
            also = f" ({', '.join(a.replace('_', ' ') for a in inst.aliases)})" if inst.aliases else ""
            print(f"  {inst.program:3d} {inst.name.replace('_', ' ')}{also}")
    print("percussion (General MIDI keys, channel 10): "
          + ", ".join(f"{k} {name}" for k, name in sorted(gm_drums().items())))
    return 0


def cmd_schema(args) -> int:
    print(json.dumps(spec_schema(), indent=2, ensure_ascii=False))
    return 0
