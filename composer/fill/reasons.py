"""Why a note is what it is (`partita explain --note`): the hard constraints that shaped each decoded
note, as the fill recorded them in its `FillResult`, put into words."""
from __future__ import annotations

from fractions import Fraction

from theory import Pitch

from ..plan.slots import note_name
from ..score.errors import ComposerError


def explain_note(piece, bar: int, beat: float = 1.0, part: str | None = None) -> str:
    """Why the melody note sounding at bar/beat is what it is: the hard constraints that shaped it."""
    plan, meter = piece.plan, piece.meter
    if not 1 <= bar <= plan.bars:
        raise ComposerError(f"--note: bar {bar} is outside the piece (bars 1-{plan.bars})")
    melodies = [p for p in piece.parts if p.role == "melody" and (part is None or p.name == part)]
    if not melodies:
        names = ", ".join(p.name for p in piece.parts if p.role == "melody")
        raise ComposerError(f"--part: no melody part {part!r} (melody parts: {names})")
    target = (bar - 1) * meter.bar_quarters + (Fraction(str(beat)) - 1) * meter.unit
    mel = melodies[0]
    sounding = [n for n in mel.sorted_notes() if n.offset <= target < n.end]
    if not sounding:
        raise ComposerError(f"--note: no note of {mel.name!r} sounds at bar {bar} beat {beat:g}")
    note = sounding[0]
    phrase = next(p for p in plan.phrases if p.offset(meter) <= note.offset < p.end(meter))
    key = piece.key_at(note.offset)
    onset_bar = int(note.offset / meter.bar_quarters) + 1
    onset_beat = (note.offset % meter.bar_quarters) / meter.unit + 1
    head = (f"{mel.name}, bar {onset_bar} beat {float(onset_beat):g}: {note.pitch.name(key.prefers_flats)} "
            f"({note.pitch.cents:g} cents), {float(note.duration):g} quarter(s); phrase {phrase.number} of section "
            f"{phrase.section!r}")
    reason = piece.fill.reasons.get((mel.name, note.offset)) if piece.fill is not None else None
    if reason is None:
        lines = ["(no record: the note was derived from another part)"]
    elif isinstance(reason, (list, tuple)):
        lines = list(reason)  # a copied note: where it was copied from
    else:
        lines = reason_lines(reason)
    return "\n".join([head] + [f"  - {r}" for r in lines])


CONSTRAINT_WORDS = {
    "in scale": "in the scale of {key} (a chromatic note only as a tone of the sounding chord or a blue note)",
    "in range": "within the range {low}-{high} of part {part!r}",
    "chord tone on a strong beat": "a strong beat: must be a tone of {chord}",
    "cadence target": "the last note of the phrase: must be {targets}",
    "fixed note (motif or locked)": "fixed by a motif copy or a characteristic phrase",
}


def reason_lines(reason) -> list[str]:
    """A decoded note's reasons (`fill.result.NoteReason`) in words."""
    slot = reason.slot
    key, part = slot.key, slot.part
    c = reason.chord
    chord = f"{c.chord.symbol} ({c.roman}, {c.function})" if c is not None else "no chord"
    lines = [f"key {key}; {chord}; metrical strength {reason.strength:g}"]
    for name in reason.constraints:
        lines.append(CONSTRAINT_WORDS.get(name, name).format(
            key=key, low=part.low, high=part.high, part=part.name, chord=chord,
            targets=", ".join(note_name(key, x) for x in slot.targets)))
    if reason.previous_cents is not None:
        lines.append(f"at most {slot.max_leap} semitones from the note before ({Pitch(reason.previous_cents).name()})"
                     + ("" if key.scale.is_symmetric else
                        "; rising steps use the ascending notes, falling steps the descending ones"))
    lines.append(f"{reason.allowed} of {reason.candidates} candidate pitches met this note's own constraints; "
                 f"{reason.feasible} could still reach the phrase's end; chosen by "
                 + ("the melody model's probabilities among those" if reason.filler == "neural"
                    else "the rules filler's weights"))
    return lines
