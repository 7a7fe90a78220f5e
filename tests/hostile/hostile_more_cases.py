"""Hostile inputs of kinds 3-6 (see hostile_cases.py): provenance as data, text in any script and no control
character, command lines that once ended in an internal error, and limits that agree with each other.
"""
from __future__ import annotations

import json
from pathlib import Path

import mido
from hostile_cases import INTERNAL, LIMITS, PROVENANCE, TEXT, Case, compose_argv, piece_variant, render_argv
from hostile_files import Base, midi_file, musicxml, note_pair, one_measure, spec_with, write, write_json, xml_note

CASES: list[Case] = []
SECRET = "SECRET-CONTENT-4711"


def case(name: str, kind: str, exits=(2,), words=(), check=None):
    def register(make):
        CASES.append(Case(name, kind, make, tuple(exits), tuple(words), check))
        return make
    return register


# === 3. Provenance is data, never a path ================================================================

def _secret_files(d: Path) -> None:
    write(d, "secret.yaml", f"name: secret\ntitle: {SECRET}\nmodes:\n  m: {{notes: [1, 2, 3, 4, 5, 6, 7]}}\n")
    write(d, "secret.scl", f"! secret.scl\n{SECRET}\n 5\n 8/7\n 21/16\n 3/2\n 12/7\n 2/1\n")


def _crafted_midi(d: Path, b: Base, change) -> str:
    """The base MIDI file with its provenance changed by `change(dict)`."""
    _secret_files(d)
    mid = mido.MidiFile(str(b.mid))
    prefix = "partita-provenance:"
    for track in mid.tracks:
        for msg in track:
            if msg.type == "text" and msg.text.startswith(prefix):
                carried = json.loads(msg.text[len(prefix):])
                change(carried)
                msg.text = prefix + json.dumps(carried)
    path = d / "crafted.mid"
    mid.save(str(path))
    return str(path)


def _never_revealed(d: Path) -> None:
    for p in d.rglob("*"):
        if p.is_file() and p.suffix in (".html", ".json", ".txt") and p.name != "secret.yaml":
            assert SECRET not in p.read_text(encoding="utf-8", errors="replace"), p


def _spec_scale(carried: dict, **scale) -> None:
    carried.setdefault("spec", {}).pop("key", None)
    carried["spec"]["scale"] = scale


def _set(path: tuple, value):
    def change(carried: dict):
        target = carried
        for k in path[:-1]:
            target = target.setdefault(k, {})
        target[path[-1]] = value
    return change


PROVENANCE_CRAFTS = {
    "a-local-pack-file": lambda c: _spec_scale(c, pack="secret.yaml", mode="m"),
    "an-absolute-pack-path": lambda c: _spec_scale(c, pack="/etc/passwd", mode="m"),
    "a-pack-path-going-up": lambda c: _spec_scale(c, pack="../../../../etc/passwd", mode="m"),
    "a-local-scala-file": lambda c: _spec_scale(c, pack="gamelan", mode="slendro_nem", tuning="secret.scl"),
    "a-scala-file-named-dev-zero": lambda c: _spec_scale(c, pack="gamelan", mode="slendro_nem", tuning="/dev/zero"),
    "a-local-style-grammar": _set(("spec", "style"), "secret.yaml"),
    "a-local-form-grammar": _set(("spec", "form"), "secret.yaml"),
    "a-seed-of-5000-digits": _set(("seed",), int("9" * 4000)),
    "a-spec-that-is-a-list": _set(("spec",), [1, 2, 3]),
}


for _name, _change in PROVENANCE_CRAFTS.items():
    for _report in ("text", "json", "html"):
        if _report != "text" and _name not in ("a-local-pack-file", "a-local-scala-file"):
            continue

        def _make(d, b, change=_change, report=_report):
            extra = {"text": [], "json": ["--json"], "html": ["--html", str(d / "report.html")]}[report]
            return ["evaluate", _crafted_midi(d, b, change), *extra]

        case(f"evaluate-midi-whose-provenance-names-{_name}-{_report}", PROVENANCE, exits=(0, 2),
             check=_never_revealed)(_make)


