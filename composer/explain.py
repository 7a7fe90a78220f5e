"""Explanations of a plan, in words: the form tree, keys and modulations, chords with
Roman numerals and functions, and cadences by name."""
from __future__ import annotations

from .harmony import CADENCE_LABELS
from .plan import Plan


def _bars(start: int, count: int) -> str:
    return f"bar {start + 1}" if count == 1 else f"bars {start + 1}-{start + count}"


def explain_text(plan: Plan) -> str:
    if plan is None:
        return "(no plan)"
    meter = plan.meter
    lines = [
        f"{plan.title}",
        f"  key {plan.home_key}, meter {meter}, tempo {plan.tempo_bpm:g} bpm, {plan.bars} bars, "
        f"form {plan.form or '(sections given by the spec)'}, chord style {plan.style}",
    ]
    for s_i, section in enumerate(plan.sections):
        last_s = s_i == len(plan.sections) - 1
        branch = "└─" if last_s else "├─"
        head = f"{branch} section {section.name} ({section.role}), {_bars(section.start_bar, section.bars)}, {section.key}"
        if section.repeat_of:
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
                lines.append(f"{inner}first {phrase.kept_bars} bar(s) copied from phrase {phrase.copy_of + 1}")
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
            for note in phrase.notes:
                lines.append(f"{inner}note: {note}")
    for note in plan.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines)
