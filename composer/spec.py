"""Score specs: YAML (or a dict) -> a validated, typed `Spec`.

Loading parses first (safe YAML that remembers each value's line), checks the
document against `schemas/spec.schema.json`, then checks meaning (keys, meters,
names of forms, styles, patterns and instruments, section references, chord
charts). Every problem found is reported at once, each naming the file, line,
field, value received and values accepted.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from theory import Key, Meter, Pitch, TheoryError
from theory.cycle import Cycle, list_cycles, load_cycle
from theory.datafile import YamlDocument, load_yaml
from theory.errors import DataFileError, did_you_mean
from theory.pack import list_packs, load_pack
from theory.schema import Problem, validate

from . import grammar
from .errors import ComposerError, SpecError
from .keygraph import RELATION_NAMES, check_key_text
from .originality import DEFAULT_MAX_COPIED_RUN, MIN_MAX_COPIED_RUN

DEFAULT_RANGES = {"melody": ("C4", "A5"), "bass": ("E2", "D4"), "chords": ("F3", "D5"), "drone": ("C3", "B3"),
                  "percussion": ("B1", "D#6")}
DEFAULT_VELOCITY = {"melody": 90, "chords": 60, "bass": 76, "drone": 52, "percussion": 84}
DEFAULT_PARTS = ({"role": "melody"}, {"role": "chords"}, {"role": "bass"})
MODAL_PARTS = ({"role": "melody"}, {"role": "drone"})
CADENCES = ("authentic", "half", "plagal", "deceptive", "none")
DEFAULT_VARY_AMOUNT = 0.3     # vary: {of: A}: the share of A's notes changed or ornamented
MIN_PERIOD_CENTS, MAX_PERIOD_CENTS = 100.0, 2400.0  # a tuning's period, as for the packs' profiles


@lru_cache(maxsize=1)
def spec_schema() -> dict:
    return json.loads((resources.files("composer") / "schemas" / "spec.schema.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class SectionSpec:
    name: str
    bars: int | None = None
    phrase_bars: int | None = None
    key: str | None = None
    cadence: str | None = None
    role: str | None = None
    repeat: str | None = None
    vary: float | None = None
    chords: tuple[str, ...] | None = None
    motifs: tuple[tuple[int, int, int, int], ...] | None = None   # (from_bar, to_bar, bars, transpose)
    variation: tuple[float, str] | None = None   # vary: {of, amount, keep}: (amount, keep); `repeat` holds `of`


@dataclass(frozen=True)
class PartSpec:
    role: str
    name: str
    instrument: grammar.InstrumentDef
    low: Pitch
    high: Pitch
    pattern: str | None
    velocity: int
    lyrics: tuple = ()         # lines of `lyrics.Syllable`s to set, one line per phrase (melody parts)


@dataclass(frozen=True)
class Constraints:
    max_leap: int = 9
    chord_tones_on_strong_beats: bool = True
    notes_per_bar: tuple[int, int] | None = None
    end_on_tonic: bool = True
    max_copied_run: int = DEFAULT_MAX_COPIED_RUN   # notes; 0 switches the originality guard off


@dataclass(frozen=True)
class Spec:
    title: str
    key: Key
    meter: Meter
    tempo_bpm: float
    form: str | None
    sections: tuple[SectionSpec, ...]
    style: str
    parts: tuple[PartSpec, ...]
    seed: int
    constraints: Constraints
    source: str = "<dict>"
    stem: str = "piece"
    raw: dict = field(default_factory=dict, compare=False)
    cycle: Cycle | None = None
    harmony: str = "functional"   # the harmony policy: functional, drone, heterophony, colotomic
    tempo_range: tuple[float, float] = (100.0, 100.0)   # [slowest, fastest] given, or (tempo, tempo)
    duration_s: float | None = None                      # fit the piece to this many seconds
    cues: tuple = ()                                     # fit.Cue: moments for a cadence or the climax


class _Checker:
    def __init__(self, doc: YamlDocument):
        self.doc = doc
        self.problems: list[Problem] = []

    def add(self, path: tuple, message: str, **kw: Any) -> None:
        self.problems.append(Problem(path=path, message=message, source=self.doc.source,
                                     line=self.doc.line_of(path), **kw))


def stem_of_title(title) -> str:
    """The file stem for a spec given as a dict: its title, in lower case, with '_' for other characters."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", str(title)).strip("_").lower() or "piece"


