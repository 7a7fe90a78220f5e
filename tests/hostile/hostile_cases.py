"""Hostile inputs, each a real `partita` process (see test_hostile_processes.py), by the six kinds of issue 20:
bounded work, output sets as transactions, provenance as data, text, internal errors turned into clean
refusals, and limits that agree. A case's maker gets a fresh folder and the `Base` pieces and returns the
command line after `partita`; `exits` are the acceptable exit codes (0 where the input is odd but fine),
`words` what stderr must say when it exits 2, and `check` further assertions on the folder afterwards.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import mido
from hostile_files import (
    CONTAINER,
    FIRST_MEASURE,
    Base,
    fifo,
    midi_file,
    musicxml,
    mxl,
    note_pair,
    one_measure,
    spec_with,
    write,
    write_json,
    xml_note,
)

BOUNDED, TRANSACTION, PROVENANCE, TEXT, INTERNAL, LIMITS = (
    "bounded", "transaction", "provenance", "text", "internal", "limits")


@dataclass(frozen=True)
class Case:
    name: str
    kind: str
    make: Callable[[Path, Base], list[str]]
    exits: tuple[int, ...] = (2,)
    words: tuple[str, ...] = ()
    check: Callable[[Path], None] | None = None
    file_size_limit: int | None = None      # RLIMIT_FSIZE for the process: a disk that fills up


CASES: list[Case] = []


def case(name: str, kind: str, exits=(2,), words=(), check=None, file_size_limit=None):
    def register(make):
        CASES.append(Case(name, kind, make, tuple(exits), tuple(words), check, file_size_limit))
        return make
    return register


def compose_argv(spec: str, d: Path, *more: str) -> list[str]:
    return ["compose", spec, "-o", str(d / "out"), *more]


def piece_variant(d: Path, b: Base, name: str = "odd.piece.json", **changes) -> str:
    data = b.piece_dict()
    data.update(changes)
    return write_json(d, name, data)


def scale_spec(d: Path, name: str, scale: str) -> str:
    """The small spec with `scale` (YAML flow text) instead of its key, written as `name`."""
    return write(d, name, spec_with(scale=scale).replace("key: D major\n", ""))


def render_argv(piece: str, d: Path, formats: str = "mid,musicxml") -> list[str]:
    return ["render", piece, "-o", str(d / "out"), "--formats", formats]


def no_output(d: Path) -> None:
    out = d / "out"
    assert not out.exists() or not any(out.iterdir()), sorted(p.name for p in out.iterdir())


# === 1. Bounded work ==================================================================================

# --- specs ---
@case("spec-title-aliases-a-400kb-string", BOUNDED, words=("title",))
def _(d, b):
    big = "x" * 400_000
    return compose_argv(write(d, "alias.yaml", f"a: &big {big}\n" + spec_with(title="*big").replace("a: &", "x-a: &")
                              ), d)


@case("spec-part-names-alias-one-long-string", BOUNDED, words=("name",))
def _(d, b):
    text = spec_with().replace("- {role: melody, instrument: flute}",
                               "- {role: melody, instrument: flute, name: &n " + "y" * 200_000 + "}")
    text = text.replace("- {role: bass, instrument: cello}", "- {role: bass, instrument: cello, name: *n}")
    return compose_argv(write(d, "names.yaml", text), d)


@case("spec-of-900kb-of-comments-and-one-line", BOUNDED, exits=(0, 2))
def _(d, b):
    return compose_argv(write(d, "comments.yaml", ("# " + "c" * 78 + "\n") * 11_000 + spec_with()), d, "--formats", "mid")


@case("spec-a-mapping-of-100000-keys", BOUNDED, words=("limit",))
def _(d, b):
    return compose_argv(write(d, "keys.yaml", spec_with() + "".join(f"k{i}: {i}\n" for i in range(100_000))), d)


@case("spec-a-flow-list-of-300000-items", BOUNDED)
def _(d, b):
    return compose_argv(write(d, "items.yaml", spec_with(motifs="[" + ",".join(["1"] * 300_000) + "]")), d)


@case("spec-a-bar-count-of-5000-digits", BOUNDED, words=("digits.yaml:8", "5000 digits"))
def _(d, b):
    return compose_argv(write(d, "digits.yaml", spec_with(form="null").replace("form: null\n", "") +
                              "sections:\n  - {name: a, bars: " + "9" * 5000 + "}\n"), d)


@case("spec-a-tempo-written-as-1e400", BOUNDED, words=("tempo",))
def _(d, b):
    return compose_argv(write(d, "tempo.yaml", spec_with(tempo="1e400")), d)


@case("spec-a-seed-of-5000-digits", BOUNDED, words=("seed",))
def _(d, b):
    return compose_argv(write(d, "seed.yaml", spec_with(seed="9" * 5000)), d)


@case("spec-scala-tuning-named-dev-zero", BOUNDED, words=("/dev/zero",))
def _(d, b):
    return compose_argv(scale_spec(d, "zero.yaml", "{pack: western, mode: major, tuning: /dev/zero}"), d)


@case("spec-scala-tuning-named-a-fifo", BOUNDED, words=("tuning",))
def _(d, b):
    fifo(d, "pipe.scl")
    return compose_argv(scale_spec(d, "pipe.yaml", "{pack: western, mode: major, tuning: pipe.scl}"), d)


@case("spec-scala-tuning-named-a-folder", BOUNDED, words=("tuning",))
def _(d, b):
    (d / "folder.scl").mkdir()
    return compose_argv(scale_spec(d, "dir.yaml", "{pack: western, mode: major, tuning: folder.scl}"), d)


@case("spec-scala-file-of-30mb", BOUNDED, words=("tuning",))
def _(d, b):
    write(d, "huge.scl", "! huge\n" + "!" * 30_000_000 + "\n5\n240.0\n480.0\n720.0\n960.0\n2/1\n")
    return compose_argv(scale_spec(d, "huge.yaml", "{pack: western, mode: major, tuning: huge.scl}"), d)


@case("spec-user-pack-named-dev-zero", BOUNDED, words=("pack",))
def _(d, b):
    return compose_argv(scale_spec(d, "pz.yaml", "{pack: /dev/zero, mode: major}"), d)


@case("spec-user-pack-named-a-fifo", BOUNDED, words=("pack",))
def _(d, b):
    fifo(d, "pack.yaml")
    return compose_argv(scale_spec(d, "pf.yaml", "{pack: pack.yaml, mode: major}"), d)


@case("spec-user-pack-with-20000-notes-in-a-mode", BOUNDED, words=("pack",))
def _(d, b):
    notes = ", ".join(f"{i / 20:.2f}" for i in range(20_000))
    write(d, "wide.yaml", "name: wide\nmodes:\n  m:\n    notes: [" + notes + "]\n")
    return compose_argv(scale_spec(d, "pw.yaml", "{pack: wide.yaml, mode: m}"), d)


@case("spec-user-pack-of-2mb", BOUNDED, words=("pack",))
def _(d, b):
    write(d, "big_pack.yaml", "# " + "p" * 2_000_000 + "\nname: big\n")
    return compose_argv(scale_spec(d, "pb.yaml", "{pack: big_pack.yaml, mode: m}"), d)


@case("explain-a-spec-named-dev-zero", BOUNDED)
def _(d, b):
    return ["explain", "/dev/zero"]


@case("compose-a-spec-that-is-a-fifo", BOUNDED)
def _(d, b):
    return compose_argv(fifo(d, "spec.yaml"), d)


@case("compose-a-spec-that-is-a-folder", BOUNDED)
def _(d, b):
    (d / "spec.yaml").mkdir()
    return compose_argv(str(d / "spec.yaml"), d)


# --- piece files ---
@case("render-a-piece-carrying-scala-named-dev-zero", BOUNDED, exits=(0, 2))
def _(d, b):
    data = json.loads(b.scala_piece.read_text(encoding="utf-8"))
    text = next(iter(data["scala"].values()))
    data["scala"] = {"/dev/zero": text}
    data["keys"][0]["key"]["tuning"] = "/dev/zero"
    return render_argv(write_json(d, "zero.piece.json", data), d)


@case("render-a-piece-carrying-scala-named-a-fifo", BOUNDED, exits=(0, 2))
def _(d, b):
    data = json.loads(b.scala_piece.read_text(encoding="utf-8"))
    text = next(iter(data["scala"].values()))
    name = fifo(d, "pipe.scl")
    data["scala"] = {name: text}
    data["keys"][0]["key"]["tuning"] = name
    return render_argv(write_json(d, "pipe.piece.json", data), d)


@case("render-a-piece-carrying-a-30mb-scala-text", BOUNDED, words=("scala",))
def _(d, b):
    data = json.loads(b.scala_piece.read_text(encoding="utf-8"))
    name = next(iter(data["scala"]))
    data["scala"] = {name: "! big\n" + "!" * 5_000_000 + "\n5\n240.0\n480.0\n720.0\n960.0\n2/1\n"}
    return render_argv(write_json(d, "bigscl.piece.json", data), d)


@case("render-a-piece-whose-note-lasts-1e-50000000", BOUNDED, words=("notes[0][1]",))
def _(d, b):
    data = b.piece_dict()
    data["parts"][0]["notes"][0][1] = "1e-50000000"
    return render_argv(write_json(d, "tiny.piece.json", data), d)


@case("render-a-piece-whose-offset-has-5000-digits", BOUNDED)
def _(d, b):
    data = b.piece_dict()
    data["parts"][0]["notes"][0][0] = "1" * 5000 + "/3"
    return render_argv(write_json(d, "digits.piece.json", data), d)


@case("render-a-piece-with-300000-notes", BOUNDED, words=("notes",))
def _(d, b):
    data = b.piece_dict()
    data["parts"][0]["notes"] = [[str(i), "1", 6600, 90] for i in range(300_000)]
    return render_argv(write_json(d, "many.piece.json", data), d)


@case("render-a-piece-with-a-50mb-title", BOUNDED)
def _(d, b):
    return render_argv(piece_variant(d, b, "title.piece.json", title="t" * 50_000_000), d)


@case("render-a-piece-with-a-title-of-2000-characters", BOUNDED, words=("title",))
def _(d, b):
    return render_argv(piece_variant(d, b, "title.piece.json", title="t" * 2000), d)


@case("render-a-piece-nested-100000-deep", BOUNDED)
def _(d, b):
    return render_argv(write(d, "deep.piece.json", "[" * 100_000 + "]" * 100_000), d)


@case("render-a-piece-whose-bar-count-has-5000-digits", BOUNDED)
def _(d, b):
    return render_argv(write(d, "bars.piece.json", b.piece.read_text(encoding="utf-8")
                             .replace('"bars": 8', '"bars": ' + "9" * 5000)), d)


@case("render-a-piece-with-a-note-at-beat-10-to-the-12", BOUNDED, exits=(0, 2))
def _(d, b):
    data = b.piece_dict()
    data["parts"][0]["notes"].append([str(10 ** 12), "1", 6600, 90])
    return render_argv(write_json(d, "far.piece.json", data), d)


@case("render-a-piece-file-that-is-dev-zero", BOUNDED)
def _(d, b):
    return render_argv("/dev/zero", d)


@case("refill-a-piece-file-that-is-a-fifo", BOUNDED)
def _(d, b):
    return ["refill", fifo(d, "p.piece.json"), "--section", "A", "-o", str(d / "out")]


# --- MIDI ---
@case("evaluate-midi-with-two-notes-a-million-bars-apart", BOUNDED, exits=(0, 2))
def _(d, b):
    track = note_pair(60, 0, 480) + note_pair(62, 480 * 4 * 1_000_000, 480)
    return ["evaluate", write(d, "far.mid", midi_file([track]))]


@case("evaluate-midi-with-notes-far-apart-in-every-track", BOUNDED, exits=(0, 2))
def _(d, b):
    tracks = [sum((note_pair(60 + t, 2 ** 27, 480, channel=t) for _ in range(40)), []) for t in range(8)]
    return ["evaluate", write(d, "apart.mid", midi_file(tracks))]


@case("evaluate-midi-of-60000-quarter-notes", BOUNDED, exits=(0, 2))
def _(d, b):
    track = sum((note_pair(60 + i % 12, 0, 480) for i in range(60_000)), [])
    return ["evaluate", write(d, "many.mid", midi_file([track]))]


@case("evaluate-midi-announcing-65535-tracks", BOUNDED)
def _(d, b):
    data = bytearray(midi_file([note_pair(60, 0, 480)]))
    data[10:12] = (65535).to_bytes(2, "big")
    return ["evaluate", write(d, "tracks.mid", bytes(data))]


@case("evaluate-midi-with-a-track-length-of-4gb", BOUNDED)
def _(d, b):
    data = bytearray(midi_file([note_pair(60, 0, 480)]))
    at = data.index(b"MTrk") + 4
    data[at:at + 4] = (0xFFFFFFF0).to_bytes(4, "big")
    return ["evaluate", write(d, "length.mid", bytes(data))]


@case("evaluate-midi-with-one-tick-per-quarter-and-long-notes", BOUNDED, exits=(0, 2))
def _(d, b):
    track = sum((note_pair(60, 0, 0x0FFFFFFF) for _ in range(20)), [])
    return ["evaluate", write(d, "ticks.mid", midi_file([track], ticks_per_beat=1))]


@case("evaluate-midi-of-500-tracks", BOUNDED, exits=(0, 2))
def _(d, b):
    return ["evaluate", write(d, "wide.mid", midi_file([note_pair(60, 0, 480) for _ in range(500)]))]


@case("evaluate-midi-with-a-sysex-of-1mb", BOUNDED, exits=(0, 2))
def _(d, b):
    track = [mido.Message("sysex", data=[1] * 1_000_000)] + note_pair(60, 0, 480)
    return ["evaluate", write(d, "sysex.mid", midi_file([track]))]


@case("evaluate-midi-with-1000-tempo-changes-a-tick-apart", BOUNDED, exits=(0, 2))
def _(d, b):
    conductor = [mido.MetaMessage("set_tempo", tempo=500_000 + i, time=1) for i in range(1000)]
    return ["evaluate", write(d, "tempi.mid", midi_file([conductor, note_pair(60, 0, 480)]))]


@case("evaluate-midi-with-a-provenance-of-5mb", BOUNDED, exits=(0, 2))
def _(d, b):
    text = "partita-provenance:" + json.dumps({"spec": {"title": "t" * 5_000_000}})
    conductor = [mido.MetaMessage("text", text=text)]
    return ["evaluate", write(d, "prov.mid", midi_file([conductor, note_pair(60, 0, 480)]))]


@case("evaluate-midi-with-a-provenance-nested-10000-deep", BOUNDED, exits=(0, 2))
def _(d, b):
    conductor = [mido.MetaMessage("text", text="partita-provenance:" + "[" * 10_000 + "]" * 10_000)]
    return ["evaluate", write(d, "deep.mid", midi_file([conductor, note_pair(60, 0, 480)]))]


@case("evaluate-a-file-named-mid-that-is-dev-zero", BOUNDED)
def _(d, b):
    (d / "zero.mid").symlink_to("/dev/zero")
    return ["evaluate", str(d / "zero.mid")]


# --- MusicXML ---
@case("evaluate-musicxml-with-a-forward-of-a-billion-quarters", BOUNDED, exits=(0, 2))
def _(d, b):
    notes = xml_note() + "<forward><duration>1000000000</duration></forward>" + xml_note()
    return ["evaluate", write(d, "forward.musicxml", musicxml(one_measure(notes)))]


@case("check-musicxml-with-a-forward-of-a-billion-quarters", BOUNDED, exits=(0, 2))
def _(d, b):
    notes = xml_note() + "<forward><duration>1000000000</duration></forward>" + xml_note()
    return ["check", write(d, "forward.musicxml", musicxml(one_measure(notes))), "--key", "C major"]


@case("morph-from-musicxml-with-a-forward-of-a-billion-quarters", BOUNDED, exits=(0, 2))
def _(d, b):
    notes = xml_note() + "<forward><duration>1000000000</duration></forward>" + xml_note()
    path = write(d, "forward.musicxml", musicxml(one_measure(notes)))
    return ["morph", path, str(b.musicxml), "-o", str(d / "out")]


@case("evaluate-musicxml-with-a-note-of-a-billion-quarters", BOUNDED, exits=(0, 2))
def _(d, b):
    return ["evaluate", write(d, "long.musicxml", musicxml(one_measure(xml_note(duration=10 ** 9))))]


@case("evaluate-musicxml-with-divisions-of-10-to-the-40", BOUNDED, exits=(0, 2))
def _(d, b):
    return ["evaluate", write(d, "div.musicxml", musicxml(one_measure(xml_note(duration=10 ** 40), 10 ** 40)))]


@case("evaluate-musicxml-of-60000-quarter-notes", BOUNDED, exits=(0, 2))
def _(d, b):
    bars = "".join(f'<measure number="{i + 2}">' + xml_note() * 4 + "</measure>" for i in range(15_000))
    return ["evaluate", write(d, "many.musicxml", musicxml(one_measure(xml_note() * 4) + bars))]


@case("check-musicxml-of-60000-quarter-notes", BOUNDED, exits=(0, 1, 2))
def _(d, b):
    bars = "".join(f'<measure number="{i + 2}">' + xml_note() * 4 + "</measure>" for i in range(15_000))
    return ["check", write(d, "many.musicxml", musicxml(one_measure(xml_note() * 4) + bars)), "--key", "C major"]


@case("evaluate-musicxml-of-19mb", BOUNDED, exits=(0, 2))
def _(d, b):
    bars = "".join(f'<measure number="{i + 2}">' + xml_note() * 4 + "</measure>" for i in range(42_000))
    return ["evaluate", write(d, "big.musicxml", musicxml(one_measure(xml_note() * 4) + bars))]


@case("evaluate-musicxml-of-2000-parts", BOUNDED, exits=(0, 2))
def _(d, b):
    return ["evaluate", write(d, "parts.musicxml", musicxml(one_measure(xml_note() * 4), parts=2000))]


@case("evaluate-musicxml-nested-200000-deep", BOUNDED)
def _(d, b):
    return ["evaluate", write(d, "deep.musicxml", musicxml(one_measure("<a>" * 200_000 + "</a>" * 200_000)))]


@case("evaluate-musicxml-with-a-time-signature-of-1000-over-1", BOUNDED, exits=(0, 2))
def _(d, b):
    measure = FIRST_MEASURE.replace("<beats>4</beats><beat-type>4</beat-type>", "<beats>1000</beats><beat-type>1"
                                    "</beat-type>").replace("DIV", "1") + xml_note() + "</measure>"
    return ["evaluate", write(d, "meter.musicxml", musicxml(measure))]


@case("evaluate-musicxml-with-a-tuplet-of-a-million", BOUNDED, exits=(0, 2))
def _(d, b):
    note = ("<note><pitch><step>C</step><octave>4</octave></pitch><duration>1</duration><type>quarter</type>"
            "<time-modification><actual-notes>1000000</actual-notes><normal-notes>1</normal-notes>"
            "</time-modification></note>")
    return ["evaluate", write(d, "tuplet.musicxml", musicxml(one_measure(note * 4)))]


@case("evaluate-musicxml-with-an-external-dtd", BOUNDED, exits=(0, 2))
def _(d, b):
    header = f'<!DOCTYPE score-partwise SYSTEM "file://{d}/secret.dtd">'
    write(d, "secret.dtd", "<!ENTITY leak 'SECRET-DTD-4711'>")
    return ["evaluate", write(d, "dtd.musicxml", musicxml(one_measure(xml_note() * 4), header=header))]


@case("evaluate-musicxml-with-a-billion-laughs", BOUNDED, words=("entities",))
def _(d, b):
    header = ('<!DOCTYPE s [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
              '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>')
    return ["evaluate", write(d, "laughs.musicxml", musicxml(one_measure(xml_note() * 4), header=header))]


@case("evaluate-mxl-that-inflates-to-66mb", BOUNDED, exits=(0, 2))
def _(d, b):
    bars = "".join(f'<measure number="{i + 2}">' + xml_note() * 4 + "</measure>" for i in range(140_000))
    score = musicxml(one_measure(xml_note() * 4) + bars).encode()
    return ["evaluate", write(d, "bomb.mxl", mxl({"META-INF/container.xml": CONTAINER, "score.musicxml": score}))]


@case("evaluate-mxl-of-a-gigabyte-of-zeros", BOUNDED, words=("mxl",))
def _(d, b):
    return ["evaluate", write(d, "zeros.mxl", mxl({"META-INF/container.xml": CONTAINER,
                                                   "score.musicxml": b"\0" * 300_000_000}))]


@case("evaluate-mxl-whose-container-names-a-path-outside", BOUNDED, exits=(2,))
def _(d, b):
    write(d, "outside.musicxml", b.xml_text())
    container = CONTAINER.replace(b"score.musicxml", b"../outside.musicxml")
    return ["evaluate", write(d, "escape.mxl", mxl({"META-INF/container.xml": container,
                                                    "score.musicxml": b.musicxml.read_bytes()}))]


@case("evaluate-mxl-of-20000-members", BOUNDED, exits=(0, 2))
def _(d, b):
    members = {"META-INF/container.xml": CONTAINER, "score.musicxml": b.musicxml.read_bytes()}
    members.update({f"junk/{i}.txt": b"" for i in range(20_000)})
    return ["evaluate", write(d, "members.mxl", mxl(members))]


@case("evaluate-mxl-nested-inside-an-mxl", BOUNDED)
def _(d, b):
    inner = mxl({"META-INF/container.xml": CONTAINER, "score.musicxml": b.musicxml.read_bytes()})
    outer = mxl({"META-INF/container.xml": CONTAINER, "score.musicxml": inner})
    return ["evaluate", write(d, "nested.mxl", outer)]


@case("check-an-mxl-of-a-gigabyte-of-zeros", BOUNDED, words=("mxl",))
def _(d, b):
    return ["check", write(d, "zeros.mxl", mxl({"META-INF/container.xml": CONTAINER,
                                                "score.musicxml": b"\0" * 300_000_000})), "--key", "C major"]


@case("morph-to-an-mxl-of-a-gigabyte-of-zeros", BOUNDED, words=("mxl",))
def _(d, b):
    path = write(d, "zeros.mxl", mxl({"META-INF/container.xml": CONTAINER, "score.musicxml": b"\0" * 300_000_000}))
    return ["morph", str(b.musicxml), path, "-o", str(d / "out")]


@case("evaluate-against-a-corpus-with-midi-of-60000-notes", BOUNDED, exits=(0, 2))
def _(d, b):
    track = sum((note_pair(60 + i % 12, 0, 120) for i in range(60_000)), [])
    return ["evaluate", write(d, "many.mid", midi_file([track])), "--against", "oneills1850"]


# === 2. Output sets ===================================================================================

@case("compose-where-a-format-name-is-an-existing-folder-with-force", TRANSACTION, words=("small.mid",),
      check=lambda d: (d / "out" / "small.mid").is_dir() and not (d / "out" / "small.musicxml").exists())
def _(d, b):
    (d / "out" / "small.mid").mkdir(parents=True)
    return compose_argv(str(b.spec), d, "--force")


@case("compose-where-the-output-folder-is-a-file", TRANSACTION, words=("out",))
def _(d, b):
    write(d, "out", "a file, not a folder\n")
    return compose_argv(str(b.spec), d)


@case("compose-where-a-parent-of-the-output-folder-is-a-file", TRANSACTION, words=("Not a directory",))
def _(d, b):
    write(d, "parent", "a file\n")
    return ["compose", str(b.spec), "-o", str(d / "parent" / "out")]


@case("compose-into-proc", TRANSACTION, words=("/proc",))
def _(d, b):
    return ["compose", str(b.spec), "-o", "/proc/partita-out"]


@case("compose-into-a-read-only-file-system", TRANSACTION, words=("/sys",))
def _(d, b):
    return ["compose", str(b.spec), "-o", "/sys/partita-out"]


@case("compose-onto-a-full-disk", TRANSACTION, words=("write",), check=no_output, file_size_limit=4_000)
def _(d, b):
    return compose_argv(str(b.spec), d, "--formats", "mid,musicxml")


@case("render-onto-a-full-disk-keeps-the-old-files", TRANSACTION, words=("write",), file_size_limit=4_000,
      check=lambda d: all((d / "out" / n).read_text() == "old\n" for n in ("small.mid", "small.musicxml")))
def _(d, b):
    write(d, "out/small.mid", "old\n")
    write(d, "out/small.musicxml", "old\n")
    return ["render", str(b.piece), "-o", str(d / "out"), "--formats", "mid,musicxml", "--force"]


@case("compose-without-force-over-one-existing-file", TRANSACTION, words=("exist",),
      check=lambda d: sorted(p.name for p in (d / "out").iterdir()) == ["small.musicxml"])
def _(d, b):
    write(d, "out/small.musicxml", "mine\n")
    return compose_argv(str(b.spec), d)


@case("compose-removes-stale-temporaries-of-a-dead-run", TRANSACTION, exits=(0,),
      check=lambda d: sorted(p.name for p in (d / "out").iterdir()) == ["small.mid", "small.musicxml"])
def _(d, b):
    write(d, "out/.small.mid.999999999.x.tmp", "left by a killed run\n")
    return compose_argv(str(b.spec), d)


@case("compose-a-spec-whose-name-is-250-characters", TRANSACTION, exits=(0, 2))
def _(d, b):
    name = "n" * 245 + ".yaml"
    shutil.copyfile(b.spec, d / name)
    return compose_argv(str(d / name), d)


@case("evaluate-html-report-onto-a-full-disk", TRANSACTION, words=("write",), file_size_limit=2_000,
      check=lambda d: not (d / "report.html").exists())
def _(d, b):
    return ["evaluate", str(b.mid), "--html", str(d / "report.html")]


@case("check-annotate-into-a-missing-folder", TRANSACTION, exits=(0,),
      check=lambda d: (d / "no" / "such" / "a.musicxml").is_file())
def _(d, b):
    return ["check", str(b.musicxml), "--annotate", str(d / "no" / "such" / "a.musicxml")]


@case("render-a-failing-piece-writes-nothing-to-the-cache", TRANSACTION,
      check=lambda d: not (d / "cache").exists() or not any((d / "cache").rglob("*.scl")))
def _(d, b):
    data = json.loads(b.scala_piece.read_text(encoding="utf-8"))
    data["scala"] = {str(d / "gone" / "ratios.scl"): next(iter(data["scala"].values()))}
    data["keys"][0]["key"]["tuning"] = str(d / "gone" / "ratios.scl")
    data["parts"][0]["notes"].append(["0", "1", "not a pitch", 90])
    return render_argv(write_json(d, "fails.piece.json", data), d)
