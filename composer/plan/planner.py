"""The planner: form -> sections and phrases -> key path -> chords, returned as a frozen `Plan`.

Every step is a pure function of the spec and an explicit rng. Each phrase is built once, with
everything decided about it (its key, modulation, the bars it copies, its chords and cadence,
what the planner noted); `explain` prints the plan and the fillers read it.
"""
from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from theory import Key, Meter

from .. import grammar
from ..score.errors import ComposerError
from ..score.limits import check_bars
from ..score.notes import ChordEvent
from ..spec.model import Spec
from .contour import plan_contour
from .fit import fit_plan
from .form import SectionDef, _chart_bars, resolve_sections, split_bars
from .harmony import (
    ChordGraphArrays,
    HarmonicSlot,
    bar_slots,
    chart_events,
    classify_cadence,
    harmonic_slots,
    modal_cadence,
    walk_chords,
)
from .keygraph import plan_modulation, resolve_key
from .model import BarMotif, Pedal, PhrasePlan, Plan, SectionPlan
from .motifs import PhraseShape, describe, section_motifs


def plan_piece(spec: Spec, rng: np.random.Generator) -> Plan:
    """The plan of a spec. With a `duration`, the bars, tempo and phrase lengths are chosen to fit it
    and its cues (see `fit`)."""
    section_defs = resolve_sections(spec)
    if spec.duration_s is None:
        plan = _plan(spec, rng, section_defs, spec.tempo_bpm)
    else:
        plan = fit_plan(spec, section_defs, lambda defs, tempo, r: _plan(spec, r, defs, tempo), rng)
    plan = plan_gushes(plan)
    if spec.sections and spec.sections[0].unmetered and plan.sections:
        first = replace(plan.sections[0], unmetered=True)
        plan = replace(plan, sections=(first,) + plan.sections[1:],
                       notes=plan.notes + (f"section {first.name!r}: unmetered, in free rhythm over the drone, "
                                           f"before the cycle starts",))
    top = next((p.high.cents for p in spec.parts if p.role == "melody"), None)
    return plan_contour(plan, rng, top)


def plan_gushes(plan: Plan) -> Plan:
    """A dastgah's gushes over the sections (`gushes` in the pack): the first section in the daramad, each
    later one in the next gushe, centred on its own shahed, and the last back in the daramad for the forud.
    A section that repeats another keeps that one's gushe. Only where every phrase is in the home mode."""
    gushes = plan.home_key.info.gushes
    if len(gushes) < 2 or len(plan.sections) < 2 or any(p.key != plan.home_key for p in plan.phrases):
        return plan
    chosen: dict[str, tuple[str, float]] = {}
    phrases = list(plan.phrases)
    step = 0
    for i, section in enumerate(plan.sections):
        if i == len(plan.sections) - 1:
            gushe = gushes[0]
        elif section.repeat_of is not None and section.repeat_of in chosen:
            gushe = chosen[section.repeat_of]
        else:
            gushe = gushes[min(step, len(gushes) - 1)]
            step += 1
        chosen.setdefault(section.name, gushe)
        scale = plan.home_key.scale
        index = scale.degree_of(gushe[1])
        name = scale.degree_names[index] if index is not None and scale.degree_names else f"{gushe[1]:g} cents"
        note = f"gushe {gushe[0]}: centred on its shahed, degree {name}"
        for p in section.phrases:
            phrases[p.index] = replace(phrases[p.index], gushe=gushe, notes=phrases[p.index].notes + (note,))
    return plan.with_phrases(phrases)