def load_spec(spec: str | Path | dict, *, source: str | None = None) -> Spec:
    """Read a spec from a YAML file path, YAML text or a dict; raise SpecError listing every problem."""
    if isinstance(spec, dict):
        doc = YamlDocument(data=spec, lines={}, source=source or "<dict>")
        stem = stem_of_title(spec.get("title", "piece"))
    else:
        if not isinstance(spec, (str, Path)):
            raise SpecError([Problem(path=(), message="a spec is a YAML file's path, YAML text or a dict",
                                     source=source or "<spec>", received=type(spec).__name__)])
        path = Path(spec) if not (isinstance(spec, str) and "\n" in spec) else None
        if path is not None:
            try:
                if not path.is_file():
                    raise SpecError([Problem(path=(), message="spec file not found", source=str(path))])
                raw = path.read_bytes()
            except OSError as exc:  # a name too long, a file that cannot be read
                raise SpecError([Problem(path=(), message=f"cannot read the spec file ({exc.strerror})",
                                         source=str(path)[:200])]) from None
            name, stem = str(path), path.stem
        else:
            raw, name, stem = spec, source or "<string>", "piece"
        try:
            doc = load_yaml(raw, name)
        except DataFileError as exc:
            raise SpecError([Problem(path=(), message=str(exc).split(": ", 1)[-1], source=name,
                                     line=_line_from(str(exc)))]) from None
    if not isinstance(doc.data, dict):
        raise SpecError([Problem(path=(), message="a spec must be a mapping of keys (title, key, meter, ...)",
                                 source=doc.source, received=type(doc.data).__name__)])
    problems = validate(doc.data, spec_schema(), doc)
    checker = _Checker(doc)
    # Check the meaning of the keys whose shape is right, so that every problem is reported at once.
    spec_obj = _interpret(_without_invalid(doc.data, problems), checker, stem)
    if problems or checker.problems:
        raise SpecError(sorted(problems + checker.problems, key=lambda p: p.line or 0))
    return spec_obj


def _without_invalid(data: dict, problems: list[Problem]) -> dict:
    """`data` less the top-level keys that have shape problems (and the keys read together with them)."""
    bad = {p.path[0] for p in problems if p.path}
    if not bad:
        return data
    bad |= {"grouping"} if "meter" in bad else set()
    bad |= {"sections"} if "form" in bad else set()
    bad |= {"key", "scale"} if bad & {"key", "scale"} else set()
    return {k: v for k, v in data.items() if k not in bad}


def _line_from(message: str) -> int | None:
    m = re.match(r"^[^:]*:(\d+):", message)
    return int(m.group(1)) if m else None


def _interpret(data: dict, ck: _Checker, stem: str) -> Spec:
    key = _read_key(data, ck)
    meter, cycle = _read_meter(data, ck, key)
    form = data.get("form")
    if form is not None:
        _check_name(ck, ("form",), form, grammar.list_grammars("forms"), "form")
    style = data.get("style")
    harmony = key.harmony if key is not None else "functional"
    if style is not None:
        if _check_name(ck, ("style",), style, grammar.list_grammars("chords"), "chord style") and key is not None:
            harmony = "functional"  # the spec asks for chords, whatever the tradition's policy
            try:
                grammar.variant_for_key(grammar.load_chord_style(style), key)
            except ComposerError as exc:
                ck.add(("style",), str(exc).split(" (")[0], received=style)
    elif key is not None and harmony == "functional":
        style = _default_style(key)
    sections = tuple(_read_sections(data.get("sections") or [], ck, key, form, meter, cycle))
    if form is None and not sections:
        form = "period"
    default_parts = DEFAULT_PARTS if harmony == "functional" else MODAL_PARTS
    if harmony != "functional" and cycle is not None:
        default_parts = default_parts + ({"role": "percussion"},)
    parts = tuple(_read_parts(data.get("parts") or list(default_parts), ck, "parts" in data, meter, harmony, cycle))
    c = data.get("constraints") or {}
    constraints = Constraints(
        max_leap=c.get("max_leap", 9),
        chord_tones_on_strong_beats=c.get("chord_tones_on_strong_beats", True),
        notes_per_bar=tuple(c["notes_per_bar"]) if "notes_per_bar" in c else None,
        end_on_tonic=c.get("end_on_tonic", True),
        max_copied_run=c.get("max_copied_run", DEFAULT_MAX_COPIED_RUN),
    )
    if 0 < constraints.max_copied_run < MIN_MAX_COPIED_RUN:
        ck.add(("constraints", "max_copied_run"), "a copied run is at least 4 notes long to be told from chance",
               received=constraints.max_copied_run, accepted=f"0 (the guard off) or {MIN_MAX_COPIED_RUN} and above")
    if constraints.notes_per_bar and constraints.notes_per_bar[0] > constraints.notes_per_bar[1]:
        ck.add(("constraints", "notes_per_bar"), "fewest is above most", received=list(constraints.notes_per_bar),
               accepted="[fewest, most] with fewest <= most")
    tempo_range, duration, cues = _read_timing(data, ck)
    if ck.problems or key is None or meter is None:
        return None  # type: ignore[return-value]
    return Spec(
        title=str(data.get("title") or stem.replace("_", " ").title()),
        key=key, meter=meter, tempo_bpm=sum(tempo_range) / 2, form=form, sections=sections,
        style=style or "classical", parts=parts, seed=int(data.get("seed", 0)), constraints=constraints,
        source=ck.doc.source, stem=stem, raw=data, cycle=cycle, harmony=harmony,
        tempo_range=tempo_range, duration_s=duration, cues=cues,
    )


