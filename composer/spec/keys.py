"""The key of a spec (`key`, or `scale` with a pack, mode, tonic and tuning) and its meter or cycle, checked;
section keys as key names or relations.
"""
from __future__ import annotations

import re
from pathlib import Path, PurePath

from theory import Key, Meter, TheoryError
from theory.cycle import Cycle, list_cycles, load_cycle
from theory.errors import did_you_mean
from theory.pack import list_packs, load_pack, load_pack_file, normalise_name, register_pack
from theory.pitch import parse_spelling
from theory.schema import Problem

from .checker import SpecChecker, check_name

MIN_PERIOD_CENTS, MAX_PERIOD_CENTS = 100.0, 2400.0  # a tuning's period, as for the packs' profiles


def read_key(data: dict, ck: SpecChecker) -> Key | None:
    if "key" in data and "scale" in data:
        ck.add(("scale",), "give either 'key' or 'scale', not both", received="key and scale")
        return None
    if "scale" in data:
        s = data["scale"]
        if str(s["pack"]).lower().endswith((".yaml", ".yml")):
            if ck.carried is not None:
                ck.add(("scale", "pack"), "a spec carried inside a file names a pack file, which partita does "
                                          "not open from a file (the pack is not carried in it)",
                       received=ascii(str(s["pack"])[:60]), accepted=", ".join(list_packs()))
                return None
            pack = _user_pack(s["pack"], ck)
            if pack is None:
                return None
        elif not check_name(ck, ("scale", "pack"), s["pack"], list_packs(), "scale pack"):
            return None
        else:
            pack = load_pack(s["pack"])
        try:
            info = pack.mode(s["mode"])
            covered = pack.default_modes.get(normalise_name(str(s["mode"])))
            if covered is not None:
                others = [m for m in pack.modes if m.startswith(covered[0].split("_")[0]) and m != covered[0]]
                ck.notices.append(f"scale.mode {s['mode']!r} is read as {covered[0]}, {covered[1]}"
                                  + (f"; name another with mode: {' or '.join(others)}" if others else ""))
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
            if tuning.lower().endswith(".scl") and ck.carried is not None:
                # The Scala file the file carries, named as the spec names it or as its folder resolved it.
                named = (tuning, str(Path(ck.doc.source).parent / tuning))
                same_name = [v for n, v in ck.carried.items() if PurePath(n).name == PurePath(tuning).name]
                tuning = next((ck.carried[n] for n in named if n in ck.carried),
                              same_name[0] if len(same_name) == 1 else None)   # a file saved again names it so
                if tuning is None:
                    ck.add(("scale", "tuning"), "a spec carried inside a file names a Scala file it does not "
                                                "carry, which partita does not open from a file",
                           received=ascii(str(s["tuning"])[:60]), accepted=", ".join(pack.tunings))
                    return None
            elif tuning.lower().endswith(".scl"):
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


def _user_pack(text: str, ck: SpecChecker):
    """A user's pack file named by the spec (relative to the spec's folder), loaded and registered."""
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


def _scala_path(text: str, ck: SpecChecker) -> str | None:
    """A Scala file named by the spec, relative to the spec's folder."""
    path = Path(text)
    if not path.is_absolute() and ck.doc.source not in ("<dict>", "<string>"):
        path = Path(ck.doc.source).parent / path
    if not path.is_file():
        ck.add(("scale", "tuning"), "Scala file not found", received=text,
               accepted="a tuning profile of the pack, or the path of a .scl file (relative to the spec)")
        return None
    return str(path)


def read_meter(data: dict, ck: SpecChecker, key: Key | None) -> tuple[Meter | None, Cycle | None]:
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


RELATION_NAMES = ("tonic", "dominant", "subdominant", "relative", "parallel", "supertonic", "mediant", "submediant")


def check_key_text(text: str, path: tuple, source: str, line: int | None) -> Problem | None:
    """A spec problem for a section key that is neither a relation nor a key name, else None."""
    if text in RELATION_NAMES:
        return None
    try:
        Key.parse(text)
    except Exception as exc:  # noqa: BLE001 - converted into a Problem for the person
        return Problem(path=path, message=f"not a key or a key relation: {exc}", source=source, line=line,
                       received=text, accepted="a key such as 'D major', or one of " + ", ".join(RELATION_NAMES))
    return None