@case("evaluate-musicxml-whose-provenance-names-a-local-pack", PROVENANCE, exits=(0, 2), check=_never_revealed)
def _(d, b):
    _secret_files(d)
    text = b.xml_text()
    start = text.index('name="partita-provenance">') + len('name="partita-provenance">')
    end = text.index("</miscellaneous-field>", start)
    carried = json.loads(text[start:end].replace("&quot;", '"').replace("&amp;", "&"))
    _spec_scale(carried, pack="secret.yaml", mode="m")
    return ["evaluate", write(d, "crafted.musicxml", text[:start] + json.dumps(carried).replace("&", "&amp;")
                              .replace("<", "&lt;") + text[end:]), "--json"]


@case("render-a-piece-whose-key-names-a-local-pack-file", PROVENANCE, words=("pack",), check=_never_revealed)
def _(d, b):
    _secret_files(d)
    data = b.piece_dict()
    data["keys"][0]["key"]["pack"] = str(d / "secret.yaml")
    return render_argv(write_json(d, "pack.piece.json", data), d)


@case("render-a-piece-whose-scala-name-climbs-out-of-the-cache", PROVENANCE, exits=(0, 2),
      check=lambda d: not (d / "escaped.scl").exists())
def _(d, b):
    data = json.loads(b.scala_piece.read_text(encoding="utf-8"))
    text = next(iter(data["scala"].values()))
    name = "../../../../../../" + str(d / "escaped.scl")
    data["scala"] = {name: text}
    data["keys"][0]["key"]["tuning"] = name
    return render_argv(write_json(d, "climb.piece.json", data), d)


# === 4. Text ==========================================================================================

SCRIPTS = {"turkish": "Uşşak Saz Semaisi", "devanagari": "राग यमन", "arabic": "مقام راست", "chinese": "宫调 小曲",
           "emoji": "Tune 🎵🌙", "persian-with-zwnj": "می‌خواهم", "hebrew-with-marks": "נִגּוּן"}


def _reads_back(title: str):
    def check(d: Path) -> None:
        from composer.formats.read import read_piece

        for suffix in (".mid", ".musicxml"):
            (path,) = (d / "out").glob(f"*{suffix}")
            piece = read_piece(path)
            assert piece.title == title, (suffix, piece.title)
            assert piece.parts[0].name == f"{title} melody", (suffix, piece.parts[0].name)
        assert title in next((d / "out").glob("*.html")).read_text(encoding="utf-8")
    return check


for _script, _title in SCRIPTS.items():
    def _make(d, b, title=_title):
        named = "- {role: melody, instrument: flute, name: " + json.dumps(f"{title} melody", ensure_ascii=False) + "}"
        spec = spec_with(title=json.dumps(title, ensure_ascii=False)).replace("- {role: melody, instrument: flute}", named)
        return compose_argv(write(d, "world.yaml", spec), d, "--formats", "mid,musicxml,svg,wav,html,piece")

    case(f"compose-a-title-in-{_script}-to-every-format", TEXT, exits=(0,), check=_reads_back(_title))(_make)


for _label, _escape in {"ansi-escape": "\\e[31m", "x01": "\\x01", "nul": "\\0", "del": "\\x7f", "c1-csi": "\\x9b",
                        "bell": "\\a", "newline": "\\n", "carriage-return": "\\r"}.items():
    case(f"compose-a-title-with-{_label}", TEXT, words=("title",))(
        lambda d, b, e=_escape: compose_argv(write(d, "ctl.yaml", spec_with(title=f'"red{e}tune"')), d))


@case("compose-a-title-with-a-lone-surrogate", TEXT, words=("title",))
def _(d, b):
    return compose_argv(write(d, "surrogate.yaml", spec_with(title='"half \\ud800 pair"')), d)