MAX_DURATION_S = 3600.0


def _read_timing(data: dict, ck: _Checker):
    """The tempo (or its bounds), the duration and the cues."""
    from .fit import Cue, parse_seconds

    tempo = data.get("tempo", 100)
    if isinstance(tempo, list):
        tempo_range = (float(min(tempo)), float(max(tempo)))
    else:
        tempo_range = (float(tempo), float(tempo))
    duration = None
    if "duration" in data:
        duration = parse_seconds(data["duration"])
        if duration is None or not 0 < duration <= MAX_DURATION_S:
            ck.add(("duration",), "cannot read the duration" if duration is None else "duration out of range",
                   received=data["duration"],
                   accepted=f"seconds above 0 and up to {MAX_DURATION_S:g}: 90, '90s', '1:30', '1m30s', '2m'")
            duration = None
    cues = []
    for i, item in enumerate(data.get("cues") or []):
        at = parse_seconds(item["at"])
        if at is None:
            ck.add(("cues", i, "at"), "cannot read the time", received=item["at"],
                   accepted="seconds from the start: 30, '30s', '0:30', '1m5s'")
            continue
        if duration is not None and not 0 < at < duration:
            ck.add(("cues", i, "at"), "the cue is not inside the piece", received=item["at"],
                   accepted=f"a time after 0 and before the duration, {duration:g} s")
            continue
        cues.append(Cue(at, item["event"]))
    if sum(c.event == "climax" for c in cues) > 1:
        ck.add(("cues",), "one climax cue at most: a melody has one highest note",
               received=[c.at_s for c in cues if c.event == "climax"], accepted="one cue with event: climax")
    if cues and "duration" not in data:
        ck.add(("cues",), "cues need a 'duration' (the planner fits the piece to both)", received=len(cues),
               accepted="duration: 90s, with cues inside it")
    return tempo_range, duration, tuple(sorted(cues, key=lambda c: c.at_s))


def _default_style(key: Key) -> str:
    """A chord style for a functional key: the pack's own grammar if there is one, else by family."""
    if key.pack != "western" and key.pack in grammar.list_grammars("chords"):
        return key.pack
    return "modal" if key.family == "modal" else "classical"


def _check_name(ck: _Checker, path: tuple, value: str, accepted: list[str], kind: str) -> bool:
    if value in accepted:
        return True
    close = did_you_mean(value, accepted)
    ck.add(path, f"unknown {kind}", received=value, accepted=", ".join(accepted),
           hint=f"did you mean {', '.join(repr(c) for c in close)}?" if close else None)
    return False


