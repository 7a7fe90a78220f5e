"""The `partita` command line: a thin layer over the library.

Exit codes: 0 done, 1 internal error, 2 bad input (one line per problem, no traceback).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from theory import TheoryError

from .errors import ComposerError, OutputExistsError, SpecError, UnsatisfiableError

FORMAT_EXTENSIONS = {"mid": ".mid", "musicxml": ".musicxml", "svg": ".svg", "wav": ".wav", "html": ".html",
                     "piece": ".piece.json"}
DEFAULT_FORMATS = "mid,musicxml"


class _ArgumentParser(argparse.ArgumentParser):
    """argparse that reports a bad command line as one `error:` line (exit 2), without the usage block."""

    def error(self, message: str):  # noqa: D401 - argparse's hook
        usage = " ".join(self.format_usage().split())
        self.exit(2, f"error: {self.prog}: {message} ({usage}; see `{self.prog} --help`)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(prog="partita", description="Compose structured music from a YAML spec.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("compose", help="compose a spec (or a prompt in words) into files")
    p.add_argument("spec", nargs="?", help="a YAML score spec (or give --prompt)")
    p.add_argument("--prompt", help="describe the piece in words instead of a spec, e.g. \"slow melancholic waltz "
                                    "in D minor for strings\": prints the spec chosen and the words not used, and "
                                    "writes the spec beside the music")
    p.add_argument("-o", "--output", required=True, help="the folder to write into")
    p.add_argument("--seed", type=int, help="override the spec's seed")
    _output_arguments(p)
    _filler_arguments(p)
    p.add_argument("--time-budget", type=float, default=60.0, metavar="SECONDS",
                   help="stop with an error if composing takes longer (default 60)")

    p = sub.add_parser("render", help="write a piece file (.piece.json) again in any format")
    p.add_argument("piece", help="a .piece.json file, as written by --formats piece")
    p.add_argument("-o", "--output", required=True, help="the folder to write into")
    _output_arguments(p)

    p = sub.add_parser("refill", help="write one region of a piece file again, everything else locked")
    p.add_argument("piece", help="a .piece.json file, as written by --formats piece")
    p.add_argument("--section", required=True, help="the section to rewrite (its name in the plan: A, B, verse...)")
    p.add_argument("--bars", metavar="A-B", help="only these bars of the section (bar numbers of the piece, e.g. 5-8)")
    p.add_argument("--part", default="melody", help="the melody part, by role or name (default: melody)")
    p.add_argument("--keep", choices=["rhythm", "pitch"],
                   help="keep the rhythm (new pitches) or the pitches (new rhythm); default: both new")
    p.add_argument("--seed", type=int, help="the draw (default: one derived from the piece and its edits)")
    p.add_argument("-o", "--output", required=True, help="the folder to write into")
    _output_arguments(p, default="mid,musicxml,piece")

    p = sub.add_parser("morph", help="write a passage that moves from one melody to another over N bars")
    p.add_argument("first", metavar="FROM", help="a .piece.json, .mid or .musicxml file, or PIECE.json:SECTION")
    p.add_argument("second", metavar="TO", help="the melody to arrive at (same forms)")
    p.add_argument("--bars", type=int, default=8, help="the passage's length in bars (default 8)")
    p.add_argument("--seed", type=int, default=0, help="the draw (default 0)")
    p.add_argument("--title", help="the passage's title (default: 'Morph: FROM to TO')")
    p.add_argument("-o", "--output", required=True, help="the folder to write into")
    _output_arguments(p, default="mid,musicxml,piece")

    p = sub.add_parser("explain", help="print the plan: form, keys, chords, cadences")
    p.add_argument("spec")
    p.add_argument("--seed", type=int)
    p.add_argument("--json", action="store_true", help="print the plan as JSON")
    p.add_argument("--note", metavar="BAR[:BEAT]", help="explain the melody note at this bar (and beat)")
    _filler_arguments(p)
    p.add_argument("--part", help="the melody part for --note (default: the first)")

    p = sub.add_parser("train", help="train the rhythm or melody model on a corpus (CPU, fixed seed)")
    p.add_argument("kind", choices=["rhythm", "melody"], help="which model")
    p.add_argument("--corpus", default=DEFAULT_TRAIN_CORPUS,
                   help=f"corpus manifest name(s), comma-separated (default {DEFAULT_TRAIN_CORPUS}; "
                        f"`partita corpora list` names them)")
    p.add_argument("--out", default="partita-models", help="folder for the checkpoint and the weights "
                                                           "(default ./partita-models)")
    p.add_argument("--resume", action="store_true", help="carry on from the checkpoint in --out")
    p.add_argument("--epochs", type=int, default=30, help="at most this many epochs (default 30)")
    p.add_argument("--minutes", type=float, default=12.0, help="stop after this many minutes (default 12)")
    p.add_argument("--seed", type=int, default=0, help="the training seed (default 0)")
    p.add_argument("--hidden", type=int, default=256, help="GRU size (default 256)")
    p.add_argument("--embed", type=int, default=64, help="embedding size (default 64)")
    p.add_argument("--ship", action="store_true",
                   help="install the result as the package's shipped weights (composer/models/weights)")

    p = sub.add_parser("corpora", help="training corpora: list the manifests, or parse and cache one")
    csub = p.add_subparsers(dest="corpora_command", required=True, metavar="ACTION")
    csub.add_parser("list", help="the corpus manifests, their licence and size once parsed")
    q = csub.add_parser("prepare", help="parse a corpus with music21 once and cache it (progress bar)")
    q.add_argument("name")
    q = csub.add_parser("index", help="build the originality index of corpora and calibrate it on their own "
                                      "shared runs (writes corpora/indexes, or --out)")
    q.add_argument("names", nargs="+", help="corpus manifest names")
    q.add_argument("--out", help="the folder to write into (default: the package's corpora/indexes)")

    p = sub.add_parser("evaluate", help="quality metrics of MIDI or MusicXML files, their distance to a corpus, "
                                        "and what they copy from one")
    p.add_argument("files", nargs="+", help="MIDI (.mid) or MusicXML (.musicxml, .xml, .mxl) files")
    p.add_argument("--reference", metavar="CORPUS[:SPLIT]",
                   help="compare the files' features with a corpus (Yang & Lerch overlap), e.g. oneills1850:test")
    p.add_argument("--against", metavar="CORPUS",
                   help="report the longest run each file copies from a tune of these corpora ('a+b' for several), "
                        "e.g. oneills1850")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--html", metavar="FILE", help="also write the report as an HTML page with the histograms drawn")
    p.add_argument("--force", action="store_true", help="overwrite an existing --html file")

    p = sub.add_parser("check", help="mark a MusicXML exercise: parallels, range, tendency tones, scale/raga")
    p.add_argument("file", help="a MusicXML file (.musicxml, .xml, .mxl)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--key", help="the key, e.g. 'G major' (default: the file's key signature or analysis)")
    which.add_argument("--scale", metavar="PACK:MODE[:TONIC]",
                       help="check against a pack's mode, e.g. hindustani:yaman, arabic:rast:D")
    p.add_argument("--json", action="store_true", help="print the findings as one JSON object")

    p = sub.add_parser("packs", help="scale packs")
    psub = p.add_subparsers(dest="packs_command", required=True, metavar="ACTION")
    psub.add_parser("list", help="list the packs and their modes")
    show = psub.add_parser("show", help="show a pack or one mode: PACK or PACK:MODE")
    show.add_argument("name")
    scl = psub.add_parser("scala", help="export a pack's tuning profile as a Scala .scl file")
    scl.add_argument("name", help="a pack")
    scl.add_argument("--tuning", help="a tuning profile (default: the pack's)")
    scl.add_argument("-o", "--output", help="the .scl file to write (default: print it)")
    scl.add_argument("--force", action="store_true", help="overwrite an existing file")

    p = sub.add_parser("cycles", help="rhythmic cycles: talas, iqa'at, usul, gamelan forms, aksak, clave")
    csub = p.add_subparsers(dest="cycles_command", required=True, metavar="ACTION")
    csub.add_parser("list", help="list the cycles")
    cshow = csub.add_parser("show", help="show a cycle's groups and strokes")
    cshow.add_argument("name")

    p = sub.add_parser("lessons", help="teaching lessons: a spec and a page of text each, built into HTML")
    lsub = p.add_subparsers(dest="lessons_command", required=True, metavar="ACTION")
    build = lsub.add_parser("build", help="build every lesson of a folder into HTML pages")
    build.add_argument("folder", nargs="?", default="examples/lessons", help="default: examples/lessons")
    build.add_argument("-o", "--output", required=True, help="the folder to write the pages into")
    build.add_argument("--force", action="store_true", help="overwrite existing pages")

    p = sub.add_parser("grammars", help="form, chord-style and accompaniment grammars")
    gsub = p.add_subparsers(dest="grammars_command", required=True, metavar="ACTION")
    gsub.add_parser("list", help="list the grammars by kind")

    sub.add_parser("schema", help="print the JSON Schema of a spec (for editors' YAML plugins)")
    return parser


def _formats(text: str) -> list[str]:
    names = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in names if f not in FORMAT_EXTENSIONS]
    if bad or not names:
        raise ComposerError(f"--formats: unknown format {', '.join(map(repr, bad)) or repr(text)} "
                            f"(accepted: {', '.join(FORMAT_EXTENSIONS)})")
    return list(dict.fromkeys(names))


DEFAULT_TRAIN_CORPUS = "oneills1850,ryansMammoth"


def _output_arguments(p, default: str = DEFAULT_FORMATS) -> None:
    p.add_argument("--formats", default=default,
                   help=f"comma-separated: {', '.join(FORMAT_EXTENSIONS)} (default {default})")
    p.add_argument("--force", action="store_true", help="overwrite existing files")
    p.add_argument("--midi-tuning", default="bend", choices=["bend", "mts"],
                   help="microtones in MIDI: a pitch bend per note (default) or MIDI Tuning Standard")


def _targets(args, stem: str) -> list[Path]:
    """The files an output command will write, refused up front if any exists without --force."""
    formats = _formats(args.formats)
    targets = [Path(args.output) / f"{stem}{FORMAT_EXTENSIONS[f]}" for f in formats]
    existing = [str(t) for t in targets if t.exists()]
    if existing and not args.force:
        raise OutputExistsError(f"{', '.join(existing)} already exist(s); pass --force to overwrite")
    return targets


def _write_outputs(piece, targets: list[Path], args) -> None:
    out = Path(args.output)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ComposerError(f"-o {out}: cannot create the folder ({exc.strerror})") from None
    for target in targets:
        piece.write(target, force=bool(args.force), midi_tuning=args.midi_tuning)
        print(target)


def _filler_arguments(p) -> None:
    p.add_argument("--filler", default="neural", choices=["neural", "rules", "ngram"],
                   help="what writes the melodies: the trained models under the constraints (default), hand "
                        "weights under the same constraints, or the n-gram baseline (fitted on the parsed "
                        "training corpora at first use)")
    p.add_argument("--temperature", type=float, default=1.0, help="neural filler: sampling temperature (default 1)")
    p.add_argument("--top-p", type=float, default=0.95, help="neural filler: nucleus mass kept (default 0.95)")
    p.add_argument("--max-copied-run", type=int, metavar="NOTES",
                   help="originality guard: redraw any melody slot that copies this many notes in a row from a "
                        "training tune (default: the spec's constraints.max_copied_run, 16; 0: off)")


def cmd_train(args) -> int:
    import json
    import shlex

    from corpora import CorpusError, load_corpora

    from .models.train import train

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
        from .models.ship import ship

        print(f"installed as the shipped {args.kind} weights: {ship(args.kind, result.weights)}")
    return 0


def cmd_corpora(args) -> int:
    from corpora import CorpusError, load_corpus, load_manifest, manifest_names

    try:
        if args.corpora_command == "list":
            for name in manifest_names():
                m = load_manifest(name)
                print(f"{name:15} {m.licence:15} {m.title}")
            return 0
        if args.corpora_command == "index":
            from .originality import build_shipped

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


def cmd_compose(args) -> int:
    from .compose import compose

    if (args.spec is None) == (args.prompt is None):
        raise ComposerError("compose: give a spec file or --prompt \"...\" (one of the two)")
    spec, spec_file = args.spec, None
    if args.prompt is not None:
        from .prompt import prompt_to_spec
        from .render import atomic_write_text

        from .spec import stem_of_title

        chosen = prompt_to_spec(args.prompt)
        stem = stem_of_title(chosen.spec.get("title", "piece"))[:60]
        spec, spec_file = chosen.spec, Path(args.output) / f"{stem}.yaml"
        targets = _targets(args, stem)
        if spec_file.exists() and not args.force:
            raise OutputExistsError(f"{spec_file} already exists; pass --force to overwrite")
        print(chosen.yaml_text().rstrip("\n"))
    else:
        targets = _targets(args, Path(args.spec).stem)
    piece = compose(spec, seed=args.seed, filler=args.filler, time_budget_s=args.time_budget,
                    temperature=args.temperature, top_p=args.top_p, max_copied_run=args.max_copied_run)
    if spec_file is not None:
        Path(args.output).mkdir(parents=True, exist_ok=True)
        print(atomic_write_text(spec_file, chosen.yaml_text(), force=bool(args.force)))
    _write_outputs(piece, targets, args)
    return 0


def cmd_render(args) -> int:
    from .piece_file import load_piece, stem_of

    piece = load_piece(args.piece)           # a bad file is reported before existing outputs
    _write_outputs(piece, _targets(args, stem_of(args.piece)), args)
    return 0


def cmd_morph(args) -> int:
    from .morph import morph
    from .piece_file import stem_of

    def stem(text: str) -> str:
        file, _, section = text.rpartition(":") if not Path(text).exists() and ":" in text else (text, "", "")
        return stem_of(file) + (f"_{section}" if section else "")

    piece = morph(args.first, args.second, bars=args.bars, seed=args.seed, title=args.title)
    _write_outputs(piece, _targets(args, f"{stem(args.first)}_to_{stem(args.second)}"), args)
    return 0


def cmd_refill(args) -> int:
    from .piece_file import load_piece, stem_of

    piece = load_piece(args.piece).refill(args.section, bars=args.bars, part=args.part, keep=args.keep,
                                          seed=args.seed)
    _write_outputs(piece, _targets(args, stem_of(args.piece)), args)
    return 0


def cmd_explain(args) -> int:
    from .compose import compose

    piece = compose(args.spec, seed=args.seed, filler=args.filler, temperature=args.temperature, top_p=args.top_p,
                    max_copied_run=args.max_copied_run)
    if args.note:
        from .explain import explain_note

        bar_text, _, beat_text = args.note.partition(":")
        try:
            bar, beat = int(bar_text), float(beat_text or 1)
        except ValueError:
            raise ComposerError(f"--note: cannot read {args.note!r} (accepted: BAR or BAR:BEAT, e.g. 5 or 5:2.5)") from None
        print(explain_note(piece, bar, beat, args.part))
    elif args.json:
        import json

        from .explain import explain_json

        print(json.dumps(explain_json(piece.plan, piece.fill), indent=2, ensure_ascii=False))
    else:
        print(piece.explain())
        print(piece.originality.summary())
    return 0


def cmd_evaluate(args) -> int:
    import json

    from .evaluate import evaluate_files, text_report

    if args.html and Path(args.html).exists() and not args.force:
        raise OutputExistsError(f"--html {args.html} already exists; pass --force to overwrite it")
    report = evaluate_files(args.files, reference=args.reference, against=args.against,
                            progress=sys.stderr.isatty())
    if args.html:
        from .evaluate_html import report_html
        from .render import atomic_write_text

        atomic_write_text(args.html, report_html(report), force=bool(args.force))
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else text_report(report))
    return 0


def cmd_packs(args) -> int:
    from theory import list_packs, load_pack

    if args.packs_command == "list":
        for name in list_packs():
            pack = load_pack(name)
            modes = list(pack.modes)
            shown = ", ".join(modes[:12]) + (f", ... ({len(modes)} in all)" if len(modes) > 12 else "")
            print(f"{name}: {pack.title}; harmony {pack.harmony}; tunings {', '.join(pack.tunings)}; modes {shown}")
        return 0
    if args.packs_command == "scala":
        from theory.scala import pack_tuning_to_scl

        text = pack_tuning_to_scl(args.name, args.tuning)
        if args.output:
            from .render import atomic_write_text

            atomic_write_text(args.output, text, force=args.force)
            print(args.output)
        else:
            print(text, end="")
        return 0
    name, _, mode = args.name.partition(":")
    if name.lower().endswith((".yaml", ".yml")):
        from theory import load_pack_file

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
    from theory.cycle import list_cycles, load_cycle

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


def cmd_lessons(args) -> int:
    from .lessons import build_lessons

    for path in build_lessons(args.folder, args.output, force=args.force):
        print(path)
    return 0


def cmd_grammars(args) -> int:
    from . import grammar

    for kind in ("forms", "chords", "accompaniment"):
        print(f"{kind}: {', '.join(grammar.list_grammars(kind))}")
    return 0


def cmd_schema(args) -> int:
    import json

    from .spec import spec_schema

    print(json.dumps(spec_schema(), indent=2, ensure_ascii=False))
    return 0


def cmd_check(args) -> int:
    """Exit 1 when any error is found, 0 when clean or warnings only."""
    import json as _json

    from .check import check

    report = check(args.file, key=args.key, scale=args.scale)
    if args.json:
        print(_json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        for finding in report.findings:
            print(finding)
        print(report.summary())
    return 1 if report.errors else 0


def _print_error(message: str, where: str = "") -> None:
    """One `error:` line per line of `message`; control characters from the input are shown escaped."""
    for line in message.splitlines() or [""]:
        if line.strip() or not message.strip():
            shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in line.strip())
            print(f"error: {where}{shown}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    handlers = {"compose": cmd_compose, "render": cmd_render, "refill": cmd_refill, "morph": cmd_morph, "explain": cmd_explain, "packs": cmd_packs, "grammars": cmd_grammars,
                "cycles": cmd_cycles, "schema": cmd_schema, "lessons": cmd_lessons, "check": cmd_check,
                "train": cmd_train, "corpora": cmd_corpora, "evaluate": cmd_evaluate}
    try:
        return handlers[args.command](args)
    except SpecError as exc:
        for problem in exc.problems:
            _print_error(str(problem))
        return 2
    except (ComposerError, TheoryError) as exc:
        # An impossible request comes from the spec's content: name the file it came from.
        where = f"{args.spec}: " if isinstance(exc, UnsatisfiableError) and getattr(args, "spec", None) else ""
        _print_error(str(exc), where)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader closed the pipe (| head): stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # noqa: BLE001 - the one place that turns a bug into a short message
        print(f"internal error: {type(exc).__name__}: {exc} (please report it)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
