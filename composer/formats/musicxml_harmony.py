"""Chord symbols that every reader names alike.

MusicXML's `<kind>major</kind>` already says "a major triad", and most readers print it so; LilyPond's
`musicxml2ly` (2.24) turns every triad kind into `:5` (`major`), `:m5`, `:aug5` or `:dim5`, which
LilyPond reads as a power chord and prints "G5". A triad's third, stated as an unaltered (or
lowered) degree that is not printed (`<degree print-object="no">`), changes
nothing for a reader that follows the kind, and gives LilyPond the third it needs (`:5.3`, `:m5.3-`).
The degree is of type `add`, whose alteration MusicXML counts from a dominant chord's degrees (the
major third), as musicxml2ly does; an `alter` degree would count it from the kind's own third.
"""
from __future__ import annotations

import re

# A triad kind -> the alteration of its third from the major third (the fifth is in the kind).
TRIAD_THIRDS = {b"major": b"0", b"minor": b"-1", b"augmented": b"0", b"diminished": b"-1"}

_HARMONY_XML = re.compile(rb"<harmony\b[^>]*>.*?</harmony>", re.S)
_KIND_XML = re.compile(rb"(\n[ \t]*)<kind\b[^>]*>\s*([a-z-]+)\s*</kind>")
_AFTER_KIND_XML = re.compile(rb"\s*<(inversion|bass)\b.*?</\1>", re.S)


def _with_third(match: re.Match) -> bytes:
    block = match.group(0)
    kind = _KIND_XML.search(block)
    if kind is None or kind.group(2) not in TRIAD_THIRDS or b"<degree" in block:
        return block
    at = kind.end()
    while (more := _AFTER_KIND_XML.match(block, at)) is not None:
        at = more.end()
    ind, step = kind.group(1), b"  "
    degree = (ind + b'<degree print-object="no">'
              + ind + step + b"<degree-value>3</degree-value>"
              + ind + step + b"<degree-alter>" + TRIAD_THIRDS[kind.group(2)] + b"</degree-alter>"
              + ind + step + b"<degree-type>add</degree-type>"
              + ind + b"</degree>")
    return block[:at] + degree + block[at:]


def triads_with_thirds(xml: bytes) -> bytes:
    """Every triad chord symbol with its third as a degree that is not printed (see the module docstring)."""
    return _HARMONY_XML.sub(_with_third, xml)


_HIDDEN_DEGREE_XML = re.compile(rb'\s*<degree print-object="no">.*?</degree>', re.S)


def without_hidden_degrees(xml: bytes) -> bytes:
    """The MusicXML without the degrees it marks as not printed: verovio (4.x, 5.x) prints every degree,
    "D(3)", so the score partita engraves itself reads the kind alone."""
    return _HIDDEN_DEGREE_XML.sub(b"", xml)