def _read_key(data: dict, ck: _Checker) -> Key | None:
    if "key" in data and "scale" in data:
        ck.add(("scale",), "give either 'key' or 'scale', not both", received="key and scale")
        return None
    if "scale" in data:
        s = data["scale"]
        if str(s["pack"]).lower().endswith((".yaml", ".yml")):
            pack = _user_pack(s["pack"], ck)
            if pack is None:
                return None
        elif not _check_name(ck, ("scale", "pack"), s["pack"], list_packs(), "scale pack"):
            return None
        else:
            pack = load_pack(s["pack"])
        try:
            info = pack.mode(s["mode"])
        except TheoryError as exc:
            close = getattr(exc, "suggestions", [])
            names = list(pack.modes)
            ck.add(("scale", "mode"), f"unknown mode of pack {pack.name!r}", received=s["mode"],
                   accepted=", ".join(names) if len(names) <= 40 else
                   ", ".join(names[:40]) + f" ... ({len(names)} modes: see `partita packs show {pack.name}`)",
                   hint=f"did you mean {', '.join(repr(c) for c in close)}?" if close else None)
            return None
        tuning = s.get("tuning")
        if tuning is not None and tuning not in pack.tunings:
            if tuning.lower().endswith(".scl"):
                tuning = _scala_path(tuning, ck)
                if tuning is None:
                    return None
            else:
                close = did_you_mean(tuning, list(pack.tunings))
                ck.add(("scale", "tuning"), "unknown tuning", received=s["tuning"],
                       accepted=", ".join(pack.tunings) + ", or a Scala .scl file",
                       hint=f"did you mean {', '.join(repr(c) for c in close)}?" if close else None)
                return None
        tonic_text = str(s.get("tonic", "C"))
        m = re.match(r"^\s*([A-Ga-g](?:#|b|♯|♭)?)(-?\d+)?\s*(?:([+-]\d+(?:\.\d+)?)\s*c)?\s*$", tonic_text)
        if not m:
            ck.add(("scale", "tonic"), "cannot read the tonic", received=s.get("tonic"),
                   accepted="a note name such as 'C', 'F#', 'Bb', 'C#4', or with cents off 12-EDO: 'E-50c'")
            return None
        from theory.pitch import parse_spelling

        tonic, _ = parse_spelling(m.group(1))
        offset = float(m.group(3)) if m.group(3) else 0.0
        if pack.name == "western" and not offset and tuning is None:
            return Key(tonic, info.name)
        key = Key(tonic, info.name, pack.name, tuning if tuning != pack.default_tuning else None, offset)
        try:
            key.scale  # a Scala tuning must fit the pack's notes
        except TheoryError as exc:
            ck.add(("scale", "tuning"), str(exc), received=s.get("tuning"))
            return None
        period = key.scale.period_cents
        if not MIN_PERIOD_CENTS <= period <= MAX_PERIOD_CENTS:
            # A period of a few cents packs thousands of pitches into a part's range: the fill would not end.
            ck.add(("scale", "tuning"), f"the tuning's period is {period:g} cents", received=s.get("tuning"),
                   accepted=f"a period of {MIN_PERIOD_CENTS:g} to {MAX_PERIOD_CENTS:g} cents (the octave, 2/1, "
                            f"is 1200)")
            return None
        return key
    try:
        return Key.parse(data.get("key", "C major"))
    except TheoryError as exc:
        message, _, close = str(exc).split(" (accepted")[0].partition("; did you mean ")
        ck.add(("key",), message, received=data.get("key"),
               accepted="a tonic and a mode, e.g. 'G major', 'Eb major', 'F# minor', 'Bb dorian'",
               hint=f"did you mean {close}" if close else None)
        return None


def _user_pack(text: str, ck: _Checker):
    """A user's pack file named by the spec (relative to the spec's folder), loaded and registered."""
    from theory.pack import load_pack_file, register_pack

    path = Path(text)
    if not path.is_absolute() and ck.doc.source not in ("<dict>", "<string>"):
        path = Path(ck.doc.source).parent / path
    if not path.is_file():
        ck.add(("scale", "pack"), "pack file not found", received=text,
               accepted="a shipped pack (" + ", ".join(list_packs()) + ") or the path of a pack .yaml file")
        return None
    try:
        pack = load_pack_file(path)
        register_pack(pack)
    except TheoryError as exc:
        ck.add(("scale", "pack"), f"the pack file is not valid: {exc}", received=text)
        return None
    return pack