def _plan(spec: Spec, rng: np.random.Generator, section_defs: list[SectionDef], tempo_bpm: float) -> Plan:
    meter, home = spec.meter, spec.key
    style = grammar.load_chord_style(spec.style) if spec.harmony == "functional" else None
    arrays_cache: dict[str, ChordGraphArrays] = {}

    def arrays_for(key: Key) -> ChordGraphArrays:
        variant = grammar.variant_for_key(style, key)
        if variant.variant not in arrays_cache:
            arrays_cache[variant.variant] = ChordGraphArrays(variant)
        return arrays_cache[variant.variant]

    sections: list[SectionPlan] = []
    phrases: list[PhrasePlan] = []
    by_name: dict[str, SectionPlan] = {}
    bar = 0
    prev_key: Key | None = None
    prev_chord: str | None = None
    notes: list[str] = list(spec.notices)
    check_bars(sum(p[0] for d in section_defs for p in d.phrases), sum(p.role != "percussion" for p in spec.parts))
    last_section = section_defs[-1] if section_defs else None
    table = grammar.load_schemes(grammar.load_idiom(spec.idiom).schemes if spec.idiom else "folk")
    final_bar = sum(p[0] for d in section_defs for p in d.phrases) - 1
    first_end: tuple[BarMotif, ...] | None = None
    letters = 0      # the motif letters stated so far: each section's new material takes the next ones
    for sdef in section_defs:
        section_key = resolve_key(home, sdef.key, prev_key, rng)
        phrase_defs = list(sdef.phrases)
        if sdef.chords is not None and phrase_defs and phrase_defs[0][0] == 0:
            total = _chart_bars(sdef.chords, section_key, meter)
            phrase_defs = split_bars(total, min(4, total), phrase_defs[-1][1])
        total_bars = sum(p[0] for p in phrase_defs)
        source = by_name.get(sdef.repeat) if sdef.repeat else None
        kept = 0
        if source is not None and source.key.mode != section_key.mode:
            notes.append(f"section {sdef.name}: repeats {source.name} in {section_key}, a different mode from "
                         f"{source.key}; written anew on the same plan")
            source = None
        if source is not None:
            kept = min(source.bars, total_bars - math.ceil(sdef.vary * total_bars - 1e-9))
            src_last = source.phrases[-1]
            if spec.harmony == "functional":
                same_cadence = src_last.cadence == phrase_defs[-1][1]
            else:   # no chords: every phrase rests on the final or an emphasised note, the last on the final
                same_cadence = src_last.cadence == modal_cadence(section_key, True, sdef is last_section)
            same_end = kept == total_bars == source.bars and same_cadence
            if not same_end and kept > total_bars - 2:
                kept = max(0, total_bars - 2)
        variation = sdef.variation if source is not None else None
        section_phrases: list[PhrasePlan] = []
        chart = chart_events(sdef.chords, section_key, meter, total_bars) if sdef.chords is not None else None
        motifs: dict[int, BarMotif] = {}
        if not sdef.motifs:     # a section's own motifs (the spec's or the form's) replace the plan's
            shapes, at = [], 0
            for pbars, _, _ in phrase_defs:
                shapes.append(PhraseShape(bar + at, pbars, max(0, min(pbars, kept - at)) if source is not None else 0))
                at += pbars
            motifs, letters = section_motifs(shapes, table, rng, first_end, final_bar, letters)
            ends = [b for b in range(bar + total_bars - 2 * table.unit_bars, bar + total_bars)]
            if first_end is None and all(b in motifs for b in ends):
                first_end = tuple(motifs[b] for b in ends)
        phrase_start = 0
        for number, (pbars, cadence, pkey_text) in enumerate(phrase_defs, start=1):
            pkey = resolve_key(home, pkey_text, prev_key, rng) if pkey_text else section_key
            phrase = PhrasePlan(len(phrases), sdef.name, number, bar + phrase_start, pbars, pkey, cadence,
                                modulation=plan_modulation(prev_key, pkey) if prev_key is not None and pkey != prev_key
                                else None,
                                motifs=tuple(m for m in sdef.motifs if m.from_bar >= 0 and m.to_bar + m.bars <= pbars),
                                chart=chart is not None)
            phrase_notes: list[str] = []
            phrase_kept = max(0, min(pbars, kept - phrase_start))
            src_phrase = _phrase_at(source, phrase_start) if source is not None and phrase_kept else None
            if src_phrase is not None and src_phrase.start_bar - source.start_bar != phrase_start:
                src_phrase = None      # the phrases do not line up (a fitted repeat of another length)
            if src_phrase is not None:
                phrase_kept = min(phrase_kept, src_phrase.bars)   # a copy never runs past its source phrase
                ends_otherwise = src_phrase.bars != pbars or (spec.harmony == "functional"
                                                               and src_phrase.cadence != cadence)
                if phrase_kept == pbars and ends_otherwise:
                    phrase_kept = pbars - 1     # the phrase ends on its own cadence: its last bar is new
            if src_phrase is not None and src_phrase.key.mode != pkey.mode:
                phrase_notes.append(f"not copied from phrase {src_phrase.number} of section {src_phrase.section!r}: "
                                    f"{src_phrase.key} is another mode")
                src_phrase = None
            if src_phrase is not None:
                phrase = replace(phrase, kept_bars=phrase_kept, copy_of=src_phrase.index, variation=variation)
            scheme = tuple(motifs[b] for b in range(phrase.start_bar, phrase.start_bar + pbars) if b in motifs)
            if scheme:
                phrase = replace(phrase, scheme=scheme)
                phrase_notes.append("motifs: " + describe(list(scheme), table.unit_bars))
            if chart is not None:
                chords = _chart_chords(phrase, chart, phrase_start, meter)
                phrase = replace(phrase, chords=chords, cadence=classify_cadence(phrase.key, [c.chord for c in chords]))
                prev_chord = None
            elif spec.harmony != "functional":
                # A drone, heterophony or colotomic tradition: no chord progression under the melody.
                phrase = replace(phrase, cadence=modal_cadence(pkey, number == len(phrase_defs),
                                                               sdef is last_section))
                prev_chord = None
            else:
                chords, prev_chord, relaxed, turned = _walk_phrase(
                    phrase, meter, arrays_for(pkey), rng, prev_chord, src_phrase, notes, chorale=spec.texture == "satb",
                    earlier=phrases, final=sdef is last_section and number == len(phrase_defs))
                phrase = replace(phrase, chords=chords)
                if turned is not None:
                    source = next(m.source for m in phrase.scheme if m.bar == turned)
                    phrase_notes.append(f"bar {turned + 1} restates bar {source + 1} over its chord, "
                                        f"then turns to the cadence in its second half")
                if relaxed:
                    phrase_notes.append(relaxed)
            phrase = replace(phrase, notes=tuple(phrase_notes))
            section_phrases.append(phrase)
            phrases.append(phrase)
            prev_key = pkey
            phrase_start += pbars
        section = SectionPlan(sdef.name, sdef.role, bar, total_bars, section_key, tuple(section_phrases), sdef.repeat,
                              sdef.vary, kept, chart=sdef.chords is not None, variation=variation)
        sections.append(section)
        by_name[sdef.name] = section
        bar += total_bars
    if not phrases:
        raise ComposerError("the piece has no bars: give a form or sections with bars")
    # A dominant pedal is a keyboard's or an orchestra's device: a chorale's bass keeps singing its line.
    pedals = _pedals(sections, meter, style) if style is not None and spec.texture != "satb" else ()
    notes = notes + [p.reason for p in pedals]
    return Plan(spec.title, meter, tempo_bpm, home, spec.form, spec.style, tuple(sections), tuple(phrases), bar,
                tuple(notes), spec.harmony, spec.cycle.name if spec.cycle else None, pedals=pedals)


