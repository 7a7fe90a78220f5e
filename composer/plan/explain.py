"""Explanations of a plan, in words: the form tree, keys and modulations, chords with
Roman numerals and functions, and cadences by name (with what the fill noted, when given).
"""
from __future__ import annotations

from theory import load_pack

from .. import grammar
from .harmony import CADENCE_LABELS
from .model import Plan


def _name(scale, cents: float) -> str:
    index = scale.degree_of(cents)
    if index is not None and scale.degree_names:
        return scale.degree_names[index]
    return f"{cents:g} cents"


def _bars(start: int, count: int) -> str:
    return f"bar {start + 1}" if count == 1 else f"bars {start + 1}-{start + count}"


def _phrase_lines(phrase, fill) -> tuple[str, ...]:
    """The planner's notes on a phrase, then the fill's."""
    return phrase.notes + (fill.lines(phrase.index) if fill is not None else ())


def explain_text(plan: Plan, fill=None) -> str:
    """The plan in words; with the fill's result, what the fill noted in each phrase too."""
    if plan is None:
        return "(no plan)"
    meter = plan.meter
    harmony = (f"chord style {plan.style}" if plan.harmony == "functional"
               else f"harmony: {plan.harmony} (the tradition has no chord progression)")
    time = f"cycle {plan.cycle} ({meter.numerator} beats, {'+'.join(map(str, meter.grouping))})" if plan.cycle \
        else f"meter {meter}"
    lines = [
        f"{plan.title}",
        f"  key {plan.home_key}, {time}, tempo {plan.tempo_bpm:.4g} bpm, {plan.bars} "
        f"{'cycles' if plan.cycle else 'bars'}, form {plan.form or '(sections given by the spec)'}, {harmony}",
    ]
    if plan.fit is not None:
        lines += [f"  {line}" for line in plan.fit.lines()]
    if plan.harmony == "functional":
        lines += [f"  style {plan.style} relaxes {r}" for r in grammar.load_chord_style(plan.style).relax]
    key = plan.home_key
    if key.pack != "western":
        info, scale = key.info, key.scale
        names = scale.degree_names or tuple(f"{c:g}" for c in scale.degree_cents)
        up = " ".join(names[i] for i in scale.ascending)
        down = " ".join(names[i] for i in reversed(scale.descending))
        lines.append(f"  mode {info.name}: up {up} | down {down}; tuning "
                     f"{key.tuning or load_pack(key.pack).default_tuning} "
                     f"({', '.join(f'{n} {c:g}' for n, c in zip(names, scale.degree_cents))} cents)")
        extras = []
        if info.emphasis:
            extras.append("emphasis " + ", ".join(f"{role} {_name(scale, c)}" for role, c in info.emphasis.items()))
        extras.append(f"final {_name(scale, info.final_cents)}")
        if info.omitted_cents:
            extras.append("never sounds " + ", ".join(f"{c:g}" for c in info.omitted_cents))
        lines.append("  " + "; ".join(extras))
    for s_i, section in enumerate(plan.sections):
        last_s = s_i == len(plan.sections) - 1
        branch = "└─" if last_s else "├─"
        head = f"{branch} section {section.name} ({section.role}), {_bars(section.start_bar, section.bars)}, {section.key}"
        if section.repeat_of and section.variation is not None:
            amount, keep = section.variation
            what = "rhythm kept, pitches changed" if keep == "rhythm" else "notes kept, ornamented"
            head += (f"; a variation of {section.repeat_of} ({section.kept_bars} of {section.bars} bars varied: "
                     f"{what}, amount {amount:g})")
        elif section.repeat_of:
            if section.kept_bars == section.bars:
                head += f"; repeats {section.repeat_of}"
            else:
                head += (f"; repeats {section.repeat_of} ({section.kept_bars} of {section.bars} bars kept, "
                         f"the rest written anew, vary {section.vary:g})")
        if section.chart:
            head += "; chords from the spec's chart"
        lines.append(head)
        stem = "   " if last_s else "│  "
        for p_i, phrase in enumerate(section.phrases):
            last_p = p_i == len(section.phrases) - 1
            pb = "└─" if last_p else "├─"
            lines.append(f"{stem}{pb} phrase {phrase.number}, {_bars(phrase.start_bar, phrase.bars)}, {phrase.key}: "
                         f"{CADENCE_LABELS.get(phrase.cadence, phrase.cadence)}"
                         + (f" ({'–'.join(c.roman for c in phrase.chords[-2:])})" if phrase.chords else ""))
            inner = stem + ("   " if last_p else "│  ")
            if phrase.modulation is not None:
                lines.append(f"{inner}modulation {phrase.modulation.from_key} -> {phrase.modulation.to_key}: "
                             f"{phrase.modulation.reason}")
            if phrase.kept_bars:
                src = plan.phrases[phrase.copy_of]
                lines.append(f"{inner}first {phrase.kept_bars} bar(s) copied from phrase {src.number} of section "
                             f"{src.section!r}")
            for m in phrase.motifs:
                lines.append(f"{inner}motif: bars {m.from_bar + 1}-{m.from_bar + m.bars} return at bar {m.to_bar + 1}"
                             + (f", {m.transpose:+d} scale steps" if m.transpose else ""))
            chords = []
            for c in phrase.chords:
                bar = int(c.offset / meter.bar_quarters) + 1
                beat = (c.offset % meter.bar_quarters) / meter.unit + 1
                where = f"{bar}" if beat == 1 else f"{bar} beat {float(beat):g}"
                chords.append(f"{where}: {c.roman} {c.chord.symbol} ({c.function})")
            for k in range(0, len(chords), 4):
                lines.append(f"{inner}{'; '.join(chords[k:k + 4])}")
            for note in _phrase_lines(phrase, fill):
                lines.append(f"{inner}note: {note}")
    for note in plan.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines)


