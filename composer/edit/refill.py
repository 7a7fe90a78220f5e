"""Refill: write one region of a piece again, with everything outside it locked.

A region is some bars of one section in one melody part. The plan is the piece's own (its spec planned
again, checked against the piece file), so the region is written under the same hard constraints as
the first draft: range, scale and its movement rules, chord tones on strong beats, the leap limit, the
cadence target when the region reaches the end of a phrase, and the originality guard. The locked notes
around it are its context: the first new note must step from the last locked note before the region,
and the last new note must step to the first locked note after it, under the same leap and movement
rules; a draw that cannot join is drawn again.

`keep="rhythm"` keeps the onsets and durations and draws new pitches; `keep="pitch"` keeps every pitch,
in order, and draws a new rhythm with as many notes in each bar (a rhythm that would put a passing note
on a strong beat, where a chord tone is required, is drawn again; if no draw carries them all, the
refill stops with an error rather than change a pitch); `keep=None` draws both.
"""
from __future__ import annotations

import re
from dataclasses import replace
from fractions import Fraction

import numpy as np

from theory import Pitch

from ..arrange.heterophony import heterophony
from ..fill.constraints import build_problem
from ..fill.context import FILLERS, ChordLookup, filler_context, sampling_settings
from ..fill.decode import decode_pitches, step_ok
from ..fill.guard import guard_for
from ..fill.region import land_cadence
from ..fill.result import FillRecord
from ..fill.rhythm import phrase_rhythm, sample_bar
from ..plan.feasibility import backward_feasible
from ..plan.slots import plan_slots
from ..score.errors import ComposerError, UnsatisfiableError
from ..score.notes import Note, Part
from ..score.piece import PieceData
from ..score.rhythm import RhythmNote
from ..score.seeds import check_seed, next_refill_seed, refill_rng

KEEPS = ("rhythm", "pitch")
REFILL_ATTEMPTS = 12
BAR_DRAWS = 24               # keep=pitch: rhythms drawn per bar until one carries its pitches
REFILL_STAGE = 9000          # the region's rng streams, apart from compose's


class RefillError(ComposerError):
    """A refill that cannot be made: a piece without its plan, an unknown section or part, bars outside
    the section, or a region no draw could fill under the constraints."""


def parse_bars(bars) -> tuple[int, int] | None:
    """'5-8', '5', 5, (5, 8) -> (first, last), 1-based and inclusive; None stays None."""
    if bars is None:
        return None
    if isinstance(bars, bool):
        raise RefillError(f"bars must be 'A-B', one bar number or (A, B), received {bars!r}")
    if isinstance(bars, int):
        return bars, bars
    if isinstance(bars, (tuple, list)) and len(bars) == 2 and all(isinstance(b, int) and not isinstance(b, bool)
                                                                 for b in bars):
        return int(bars[0]), int(bars[1])
    m = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", str(bars)) if isinstance(bars, str) else None
    if not m:
        raise RefillError(f"bars must be 'A-B', one bar number or (A, B), received {bars!r}")
    return int(m.group(1)), int(m.group(2) or m.group(1))


def _section_and_bars(plan, section: str, bars) -> tuple[object, int, int]:
    """The section occurrence and the region's bars [first, end), 0-based, checked."""
    names = list(dict.fromkeys(s.name for s in plan.sections))
    found = [s for s in plan.sections if s.name == section]
    if not found:
        raise RefillError(f"no section {section!r} in this piece (sections: {', '.join(names)})")
    span = parse_bars(bars)

    def shown(s):
        return f"bars {s.start_bar + 1}-{s.start_bar + s.bars}"

    if span is None:
        if len(found) > 1:
            raise RefillError(f"section {section!r} occurs {len(found)} times ("
                              f"{', '.join(shown(s) for s in found)}): give bars to choose one")
        s = found[0]
        return s, s.start_bar, s.start_bar + s.bars
    first, last = span
    if first > last:
        raise RefillError(f"bars {first}-{last}: the first bar is after the last")
    for s in found:
        if s.start_bar + 1 <= first and last <= s.start_bar + s.bars:
            return s, first - 1, last
    raise RefillError(f"bars {first}-{last} are not inside section {section!r} "
                      f"({', '.join(shown(s) for s in found)}; bars are numbered from the start of the piece)")


