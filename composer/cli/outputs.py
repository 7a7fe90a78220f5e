"""What every command that writes a piece shares: the formats asked for, the files they become, writing them."""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from pathlib import Path

from ..formats.write import FORMATS, write_piece_set
from ..score.errors import ComposerError, OutputExistsError

DEFAULT_FORMATS = "mid,musicxml"


def parse_formats(text: str) -> list[str]:
    """The formats `--formats` names, checked, each once."""
    names = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in names if f not in FORMATS]
    if bad or not names:
        raise ComposerError(f"--formats: unknown format {', '.join(map(repr, bad)) or repr(text)} "
                            f"(accepted: {', '.join(FORMATS)})")
    return list(dict.fromkeys(names))


def output_arguments(p, default: str = DEFAULT_FORMATS) -> None:
    """--formats, --force and --midi-tuning, for every command that writes a piece."""
    p.add_argument("--formats", default=default,
                   help=f"comma-separated: {', '.join(FORMATS)} (default {default})")
    p.add_argument("--force", action="store_true", help="overwrite existing files")
    p.add_argument("--midi-tuning", default="bend", choices=["bend", "mts"],
                   help="microtones in MIDI: a pitch bend per note (default) or MIDI Tuning Standard")


def output_targets(args, stem: str) -> list[Path]:
    """The files an output command will write, refused up front if any exists without --force."""
    formats = parse_formats(args.formats)
    targets = [Path(args.output) / f"{stem}{FORMATS[f]}" for f in formats]
    existing = [str(t) for t in targets if t.exists()]
    if existing and not args.force:
        raise OutputExistsError(f"{', '.join(existing)} already exist(s); pass --force to overwrite")
    return targets


def write_outputs(piece, targets: list[Path], args, budget=None, extra=()) -> None:
    """Write the piece to every target as one set (all of them or none; of two runs writing the same
    names without --force one wins, the other exits 2), printing each path. SIGTERM during the writing
    removes the temporary files, as an error does. A `budget` (compose's) covers the writing too; `extra`
    (path, fill) jobs join the set (the spec a prompt chose), written first."""
    out = Path(args.output)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ComposerError(f"-o {out}: cannot create the folder ({exc.strerror})") from None
    with _terminated_as_interrupt():
        for written in write_piece_set(piece, targets, force=bool(args.force), budget=budget, extra=extra,
                                       midi_tuning=args.midi_tuning):
            print(written)


@contextmanager
def _terminated_as_interrupt():
    """SIGTERM raises KeyboardInterrupt while the block runs (in the main thread), so that the writing
    cleans up after itself as it does on Ctrl-C."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    before = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)