def _pedals(sections: list[SectionPlan], meter: Meter, style) -> tuple[Pedal, ...]:
    """A dominant pedal over the last bars before each return of the opening (the style's `pedal:
    {dominant_before_return: BARS}`): the retransition of a rounded binary or ternary form, the bass
    holding the returning key's dominant while the harmony above leads back."""
    bars = style.dominant_pedal_bars
    out = []
    for before, section in zip(sections, sections[1:]):
        if not bars or section.role != "return" or before.bars < 2:
            continue
        span = min(bars, before.bars - 1)
        start = (before.start_bar + before.bars - span) * meter.bar_quarters
        end = (before.start_bar + before.bars) * meter.bar_quarters
        pc = (section.key.tonic_cents + 700.0) % 1200.0
        name = section.key.spell(round(pc / 100.0)).name
        first = before.start_bar + before.bars - span + 1
        where = f"bar {first}" if span == 1 else f"bars {first}-{before.start_bar + before.bars}"
        out.append(Pedal(start, end, pc, f"dominant pedal: {name} held in the bass, {where}, before the return "
                                          f"of the opening in section {section.name!r} ({section.key})"))
    return tuple(out)


def _phrase_at(section: SectionPlan, bar_in_section: int) -> PhrasePlan | None:
    for p in section.phrases:
        if p.start_bar - section.start_bar <= bar_in_section < p.start_bar - section.start_bar + p.bars:
            return p
    return None


def _chart_chords(phrase: PhrasePlan, chart, phrase_start: int, meter: Meter) -> tuple[ChordEvent, ...]:
    """The chart's chords that sound in a phrase, analysed in its key."""
    start = phrase_start * meter.bar_quarters
    end = start + phrase.bars * meter.bar_quarters
    section_offset = phrase.offset(meter) - start
    chords = []
    for offset, length, item in chart:
        lo, hi = max(offset, start), min(offset + length, end)
        if lo < hi:
            roman = item.roman or phrase.key.roman(item.chord)
            chords.append(ChordEvent(section_offset + lo, hi - lo, item.chord, phrase.key, roman, "chart"))
    return tuple(chords)


