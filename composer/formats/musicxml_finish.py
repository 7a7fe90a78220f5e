"""The bytes of music21's MusicXML export, finished as readers expect them: exact decimal alters,
lyric extenders, and the score's credits (music21 writes none of these as wanted)."""
from __future__ import annotations

import re

from .notation import EXTEND_MARK
from .provenance import partita_version

ALTER_DECIMALS = 4
_ALTER_XML = re.compile(rb"<alter>([^<]*)</alter>")
_LYRIC_XML = re.compile(rb'<lyric name="([^"]*)" number="(\d+)">((\s*)<.*?)(\s*)</lyric>', re.S)
_DEFAULT_COMPOSER_XML = re.compile(rb'\s*<creator type="composer">Music21</creator>')
_WORK_XML = re.compile(rb"\s*<work>\s*<work-title>[^<]*</work-title>\s*</work>")
_SOFTWARE_XML = re.compile(rb"(\s*)<software>")


def credits(xml: bytes) -> bytes:
    """The score's credits as a reader expects them: no "Music21" as the composer when the spec names
    none (music21 fills the field), the title once (as the movement title; music21 writes it as the
    work's title too, and LilyPond prints both), and partita named as the software that wrote it."""
    xml = _WORK_XML.sub(b"", _DEFAULT_COMPOSER_XML.sub(b"", xml, count=1), count=1)
    software = f"<software>partita {partita_version()}</software>".encode()
    return _SOFTWARE_XML.sub(lambda m: m.group(1) + software + m.group(1) + b"<software>", xml, count=1)


def _alter_text(match: re.Match) -> bytes:
    try:
        value = round(float(match.group(1)), ALTER_DECIMALS)
    except ValueError:
        return match.group(0)
    text = f"{value:.{ALTER_DECIMALS}f}".rstrip("0").rstrip(".")
    return b"<alter>" + (b"0" if text in ("", "-0") else text.encode()) + b"</alter>"


def exact_alters(xml: bytes) -> bytes:
    """Every `<alter>` as decimal semitones with at most 4 decimals (1, -0.5, 0.2264)."""
    return _ALTER_XML.sub(_alter_text, xml)


def _lyric_xml(match: re.Match) -> bytes:
    name, number, body, indent, tail = match.groups()
    extend = indent + b"<extend />" if name == EXTEND_MARK.encode() else b""
    return b'<lyric number="' + number + b'">' + body + extend + tail + b"</lyric>"


def lyric_extenders(xml: bytes) -> bytes:
    """Every `<lyric>` as `<lyric number="1">` (music21 adds a name that repeats the number), with
    `<extend />` after the text of those exported with the EXTEND_MARK name."""
    return _LYRIC_XML.sub(_lyric_xml, xml)
