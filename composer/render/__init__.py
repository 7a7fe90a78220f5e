"""Writing pieces to files: MIDI (mido) and MusicXML (music21), chosen by extension.

`write_piece(piece, "out.mid")` writes atomically (a temporary file in the same
folder, then `os.replace`) and refuses to overwrite unless `force=True`.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import OutputExistsError, RenderError
from .midi import midi_bytes, read_midi_notes, write_midi
from .musicxml import musicxml_bytes, to_music21, write_musicxml

FORMATS = {"mid": ".mid", "musicxml": ".musicxml"}
WRITERS = {".mid": write_midi, ".midi": write_midi, ".musicxml": write_musicxml, ".xml": write_musicxml}

__all__ = [
    "FORMATS", "WRITERS", "midi_bytes", "musicxml_bytes", "read_midi_notes", "to_music21", "write_midi",
    "write_musicxml", "write_piece",
]


def write_piece(piece, path, force: bool = False) -> str:
    """Write `piece` to `path` in the format its extension names; returns the path written."""
    target = Path(path)
    ext = target.suffix.lower()
    writer = WRITERS.get(ext)
    if writer is None:
        raise RenderError(f"cannot write {str(target)!r}: unknown extension {ext or '(none)'!r} "
                          f"(accepted: {', '.join(WRITERS)})")
    if target.exists() and not force:
        raise OutputExistsError(f"{target} exists; pass --force (force=True) to overwrite it")
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RenderError(f"cannot create the folder {str(folder)!r} for {str(target)!r} ({exc.strerror})") from None
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".tmp{ext}", dir=folder)
    os.close(fd)
    try:
        writer(piece, tmp)
        os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o644)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return str(target)
