"""The `partita` command line: a thin layer over the library.

Exit codes: 0 done, 1 internal error, 2 bad input (one line per problem, no traceback).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from theory import TheoryError

from .errors import ComposerError, OutputExistsError, SpecError

FORMAT_EXTENSIONS = {"mid": ".mid", "musicxml": ".musicxml"}
DEFAULT_FORMATS = "mid,musicxml"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="partita", description="Compose structured music from a YAML spec.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("compose", help="compose a spec into files")
    p.add_argument("spec", help="a YAML score spec")
    p.add_argument("-o", "--output", required=True, help="the folder to write into")
    p.add_argument("--seed", type=int, help="override the spec's seed")
    p.add_argument("--formats", default=DEFAULT_FORMATS,
                   help=f"comma-separated: {', '.join(FORMAT_EXTENSIONS)} (default {DEFAULT_FORMATS})")
    p.add_argument("--filler", default="rules", choices=["rules"], help="what writes the melodies")
    p.add_argument("--force", action="store_true", help="overwrite existing files")

    p = sub.add_parser("explain", help="print the plan: form, keys, chords, cadences")
    p.add_argument("spec")
    p.add_argument("--seed", type=int)

    p = sub.add_parser("packs", help="scale packs")
    psub = p.add_subparsers(dest="packs_command", required=True, metavar="ACTION")
    psub.add_parser("list", help="list the packs and their modes")
    show = psub.add_parser("show", help="show a pack or one mode: PACK or PACK:MODE")
    show.add_argument("name")

    p = sub.add_parser("grammars", help="form, chord-style and accompaniment grammars")
    gsub = p.add_subparsers(dest="grammars_command", required=True, metavar="ACTION")
    gsub.add_parser("list", help="list the grammars by kind")
    return parser


def _formats(text: str) -> list[str]:
    names = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in names if f not in FORMAT_EXTENSIONS]
    if bad or not names:
        raise ComposerError(f"--formats: unknown format {', '.join(map(repr, bad)) or repr(text)} "
                            f"(accepted: {', '.join(FORMAT_EXTENSIONS)})")
    return list(dict.fromkeys(names))


def cmd_compose(args) -> int:
    from .compose import compose

    formats = _formats(args.formats)
    out = Path(args.output)
    stem = Path(args.spec).stem
    targets = [out / f"{stem}{FORMAT_EXTENSIONS[f]}" for f in formats]
    existing = [str(t) for t in targets if t.exists()]
    if existing and not args.force:
        raise OutputExistsError(f"{', '.join(existing)} already exist(s); pass --force to overwrite")
    piece = compose(args.spec, seed=args.seed, filler=args.filler)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ComposerError(f"-o {out}: cannot create the folder ({exc.strerror})") from None
    for target in targets:
        piece.write(target, force=True if args.force else False)
        print(target)
    return 0


def cmd_explain(args) -> int:
    from .compose import compose

    piece = compose(args.spec, seed=args.seed)
    print(piece.explain())
    return 0


def cmd_packs(args) -> int:
    from theory import list_packs, load_pack

    if args.packs_command == "list":
        for name in list_packs():
            pack = load_pack(name)
            print(f"{name}: {pack.title} ({len(pack.modes)} modes: {', '.join(pack.modes)})")
        return 0
    name, _, mode = args.name.partition(":")
    pack = load_pack(name)
    modes = [pack.mode(mode)] if mode else list(pack.modes.values())
    print(f"{pack.name}: {pack.title}; harmony {pack.harmony}; tuning {pack.default_tuning}")
    for info in modes:
        scale = info.scale
        period = f"{scale.period_cents:g}"
        up = " ".join(f"{scale.degree_cents[i]:g}" for i in scale.ascending)
        line = f"  {info.name} ({info.family}): cents up {up} {period}"
        if not scale.is_symmetric:
            down = " ".join(f"{scale.degree_cents[i]:g}" for i in reversed(scale.descending))
            line += f" | down {period} {down}"
        if info.aliases:
            line += f"; also {', '.join(info.aliases)}"
        print(line)
    return 0


def cmd_grammars(args) -> int:
    from . import grammar

    for kind in ("forms", "chords", "accompaniment"):
        print(f"{kind}: {', '.join(grammar.list_grammars(kind))}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    handlers = {"compose": cmd_compose, "explain": cmd_explain, "packs": cmd_packs, "grammars": cmd_grammars}
    try:
        return handlers[args.command](args)
    except SpecError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    except (ComposerError, TheoryError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the one place that turns a bug into a short message
        print(f"internal error: {type(exc).__name__}: {exc} (please report it)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