def _melody_part(piece: PieceData, spec, part: str) -> tuple[Part, int]:
    melodies = [p for p in piece.parts if p.role == "melody"]
    chosen = next((p for p in melodies if p.name == part), None) or next((p for p in melodies if p.role == part), None)
    if chosen is None:
        accepted = ", ".join(dict.fromkeys(["melody"] + [p.name for p in melodies]))
        other = next((p for p in piece.parts if part in (p.name, p.role)), None)
        why = (f"part {part!r} is a {other.role} part, arranged from the plan: only melody parts are refilled"
               if other is not None else f"no part {part!r}")
        raise RefillError(f"{why} (accepted: {accepted})")
    index = next((i for i, p in enumerate(spec.parts) if p.name == chosen.name), None)
    if index is None:
        raise RefillError(f"part {chosen.name!r} is not in the piece's spec; the piece file does not match its spec")
    return chosen, index


def refill(piece: PieceData, section: str, bars=None, part: str = "melody", keep: str | None = None,
           seed: int | None = None, filler: str | None = None) -> PieceData:
    """See `Piece.refill`. Returns a new piece; `piece` is left as it was."""
    if piece.plan is None or piece.spec is None:
        why = piece.settings.get("plan_mismatch") or "it carries no spec (it was read from a file partita did not write)"
        raise RefillError(f"cannot refill this piece: {why}")
    if keep not in (None, *KEEPS):
        raise RefillError(f"keep must be one of {', '.join(KEEPS)} (or nothing, for new rhythm and pitch), "
                          f"received {keep!r}")
    if seed is None:
        seed = next_refill_seed(piece.seed, len(piece.settings.get("edits", [])))
    else:
        check_seed(seed, RefillError)
    filler = filler or piece.settings.get("filler", "neural")
    if filler not in FILLERS:
        raise RefillError(f"unknown filler {filler!r} (accepted: {', '.join(FILLERS)})")
    plan = piece.plan
    spec = piece.spec
    meter = plan.meter
    bar_q = meter.bar_quarters
    sec, b0, b1 = _section_and_bars(plan, section, bars)
    target, part_index = _melody_part(piece, spec, part)
    lead = next(p for p in piece.parts if p.role == "melody")
    if spec.harmony == "heterophony" and target is not lead:
        raise RefillError(f"part {target.name!r} shadows the lead {lead.name!r} (heterophony): refill "
                          f"{lead.name!r} and it follows (accepted: {lead.name!r})")
    r0, r1 = b0 * bar_q, b1 * bar_q
    notes = target.sorted_notes()
    if any(n.offset < r0 < n.end or n.offset < r1 < n.end for n in notes):
        raise RefillError(f"a note of part {target.name!r} is tied across the region's edge; choose whole bars "
                          f"that no note crosses")
    if keep != "rhythm" and any(n.lyric is not None for n in notes if r0 <= n.offset < r1):
        raise RefillError(f"part {target.name!r} sings words in bars {b0 + 1}-{b1}: refill it with keep='rhythm' "
                          f"(--keep rhythm), which keeps every syllable on its note and draws new pitches")
    slots = [s for s in plan_slots(plan, spec) if s.part_index == part_index and s.start < r1 and s.end > r0]
    sampling = sampling_settings(piece.settings.get("temperature", 1.0), piece.settings.get("top_p", 0.95))
    # The region draws its own rhythms (or keeps them): no batch of every slot's rhythm.
    ctx = filler_context(filler, plan, slots, seed, sampling, batch=False)
    lookup = ChordLookup(plan.chords)
    guard = guard_for(int(piece.settings.get("max_copied_run", spec.constraints.max_copied_run) or 0))
    record = FillRecord(piece.fill)          # the piece's notes and reasons, and the region's new ones
    before = [n for n in notes if n.offset < r0]
    after = [n for n in notes if n.offset >= r1]
    written: list[Note] = []
    for slot in slots:
        s0, s1 = max(r0, slot.start), min(r1, slot.end)
        old = [n for n in notes if s0 <= n.offset < s1]
        following = after[0].pitch.cents if s1 == r1 and after else None
        context = before + written
        new = _refill_slot(plan, slot, ctx, lookup, seed, part_index, s0, s1, old, context, following, keep, guard,
                           record)
        written.extend(new)
    parts = []
    for p in piece.parts:
        if p is target:
            parts.append(Part(p.name, p.role, p.instrument, before + written + after))
        elif spec.harmony == "heterophony" and p.role == "melody":
            parts.append(_rederive(plan, spec, p, before + written + after, r0, r1))
        else:
            parts.append(Part(p.name, p.role, p.instrument, list(p.notes)))
    edit = {"action": "refill", "section": sec.name, "bars": [b0 + 1, b1], "part": target.name, "keep": keep,
            "seed": seed, "filler": filler}
    settings = {k: v for k, v in piece.settings.items() if k not in ("provenance",)}
    settings["edits"] = list(piece.settings.get("edits", [])) + [edit]
    filled = dict(piece.fill.parts) if piece.fill is not None else {}
    filled[part_index] = tuple(before + written + after)
    return PieceData(piece.title, piece.meter, piece.tempo_bpm, piece.bars, parts, list(piece.chords), list(piece.keys),
                 plan, spec, piece.seed, settings, record.result(filled))


