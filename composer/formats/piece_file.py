"""Piece files: `<stem>.piece.json`, a composed piece with everything needed to render it again, edit
it, and know how it was made.

The file holds the notes of every part (onsets and durations exact, as fractions of a quarter note;
pitch in cents), the chords with their analysis, the key changes, the tempo and meter, and a summary of
the plan (sections, phrases, keys, cadences); beside them the spec as composed, the seed, the settings
(filler, sampling, guard), the edits made since (refills), and the versions of partita, of the file
format and of the shipped model weights. `render` needs nothing but the file. `refill` plans the spec
again (the plan is a pure function of the spec and seed) and checks that the plan found is the one the
file records, so an edit is always made under the constraints the piece was written under.

The JSON is written with sorted keys and no floating-point noise, so the same piece gives the same bytes.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
from fractions import Fraction
from pathlib import Path

from theory import Chord, Key, Meter, Pitch, TheoryError
from theory.datafile import package_folder, read_regular_file
from theory.errors import DataFileError
from theory.pitch import Spelling, parse_spelling
from theory.scala import MAX_SCL_BYTES, carry_scl, scl_text
from theory.schema import short_repr

from ..fill.result import FillResult
from ..plan.planner import plan_piece
from ..score.errors import ComposerError
from ..score.files import atomic_write_text
from ..score.limits import MAX_BARS, MAX_NOTES
from ..score.notes import ChordEvent, Instrument, KeyChange, Lyric, Note, Ornament, Part
from ..score.piece import PieceData
from ..score.printable import unprintable
from ..score.seeds import MAX_SEED, plan_rng
from ..spec.load import load_spec
from .provenance import CARRIED_SETTINGS, PROVENANCE_FORMAT, partita_version
from .reading import MAX_FILE_BYTES

PIECE_FORMAT = "partita-piece"
PIECE_FORMAT_VERSION = 1
PIECE_SUFFIX = ".piece.json"


MAX_TITLE_CHARS = 200
_FRACTION_TEXT = re.compile(r"\s*-?(\d{1,24}(/\d{1,24})?|\d{0,24}\.\d{1,24}([eE][-+]?\d{1,2})?|\d{1,24}[eE][-+]?\d{1,2})\s*")


class PieceFileError(ComposerError):
    """A piece file that cannot be read: not JSON, another format, a missing or malformed field."""


def _q(value: Fraction) -> str:
    return str(Fraction(value))


def _cents(value: float) -> float | int:
    """A number as JSON writes it back exactly: an integer where it is one, else the float's shortest repr."""
    value = float(value)
    return int(value) if value.is_integer() else value


def _key(key: Key) -> dict:
    out = {"tonic": key.tonic.name, "mode": key.mode, "pack": key.pack, "text": str(key)}
    if key.tuning is not None:
        out["tuning"] = key.tuning
    if key.tonic_offset_cents:
        out["tonic_offset_cents"] = _cents(key.tonic_offset_cents)
    return out


def _chord(chord: Chord) -> dict:
    out = {"root": chord.root.name, "quality": chord.quality, "intervals": [_cents(i) for i in chord.intervals]}
    if chord.bass is not None:
        out["bass"] = chord.bass.name
    return out


def _note(note: Note) -> list:
    row = [_q(note.offset), _q(note.duration), _cents(note.pitch.cents), note.velocity]
    if note.lyric is not None or note.ornament is not None:
        row.append(None if note.lyric is None else
                   {"text": note.lyric.text, "syllabic": note.lyric.syllabic, "extend": note.lyric.extend})
    if note.ornament is not None:
        row.append({"name": note.ornament.name, "points": [[round(t, 6), _cents(c)] for t, c in note.ornament.points]})
    return row


def _plan_summary(plan) -> dict | None:
    if plan is None:
        return None
    return {
        "form": plan.form, "style": plan.style, "harmony": plan.harmony, "cycle": plan.cycle, "bars": plan.bars,
        "tempo_bpm": plan.tempo_bpm,
        "sections": [{
            "name": s.name, "role": s.role, "start_bar": s.start_bar + 1, "bars": s.bars, "key": str(s.key),
            "repeat_of": s.repeat_of, "kept_bars": s.kept_bars,
            "phrases": [{"start_bar": p.start_bar + 1, "bars": p.bars, "key": str(p.key), "cadence": p.cadence,
                         "chords": [c.roman for c in p.chords]} for p in s.phrases],
        } for s in plan.sections],
    }


