"""Every General MIDI program by its usual name, with the common aliases, and the GM drum names."""
from __future__ import annotations

import io

import mido
import pytest

from composer import compose
from composer.cli.main import main
from composer.formats.midi import midi_bytes
from composer.grammar.instruments import find_instrument, gm_drums, load_instruments


def test_each_of_the_128_programs_has_one_instrument():
    programs = sorted(i.program for i in load_instruments().values() if i.name != "percussion")
    assert programs == list(range(128))


@pytest.mark.parametrize("name, program", [
    ("shanai", 111), ("shehnai", 111), ("bagpipe", 109), ("kalimba", 108), ("mbira", 108), ("sitar", 104),
    ("koto", 107), ("steel drums", 114), ("steelpan", 114), ("english horn", 69), ("cor anglais", 69),
    ("piccolo", 72), ("tubular bells", 14), ("Honky-tonk piano", 3), ("pan flute", 75), ("ocarina", 79),
])
def test_an_instrument_is_found_by_its_usual_name_or_an_alias(name, program):
    assert find_instrument(name).program == program


def test_a_part_named_by_an_alias_plays_its_program():
    piece = compose({"title": "Shehnai", "scale": {"pack": "hindustani", "mode": "yaman", "tonic": "C4"},
                     "cycle": "teentaal", "parts": [{"role": "melody", "instrument": "shehnai", "range": "C4-C6"}]})
    programs = {m.program for t in mido.MidiFile(file=io.BytesIO(midi_bytes(piece))).tracks
                for m in t if m.type == "program_change"}
    assert programs == {111}


def test_the_drum_names_cover_the_general_midi_percussion_keys():
    drums = gm_drums()
    assert sorted(drums) == list(range(35, 82))
    assert (drums[36], drums[42], drums[56]) == ("bass drum 1", "closed hi-hat", "cowbell")


def test_grammars_list_shows_the_instruments_and_drums(capsys):
    assert main(["grammars", "list"]) == 0
    out = capsys.readouterr().out
    assert "111 shanai (shehnai" in out and "109 bagpipe" in out and "56 cowbell" in out