def _rederive(plan, spec, part: Part, lead: list[Note], r0: Fraction, r1: Fraction) -> Part:
    """A heterophonic part shadows the lead: inside the region it follows the new lead."""
    part_spec = next(p for p in spec.parts if p.name == part.name)
    fresh = [n for n in heterophony(lead, plan, part_spec) if r0 <= n.offset < r1]
    kept = [n for n in part.notes if not r0 <= n.offset < r1]
    return Part(part.name, part.role, part.instrument, sorted(kept + fresh, key=lambda n: (n.offset, n.pitch.cents)))


def _refill_slot(plan, slot, ctx, lookup, seed, part_index, s0, s1, old, context, following, keep, guard, record):
    """The new notes of one slot's part of the region, drawn until they meet every constraint and join."""
    meter = plan.meter
    bar_q = meter.bar_quarters
    phrase = slot.phrase
    first_bar, end_bar = int((s0 - slot.start) / bar_q), int((s1 - slot.start) / bar_q)
    # The cadence target binds only the phrase's last note.
    decode_slot = slot if s1 == slot.end else replace(slot, targets=None)
    previous = context[-1].pitch.cents if context else None
    problem_text = None
    for attempt in range(REFILL_ATTEMPTS):
        rng = refill_rng(seed, part_index, phrase.index, REFILL_STAGE + first_bar, attempt)
        rhythm = _rhythm(plan, slot, ctx, rng, old, first_bar, end_bar, keep, attempt, lookup, following)
        positions = [lookup.position(meter, offset, duration) for offset, duration in rhythm]
        fixed = {t: n.pitch.cents for t, n in enumerate(old)} if keep == "pitch" else None
        try:
            pitches = decode_pitches(plan, decode_slot, positions, previous, rng, record, following, fixed, ctx)
        except UnsatisfiableError as exc:
            problem_text = str(exc)
            continue
        if following is not None and not step_ok(slot.key, pitches[-1], following, slot.max_leap):
            problem_text = "the last new note cannot step to the locked note after the region"
            continue
        lyrics = [n.lyric for n in old] if keep in KEEPS and len(old) == len(pitches) else [None] * len(pitches)
        new = [Note(p.offset, p.duration, Pitch(c), slot.part.velocity, lyric)
               for p, c, lyric in zip(positions, pitches, lyrics)]
        if keep != "pitch" and attempt < 3 and len(new) == len(old) and all(
                a.pitch.cents == b.pitch.cents and a.offset == b.offset for a, b in zip(new, old)):
            problem_text = "the draw gave the old notes back"
            continue
        if guard is not None and guard.copy_in(context, new, slot.part.name) is not None:
            problem_text = f"every draw copied {guard.max_run} notes from a corpus tune"
            continue
        return new
    if keep == "pitch":
        problem_text = ("no new rhythm carried every pitch: one would put a passing note on a strong beat, "
                        "where a chord tone is required")
    raise RefillError(f"part {slot.part.name!r}, bars {int(s0 / bar_q) + 1}-{int(s1 / bar_q)}: no draw of "
                      f"{REFILL_ATTEMPTS} met the constraints and joined the locked notes ({problem_text}); "
                      f"try another seed, keep, or a wider region")


