"""compose(): a spec in, a `Piece` out. Each stage returns what it decided, and this chains them:

    plan_piece(spec, rng) -> Plan                  (frozen: form, keys, chords, cues)
    plan_slots(plan, spec) -> slots; precheck       (impossible requests found before decoding)
    fill_melody(plan, slots, ...) -> FillResult     (each melody part's notes and why)
    arrange_parts(plan, spec, melodies) -> notes    (the voice-led bass and chords, drone, percussion...)

No file is written here.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from theory import Pitch

from .arrange import arrange_parts
from .fill.context import DEFAULT_FILLER, FILLERS, sampling_settings
from .fill.guard import guard_for
from .fill.melody import fill_melody
from .fill.ornaments import ornament_melody
from .fill.precheck import precheck
from .fill.result import FillResult
from .models.corpus_index import DEFAULT_INDEX, MIN_MAX_COPIED_RUN
from .piece import Piece
from .plan.planner import plan_piece
from .plan.slots import plan_slots
from .score.errors import ComposerError
from .score.limits import DEFAULT_TIME_BUDGET_S, Budget, check_notes
from .score.notes import Instrument, KeyChange, Part
from .score.seeds import check_seed, plan_rng
from .spec.load import load_spec
from .spec.model import Spec


def compose(spec: str | Path | dict | Spec, seed: int | None = None, filler: str = DEFAULT_FILLER,
            time_budget_s: float | Budget | None = DEFAULT_TIME_BUDGET_S, temperature: float = 1.0,
            top_p: float = 0.95, max_copied_run: int | None = None) -> Piece:
    """Compose a piece from a spec (a YAML path, YAML text, a dict or a loaded `Spec`).

    `seed` overrides the spec's seed; the same spec and seed give the same piece.
    `filler` chooses what writes the melodies: 'neural' (the trained rhythm and melody models, whose
    choices are masked by the hard constraints) or 'rules' (hand weights under the same constraints).
    `temperature` and `top_p` shape the neural filler's draws (lower: safer, more predictable).
    `time_budget_s` bounds the time compose may take (None: no bound); past it, LimitError. A `Budget`
    given instead is shared with what comes after (the command line's budget covers writing the files).
    `max_copied_run` overrides the spec's `constraints.max_copied_run` (default 16 notes; 0: off): a
    melody slot that copies a run that long from a tune of the models' training corpora is drawn
    again. `piece.originality` reports the longest copied run.
    """
    budget = time_budget_s if isinstance(time_budget_s, Budget) else Budget(time_budget_s)
    if filler not in FILLERS:
        raise ComposerError(f"unknown filler {filler!r} (accepted: {', '.join(FILLERS)})")
    sampling = sampling_settings(temperature, top_p)
    spec_obj = spec if isinstance(spec, Spec) else load_spec(spec)
    if seed is not None:
        spec_obj = replace(spec_obj, seed=check_seed(seed))
    guard_run = spec_obj.constraints.max_copied_run if max_copied_run is None else max_copied_run
    if isinstance(guard_run, bool) or not isinstance(guard_run, int) or guard_run < 0:
        raise ComposerError(f"max_copied_run must be 0 (the guard off) or an integer from {MIN_MAX_COPIED_RUN}, "
                            f"received {guard_run!r}")
    guard = guard_for(guard_run)            # refuses 1 to 3: too short to tell a copy from chance
    plan = plan_piece(spec_obj, plan_rng(spec_obj.seed))
    slots = plan_slots(plan, spec_obj)
    precheck(plan, slots)
    budget.check("after planning")
    lead: list | None = None
    filled: list[FillResult] = []
    melodies: dict[int, list] = {}
    for i, part in enumerate(spec_obj.parts):
        if part.role == "melody" and (lead is None or spec_obj.harmony != "heterophony"):
            melody = fill_melody(plan, [s for s in slots if s.part_index == i], spec_obj.seed, filler, sampling,
                                 guard, lead=lead is None)
            filled.append(melody)
            melodies[i] = list(melody.parts.get(i, ()))
            lead = melodies[i] if lead is None else lead
            budget.check(f"after part {part.name!r}")
    arranged = arrange_parts(plan, spec_obj, melodies)
    for i in melodies:
        # Ornaments are the melody's performance: they bend inside notes and change no pitch or time, so the
        # parts arranged against the melody are the same with them.
        melodies[i], lines = ornament_melody(plan, melodies[i], spec_obj.seed, i)
        if lines:
            filled.append(FillResult(phrase_notes={plan.phrases[0].index: tuple(
                f"{spec_obj.parts[i].name}: ornaments: {line}" for line in lines)}))
    parts = []
    total_notes = 0
    for i, part in enumerate(spec_obj.parts):
        notes = melodies[i] if i in melodies else arranged[i]
        total_notes += len(notes)
        check_notes(total_notes)
        budget.check(f"after part {part.name!r}")
        inst = part.instrument
        instrument = Instrument(inst.musicxml_name, inst.program, Pitch.from_name(inst.low), Pitch.from_name(inst.high))
        parts.append(Part(part.name, part.role, instrument, notes))
    keys = []
    for phrase in plan.phrases:
        if not keys or keys[-1].key != phrase.key:
            keys.append(KeyChange(phrase.offset(plan.meter), phrase.key))
    settings = {"filler": filler, "temperature": sampling.temperature, "top_p": sampling.top_p,
                "max_copied_run": guard_run, "resampled_slots": guard.resampled if guard else 0,
                "originality_index": DEFAULT_INDEX}
    return Piece(plan.title, plan.meter, plan.tempo_bpm, plan.bars, parts, plan.chords, keys, plan, spec_obj,
                 spec_obj.seed, settings, FillResult.combine(filled))


__all__ = ["compose"]