def _model_versions() -> dict:
    """The sha256 of each shipped weight file, from its manifest (what the neural filler ran with)."""
    out = {}
    folder = package_folder("composer.models") / "weights"
    for name in ("rhythm", "melody"):
        try:
            manifest = json.loads((folder / f"{name}.safetensors.json").read_text(encoding="utf-8"))
            out[name] = manifest.get("sha256")
        except (OSError, ValueError):
            out[name] = None
    return out


def _spec_sha(raw: dict | None) -> str | None:
    """A fingerprint of the spec as written, so that a spec edited in the file is told from a new planner."""
    if raw is None:
        return None
    text = json.dumps(raw, sort_keys=True, ensure_ascii=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _scala_files(piece: PieceData) -> dict:
    """The text of every Scala file a key of the piece is tuned by, so that the file renders alone."""
    out = {}
    for key in [k.key for k in piece.keys] + [c.key for c in piece.chords]:
        if key.tuning and key.tuning.lower().endswith(".scl") and key.tuning not in out:
            try:
                out[key.tuning] = scl_text(key.tuning)
            except DataFileError:
                pass
    return out


def piece_to_dict(piece: PieceData) -> dict:
    spec = getattr(piece, "spec", None)
    raw = {**spec.raw, "seed": piece.seed} if spec is not None and getattr(spec, "raw", None) else None
    carried = piece.settings.get("carried_provenance")
    if raw is None and isinstance(carried, dict) and isinstance(carried.get("spec"), dict):
        raw = carried["spec"]                 # a piece file whose spec does not load here keeps it
    settings = {k: v for k, v in piece.settings.items()
                if k not in ("provenance", "carried_provenance", "plan_mismatch")}
    return {
        "format": PIECE_FORMAT,
        "versions": {"piece_format": PIECE_FORMAT_VERSION, "partita": partita_version(), "models": _model_versions()},
        "title": piece.title,
        "meter": {"numerator": piece.meter.numerator, "denominator": piece.meter.denominator,
                  "grouping": list(piece.meter.grouping), "text": str(piece.meter)},
        "tempo_bpm": _cents(piece.tempo_bpm),
        "bars": piece.bars,
        "seed": piece.seed,
        "spec": raw,
        "spec_source": getattr(spec, "source", None) if raw is not None else None,
        "spec_sha256": _spec_sha(raw),
        "settings": settings,
        "plan": _plan_summary(piece.plan),
        "phrase_notes": [list(p.notes) + (list(piece.fill.lines(p.index)) if piece.fill is not None else [])
                         for p in piece.plan.phrases] if piece.plan is not None else None,
        "scala": _scala_files(piece),
        "keys": [{"offset": _q(k.offset), "key": _key(k.key)} for k in piece.keys],
        "chords": [{"offset": _q(c.offset), "duration": _q(c.duration), "chord": _chord(c.chord), "key": _key(c.key),
                    "roman": c.roman, "function": c.function, "symbol": c.chord.symbol} for c in piece.chords],
        "parts": [{"name": p.name, "role": p.role,
                   "instrument": {"name": p.instrument.name, "program": p.instrument.program,
                                  "low": _cents(p.instrument.low.cents), "high": _cents(p.instrument.high.cents)},
                   "notes": [_note(n) for n in p.sorted_notes()]} for p in piece.parts],
    }


def _dumps(value, depth: int = 0) -> str:
    """JSON with sorted keys, where anything that fits on a line of about 100 characters (a note, a chord)
    is written on one line and the rest is indented: readable, diffable, and a third the size of indent=1."""
    compact = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "), default=str)
    if len(compact) + depth <= 100 or not isinstance(value, (dict, list)) or not value:
        return compact
    pad, inner = " " * depth, " " * (depth + 1)
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {_dumps(value[k], depth + 1)}" for k in sorted(value)]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    return "[\n" + ",\n".join(inner + _dumps(v, depth + 1) for v in value) + "\n" + pad + "]"


def piece_json(piece: PieceData) -> str:
    return _dumps(piece_to_dict(piece)) + "\n"


def write_piece_file(piece: PieceData, path) -> str:
    Path(path).write_text(piece_json(piece), encoding="utf-8")
    return str(path)


def save_piece(piece: PieceData, path, force: bool = False) -> str:
    """Write `piece` to `path` (atomically; refuses to overwrite without force). Returns the path."""
    return atomic_write_text(path, piece_json(piece), force=force)


class _Reader:
    """Field access that names the field in every error."""

    def __init__(self, source: str, tunings: dict | None = None):
        self.source = source
        self.tunings = tunings or {}      # a Scala path in the file -> the path of its text here

    def fail(self, field: str, message: str, received=None) -> PieceFileError:
        got = f", received {short_repr(received)}" if received is not None else ""
        return PieceFileError(f"{self.source}: field {field!r}: {message}{got}")

    def text(self, data: dict, name: str, field: str) -> str:
        """A title, a name or a syllable: one line of printable text, as in a spec."""
        value = self.get(data, name, str, field)
        if len(value) > MAX_TITLE_CHARS:      # as a spec's: a title is copied into every file written
            raise self.fail(field, f"is longer than {MAX_TITLE_CHARS} characters", value[:40] + "...")
        m = unprintable(value) or re.search("\t", value)      # a tab too: one line, as written
        if m:
            raise self.fail(field, f"holds U+{ord(m.group()):04X}, a control character, a line break or a lone "
                                   f"surrogate (text of one printable line is accepted)", value[:40])
        return value

    def get(self, data: dict, name: str, kind, field: str | None = None):
        field = field or name
        if not isinstance(data, dict) or name not in data:
            raise self.fail(field, "missing")
        value = data[name]
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise self.fail(field, f"must be {names}", value)
        return value

    def fraction(self, text, field: str) -> Fraction:
        text = str(text)
        # Checked before Fraction reads it: '1e-50000000' would build a number of fifty million digits.
        if not _FRACTION_TEXT.fullmatch(text):
            raise self.fail(field, "must be a number or a fraction such as '3/2' (at most 24 digits, an exponent "
                                   "of at most 2 digits)", text)
        try:
            return Fraction(text)
        except (ValueError, ZeroDivisionError):
            raise self.fail(field, "must be a number or a fraction such as '3/2'", text) from None

    def spelling(self, text, field: str) -> Spelling:
        try:
            return parse_spelling(str(text))[0]
        except Exception:  # noqa: BLE001 - any unreadable spelling is reported the same way
            raise self.fail(field, "must be a note name such as 'C', 'F#', 'Bb'", text) from None

    def number(self, data: dict, name: str, field: str, lo: float | None = None, hi: float | None = None,
               integer: bool = False, default=None):
        if default is not None and name not in data:
            return default
        value = self.get(data, name, int if integer else (int, float), field)
        if not math.isfinite(value) or (lo is not None and value < lo) or (hi is not None and value > hi):
            span = f"from {lo:g} to {hi:g}" if hi is not None else f"from {lo:g}"
            raise self.fail(field, f"must be a {'whole ' if integer else ''}number {span}", value)
        return value

    def key(self, data, field: str) -> Key:
        data = self.get({"k": data}, "k", dict, field)
        tuning = data.get("tuning")
        tuning = self.tunings.get(tuning, tuning)
        try:
            key = Key(self.spelling(data.get("tonic"), field + ".tonic"), str(data.get("mode", "major")),
                      str(data.get("pack", "western")), tuning, float(data.get("tonic_offset_cents", 0.0)))
            key.scale       # an unknown pack, mode or tuning is found here, not when rendering
        except (TypeError, ValueError, TheoryError) as exc:
            raise self.fail(field, f"is not a key ({str(exc).split(' (accepted')[0]})", data.get("text", data)) from None
        return key

    def chord(self, data, field: str) -> Chord:
        data = self.get({"c": data}, "c", dict, field)
        intervals = self.get(data, "intervals", list, field + ".intervals")
        for i, interval in enumerate(intervals):
            self.number({"i": interval}, "i", f"{field}.intervals[{i}]", 0, 2400)
        bass = data.get("bass")
        return Chord(self.spelling(data.get("root"), field + ".root"), str(data.get("quality", "")),
                     tuple(float(i) for i in intervals), self.spelling(bass, field + ".bass") if bass else None)

    def note(self, row, field: str) -> Note:
        if not isinstance(row, list) or len(row) not in (4, 5, 6):
            raise self.fail(field, "must be [offset, duration, cents, velocity] (and a lyric or null, and an "
                                   "ornament)", row)
        offset, duration = self.fraction(row[0], field + "[0]"), self.fraction(row[1], field + "[1]")
        if offset < 0 or duration <= 0:
            raise self.fail(field, "needs an offset >= 0 and a duration > 0", row[:2])
        self.number({"c": row[2]}, "c", field + "[2]", 0, 12800)      # MIDI 0-127 and its bends
        if isinstance(row[3], bool) or not isinstance(row[3], int) or not 0 <= row[3] <= 127:
            raise self.fail(field + "[3]", "must be a MIDI velocity 0-127", row[3])
        lyric = ornament = None
        if len(row) >= 5 and row[4] is not None:
            lyric_data = self.get({"l": row[4]}, "l", dict, field + "[4]")
            lyric = Lyric(self.text({"text": "", **lyric_data}, "text", field + "[4].text"),
                          str(lyric_data.get("syllabic", "single")),
                          bool(lyric_data.get("extend", False)))
        if len(row) == 6:
            ornament = self.ornament(row[5], field + "[5]")
        return Note(offset, duration, Pitch(float(row[2])), row[3], lyric, ornament)

    def ornament(self, data, field: str) -> Ornament:
        data = self.get({"o": data}, "o", dict, field)
        name = self.get(data, "name", str, field + ".name")
        points = self.get(data, "points", list, field + ".points")
        out = []
        for i, point in enumerate(points):
            if not isinstance(point, list) or len(point) != 2:
                raise self.fail(f"{field}.points[{i}]", "must be [share of the note 0-1, cents]", point)
            self.number({"t": point[0]}, "t", f"{field}.points[{i}][0]", 0, 1)
            self.number({"c": point[1]}, "c", f"{field}.points[{i}][1]", 0, 12800)
            out.append((float(point[0]), float(point[1])))
        if len(out) < 2:
            raise self.fail(field + ".points", "needs at least two points", points)
        return Ornament(name, tuple(out))


def piece_from_dict(data: dict, source: str = "<piece>", replan: bool = True) -> PieceData:
    """A `Piece` from a piece file's JSON. With `replan`, the spec is planned again and the plan kept
    when it is the one the file records (else `piece.settings["plan_mismatch"]` says why it is not)."""
    r = _Reader(source)
    if not isinstance(data, dict) or data.get("format") != PIECE_FORMAT:
        received = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise PieceFileError(f"{source}: not a partita piece file (field 'format' must be {PIECE_FORMAT!r}, "
                             f"received {received!r})")
    version = r.get(r.get(data, "versions", dict), "piece_format", int, "versions.piece_format")
    if version > PIECE_FORMAT_VERSION:
        raise r.fail("versions.piece_format", f"this partita reads piece files up to version {PIECE_FORMAT_VERSION}",
                     version)
    tunings = _scala_here(data.get("scala"), r)
    r.tunings = tunings
    m = r.get(data, "meter", dict)
    try:
        meter = Meter(r.get(m, "numerator", int, "meter.numerator"), r.get(m, "denominator", int, "meter.denominator"),
                      tuple(r.get(m, "grouping", list, "meter.grouping")))
    except Exception as exc:  # noqa: BLE001 - theory's ParseError names the problem
        raise r.fail("meter", str(exc), m) from None

    tempo = float(r.number(data, "tempo_bpm", "tempo_bpm", 20, 400))
    bars = r.number(data, "bars", "bars", 1, MAX_BARS, integer=True)
    length = bars * meter.bar_quarters
    seed = r.number(data, "seed", "seed", 0, MAX_SEED, integer=True)
    title = r.text(data, "title", "title")
    settings = dict(r.get(data, "settings", dict))
    parts = []
    rows = [r.get(p, "notes", list, f"parts[{i}].notes") for i, p in enumerate(r.get(data, "parts", list))]
    if sum(map(len, rows)) > MAX_NOTES:    # counted before a note is read: the limit a composed piece has
        raise r.fail("parts", f"hold {sum(map(len, rows))} notes, above the limit of {MAX_NOTES}", "...")
    for i, p in enumerate(r.get(data, "parts", list)):
        field = f"parts[{i}]"
        inst = r.get(p, "instrument", dict, field + ".instrument")
        instrument = Instrument(r.text({"name": "", **inst}, "name", field + ".instrument.name"),
                                r.number(inst, "program", field + ".instrument.program", 0, 127, integer=True),
                                Pitch(float(r.number(inst, "low", field + ".instrument.low", 0, 12800))),
                                Pitch(float(r.number(inst, "high", field + ".instrument.high", 0, 12800))))
        notes = [r.note(row, f"{field}.notes[{j}]") for j, row in enumerate(r.get(p, "notes", list, field + ".notes"))]
        late = next((j for j, n in enumerate(notes) if n.end > length), None)
        if late is not None:
            raise r.fail(f"{field}.notes[{late}]", f"ends after the piece's {bars} bars", _note(notes[late])[:2])
        parts.append(Part(r.text(p, "name", field + ".name"), r.text(p, "role", field + ".role"),
                          instrument, notes))
    keys = [KeyChange(r.fraction(r.get(k, "offset", (str, int), f"keys[{i}].offset"), f"keys[{i}].offset"),
                      r.key(r.get(k, "key", dict, f"keys[{i}].key"), f"keys[{i}].key"))
            for i, k in enumerate(r.get(data, "keys", list))]
    if not keys:
        raise r.fail("keys", "needs at least one key", [])
    outside = next((i for i, k in enumerate(keys) if not 0 <= k.offset < length), None)
    if outside is not None:
        raise r.fail(f"keys[{outside}].offset", f"must lie within the piece's {bars} bars (0 to {length} quarters)",
                     str(keys[outside].offset))
    chords = []
    for i, c in enumerate(r.get(data, "chords", list)):
        field = f"chords[{i}]"
        r.get({"c": c}, "c", dict, field)
        chords.append(ChordEvent(r.fraction(c.get("offset"), field + ".offset"),
                                 r.fraction(c.get("duration"), field + ".duration"),
                                 r.chord(c.get("chord"), field + ".chord"), r.key(c.get("key"), field + ".key"),
                                 str(c.get("roman", "")), str(c.get("function", ""))))
    recorded = data.get("plan")
    if recorded is not None:
        r.get(data, "plan", dict)
    piece = PieceData(title, meter, tempo, bars, parts, chords, keys, None, None, seed, settings)
    raw = data.get("spec")
    if raw is not None:
        if not isinstance(raw, dict):
            raise r.fail("spec", "must be a spec mapping (or null)", type(raw).__name__)
        try:
            piece.spec = load_spec(raw, source=data.get("spec_source") or source, carried=r.tunings)
        except ComposerError as exc:
            piece.settings["plan_mismatch"] = f"its spec no longer loads: {exc}"
            # Written files still carry the spec, seed and settings, as the first ones did.
            piece.settings["carried_provenance"] = {
                "format": PROVENANCE_FORMAT, "partita": (data.get("versions") or {}).get("partita", "unknown"),
                "spec": raw, "seed": seed,
                "settings": {k: v for k, v in settings.items() if k in CARRIED_SETTINGS}}
            return piece
        if data.get("spec_sha256") not in (None, _spec_sha(raw)):
            piece.settings["plan_mismatch"] = ("its spec was edited after the piece was written (the spec's "
                                               "sha256 differs from the one recorded), so the plan it gives may "
                                               "differ from the one the notes were written under: compose the "
                                               "edited spec anew")
        elif replan:
            piece.plan = _replan(piece, recorded, (data.get("versions") or {}).get("partita"))
            if piece.plan is not None:
                piece.fill = _fill_of(piece, data.get("phrase_notes"))
    return piece


def _fill_of(piece: PieceData, recorded) -> "FillResult":
    """What the fill wrote, as far as a file keeps it: the melody parts' notes, and the lines each phrase's
    notes carry beyond the plan's own (the reasons for single notes are not kept)."""
    lines = {}
    if isinstance(recorded, list) and len(recorded) == len(piece.plan.phrases):
        for phrase, kept in zip(piece.plan.phrases, recorded):
            if isinstance(kept, list):
                kept = [str(line) for line in kept]
                own = list(phrase.notes)
                added = kept[len(own):] if kept[:len(own)] == own else kept
                if added:
                    lines[phrase.index] = tuple(added)
    parts = {i: tuple(p.notes) for i, p in enumerate(piece.parts) if p.role == "melody"}
    return FillResult(parts, lines)


def _scala_here(files, r: _Reader) -> dict:
    """Scala files carried by a piece file (path named -> the name `theory.scala.carry_scl` keeps its text
    under, in memory): a path named inside a file is never opened, and nothing is written to disk."""
    if files is None:
        return {}
    files = r.get({"s": files}, "s", dict, "scala")
    out = {}
    for name, text in files.items():
        field = f"scala[{short_repr(name)}]"
        if not isinstance(text, str):
            raise r.fail(field, "must be the text of a Scala file", type(text).__name__)
        if len(text) > MAX_SCL_BYTES:
            raise r.fail(field, f"the Scala text is {len(text)} characters, above the limit of {MAX_SCL_BYTES}")
        try:
            out[name] = carry_scl(name, text)
        except DataFileError as exc:
            raise r.fail(field, f"is not a Scala file ({exc})") from None
    return out


def _replan(piece: PieceData, recorded: dict | None, written_by: str | None):
    """The plan of the piece's spec and seed, when it is the plan the file records."""

    try:
        plan = plan_piece(piece.spec, plan_rng(piece.seed))
    except ComposerError as exc:
        piece.settings["plan_mismatch"] = f"its spec cannot be planned by this version of partita: {exc}"
        return None
    found = _plan_summary(plan)
    if recorded is not None and found != recorded:
        differ = next((k for k in found if found.get(k) != recorded.get(k)), "sections")
        piece.settings["plan_mismatch"] = (f"this version of partita plans its spec differently ({differ} differ "
                                           f"from the file's); it was written by partita "
                                           f"{written_by or 'an unknown version'}")
        return None
    ours = [(c.offset, c.roman) for c in plan.chords]
    if ours != [(c.offset, c.roman) for c in piece.chords]:
        piece.settings["plan_mismatch"] = "the chords of the file are not the chords its spec plans"
        return None
    return plan


def load_piece(path) -> PieceData:
    """Read a `.piece.json` file; raise PieceFileError naming the file and field for anything wrong."""
    path = Path(path)
    if not path.exists():
        raise PieceFileError(f"piece file not found: {path}")
    try:
        text = read_regular_file(path, MAX_FILE_BYTES, "piece file").decode("utf-8")
    except DataFileError as exc:
        raise PieceFileError(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise PieceFileError(f"cannot read the piece file {path} ({exc})") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise PieceFileError(f"{path}: not JSON ({exc})") from None
    except RecursionError:
        data = None
    if data is None or _depth(data) > MAX_PIECE_DEPTH:    # whether the decoder's recursion limit caught it or not
        raise PieceFileError(f"{path}: JSON nested too deeply for a piece file (a piece nests a few levels; "
                             f"the limit is {MAX_PIECE_DEPTH})")
    return piece_from_dict(data, str(path))


MAX_PIECE_DEPTH = 32


def _depth(data) -> int:
    """How deeply lists and mappings nest in `data` (counted without recursion)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (list, dict)):
            deepest = max(deepest, depth)
            if deepest > MAX_PIECE_DEPTH:
                return deepest
            stack.extend((v, depth + 1) for v in (value.values() if isinstance(value, dict) else value))
    return deepest


def stem_of(path) -> str:
    """'out/jig.piece.json' -> 'jig'."""
    name = Path(path).name
    return name[:-len(PIECE_SUFFIX)] if name.endswith(PIECE_SUFFIX) else Path(path).stem
