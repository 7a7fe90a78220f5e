"""Score specs: YAML (or a dict) -> a validated, typed `Spec`.

Loading parses first (safe YAML that remembers each value's line), checks the
document against `spec.schema.json`, then checks meaning (keys, meters,
names of forms, styles, patterns and instruments, section references, chord
charts). Every problem found is reported at once, each naming the file, line,
field, value received and values accepted.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from theory import Key
from theory.datafile import MAX_YAML_BYTES, YamlDocument, load_yaml, read_regular_file
from theory.errors import DataFileError
from theory.melody_rules import tradition_melody
from theory.schema import Problem, validate

from .. import grammar
from ..models.corpus_index import DEFAULT_MAX_COPIED_RUN, MIN_MAX_COPIED_RUN
from ..score.errors import ComposerError, SpecError
from ..score.printable import LINE_BREAK, unprintable
from .checker import SpecChecker, check_name
from .keys import read_key, read_meter
from .model import (
    DEFAULT_MAX_LEAP,
    DEFAULT_PARTS,
    MODAL_PARTS,
    SATB_PARTS,
    Constraints,
    Spec,
    spec_schema,
    stem_of_title,
)
from .parts import read_parts
from .sections import read_sections
from .timing import read_timing


def load_spec(spec: str | Path | dict, *, source: str | None = None, carried: dict | None = None) -> Spec:
    """Read a spec from a YAML file path, YAML text or a dict; raise SpecError listing every problem.

    `carried`: the spec comes from inside a file (a piece file, the provenance of a MIDI or MusicXML file),
    with these Scala files carried in it (path named -> a copy of its text here): the spec may name only
    partita's own packs and those carried Scala files, never open a file by a path the file gives."""
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
                raw = read_regular_file(path, MAX_YAML_BYTES, "spec file")
            except DataFileError as exc:    # above the size limit, or no longer a regular file
                raise SpecError([Problem(path=(), message=str(exc).split(": ", 1)[-1], source=str(path)[:200])]) \
                    from None
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
    problems = validate(doc.data, spec_schema(), doc) + _control_characters(doc)
    checker = SpecChecker(doc, carried)
    # Check the meaning of the keys whose shape is right, so that every problem is reported at once.
    spec_obj = _interpret(_without_invalid(doc.data, problems), checker, stem)
    if problems or checker.problems:
        raise SpecError(sorted(problems + checker.problems, key=lambda p: p.line or 0))
    return spec_obj


_ONE_LINE_KEYS = ("title", "name")       # one line of text (score.printable); the rest may hold several


def _control_characters(doc: YamlDocument) -> list[Problem]:
    """A problem for every text value of the spec (or key) that holds a control character, a lone
    surrogate, or (a title or a name) a line break."""
    out: list[Problem] = []

    def walk(value, path: tuple) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if isinstance(k, str):
                    walk(k, path + (k,))
                walk(v, path + (k,))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, path + (i,))
        elif isinstance(value, str):
            one_line = bool(path) and path[-1] in _ONE_LINE_KEYS
            m = unprintable(value, one_line)
            if m is None:
                return
            code = f"U+{ord(m.group()):04X}"
            message = (f"text holds the lone surrogate {code} (half of a UTF-16 pair; write the character itself)"
                       if "\ud800" <= m.group() <= "\udfff" else f"text holds the line break {code}, in text of one "
                       f"line" if LINE_BREAK.match(m.group()) else f"text holds the control character {code}")
            out.append(Problem(path=path, message=message,
                               source=doc.source, line=doc.line_of(path),
                               received=ascii(value[:40]) + ("..." if len(value) > 40 else ""),
                               accepted="printable text" + ("" if one_line else ", line breaks and tabs")))

    walk(doc.data, ())
    return out


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


