"""Writing pieces to files, chosen by extension: MIDI (mido), MusicXML (music21), SVG notation
(verovio), WAV audio (a numpy synth), an HTML report, and the piece file (`.piece.json`: the piece
with its plan, spec, seed and versions, which `partita render` and `partita refill` read).

`write_piece(piece, "out.mid")` writes atomically (a temporary file in the same
folder, then `os.replace`) and refuses to overwrite unless `force=True`. Writer
options are named `<format>_<option>` (`midi_tuning="mts"`); options for another
format than the one written are ignored, so one set can serve every output.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import OutputExistsError, RenderError
from .midi import detect_midi_tuning, midi_bytes, read_midi_notes, write_midi
from .musicxml import musicxml_bytes, to_music21, write_musicxml

FORMATS = {"mid": ".mid", "musicxml": ".musicxml"}
WRITERS = {".mid": write_midi, ".midi": write_midi, ".musicxml": write_musicxml, ".xml": write_musicxml}


def _write_svg(piece, path) -> str:
    from .svg import write_svg  # verovio is imported only when notation is asked for

    return write_svg(piece, path)


def _write_html(piece, path) -> str:
    from .html import write_html

    return write_html(piece, path)


def _write_wav(piece, path) -> str:
    from .audio import write_wav

    return write_wav(piece, path)


def _write_piece_file(piece, path) -> str:
    from ..piece_file import write_piece_file

    return write_piece_file(piece, path)


WRITERS.update({".svg": _write_svg, ".html": _write_html, ".wav": _write_wav, ".json": _write_piece_file})
FORMATS.update({"svg": ".svg", "html": ".html", "wav": ".wav", "piece": ".piece.json"})
# Option name given to write_piece -> (format prefix, keyword of the writer).
WRITER_OPTIONS = {"midi_tuning": ("midi", "tuning")}
_FORMAT_OF = {".mid": "midi", ".midi": "midi", ".musicxml": "musicxml", ".xml": "musicxml"}

__all__ = [
    "FORMATS", "WRITERS", "WRITER_OPTIONS", "detect_midi_tuning", "midi_bytes", "musicxml_bytes", "read_midi_notes",
    "to_music21", "write_midi", "write_musicxml", "write_piece",
]


def _writer_kwargs(ext: str, options: dict) -> dict:
    unknown = sorted(set(options) - set(WRITER_OPTIONS))
    if unknown:
        raise RenderError(f"unknown writer option {unknown[0]!r} (accepted: {', '.join(WRITER_OPTIONS)})")
    fmt = _FORMAT_OF.get(ext)
    return {kw: options[name] for name, (prefix, kw) in WRITER_OPTIONS.items()
            if options.get(name) is not None and prefix == fmt}


def atomic_write(path, fill, force: bool = False) -> str:
    """Create `path` atomically: `fill(tmp_path)` writes a temporary file in the same folder, which
    then replaces the target; nothing is left behind on failure. Refuses to overwrite without force."""
    target = Path(path)
    if target.exists() and not force:
        raise OutputExistsError(f"{target} exists; pass --force (force=True) to overwrite it")
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RenderError(f"cannot create the folder {str(folder)!r} for {str(target)!r} ({exc.strerror})") from None
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".tmp{target.suffix.lower()}", dir=folder)
    os.close(fd)
    try:
        fill(tmp)
        os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o644)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return str(target)


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
    kwargs = _writer_kwargs(ext, options)
    return atomic_write(target, lambda tmp: writer(piece, tmp, **kwargs), force=force)


def atomic_write_text(path, text: str, force: bool = False) -> str:
    """Write text to `path` atomically (temporary file, then rename); refuse to overwrite without force."""
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"), force=force)