def _scala_path(text: str, ck: _Checker) -> str | None:
    """A Scala file named by the spec, relative to the spec's folder."""
    path = Path(text)
    if not path.is_absolute() and ck.doc.source not in ("<dict>", "<string>"):
        path = Path(ck.doc.source).parent / path
    if not path.is_file():
        ck.add(("scale", "tuning"), "Scala file not found", received=text,
               accepted="a tuning profile of the pack, or the path of a .scl file (relative to the spec)")
        return None
    return str(path)


def _read_meter(data: dict, ck: _Checker, key: Key | None) -> tuple[Meter | None, Cycle | None]:
    grouping = data.get("grouping")
    if "cycle" in data:
        if "meter" in data or grouping is not None:
            ck.add(("cycle",), "give either 'cycle' or 'meter' (and 'grouping'), not both", received=data["cycle"])
            return None, None
        try:
            cycle = load_cycle(data["cycle"])
        except TheoryError as exc:
            close = getattr(exc, "suggestions", [])
            ck.add(("cycle",), "unknown cycle", received=data["cycle"], accepted=", ".join(list_cycles()),
                   hint=f"did you mean {', '.join(repr(c) for c in close)}?" if close else None)
            return None, None
        return cycle.meter, cycle
    if "meter" not in data and key is not None and key.pack != "western" and key.info.cycles:
        try:
            cycle = load_cycle(key.info.cycles[0])  # the mode's default cycle
            return cycle.meter, cycle
        except TheoryError:
            pass
    try:
        return Meter.parse(data.get("meter", "4/4"), grouping), None
    except TheoryError as exc:
        ck.add(("grouping",) if grouping is not None and "grouping" in str(exc) else ("meter",), str(exc),
               received=data.get("meter", "4/4"))
        return None, None



def _read_sections(items: list, ck: _Checker, key: Key | None, form: str | None, meter: Meter | None = None,
                   cycle: Cycle | None = None):
    names_seen: list[str] = []
    form_names = []
    if form is not None and form in grammar.list_grammars("forms"):
        form_names = [s.name for s in grammar.load_form(form).sections]
    for i, item in enumerate(items):
        path = ("sections", i)
        name = item["name"]
        if form is not None and form_names and name not in form_names:
            close = did_you_mean(name, form_names)
            ck.add(path + ("name",), f"section is not in form {form!r}", received=name,
                   accepted=", ".join(dict.fromkeys(form_names)),
                   hint=f"did you mean {', '.join(repr(c) for c in close)}?" if close else None)
        if "cycles" in item:
            if cycle is None:
                ck.add(path + ("cycles",), "'cycles' needs a 'cycle' in the spec (or use 'bars')", received=item["cycles"])
            elif "bars" in item:
                ck.add(path + ("cycles",), "give either 'bars' or 'cycles', not both", received=item["cycles"])
            else:
                item = dict(item, bars=item["cycles"])  # one bar holds one cycle
        if form is None and not {"bars", "cycles", "repeat", "chords"} & set(item) and not isinstance(item.get("vary"), dict):
            ck.add(path, "a section needs 'bars' or 'cycles' (or 'repeat', 'vary' or 'chords') when the spec has no "
                   "'form'",
                   received=name)
        earlier = list(names_seen)
        if form_names:
            earlier += form_names[:form_names.index(name)] if name in form_names else form_names
        variation = None
        if isinstance(item.get("vary"), dict):
            of = item["vary"]["of"]
            variation = (float(item["vary"].get("amount", DEFAULT_VARY_AMOUNT)), item["vary"].get("keep", "rhythm"))
            if "repeat" in item and item["repeat"] != of:
                ck.add(path + ("vary", "of"), "a variation repeats the section it varies: 'repeat' and 'vary.of' "
                       "name different sections", received=of, accepted=f"{item['repeat']!r}, or leave out 'repeat'")
            if of not in earlier:
                ck.add(path + ("vary", "of"), "can only vary an earlier section", received=of,
                       accepted=", ".join(dict.fromkeys(earlier)) or "(no earlier section)")
            item = {k: v for k, v in item.items() if k != "vary"} | {"repeat": of}
        if "repeat" in item and item["repeat"] not in earlier and variation is None:
            ck.add(path + ("repeat",), "can only repeat an earlier section", received=item["repeat"],
                   accepted=", ".join(dict.fromkeys(earlier)) or "(no earlier section)")
        if "key" in item and key is not None and key.pack != "western":
            pack = load_pack(key.pack)
            if item["key"] not in ("tonic", "modulate"):
                try:
                    pack.mode(item["key"])
                except TheoryError:
                    close = did_you_mean(item["key"], ["tonic", "modulate"] + list(pack.modes))
                    ck.add(path + ("key",), f"not a mode of pack {pack.name!r}", received=item["key"],
                           accepted="tonic, modulate (follow the pack's modulation graph), or a mode of the pack",
                           hint=f"did you mean {', '.join(repr(c) for c in close)}?" if close else None)
        elif "key" in item:
            problem = check_key_text(item["key"], path + ("key",), ck.doc.source, ck.doc.line_of(path + ("key",)))
            if problem:
                ck.problems.append(problem)
        if "chords" in item and key is not None:
            _check_chart(item, path, ck, key, meter)
        for j, m in enumerate(item.get("motifs") or []):
            if "bars" in item and max(m["from_bar"], m["to_bar"]) + m["bars"] - 1 > item["bars"]:
                ck.add(path + ("motifs", j), "the motif runs past the end of the section",
                       received=m, accepted=f"bars within 1-{item['bars']}")
        if "vary" in item and "repeat" not in item:
            ck.add(path + ("vary",), "'vary' needs 'repeat' (the section it varies)", received=item["vary"])
        names_seen.append(name)
        yield SectionSpec(
            name=name, bars=item.get("bars"), phrase_bars=item.get("phrase_bars"), key=item.get("key"),
            cadence=item.get("cadence"), role=item.get("role"), repeat=item.get("repeat"),
            vary=0.0 if variation else item.get("vary"), variation=variation,
            chords=tuple(item["chords"]) if "chords" in item else None,
            motifs=tuple((m["from_bar"], m["to_bar"], m["bars"], m.get("transpose", 0)) for m in item["motifs"])
            if "motifs" in item else None,
        )


