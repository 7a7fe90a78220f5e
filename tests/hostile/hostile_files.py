"""Makers of hostile files for tests/hostile/test_hostile_processes.py: small files that ask for unbounded
work, crafted files that name other files, odd text, and command lines that once ended in an internal error.

A maker writes its files into a fresh folder and returns the command line after `partita`. `Base` holds
a small piece composed once (its spec, piece file, MIDI and MusicXML) that many makers start from.
"""
from __future__ import annotations

import io
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import mido

SMALL_SPEC = """title: small
key: D major
meter: 3/4
form: period
parts:
  - {role: melody, instrument: flute}
  - {role: bass, instrument: cello}
"""

SCALA_SPEC = """title: ratios
scale: {pack: gamelan, mode: slendro_nem, tonic: D, tuning: ratios.scl}
cycle: lancaran
sections: [{name: A, cycles: 2}]
"""

RATIOS_SCL = "! ratios.scl\nA slendro in just ratios\n 5\n!\n 8/7\n 21/16\n 3/2\n 12/7\n 2/1\n"


@dataclass(frozen=True)
class Base:
    """A small piece composed once: `spec`, `piece` (.piece.json), `mid`, `musicxml`; `scala_piece`, a piece
    file tuned by a Scala file it carries."""
    folder: Path

    @property
    def spec(self) -> Path:
        return self.folder / "small.yaml"

    @property
    def piece(self) -> Path:
        return self.folder / "out" / "small.piece.json"

    @property
    def mid(self) -> Path:
        return self.folder / "out" / "small.mid"

    @property
    def musicxml(self) -> Path:
        return self.folder / "out" / "small.musicxml"

    @property
    def scala_piece(self) -> Path:
        return self.folder / "scala_out" / "ratios.piece.json"

    def piece_dict(self) -> dict:
        return json.loads(self.piece.read_text(encoding="utf-8"))

    def xml_text(self) -> str:
        return self.musicxml.read_text(encoding="utf-8")


def make_base(folder: Path, compose_main) -> Base:
    """Compose the base pieces with `compose_main` (composer.cli.main.main)."""
    (folder / "small.yaml").write_text(SMALL_SPEC, encoding="utf-8")
    (folder / "ratios.yaml").write_text(SCALA_SPEC, encoding="utf-8")
    (folder / "ratios.scl").write_text(RATIOS_SCL, encoding="utf-8")
    assert compose_main(["compose", str(folder / "small.yaml"), "-o", str(folder / "out"),
                         "--formats", "piece,mid,musicxml"]) == 0
    assert compose_main(["compose", str(folder / "ratios.yaml"), "-o", str(folder / "scala_out"),
                         "--formats", "piece"]) == 0
    return Base(folder)


# --- writing helpers --------------------------------------------------------------------------------

def write(folder: Path, name: str, text: str | bytes) -> str:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def write_json(folder: Path, name: str, data) -> str:
    return write(folder, name, json.dumps(data))


def spec_with(**fields) -> str:
    """The small spec with top-level fields replaced (values as YAML text)."""
    lines = [line for line in SMALL_SPEC.splitlines() if line.split(":")[0] not in fields]
    return "\n".join(lines + [f"{k}: {v}" for k, v in fields.items()]) + "\n"


def midi_file(tracks: list[list], ticks_per_beat: int = 480) -> bytes:
    """A type-1 MIDI file of `tracks` (lists of mido messages with delta times)."""
    mid = mido.MidiFile(type=1, ticks_per_beat=ticks_per_beat)
    for messages in tracks:
        mid.tracks.append(mido.MidiTrack(messages))
    buffer = io.BytesIO()
    mid.save(file=buffer)
    return buffer.getvalue()


def note_pair(key: int, delta_on: int, length: int, channel: int = 0) -> list:
    return [mido.Message("note_on", note=key, velocity=80, time=delta_on, channel=channel),
            mido.Message("note_off", note=key, velocity=0, time=length, channel=channel)]


def musicxml(measures: str, divisions: int = 1, parts: int = 1, header: str = "") -> str:
    """A score-partwise document: `parts` parts, each with the measures `measures` (a str of <measure>s)."""
    part_list = "".join(f'<score-part id="P{i}"><part-name>p{i}</part-name></score-part>' for i in range(parts))
    body = "".join(f'<part id="P{i}">{measures.replace("DIV", str(divisions))}</part>' for i in range(parts))
    return (f'<?xml version="1.0" encoding="UTF-8"?>{header}<score-partwise version="4.0">'
            f"<part-list>{part_list}</part-list>{body}</score-partwise>")


def xml_note(step: str = "C", octave: int = 4, duration: int = 1, kind: str = "quarter") -> str:
    return (f"<note><pitch><step>{step}</step><octave>{octave}</octave></pitch>"
            f"<duration>{duration}</duration><type>{kind}</type></note>")


FIRST_MEASURE = ("<measure number=\"1\"><attributes><divisions>DIV</divisions><time><beats>4</beats>"
                 "<beat-type>4</beat-type></time><clef><sign>G</sign><line>2</line></clef></attributes>")


def one_measure(notes: str, divisions: int = 1) -> str:
    return FIRST_MEASURE.replace("DIV", str(divisions)) + notes + "</measure>"


def mxl(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


CONTAINER = (b'<?xml version="1.0"?><container><rootfiles><rootfile full-path="score.musicxml"/>'
             b"</rootfiles></container>")


def fifo(folder: Path, name: str) -> str:
    path = folder / name
    os.mkfifo(path)
    return str(path)
