"""The `sections` of a spec: bars or cycles, keys, cadences, repeats, variations, motifs and chord charts, checked."""
from __future__ import annotations

from fractions import Fraction

from theory import Key, Meter, TheoryError
from theory.cycle import Cycle
from theory.errors import did_you_mean
from theory.pack import load_pack

from .. import grammar
from ..score.errors import ComposerError
from .charts import parse_chart_item
from .checker import SpecChecker
from .keys import check_key_text
from .model import DEFAULT_VARY_AMOUNT, SectionSpec


def read_sections(items: list, ck: SpecChecker, key: Key | None, form: str | None, meter: Meter | None = None,
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
        if item.get("unmetered") and i > 0:
            ck.add(path + ("unmetered",), "an unmetered opening (alap, taqsim) comes before the cycle starts: only "
                   "the first section may be unmetered", received=True, accepted="false, or move it first")
        if item.get("unmetered") and ({"repeat", "chords"} & set(item)):
            ck.add(path + ("unmetered",), "an unmetered opening is written anew, over the drone: it neither repeats "
                   "a section nor follows a chord chart", received=sorted({"repeat", "chords"} & set(item)))
        names_seen.append(name)
        yield SectionSpec(
            name=name, bars=item.get("bars"), phrase_bars=item.get("phrase_bars"), key=item.get("key"),
            cadence=item.get("cadence"), role=item.get("role"), repeat=item.get("repeat"),
            vary=0.0 if variation else item.get("vary"), variation=variation,
            chords=tuple(item["chords"]) if "chords" in item else None,
            motifs=tuple((m["from_bar"], m["to_bar"], m["bars"], m.get("transpose", 0)) for m in item["motifs"])
            if "motifs" in item else None,
            unmetered=bool(item.get("unmetered", False)),
        )


def _check_chart(item: dict, path: tuple, ck: SpecChecker, home: Key, meter: Meter | None) -> None:
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