def _check_chart(item: dict, path: tuple, ck: _Checker, home: Key, meter: Meter | None) -> None:
    from .harmony import parse_chart_item

    total, readable = Fraction(0), True
    for j, text in enumerate(item["chords"]):
        try:
            chart_item = parse_chart_item(text, home)
        except (TheoryError, ComposerError) as exc:
            readable = False
            ck.add(path + ("chords", j), str(exc).split(" (", 1)[0], received=text,
                   accepted="a Roman numeral (I, vi, ii7, V7, V/V) or a chord symbol (C, Am, Dm7, G7), "
                            "optionally ':beats' (G7:2)")
            continue
        if meter is not None:
            total += meter.bar_quarters if chart_item.beats is None else chart_item.beats * meter.unit
    if not readable or meter is None:
        return
    beats, bars = total / meter.unit, item.get("bars")
    if bars is not None and total != bars * meter.bar_quarters:
        ck.add(path + ("chords",), f"chord chart lasts {beats} beats of {meter.numerator}/{meter.denominator}, "
               f"but the section has {bars} bars = {bars * meter.bar_quarters / meter.unit} beats",
               received=list(item["chords"]),
               accepted=f"one chord per bar ({bars} chords), or durations in beats that add up to {bars} bars")
    elif bars is None and (total / meter.bar_quarters).denominator != 1:
        ck.add(path + ("chords",), f"chord chart lasts {beats} beats, not a whole number of "
               f"{meter.numerator}/{meter.denominator} bars", received=list(item["chords"]),
               accepted="one chord per bar, or durations in beats that add up to whole bars")


def parse_range(value: Any) -> tuple[Pitch, Pitch]:
    if isinstance(value, str):
        lo, hi = re.split(r"\s*(?:to|\.\.|-(?=[A-Ga-g]))\s*", value.strip(), maxsplit=1)
    else:
        lo, hi = value
    return Pitch.from_name(lo), Pitch.from_name(hi)