@case("compose-a-section-name-with-an-escape", TEXT, words=("sections",))
def _(d, b):
    spec = spec_with().replace("form: period\n", "") + 'sections:\n  - {name: "A\\e[2J", bars: 4}\n'
    return compose_argv(write(d, "sect.yaml", spec), d)


@case("compose-a-part-name-with-an-escape", TEXT, words=("name",))
def _(d, b):
    return compose_argv(write(d, "pname.yaml", spec_with().replace(
        "- {role: melody, instrument: flute}", '- {role: melody, instrument: flute, name: "x\\e]0;owned\\a"}')), d)


@case("compose-a-spec-with-a-duplicate-key", TEXT, words=("dup.yaml:8", "title", "twice", "line 1"))
def _(d, b):
    return compose_argv(write(d, "dup.yaml", spec_with() + "title: second\n"), d)


@case("compose-a-title-with-a-surrogate-pair-written-as-two-escapes", TEXT, words=("title", "surrogate"))
def _(d, b):
    return compose_argv(write(d, "pair.yaml", spec_with(title='"tune \\ud83c\\udfb5"')), d)


@case("compose-a-spec-in-utf-16", TEXT)
def _(d, b):
    return compose_argv(write(d, "utf16.yaml", spec_with().encode("utf-16")), d)


@case("compose-a-spec-with-a-byte-order-mark-and-crlf", TEXT, exits=(0,))
def _(d, b):
    return compose_argv(write(d, "bom.yaml", b"\xef\xbb\xbf" + spec_with().replace("\n", "\r\n").encode()), d)


@case("explain-a-spec-with-sections-in-devanagari", TEXT, exits=(0,))
def _(d, b):
    spec = spec_with().replace("form: period\n", "") + "sections:\n  - {name: स्थायी, bars: 4}\n  - {name: अंतरा, bars: 4}\n"
    return ["explain", write(d, "dev.yaml", spec)]


@case("render-a-piece-whose-title-holds-an-escape", TEXT, words=("title",))
def _(d, b):
    return render_argv(piece_variant(d, b, "esc.piece.json", title="a\x1b[31mb"), d)


@case("evaluate-midi-whose-track-name-holds-escapes", TEXT, exits=(0, 2))
def _(d, b):
    track = [mido.MetaMessage("track_name", name="\x1b]0;owned\x07\x1b[2J")] + note_pair(60, 0, 480)
    return ["evaluate", write(d, "esc.mid", midi_file([track]))]


@case("evaluate-midi-whose-track-name-is-latin-1", TEXT, exits=(0,))
def _(d, b):
    track = [mido.MetaMessage("track_name", name="Café flûte")] + note_pair(60, 0, 480) * 8
    return ["evaluate", write(d, "latin1.mid", midi_file([track]))]


@case("evaluate-musicxml-whose-title-holds-a-c1-control", TEXT, exits=(0, 2))
def _(d, b):
    text = b.xml_text().replace("<work-title>small</work-title>", "<work-title>a\u009b31mb</work-title>")
    return ["evaluate", write(d, "c1.musicxml", text)]


@case("check-musicxml-whose-part-name-holds-a-c1-control", TEXT, exits=(0, 2))
def _(d, b):
    text = musicxml(one_measure(xml_note() * 4)).replace("<part-name>p0</part-name>", "<part-name>p\u009d0</part-name>")
    return ["check", write(d, "c1.musicxml", text), "--key", "C major"]


# === 5. Internal errors that are bad input ==============================================================

for _note in ("3:nan", "3:inf", "3:-1", "0:1", "99999:1", "3:1e309", "x", "3:1:2", ""):
    case(f"explain-note-{_note or 'empty'}", INTERNAL, words=("--note",))(
        lambda d, b, n=_note: ["explain", str(b.spec), "--note", n])