def _bar_of(meter, rng, in_bar: list[Note]) -> list[RhythmNote]:
    """A new rhythm for a bar's notes: as many notes, from the rules' grid, or (more notes than the grid
    holds: a neural rhythm in sixteenths) the bar's own note values in a new order."""
    drawn = sample_bar(meter, rng, (len(in_bar), len(in_bar))) if in_bar else []
    if len(drawn) == len(in_bar):
        return drawn
    order = rng.permutation(len(in_bar))
    at, drawn = Fraction(0), []
    for i in order:
        drawn.append(RhythmNote(at, in_bar[i].duration))
        at += in_bar[i].duration
    return drawn


def _carries(plan, slot, lookup, start, drawn: list[RhythmNote], in_bar: list[Note], after: float | None) -> bool:
    """Do the bar's pitches meet every constraint on this rhythm (and the last one join the next note)?"""
    if not in_bar:
        return True
    positions = [lookup.position(plan.meter, start + r.offset, r.duration) for r in drawn]
    pitches = [n.pitch.cents for n in in_bar]
    if after is not None:
        positions.append(lookup.position(plan.meter, start + plan.meter.bar_quarters, plan.meter.unit))
        pitches.append(after)
    problem = build_problem(slot.key, plan.meter, positions, slot.part.low, slot.part.high,
                            max_leap_semitones=slot.max_leap, strong_chord_tones=slot.strong_chord_tones,
                            every_chord=slot.chorale, blue_pcs=slot.blue_pcs, fixed=dict(enumerate(pitches)))
    if after is not None:
        problem.allowed[-1] = np.abs(problem.candidates.cents - after) < 0.5     # only the join is asked of it
    return bool(backward_feasible(problem.allowed, problem.edges)[0].any())


def _rhythm(plan, slot, ctx, rng, old, first_bar, end_bar, keep, attempt, lookup=None,
            following=None) -> list[tuple[Fraction, Fraction]]:
    """(onset, duration) of every note of the region's bars of one slot. For keep=pitch, each bar's
    rhythm is drawn until one carries the bar's pitches: every note where its chord allows it (a chord
    tone on a strong beat, a non-chord tone left by step)."""
    meter = plan.meter
    bar_q = meter.bar_quarters
    if keep == "rhythm":
        return [(n.offset, n.duration) for n in old]
    if keep == "pitch":
        bars = []
        for b in range(first_bar, end_bar):
            start = slot.start + b * bar_q
            in_bar = [n for n in old if start <= n.offset < start + bar_q]
            later = [n for n in old if n.offset >= start + bar_q]
            after = later[0].pitch.cents if later else following
            for _ in range(BAR_DRAWS):
                drawn = _bar_of(meter, rng, in_bar)
                if lookup is None or _carries(plan, slot, lookup, start, drawn, in_bar, after):
                    break
            bars.append(drawn)
    elif ctx.late_rhythm is not None:
        bars = list(ctx.late_rhythm(slot, attempt + 1))[first_bar:end_bar]
    else:
        bars = phrase_rhythm(meter, slot.phrase.bars, rng, slot.notes_per_bar, slot.motifs, first_bar,
                             even=slot.harmony == "colotomic", chorale=slot.chorale)[first_bar:end_bar]
    if keep != "pitch" and lookup is not None and end_bar == slot.phrase.bars and bars and bars[-1]:
        bars[-1] = land_cadence(plan, slot, [[]] * first_bar + list(bars), lookup)
    return [(slot.start + (first_bar + i) * bar_q + r.offset, r.duration) for i, bar in enumerate(bars) for r in bar]
