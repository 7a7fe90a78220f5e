"""Chord symbols as readers name them: a triad's kind carries its third as an unprinted degree, so that
LilyPond's musicxml2ly names a major chord "D" (not the power chord "D5"), music21 reads the chord's own
notes back, and the score partita engraves itself (verovio) prints no "(3)"."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from composer import compose
from composer.formats.musicxml import musicxml_bytes
from composer.formats.svg import svg_document

ROOT = Path(__file__).resolve().parents[2]
THIRD = {"major": "0", "minor": "-1", "augmented": "0", "diminished": "-1"}


@pytest.fixture(scope="module")
def pieces():
    return {name: compose(str(ROOT / "examples" / f"{name}.yaml"))
            for name in ("klezmer_freygish", "minuet_in_g", "aaba_song")}


def _harmonies(xml: str) -> list[str]:
    return re.findall(r"<harmony\b.*?</harmony>", xml, flags=re.S)


@pytest.mark.parametrize("name", ["klezmer_freygish", "minuet_in_g", "aaba_song"])
def test_every_triad_states_its_third_unprinted_and_no_other_chord_does(pieces, name):
    harmonies = _harmonies(musicxml_bytes(pieces[name]).decode())
    assert harmonies
    for h in harmonies:
        kind = re.search(r"<kind\b[^>]*>([a-z-]+)</kind>", h).group(1)
        degrees = re.findall(r'<degree print-object="no">\s*<degree-value>(\d+)</degree-value>\s*'
                             r'<degree-alter>(-?\d+)</degree-alter>\s*<degree-type>add</degree-type>', h)
        assert degrees == ([("3", THIRD[kind])] if kind in THIRD else []), h


def test_music21_reads_each_chord_symbol_to_the_chords_notes(pieces):
    import music21

    piece = pieces["klezmer_freygish"]
    score = music21.converter.parseData(musicxml_bytes(piece).decode())
    read = [sorted({p.pitchClass for p in c.pitches}) for c in score.recurse().getElementsByClass("ChordSymbol")]
    written = [sorted({int(round(pc / 100.0)) % 12 for pc in c.chord.pitch_classes_cents}) for c in piece.chords]
    assert read == written


def test_the_engraved_score_prints_the_chord_names_alone(pieces):
    svg = svg_document(pieces["klezmer_freygish"])
    names = re.findall(r'class="harm">.*?</g>', svg, flags=re.S)
    assert names and not any("(3)" in n or ">3<" in n for n in names)


@pytest.mark.skipif(shutil.which("musicxml2ly") is None, reason="LilyPond's musicxml2ly (Debian lilypond) is not installed")
def test_lilypond_reads_no_triad_as_a_power_chord(pieces, tmp_path):
    for name, piece in pieces.items():
        xml = tmp_path / f"{name}.musicxml"
        xml.write_bytes(musicxml_bytes(piece))
        ly = tmp_path / f"{name}.ly"
        subprocess.run(["musicxml2ly", "-o", str(ly), str(xml)], check=True, capture_output=True, timeout=120)
        chords = re.search(r"\\chordmode\s*\{(.*?)\}", ly.read_text(encoding="utf-8"), flags=re.S).group(1)
        kinds = re.findall(r"\b[a-g](?:is|es)*\d*\.*(:[\w.+-]+)", chords)
        assert kinds, name
        power = [k for k in kinds if re.fullmatch(r":(m|aug|dim)?5", k)]
        assert not power, (name, power[:5])
