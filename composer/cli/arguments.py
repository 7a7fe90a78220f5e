"""The `partita` command line's arguments: every command and option, with the few names they offer
(engines, exercise kinds, the default training corpus) kept here so that building the parser loads no
command's module. A cold `partita compose --formats mid` then imports what composing needs and no more
(issue 19); `tests/cli/test_arguments.py` keeps these names equal to the library's.
"""
from __future__ import annotations

import argparse

from .outputs import DEFAULT_FORMATS, output_arguments

ENGINES = ("local", "ray")                                      # composer.batch.ENGINES
EXERCISE_KINDS = ("figured-bass", "unfigured-bass", "harmonise", "species1", "species2", "species3", "species4")
DEFAULT_TRAIN_CORPUS = "oneills1850,ryansMammoth"


class _ArgumentParser(argparse.ArgumentParser):
    """argparse that reports a bad command line as one `error:` line (exit 2), without the usage block."""

    def error(self, message: str):  # noqa: D401 - argparse's hook
        usage = " ".join(self.format_usage().split())
        self.exit(2, f"error: {self.prog}: {message} ({usage}; see `{self.prog} --help`)\n")


def _compose(sub) -> None:
    p = sub.add_parser("compose", help="compose a spec (or a prompt in words) into files")
    p.add_argument("spec", nargs="?", help="a YAML score spec (or give --prompt)")
    p.add_argument("--prompt", help="describe the piece in words instead of a spec, e.g. \"slow melancholic waltz "
                                    "in D minor for strings\": prints the spec chosen and the words not used, and "
                                    "writes the spec beside the music")
    p.add_argument("-o", "--output", required=True, help="the folder to write into")
    p.add_argument("--seed", type=int, help="override the spec's seed")
    output_arguments(p)
    _filler_arguments(p)
    p.add_argument("--time-budget", type=float, default=60.0, metavar="SECONDS",
                   help="stop with an error if composing takes longer (default 60)")


def _render(sub) -> None:
    p = sub.add_parser("render", help="write a piece file (.piece.json) again in any format")
    p.add_argument("piece", help="a .piece.json file, as written by --formats piece")
    p.add_argument("-o", "--output", required=True, help="the folder to write into")
    output_arguments(p)


def _refill(sub) -> None:
    p = sub.add_parser("refill", help="write one region of a piece file again, everything else locked")
    p.add_argument("piece", help="a .piece.json file, as written by --formats piece")
    p.add_argument("--section", required=True, help="the section to rewrite (its name in the plan: A, B, verse...)")
    p.add_argument("--bars", metavar="A-B", help="only these bars of the section (bar numbers of the piece, e.g. 5-8)")
    p.add_argument("--part", default="melody", help="the melody part, by role or name (default: melody)")
    p.add_argument("--keep", choices=["rhythm", "pitch"],
                   help="keep the rhythm (new pitches) or the pitches (new rhythm); default: both new")
    p.add_argument("--seed", type=int, help="the draw (default: one derived from the piece and its edits)")
    p.add_argument("-o", "--output", required=True, help="the folder to write into")
    output_arguments(p, default="mid,musicxml,piece")


def _morph(sub) -> None:
    p = sub.add_parser("morph", help="write a passage that moves from one melody to another over N bars")
    p.add_argument("first", metavar="FROM", help="a .piece.json, .mid or .musicxml file, or PIECE.json:SECTION")
    p.add_argument("second", metavar="TO", help="the melody to arrive at (same forms)")
    p.add_argument("--bars", type=int, default=8, help="the passage's length in bars (default 8)")
    p.add_argument("--seed", type=int, default=0, help="the draw (default 0)")
    p.add_argument("--title", help="the passage's title (default: 'Morph: FROM to TO')")
    p.add_argument("-o", "--output", required=True, help="the folder to write into")
    output_arguments(p, default="mid,musicxml,piece")


def _explain(sub) -> None:
    p = sub.add_parser("explain", help="print the plan: form, keys, chords, cadences")
    p.add_argument("spec")
    p.add_argument("--seed", type=int)
    p.add_argument("--json", action="store_true", help="print the plan as JSON")
    p.add_argument("--note", metavar="BAR[:BEAT]", help="explain the melody note at this bar (and beat)")
    _filler_arguments(p)
    p.add_argument("--part", help="the melody part for --note (default: the first)")


def _train(sub) -> None:
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


def _corpora(sub) -> None:
    p = sub.add_parser("corpora", help="training corpora: list the manifests, or parse and cache one")
    csub = p.add_subparsers(dest="corpora_command", required=True, metavar="ACTION")
    csub.add_parser("list", help="the corpus manifests, their licence and size once parsed")
    q = csub.add_parser("prepare", help="parse a corpus with music21 once and cache it (progress bar)")
    q.add_argument("name")
    q = csub.add_parser("index", help="build the originality index of corpora and calibrate it on their own "
                                      "shared runs (writes corpora/indexes, or --out)")
    q.add_argument("names", nargs="+", help="corpus manifest names")
    q.add_argument("--out", help="the folder to write into (default: the package's corpora/indexes)")


def _evaluate(sub) -> None:
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