def _interpret(data: dict, ck: SpecChecker, stem: str) -> Spec:
    key = read_key(data, ck)
    idiom = _read_idiom(data, ck)
    given = data
    if idiom is not None:
        # The idiom's meter, unless the spec names its own.
        given = {**data, **({"meter": idiom.meters[0]} if "meter" not in data and "cycle" not in data else {})}
    meter, cycle = read_meter(given, ck, key)
    if idiom is not None and meter is not None:
        written = idiom.in_meter(meter)     # a reel in 2/4: its halved notation
        if written is None:
            ck.add(("idiom",), f"a {idiom.name} is written in bars of {idiom.bar_quarters} quarters"
                               + (f" (or {idiom.halved.bar_quarters}, in halved note values)" if idiom.halved else "")
                               + f", and {meter} has {meter.bar_quarters}", received=idiom.name,
                   accepted=f"meter: {', '.join(idiom.all_meters)}")
        idiom = written or idiom
    if idiom is not None and "tempo" not in data:
        given = {**given, "tempo": idiom.tempo_bpm}     # the idiom's tempo, unless the spec names its own
    form = data.get("form")
    if form is not None:
        check_name(ck, ("form",), form, grammar.list_grammars("forms"), "form")
    style = data.get("style")
    harmony = key.harmony if key is not None else "functional"
    if style is not None:
        if check_name(ck, ("style",), style, grammar.list_grammars("chords"), "chord style") and key is not None:
            harmony = "functional"  # the spec asks for chords, whatever the tradition's policy
            try:
                grammar.variant_for_key(grammar.load_chord_style(style), key)
            except ComposerError as exc:
                ck.add(("style",), str(exc).split(" (")[0], received=style)
    elif key is not None and harmony == "functional":
        style = idiom.style if idiom is not None and idiom.style else _default_style(key)
    sections = tuple(read_sections(data.get("sections") or [], ck, key, form, meter, cycle))
    if form is None and not sections:
        form = "period"
    default_parts = DEFAULT_PARTS if harmony == "functional" else MODAL_PARTS
    if harmony != "functional" and cycle is not None:
        default_parts = default_parts + ({"role": "percussion"},)
    texture = data.get("texture", "accompanied")
    items = data.get("parts") or list(default_parts)
    if texture == "satb":
        items = _satb_parts(data.get("parts"), ck, harmony)
    parts = tuple(read_parts(items, ck, "parts" in data, meter, harmony, cycle))
    if idiom is not None and idiom.accompaniment and meter is not None:
        # The idiom's accompaniment, for the parts that name none, where it suits the meter.
        suits = grammar.load_pattern(idiom.accompaniment).meters
        if suits is None or f"{meter.numerator}/{meter.denominator}" in suits:
            parts = tuple(replace(p, pattern=idiom.accompaniment) if p.role in ("chords", "bass") and p.pattern is None
                          else p for p in parts)
    c = data.get("constraints") or {}
    constraints = Constraints(
        max_leap=c.get("max_leap", idiom.max_leap if idiom is not None and idiom.max_leap else
                       _tradition_leap(key) or DEFAULT_MAX_LEAP),
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
    tempo_range, duration, cues = read_timing(given, ck)
    if ck.problems or key is None or meter is None:
        return None  # type: ignore[return-value]
    return Spec(
        title=str(data.get("title") or stem.replace("_", " ").title()),
        key=key, meter=meter, tempo_bpm=sum(tempo_range) / 2, form=form, sections=sections,
        style=style or "classical", parts=parts, seed=int(data.get("seed", 0)), constraints=constraints,
        source=ck.doc.source, stem=stem, raw=data, cycle=cycle, harmony=harmony,
        tempo_range=tempo_range, duration_s=duration, cues=cues, texture=texture,
        composer=str(data["composer"]).strip() if data.get("composer") else None,
        idiom=idiom.name if idiom is not None else None, notices=tuple(ck.notices),
    )


def _read_idiom(data: dict, ck: SpecChecker):
    """The spec's idiom (grammars/idioms), or None."""
    name = data.get("idiom")
    if name is None or not check_name(ck, ("idiom",), name, grammar.list_grammars("idioms"), "idiom"):
        return None
    return grammar.load_idiom(name)


def _satb_parts(given: list | None, ck: SpecChecker, harmony: str) -> list[dict]:
    """The four voices of `texture: satb`: SATB_PARTS, each completed by the part given in its place
    (an instrument, lyrics for the soprano, a range of its own)."""
    if harmony != "functional":
        ck.add(("texture",), f"a four-part chorale needs chords, and this mode's harmony policy is {harmony!r}",
               received="satb", accepted="accompanied; or give 'style' to harmonise the mode")
    if given is None:
        return [dict(p) for p in SATB_PARTS]
    roles = [p.get("role") for p in given]
    wanted = [p["role"] for p in SATB_PARTS]
    if roles != wanted:
        ck.add(("parts",), "texture: satb writes four voices: soprano (melody), alto and tenor (chords), bass",
               received=roles, accepted=wanted)
        return [dict(p) for p in SATB_PARTS]
    return [{**default, **part} for default, part in zip(SATB_PARTS, given)]


def _default_style(key: Key) -> str:
    """A chord style for a functional key: the pack's own grammar if there is one, else by family."""
    if key.pack != "western" and key.pack in grammar.list_grammars("chords"):
        return key.pack
    return "modal" if key.family == "modal" else "classical"


def _tradition_leap(key) -> int | None:
    """The widest leap a tradition's melodies take (`theory/rules/traditions.yaml`), where it names one."""
    if key is None or key.pack == "western":
        return None
    return tradition_melody(key.pack).max_leap
