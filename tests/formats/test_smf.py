"""partita writes MIDI files with its own encoder (`composer.formats.smf`); mido, an independent reader,
must read every event back as meant: variable-length numbers at their byte boundaries, running status
and what cancels it, meta events of any length, SysEx, the pitch wheel's extremes."""
from __future__ import annotations

import io

import mido
import pytest

from composer.formats import smf


@pytest.mark.parametrize("value, encoded", [(0, b"\x00"), (127, b"\x7f"), (128, b"\x81\x00"), (16383, b"\xff\x7f"),
                                            (16384, b"\x81\x80\x00"), (0x0FFFFFFF, b"\xff\xff\xff\x7f")])
def test_variable_length_numbers_are_those_of_the_standard(value, encoded):
    assert smf.varlen(value) == encoded                     # SMF 1.0, "Variable Length Quantity" examples


def _read(events, end_tick=0):
    mid = mido.MidiFile(file=io.BytesIO(smf.file_bytes([smf.track_chunk(events, end_tick)], 480)))
    assert mid.type == 1 and mid.ticks_per_beat == 480 and len(mid.tracks) == 1
    tick, out = 0, []
    for msg in mid.tracks[0]:
        tick += msg.time
        out.append((tick, msg))
    return out


def test_every_event_partita_writes_reads_back_as_meant():
    events = [
        (0, smf.track_name("Sänger 宫")), (0, smf.tempo(96)), (0, smf.time_signature(6, 8)),
        (0, smf.key_signature(-3, True)), (0, smf.text("x" * 300)), (0, smf.program_change(2, 71)),
        (0, smf.control_change(2, 101, 0)), (0, smf.pitchwheel(2, -8192)), (0, smf.note_on(2, 60, 90)),
        (120, smf.note_on(2, 64, 80)), (130, smf.lyrics("hap-")), (200, smf.pitchwheel(2, 8191)),
        (200, smf.sysex((0x7F, 0x7F, 0x08, 0x02, 0, 1, 61, 61, 0x40, 0))), (480, smf.note_off(2, 60)),
        (20000, smf.note_off(2, 64)),
    ]
    read = _read(events, end_tick=30000)
    assert [t for t, _ in read] == [t for t, _ in events] + [30000]
    msgs = [m for _, m in read]
    assert msgs[0].name.encode("latin-1").decode("utf-8") == "Sänger 宫"
    assert msgs[1].tempo == 625000 and round(mido.tempo2bpm(msgs[1].tempo)) == 96
    assert (msgs[2].numerator, msgs[2].denominator) == (6, 8) and msgs[3].key == "Cm"
    assert msgs[4].text == "x" * 300                       # a length of two bytes
    assert (msgs[5].type, msgs[5].channel, msgs[5].program) == ("program_change", 2, 71)
    assert (msgs[6].control, msgs[6].value) == (101, 0)
    assert msgs[7].pitch == -8192 and msgs[11].pitch == 8191
    assert [(m.type, m.note, m.velocity) for m in (msgs[8], msgs[9])] == [("note_on", 60, 90), ("note_on", 64, 80)]
    assert msgs[10].type == "lyrics" and msgs[10].text == "hap-"
    assert msgs[12].type == "sysex" and msgs[12].data == (0x7F, 0x7F, 0x08, 0x02, 0, 1, 61, 61, 0x40, 0)
    assert [(m.type, m.note) for m in msgs[13:15]] == [("note_off", 60), ("note_off", 64)]
    assert msgs[15].type == "end_of_track"


def test_running_status_drops_a_repeated_status_byte_and_a_meta_event_cancels_it():
    same = smf.track_chunk([(0, smf.note_on(0, 60, 64)), (0, smf.note_on(0, 62, 64))], 0)
    assert same.count(b"\x90") == 1
    cut = smf.track_chunk([(0, smf.note_on(0, 60, 64)), (0, smf.lyrics("a")), (0, smf.note_on(0, 62, 64))], 0)
    assert cut.count(b"\x90") == 2
    assert [m.note for _, m in _read([(0, smf.note_on(0, 60, 64)), (1, smf.note_on(0, 62, 64))])[:2]] == [60, 62]