def _check(sub) -> None:
    p = sub.add_parser("check", help="mark a MusicXML exercise by a rule set: voice leading, ranges, tendency "
                                     "tones, the key or the raga, after a harmonic analysis")
    p.add_argument("file", help="a MusicXML file (.musicxml, .xml, .mxl)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--key", help="the key, e.g. 'G major' (default: the key a partita file was composed in, "
                                     "else the file's key signature or analysis)")
    which.add_argument("--scale", metavar="PACK:MODE[:TONIC]",
                       help="check against a pack's mode, e.g. hindustani:yaman, arabic:rast:D")
    p.add_argument("--rules", metavar="SET", help="the rule set: chorale, strict, free, jazz, blues, pop, "
                                                  "species1..species5 (default: from the piece; four voices: chorale)")
    p.add_argument("--enable", metavar="RULE", action="append", default=[], help="switch a rule on (repeatable)")
    p.add_argument("--disable", metavar="RULE", action="append", default=[], help="switch a rule off (repeatable)")
    p.add_argument("--analysis", action="store_true",
                   help="print the analysis under the findings: key regions and a Roman numeral per beat")
    p.add_argument("--annotate", metavar="OUT.musicxml",
                   help="write the file with each finding marked at its notes (coloured, with a text direction)")
    p.add_argument("--exercise", metavar="exercise.json", help="grade an answer to a `partita exercise`: its key and "
                                                            "rule set, and the given voice kept note for note")
    p.add_argument("--force", action="store_true", help="overwrite an existing --annotate file")
    p.add_argument("--json", action="store_true", help="print the findings as one JSON object")


def _exercise(sub) -> None:
    p = sub.add_parser("exercise", help="write an exercise with its model answer: a figured or unfigured bass, a "
                                        "melody to harmonise, a cantus firmus for species counterpoint")
    p.add_argument("kind", choices=EXERCISE_KINDS, help="the kind of exercise")
    p.add_argument("-o", "--output", required=True, help="folder for exercise.musicxml, answer.musicxml, exercise.json")
    p.add_argument("--key", default="C major", help="the key (default: C major)")
    p.add_argument("--level", type=int, default=1, choices=(1, 2, 3),
                   help="four-part exercises: 1 an 8-bar period in 4/4, 2 a sentence in 3/4, 3 a rounded binary form "
                        "that modulates (default 1)")
    p.add_argument("--seed", type=int, default=0, help="which exercise (default 0)")
    p.add_argument("--below", action="store_true", help="species: the counterpoint goes below the cantus firmus")
    p.add_argument("--length", type=int, default=10, help="species: bars of the cantus firmus, 8-14 (default 10)")
    p.add_argument("--force", action="store_true", help="overwrite the files of an earlier exercise in the folder")


def _packs(sub) -> None:
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


def _cycles(sub) -> None:
    p = sub.add_parser("cycles", help="rhythmic cycles: talas, iqa'at, usul, gamelan forms, aksak, clave")
    csub = p.add_subparsers(dest="cycles_command", required=True, metavar="ACTION")
    csub.add_parser("list", help="list the cycles")
    cshow = csub.add_parser("show", help="show a cycle's groups and strokes")
    cshow.add_argument("name")


def _lessons(sub) -> None:
    p = sub.add_parser("lessons", help="teaching lessons: a spec and a page of text each, built into HTML")
    lsub = p.add_subparsers(dest="lessons_command", required=True, metavar="ACTION")
    build = lsub.add_parser("build", help="build every lesson of a folder into HTML pages")
    build.add_argument("folder", nargs="?", default=None,
                       help="a folder of NAME.yaml with NAME.md (default: the lessons shipped with partita, "
                            "examples/lessons in the checkout)")
    build.add_argument("-o", "--output", required=True, help="the folder to write the pages into")
    build.add_argument("--force", action="store_true", help="overwrite existing pages")


def _grammars(sub) -> None:
    p = sub.add_parser("grammars", help="form, chord-style and accompaniment grammars")
    gsub = p.add_subparsers(dest="grammars_command", required=True, metavar="ACTION")
    gsub.add_parser("list", help="list the grammars by kind")


def _schema(sub) -> None:
    sub.add_parser("schema", help="print the JSON Schema of a spec (for editors' YAML plugins)")


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


def _batch(sub) -> None:
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


COMMAND_ARGUMENTS = {
    "compose": _compose,
    "render": _render,
    "refill": _refill,
    "morph": _morph,
    "explain": _explain,
    "batch": _batch,
    "train": _train,
    "corpora": _corpora,
    "evaluate": _evaluate,
    "check": _check,
    "exercise": _exercise,
    "packs": _packs,
    "cycles": _cycles,
    "lessons": _lessons,
    "grammars": _grammars,
    "schema": _schema,
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line (no command's module is imported). With `command`, only that command's
    arguments are built: what `main` asks for once the first word names a command (building the
    other fifteen costs a cold start 10 ms); `partita --help` and a wrong first word get them all."""
    parser = _ArgumentParser(prog="partita", description="Compose structured music from a YAML spec.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, add in COMMAND_ARGUMENTS.items():
        if command is None or command == name:
            add(sub)
    return parser