def _copy_motif_chords(phrase: PhrasePlan, slots, walk, meter: Meter, arrays: ChordGraphArrays,
                       earlier: list[PhrasePlan], rng: np.random.Generator, previous, first, fixed: dict[int, str]):
    """(walk, copies kept, copies wanted): the returning bars' chords copied into the walk, kept where the
    walk still reaches its cadence on the style's graph."""
    copied = _motif_chords(phrase, slots, walk.names, meter, arrays, earlier)
    if first is not None:
        copied.pop(0, None)        # a modulating phrase enters its key on the pivot chord
    if not copied or all(walk.names[t] == n for t, n in copied.items()) or walk.relaxed:
        return walk, {t: n for t, n in copied.items() if walk.names[t] == n}, len(copied)
    # All the copies at once; else those before the cadence's formula, whose last chords the cadence
    # chooses; else the ones the walk happens to share.
    formula = max(len(f) for f in arrays.variant.cadences[phrase.cadence].formulas) \
        if phrase.cadence in arrays.variant.cadences else 1
    early = {t: n for t, n in copied.items() if t < len(slots) - formula}
    for wish in (copied, early) if early != copied else (copied,):
        if not wish:
            continue
        start = None if 0 in wish else previous   # a return may restate the chord the phrase before ended on
        try:
            again = walk_chords(arrays, len(slots), phrase.cadence, rng, previous=start, first=first,
                                fixed={**wish, **fixed}, strict=True)
        except ComposerError:        # no walk on the graph joins these chords to the cadence
            continue
        return again, dict(wish), len(copied)
    return walk, {t: n for t, n in copied.items() if walk.names[t] == n}, len(copied)


def _cadence_in_turn(phrase: PhrasePlan, slots, walk, meter: Meter, arrays: ChordGraphArrays,
                     earlier: list[PhrasePlan], rng: np.random.Generator, previous, first, fixed: dict[int, str]):
    """(slots, walk, the bar that turned): where the cadence's formula took the chord of a bar before the last
    that returns to an earlier bar, that bar split in two, its first half keeping its source's chord and its
    second turning to the cadence (a tune restates its opening bar's start, then turns to close: bar 7 as
    bar 3, V in its second half, I in bar 8). Unchanged, and None for the bar, when the bar kept its chord
    or no walk joins its source's to the cadence."""
    turn = phrase.bars - 2
    wanted = _motif_chords(phrase, slots, walk.names, meter, arrays, earlier)
    if first is not None:
        wanted.pop(0, None)
    if all(walk.names[t] == n for t, n in wanted.items() if slots[t].bar == turn) or \
            not any(slots[t].bar == turn for t in wanted):
        return slots, walk, None
    at = next(t for t, s in enumerate(slots) if s.bar == turn)
    split = [*slots[:at], *bar_slots(meter, turn, 2), *slots[at + 1:]]
    copied = _split_chords(phrase, slots, split, walk, meter, arrays, earlier, first)
    if at not in copied:
        return slots, walk, None       # the source's chord is not one this phrase's graph has
    # The returns up to the turn keep their sources' chords, and a source in this phrase keeps its own; the
    # turn's second half and the last bar are the cadence's.
    start = phrase.start_bar
    inside = {m.source for m in phrase.scheme if m.source is not None and start <= m.source < start + phrase.bars}
    copied = {**{t: walk.names[t] for t in range(at) if start + slots[t].bar in inside},
              **{t: n for t, n in copied.items() if t <= at}}
    again = _rewalk(arrays, phrase, split, rng, previous, first, copied, fixed)
    if again is None:            # no walk on the graph joins the source's chord to the cadence
        return slots, walk, None
    return split, again, phrase.start_bar + turn


def _split_chords(phrase: PhrasePlan, slots, split, walk, meter: Meter, arrays: ChordGraphArrays,
                  earlier: list[PhrasePlan], first) -> dict[int, str]:
    """Slot of `split` (a new division of the phrase's `slots`) -> chord, for the slots of bars that return to
    an earlier bar: their sources' chords (`_motif_chords`), the opening one left to `first` where it is given."""
    names = dict(zip(((h.bar, h.offset_in_bar) for h in slots), walk.names))
    copied = _motif_chords(phrase, split, [names.get((h.bar, h.offset_in_bar)) for h in split], meter, arrays,
                           earlier)
    if first is not None:
        copied.pop(0, None)
    return copied