for _flag, _value in (("--temperature", "nan"), ("--temperature", "-1"), ("--top-p", "2"), ("--time-budget", "nan"),
                      ("--time-budget", "0"), ("--seed", "-1"), ("--seed", str(2 ** 40)), ("--formats", "mid,,xyz"),
                      ("--max-copied-run", "-3")):
    case(f"compose{_flag}-{_value}", INTERNAL, words=(_flag.lstrip("-").split("-")[0],))(
        lambda d, b, f=_flag, v=_value: compose_argv(str(b.spec), d, f, v))


@case("compose-a-prompt-of-100000-characters", INTERNAL, words=("prompt",))
def _(d, b):
    return ["compose", "--prompt", "slow waltz " * 10_000, "-o", str(d / "out")]


for _label, _args in {"bars-reversed": ["--bars", "5-2"], "bars-beyond-the-piece": ["--bars", "1-99999"],
                      "unknown-part": ["--part", "tuba"], "unknown-section": []}.items():
    def _make(d, b, args=_args, label=_label):
        section = "nowhere" if label == "unknown-section" else "antecedent"
        return ["refill", str(b.piece), "--section", section, *args, "-o", str(d / "out")]

    case(f"refill-{_label}", INTERNAL)(_make)


for _bars in ("0", "100000", "-4", "nan"):
    case(f"morph-bars-{_bars}", INTERNAL, words=("bars",))(
        lambda d, b, n=_bars: ["morph", str(b.mid), str(b.musicxml), "--bars", n, "-o", str(d / "out")])


@case("exercise-length-of-a-million", INTERNAL, words=("length",))
def _(d, b):
    return ["exercise", "species1", "--length", "1000000", "-o", str(d / "out")]


@case("check-an-exercise-file-that-is-not-json", INTERNAL, words=("exercise",))
def _(d, b):
    return ["check", str(b.musicxml), "--exercise", write(d, "ex.json", "{not json")]


@case("check-an-exercise-file-nested-100000-deep", INTERNAL, words=("exercise",))
def _(d, b):
    return ["check", str(b.musicxml), "--exercise", write(d, "ex.json", "[" * 100_000 + "]" * 100_000)]


@case("check-an-exercise-whose-score-is-a-path-elsewhere", PROVENANCE, words=("beside",), check=_never_revealed)
def _(d, b):
    _secret_files(d)
    info = {"key": "C major", "rules": "chorale", "files": {"exercise": str(d / "secret.yaml")}}
    return ["check", str(b.musicxml), "--exercise", write_json(d, "ex.json", info)]


@case("check-an-exercise-file-that-is-dev-zero", INTERNAL, words=("exercise",))
def _(d, b):
    (d / "ex.json").symlink_to("/dev/zero")
    return ["check", str(b.musicxml), "--exercise", str(d / "ex.json")]


@case("check-an-unknown-rule-set", INTERNAL, words=("rules",))
def _(d, b):
    return ["check", str(b.musicxml), "--rules", "palestrina-strict-nonexistent"]


@case("render-a-piece-with-a-key-change-at-a-negative-offset", INTERNAL, words=("keys",))
def _(d, b):
    data = b.piece_dict()
    data["keys"].append({**data["keys"][0], "offset": "-4"})
    return render_argv(write_json(d, "neg.piece.json", data), d)


@case("render-a-piece-with-a-pitch-of-nan", INTERNAL)
def _(d, b):
    text = b.piece.read_text(encoding="utf-8").replace('["0", "1", 6600, 90]', '["0", "1", NaN, 90]', 1)
    return render_argv(write(d, "nan.piece.json", text), d)


@case("render-a-piece-with-a-meter-of-7-over-0", INTERNAL, words=("meter",))
def _(d, b):
    data = b.piece_dict()
    data["meter"] = {**data["meter"], "denominator": 0, "text": "7/0"}
    return render_argv(write_json(d, "meter.piece.json", data), d)


@case("render-a-piece-with-a-velocity-of-500", INTERNAL)
def _(d, b):
    data = b.piece_dict()
    data["parts"][0]["notes"][0][3] = 500
    return render_argv(write_json(d, "vel.piece.json", data), d)