def explain_json(plan: Plan, fill=None) -> dict:
    """The plan as plain data: form tree, keys and modulations, chords with Roman numerals and
    functions, cadences (for `explain --json`); with the fill's result, its notes on each phrase too."""
    meter = plan.meter

    def where(offset):
        bar = int(offset / meter.bar_quarters) + 1
        return {"bar": bar, "beat": float((offset % meter.bar_quarters) / meter.unit + 1)}

    sections = []
    for section in plan.sections:
        phrases = []
        for p in section.phrases:
            mod = p.modulation
            phrases.append({
                "number": p.number, "bars": [p.start_bar + 1, p.start_bar + p.bars], "key": str(p.key),
                "cadence": p.cadence, "cadence_name": CADENCE_LABELS.get(p.cadence, p.cadence),
                "chords": [{**where(c.offset), "duration_quarters": float(c.duration), "roman": c.roman,
                            "symbol": c.chord.symbol, "function": c.function} for c in p.chords],
                "modulation": None if mod is None else {
                    "from": str(mod.from_key), "to": str(mod.to_key), "path": list(mod.path),
                    "distance": mod.distance, "reason": mod.reason,
                    "pivot": None if mod.pivot is None else {"chord": mod.pivot.chord.symbol,
                                                             "from": mod.pivot.roman_from, "to": mod.pivot.roman_to}},
                "copied_bars": p.kept_bars, "copied_from_phrase": None if p.copy_of is None else p.copy_of + 1,
                "motifs": [{"from_bar": m.from_bar + 1, "to_bar": m.to_bar + 1, "bars": m.bars,
                            "transpose": m.transpose} for m in p.motifs],
                "notes": list(_phrase_lines(p, fill)),
            })
        sections.append({"name": section.name, "role": section.role, "bars": [section.start_bar + 1,
                         section.start_bar + section.bars], "key": str(section.key), "repeat_of": section.repeat_of,
                         "kept_bars": section.kept_bars, "chart": section.chart, "phrases": phrases})
    return {"title": plan.title, "key": str(plan.home_key), "meter": str(meter), "cycle": plan.cycle,
            "tempo_bpm": plan.tempo_bpm, "bars": plan.bars, "form": plan.form,
            "harmony": plan.harmony, "style": plan.style if plan.harmony == "functional" else None,
            "relaxes": [{"rule": r.rule, "between": r.between, "why": r.why, "source": r.source}
                        for r in grammar.load_chord_style(plan.style).relax] if plan.harmony == "functional" else [],
            "sections": sections, "notes": list(plan.notes)}
