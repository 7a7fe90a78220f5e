"""What the MusicXML writer and the readers share: the lyric marks, and where an unpitched
percussion note sits on the staff."""
from __future__ import annotations

PERCUSSION_ROLE = "percussion"
LYRIC_SYLLABIC = ("single", "begin", "middle", "end")
# music21 writes no <extend/>: a lyric with an extender is exported under this name, then rewritten.
EXTEND_MARK = "partita-extend"
# General MIDI percussion key -> (display step+octave on a five-line percussion staff, notehead).
PERCUSSION_DISPLAY = {
    35: ("E4", "normal"), 36: ("F4", "normal"), 37: ("C5", "x"), 38: ("C5", "normal"), 39: ("D5", "x"),
    40: ("C5", "normal"), 41: ("G4", "normal"), 42: ("G5", "x"), 43: ("A4", "normal"), 44: ("D4", "x"),
    45: ("B4", "normal"), 46: ("G5", "circle-x"), 47: ("D5", "normal"), 48: ("E5", "normal"),
    49: ("A5", "x"), 50: ("E5", "normal"), 51: ("F5", "x"), 52: ("A5", "x"), 53: ("F5", "diamond"),
    54: ("E5", "x"), 55: ("B5", "x"), 56: ("E5", "triangle"), 57: ("A5", "x"), 59: ("F5", "x"),
    # Hand drums and small percussion (a darbuka's tak and ka, the tabla's bols, gamelan's gongs in GM)
    # each on its own line or notehead, apart from the strokes a cycle plays beside them.
    60: ("C5", "normal"), 61: ("A4", "normal"), 62: ("E5", "x"), 63: ("E5", "normal"), 64: ("D5", "normal"),
    65: ("F5", "normal"), 66: ("G4", "normal"), 67: ("G5", "triangle"), 68: ("F5", "triangle"), 69: ("B4", "x"),
    70: ("B5", "x"), 71: ("A5", "diamond"), 72: ("A5", "diamond"), 73: ("G5", "x"), 74: ("G5", "x"),
    75: ("B4", "triangle"), 76: ("D5", "triangle"), 77: ("C5", "triangle"), 78: ("B4", "normal"),
    79: ("B4", "circle-x"), 80: ("A5", "triangle"), 81: ("A5", "circle-x"),
}
_PERCUSSION_FALLBACK = ("F4", "G4", "A4", "B4", "C5", "D5", "E5", "F5", "G5", "A5")


def percussion_display(key: int) -> tuple[str, str]:
    """(display pitch such as 'C5', notehead) of a General MIDI percussion key."""
    return PERCUSSION_DISPLAY.get(key) or (_PERCUSSION_FALLBACK[key % len(_PERCUSSION_FALLBACK)], "normal")