@case("render-a-piece-with-a-tempo-of-zero", INTERNAL, words=("tempo",))
def _(d, b):
    return render_argv(piece_variant(d, b, "tempo.piece.json", tempo_bpm=0), d)


@case("compose-with-a-scala-count-written-as-a-superscript", INTERNAL, words=("tuning",))
def _(d, b):
    write(d, "sup.scl", "! sup.scl\nsuperscript count\n\u00b2\n 8/7\n 2/1\n")
    return compose_argv(write(d, "sup.yaml", "scale: {pack: gamelan, mode: slendro_nem, tonic: D, tuning: sup.scl}\n"
                              "cycle: lancaran\nsections: [{name: A, cycles: 2}]\n"), d)


# === 6. Limits that agree ==============================================================================

def _parts(count: int, role: str = "melody") -> str:
    instruments = ["flute", "oboe", "violin", "clarinet", "trumpet", "horn", "viola", "cello", "bassoon", "piano",
                   "harp", "organ", "alto_sax", "tenor_sax", "trombone", "guitar"]
    return "".join(f"  - {{role: {role}, instrument: {instruments[i]}}}\n" for i in range(count))


@case("compose-sixteen-melodic-parts", LIMITS, words=("parts", "at most 15"))
def _(d, b):
    spec = spec_with().split("parts:")[0] + "parts:\n" + _parts(16)
    return compose_argv(write(d, "sixteen.yaml", spec), d, "--formats", "mid")


@case("compose-1025-bars", LIMITS, words=("1024",))
def _(d, b):
    spec = spec_with().replace("form: period\n", "") + "sections:\n" + "".join(
        f"  - {{name: s{i}, bars: 205}}\n" for i in range(5))
    return compose_argv(write(d, "long.yaml", spec), d)


for _command in ("evaluate", "check"):
    # The two read MusicXML through one reader: a note above MIDI key 127 is refused by both, not graded by one.
    case(f"{_command}-a-musicxml-note-above-midi-key-127", LIMITS, words=("outside MIDI keys",))(
        lambda d, b, c=_command: [c, write(d, "high.musicxml", musicxml(one_measure(xml_note(octave=11) * 4)))])


@case("check-a-midi-file", LIMITS, words=("check reads MusicXML",))
def _(d, b):
    return ["check", str(b.mid)]


@case("compose-1024-bars-of-five-parts", LIMITS, words=("5120", "4096"))
def _(d, b):
    spec = spec_with().split("parts:")[0].replace("form: period\n", "") + "sections:\n" + "".join(
        f"  - {{name: s{i}, bars: 256}}\n" for i in range(4)) + "parts:\n" + _parts(5)
    return compose_argv(write(d, "wide.yaml", spec), d)


@case("compose-the-longest-spec-with-a-short-time-budget", LIMITS, words=("time budget",))
def _(d, b):
    spec = spec_with().replace("form: period\n", "") + "sections:\n" + "".join(
        f"  - {{name: s{i}, bars: 256}}\n" for i in range(4))
    return compose_argv(write(d, "budget.yaml", spec), d, "--time-budget", "2")


def _written_files_read_back(d: Path) -> None:
    from composer.formats.read import read_piece

    for path in (d / "out").iterdir():
        if path.suffix in (".mid", ".musicxml"):
            assert read_piece(path).parts, path


@case("compose-256-bars-of-sixteenth-notes-and-read-them-back", LIMITS, exits=(0,), check=_written_files_read_back)
def _(d, b):
    spec = spec_with(meter="4/4").replace("form: period\n", "") + "sections:\n  - {name: a, bars: 256}\n" \
        "constraints:\n  notes_per_bar: [16, 16]\n"
    return compose_argv(write(d, "dense.yaml", spec), d, "--formats", "mid,musicxml")


@case("morph-over-256-bars", LIMITS, exits=(0,))
def _(d, b):
    return ["morph", str(b.mid), str(b.musicxml), "--bars", "256", "-o", str(d / "out"), "--formats", "mid"]