def _rewalk(arrays: ChordGraphArrays, phrase: PhrasePlan, split, rng: np.random.Generator, previous, first,
            copied: dict[int, str], fixed: dict[int, str]):
    """The phrase's chords walked again over `split`, the returning bars' chords (`copied`: the walk from the
    chord before the phrase only where its first is not one of them) and the `fixed` ones kept, strictly on
    the graph; None where no walk joins them to the cadence."""
    try:
        return walk_chords(arrays, len(split), phrase.cadence, rng, previous=None if 0 in copied else previous,
                           first=first, fixed={**copied, **fixed}, strict=True)
    except ComposerError:
        return None


def _motif_chords(phrase: PhrasePlan, slots, names: list[str], meter: Meter, arrays: ChordGraphArrays,
                  earlier: list[PhrasePlan]) -> dict[int, str]:
    """Harmonic slot -> chord for the slots of bars that return to an earlier bar: the source bar's chord at
    the same point of the bar (from an earlier phrase in the same mode, or this phrase's first walk), moved
    by a sequence's steps when the graph has that chord; the cadence's slots are left to the cadence."""
    start = phrase.start_bar
    here = {(start + s.bar, s.offset_in_bar): names[t] for t, s in enumerate(slots)}
    sources = {m.source for m in phrase.scheme if m.source is not None}
    for p in earlier:
        # A return in another key of the same mode is moved there, as a repeat is.
        if p.key.mode == phrase.key.mode and any(p.start_bar <= b < p.start_bar + p.bars for b in sources):
            for c in p.chords:
                rel = c.offset - p.offset(meter)
                bar = p.start_bar + int(rel // meter.bar_quarters)
                here.setdefault((bar, rel - (bar - p.start_bar) * meter.bar_quarters), c.roman)
    by_motif = {m.bar: m for m in phrase.scheme}
    out = {}
    for t, s in enumerate(slots):
        motif = by_motif.get(start + s.bar)
        if motif is None or motif.source is None:
            continue
        name = here.get((motif.source, s.offset_in_bar))
        if name is not None and motif.kind == "sequence":
            name = _shifted(arrays, phrase.key, name, motif.steps)
        if name is not None and name in arrays.index:
            out[t] = name
    return out


def _shifted(arrays: ChordGraphArrays, key: Key, name: str, steps: int) -> str | None:
    """The graph's chord whose root lies `steps` scale steps from `name`'s root, of the same size (triad or
    seventh); None when the graph has none."""
    try:
        chord = key.chord(name)
    except Exception:  # noqa: BLE001 - a node that is not a Roman numeral
        return None
    degrees = [round(c) % 1200 for c in key.scale.degree_cents]
    root = round(chord.root_pc * 100.0 - key.tonic_cents) % 1200
    if root not in degrees:
        return None
    target = degrees[(degrees.index(root) + steps) % len(degrees)]
    for other in arrays.names:
        try:
            c = key.chord(other)
        except Exception:  # noqa: BLE001
            continue
        if round(c.root_pc * 100.0 - key.tonic_cents) % 1200 == target and len(c.intervals) == len(chord.intervals) \
                and c.bass is None:
            return other
    return None


def _node_for(arrays: ChordGraphArrays, key: Key, chord) -> str | None:
    """The chord-graph node that sounds `chord` (the triad itself, or a seventh chord on it)."""
    want = {round(c) % 1200 for c in chord.pitch_classes_cents}
    best = None
    for name in arrays.names:
        try:
            node_chord = key.chord(name)
        except Exception:  # noqa: BLE001 - a node that is not a Roman numeral cannot be a pivot
            continue
        have = {round(c) % 1200 for c in node_chord.pitch_classes_cents}
        if node_chord.root_pc == chord.root_pc and want <= have and node_chord.bass is None:
            if best is None or len(have) < best[0]:
                best = (len(have), name)
    return best[1] if best else None


def _walk_phrase(phrase: PhrasePlan, meter: Meter, arrays: ChordGraphArrays, rng: np.random.Generator,
                 prev_chord: str | None, src_phrase: PhrasePlan | None,
                 notes: list[str], chorale: bool = False, earlier: list[PhrasePlan] = (), final: bool = False
                 ) -> tuple[tuple[ChordEvent, ...], str, str | None, int | None]:
    """The phrase's chords, walked on the style's graph to its cadence; the last chord's name; a note
    when the walk had to relax the graph (None when it did not); and the bar (of the piece) that turned to the
    cadence in its second half (`_cadence_in_turn`), or None. A pivot the graph lacks is noted in `notes`.
    A chorale (`chorale`) changes chord on every beat, as a hymn's harmony does. The piece's `final` phrase
    keeps its last chord a whole bar."""
    variant = arrays.variant
    formula_len = max(len(f) for f in variant.cadences[phrase.cadence].formulas) if phrase.cadence in variant.cadences else 1
    per_bar = meter.beat_count if chorale else variant.chords_per_bar
    slots = harmonic_slots(meter, phrase.bars, per_bar, min_slots=min(2, formula_len))
    fixed: dict[int, str] = {}
    if src_phrase is not None and phrase.kept_bars:
        # The kept bars keep their source's harmonic rhythm (a cadence bar the source split in two), so that
        # the copied melody sounds over the chords it was written on.
        base = src_phrase.offset(meter)
        copied = [HarmonicSlot(int((c.offset - base) // meter.bar_quarters), (c.offset - base) % meter.bar_quarters,
                               c.duration) for c in src_phrase.chords]
        copied = [h for h in copied if h.bar < phrase.kept_bars]
        if len(copied) != sum(h.bar < phrase.kept_bars for h in slots):
            slots = copied + [h for h in slots if h.bar >= phrase.kept_bars]
    if src_phrase is not None:
        src_by_pos = {(c.offset - src_phrase.offset(meter)): c for c in src_phrase.chords}
        for t, s in enumerate(slots):
            if s.bar < phrase.kept_bars:
                src = src_by_pos.get(s.bar * meter.bar_quarters + s.offset_in_bar)
                if src is not None:
                    fixed[t] = src.roman
    first = previous = None
    if phrase.modulation is not None and 0 not in fixed:
        pivot = phrase.modulation.pivot
        node = _node_for(arrays, phrase.key, pivot.chord) if pivot is not None else None
        if node is not None:
            first = node
        else:
            first = next((n for n in ("V7", "V") if n in arrays.index), None)
            if pivot is not None:
                notes.append(f"phrase {phrase.index + 1}: pivot {pivot.roman_to} is not in the style's chord graph; "
                             f"entered {phrase.key} through its dominant")
    elif 0 not in fixed:
        previous = prev_chord
    walk = walk_chords(arrays, len(slots), phrase.cadence, rng, previous=previous, first=first, fixed=fixed)
    turned = None
    if phrase.scheme:
        # Bars that return to earlier bars take their chords too (moved by the sequence's steps), so that the
        # melody's return fits its harmony.
        walk, kept, wanted = _copy_motif_chords(phrase, slots, walk, meter, arrays, earlier, rng, previous, first,
                                                fixed)
        lost = {t for t in range(len(slots)) if slots[t].bar == phrase.bars - 2} - set(kept)
        returning = {m.bar - phrase.start_bar for m in phrase.scheme if m.source is not None}
        if len(kept) < wanted and phrase.bars - 2 in returning and lost and len(slots) >= 2 \
                and slots[-1].offset_in_bar == 0 and meter.beat_count > 1 and slots[-2].bar == phrase.bars - 2 \
                and not chorale and not final and per_bar == 1:
            # The cadence's formula took a returning bar's chord: with the cadence's chords both in the last
            # bar, the bar before it is free to restate its source's harmony (in a style of one chord a bar;
            # where chords change twice a bar, the cadence's chord holds its bar).
            split = harmonic_slots(meter, phrase.bars, per_bar, min_slots=len(slots) + 1)
            if meter.strength(split[-1].offset_in_bar) < 0.5:
                split = None      # the final chord would come on a weak beat: no cadence lands there
            if split:
                copied = _split_chords(phrase, slots, split, walk, meter, arrays, earlier, first)
                walk2 = _rewalk(arrays, phrase, split, rng, previous, first, copied, fixed) \
                    if len(copied) > len(kept) else None
                if walk2 is not None:
                    slots, walk = split, walk2
        if phrase.bars - 2 in returning and per_bar == 1 and not chorale and meter.beat_count > 1 \
                and phrase.kept_bars <= phrase.bars - 2:
            slots, walk, turned = _cadence_in_turn(phrase, slots, walk, meter, arrays, earlier, rng, previous, first,
                                                   fixed)
    base = phrase.offset(meter)
    chords = tuple(
        ChordEvent(base + s.bar * meter.bar_quarters + s.offset_in_bar, s.duration, phrase.key.chord(name),
                   phrase.key, name, variant.functions.get(name, "other"))
        for s, name in zip(slots, walk.names))
    return chords, walk.names[-1], walk.relaxed or None, turned
