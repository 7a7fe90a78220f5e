"""Writing pieces to files, chosen by extension: MIDI (`smf`), MusicXML (music21), SVG notation
(verovio), WAV audio (a numpy synth), an HTML report, and the piece file (`.piece.json`: the piece
with its plan, spec, seed and versions, which `partita render` and `partita refill` read).

`write_piece(piece, "out.mid")` writes atomically (a temporary file in the same
folder, then `os.replace`) and refuses to overwrite unless `force=True`. Writer
options are named `<format>_<option>` (`midi_tuning="mts"`); options for another
format than the one written are ignored, so one set can serve every output.
"""
from __future__ import annotations

from pathlib import Path

from ..score.errors import RenderError
from ..score.files import atomic_write, atomic_write_set
from ..score.limits import Budget
from .audio import write_wav
from .html import write_html
from .midi import write_midi
from .piece_file import write_piece_file
from .svg import write_svg


def _write_musicxml(piece, path) -> str:
    from .musicxml import write_musicxml  # deferred: music21 takes about 0.5 s to import

    return write_musicxml(piece, path)


FORMATS = {"mid": ".mid", "musicxml": ".musicxml", "svg": ".svg", "wav": ".wav", "html": ".html",
           "piece": ".piece.json"}    # the names `--formats` accepts, in the order its help lists them
WRITERS = {".mid": write_midi, ".midi": write_midi, ".musicxml": _write_musicxml, ".xml": _write_musicxml,
           ".svg": write_svg, ".html": write_html, ".wav": write_wav, ".json": write_piece_file}
# Option name given to write_piece -> (format prefix, keyword of the writer).
WRITER_OPTIONS = {"midi_tuning": ("midi", "tuning")}
_FORMAT_OF = {".mid": "midi", ".midi": "midi", ".musicxml": "musicxml", ".xml": "musicxml"}


def _writer_kwargs(ext: str, options: dict) -> dict:
    unknown = sorted(set(options) - set(WRITER_OPTIONS))
    if unknown:
        raise RenderError(f"unknown writer option {unknown[0]!r} (accepted: {', '.join(WRITER_OPTIONS)})")
    fmt = _FORMAT_OF.get(ext)
    return {kw: options[name] for name, (prefix, kw) in WRITER_OPTIONS.items()
            if options.get(name) is not None and prefix == fmt}


def write_piece(piece, path, force: bool = False, **options) -> str:
    """Write `piece` to `path` in the format its extension names; returns the path written.

    `options` go to the writer of that format: `midi_tuning="bend"|"mts"` for MIDI
    (None means the writer's default). An unknown option raises RenderError.
    """
    target = Path(path)
    ext = target.suffix.lower()
    writer = WRITERS.get(ext)
    if writer is None:
        raise RenderError(f"cannot write {str(target)!r}: unknown extension {ext or '(none)'!r} "
                          f"(accepted: {', '.join(WRITERS)})")
    return atomic_write(target, piece_writer(piece, target, **options), force=force)


def piece_writer(piece, path, **options):
    """A function that writes `piece` to a given (temporary) path in the format `path`'s extension names."""
    ext = Path(path).suffix.lower()
    writer = WRITERS.get(ext)
    if writer is None:
        raise RenderError(f"cannot write {str(path)!r}: unknown extension {ext or '(none)'!r} "
                          f"(accepted: {', '.join(WRITERS)})")
    kwargs = _writer_kwargs(ext, options)
    return lambda tmp: writer(piece, tmp, **kwargs)


def write_piece_set(piece, paths, force: bool = False, budget: Budget | None = None, extra=(),
                    **options) -> list[str]:
    """Write `piece` in every format `paths` name as one transaction (`score.files.atomic_write_set`): all
    of them or none, never the files of two runs mixed. With a `budget` (`score.limits.Budget`), each
    format is written only while the budget lasts, and the set is claimed only if it lasted: past it,
    LimitError and nothing written. `extra`: (path, fill) jobs of other files that belong to the set."""
    def timed(path: Path):
        fill = piece_writer(piece, path, **options)

        def run(tmp):
            budget.check(f"before writing {path.name}")
            fill(tmp)
            budget.check(f"after writing {path.name}")
        return run

    return atomic_write_set([(Path(p), fill) for p, fill in extra] +
                            [(Path(p), timed(Path(p)) if budget is not None else piece_writer(piece, p, **options))
                             for p in paths], force=force)
