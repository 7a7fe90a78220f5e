"""Titles and part names in any script compose to every format and read back as written: a tool for the
world's music names its pieces in Turkish, Devanagari, Arabic and Chinese (MIDI stores its text
events as UTF-8; the readers decode them, and keep an older Latin-1 text as it was)."""
from __future__ import annotations

import io

import mido
import pytest

from composer import compose, load_spec
from composer.formats.midi import midi_bytes, text_of_midi
from composer.formats.read import read_piece

TITLES = {"Turkish": "Uşşak Saz Semaisi", "Devanagari": "राग यमन", "Arabic": "مقام راست", "Chinese": "宫调 小曲",
          "emoji": "Tune 🎵🌙"}


def _piece(title: str):
    spec = load_spec({"title": title, "key": "C major", "meter": "4/4", "form": "period",
                      "parts": [{"role": "melody", "name": f"{title} melody", "instrument": "flute"},
                                {"role": "chords", "instrument": "piano"}, {"role": "bass", "instrument": "cello"}]})
    return compose(spec, seed=0)


@pytest.mark.parametrize("script", TITLES)
def test_a_title_in_any_script_reads_back_from_midi_and_musicxml(script, tmp_path):
    title = TITLES[script]
    piece = _piece(title)
    for fmt in ("mid", "musicxml"):
        back = read_piece(piece.write(tmp_path / f"piece.{fmt}"))
        assert back.title == title, fmt
        assert back.parts[0].name == f"{title} melody", fmt


def test_every_format_writes_a_title_in_devanagari(tmp_path):
    piece = _piece(TITLES["Devanagari"])
    for fmt in ("svg", "wav", "html"):
        piece.write(tmp_path / f"p.{fmt}")
        assert (tmp_path / f"p.{fmt}").stat().st_size > 0
    assert TITLES["Devanagari"] in (tmp_path / "p.html").read_text(encoding="utf-8")


def test_midi_text_is_utf8_and_an_old_latin1_name_is_kept():
    piece = _piece("宫调")
    track = mido.MidiFile(file=io.BytesIO(midi_bytes(piece))).tracks[0]
    name = next(msg for msg in track if msg.type == "track_name").name
    assert name.encode("latin-1") == "宫调".encode("utf-8")          # mido reads a character per byte
    assert text_of_midi(name) == "宫调"
    assert text_of_midi("Café") == "Café"              # Latin-1 text that is not UTF-8: kept as read