def _read_parts(items: list, ck: _Checker, given: bool, meter: Meter | None, harmony: str = "functional",
                cycle: Cycle | None = None):
    used_names: dict[str, int] = {}
    if given and not any(p.get("role") == "melody" for p in items):
        ck.add(("parts",), "a spec needs at least one part with role 'melody'",
               received=[p.get("role") for p in items], accepted="melody, bass, chords")
    for i, item in enumerate(items):
        path = ("parts", i)
        role = item["role"]
        if role in ("chords", "bass") and harmony != "functional":
            ck.add(path + ("role",), f"this mode's harmony policy is {harmony!r}: it has no chord progression",
                   received=role, accepted="melody, drone, percussion; or give 'style' to harmonise it anyway")
            continue
        if role == "percussion" and cycle is None:
            ck.add(path + ("role",), "a percussion part plays a rhythmic cycle: give the spec a 'cycle'",
                   received=role, accepted="a spec with cycle: teentaal, adi, maqsum, aksak, lancaran, ...")
            continue
        try:
            inst = grammar.find_instrument(item["instrument"]) if "instrument" in item else grammar.default_instrument(role)
        except ComposerError as exc:
            ck.add(path + ("instrument",), str(exc).split(" (accepted")[0], received=item.get("instrument"),
                   accepted=", ".join(sorted(grammar.load_instruments())))
            continue
        lo_name, hi_name = DEFAULT_RANGES[role]
        try:
            if "range" in item:
                low, high = parse_range(item["range"])
            else:
                low, high = Pitch.from_name(lo_name), Pitch.from_name(hi_name)
                inst_lo, inst_hi = Pitch.from_name(inst.low), Pitch.from_name(inst.high)
                if inst_hi.cents - inst_lo.cents >= 1200:
                    # Keep the role's register where the instrument allows it; else the instrument's own.
                    if high < inst_lo or low > inst_hi:
                        low, high = inst_lo, min(inst_hi, inst_lo + (high - low))
                    else:
                        low, high = max(low, inst_lo), min(high, inst_hi)
        except (TheoryError, ValueError) as exc:
            ck.add(path + ("range",), f"cannot read range: {exc}", received=item.get("range"),
                   accepted="lowest and highest note, e.g. 'C4-G5' or [C4, G5]")
            continue
        if high.cents - low.cents < 500:
            ck.add(path + ("range",), "range is narrower than a fourth: too narrow to write a part in",
                   received=item.get("range", f"{low}-{high}"), accepted="at least 5 semitones, e.g. 'C4-G5'")
        if "pattern" in item:
            if role not in ("chords", "bass"):
                ck.add(path + ("pattern",), f"a {role} part takes no accompaniment pattern", received=item["pattern"])
            elif _check_name(ck, path + ("pattern",), item["pattern"], grammar.list_grammars("accompaniment"),
                             "accompaniment pattern") and meter is not None:
                suits = grammar.load_pattern(item["pattern"]).meters
                signature = f"{meter.numerator}/{meter.denominator}"
                if suits and signature not in suits:
                    ck.add(path + ("pattern",), f"pattern does not suit the meter {signature}", received=item["pattern"],
                           accepted="patterns for any meter, or for " + ", ".join(suits))
        lyrics = ()
        if "lyrics" in item:
            lyrics = _read_lyrics(item["lyrics"], role, path + ("lyrics",), ck)
        base = item.get("name") or role
        used_names[base] = used_names.get(base, 0) + 1
        name = base if used_names[base] == 1 else f"{base} {used_names[base]}"
        yield PartSpec(role=role, name=name, instrument=inst, low=low, high=high, pattern=item.get("pattern"),
                       velocity=item.get("velocity", DEFAULT_VELOCITY[role]), lyrics=lyrics)


def _read_lyrics(value, role: str, path: tuple, ck: _Checker) -> tuple:
    """The lines of syllables of a part's `lyrics` (a text, or a list of lines)."""
    from .lyrics import LyricsError, parse_lyrics

    if role != "melody":
        ck.add(path, f"a {role} part sings no words: lyrics go on a melody part", received=str(value)[:60])
        return ()
    text = "\n".join(value) if isinstance(value, list) else value
    try:
        lines = parse_lyrics(text)
    except LyricsError as exc:
        ck.add(path, str(exc), received=str(value)[:60])
        return ()
    if not lines:
        ck.add(path, "no words to set", received=str(value)[:60], accepted="words, one line per phrase")
    return tuple(tuple(line) for line in lines)


__all__ = ["CADENCES", "Constraints", "PartSpec", "RELATION_NAMES", "SectionSpec", "Spec", "load_spec", "parse_range"]
