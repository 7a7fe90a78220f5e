"""Writers and readers, by format: MIDI (`midi`, `midi_read`), MusicXML (`musicxml`, `musicxml_read`),
SVG notation (`svg`), WAV (`audio`), the HTML report (`html`, `plan_svg`), and piece files
(`piece_file`). `write_piece` chooses by extension; `read_piece` reads a foreign file.

MusicXML needs music21, which is imported only when MusicXML is written or read: import
`composer.formats.musicxml` for `musicxml_bytes` and `to_music21`.
"""
from .midi import midi_bytes, read_midi_notes
from .piece_file import PIECE_SUFFIX, PieceFileError, load_piece, save_piece
from .read import read_piece
from .write import FORMATS, write_piece

__all__ = ["FORMATS", "PIECE_SUFFIX", "PieceFileError", "load_piece", "midi_bytes", "read_midi_notes", "read_piece",
           "save_piece", "write_piece"]
