"""Why a note is what it is (`partita explain --note`): the hard constraints that shaped each decoded
note, as the fill recorded them in its `FillResult`, put into words."""
from __future__ import annotations

from fractions import Fraction

from theory import Pitch
from theory.melody_rules import ornament_kinds
from theory.nonchord import CHORD_TONE, DESCRIPTIONS, classify

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
    event = piece.chord_at(note.offset)
    onset_bar = int(note.offset / meter.bar_quarters) + 1
    onset_beat = (note.offset % meter.bar_quarters) / meter.unit + 1
    head = (f"{mel.name}, bar {onset_bar} beat {float(onset_beat):g}: "
            f"{key.pitch_name(note.pitch.cents, event.chord if event else None)} "
            f"({note.pitch.cents:g} cents), {float(note.duration):g} quarter(s); phrase {phrase.number} of section "
            f"{phrase.section!r}")
    reason = piece.fill.reasons.get((mel.name, note.offset)) if piece.fill is not None else None
    if reason is None:
        lines = ["(no record: the note was derived from another part)"]
    elif isinstance(reason, (list, tuple)):
        lines = list(reason)  # a copied note: where it was copied from
    else:
        lines = reason_lines(reason)
    if note.ornament is not None:
        lines.append(ornament_line(key, note))
    return "\n".join([head, f"  - {against_chord(piece, mel, note)}"] + [f"  - {r}" for r in lines])


def ornament_line(key, note) -> str:
    """The note's ornament in words: its name, what it is, and the notes its curve moves between."""
    ornament = note.ornament
    kind = ornament_kinds().get(ornament.name)
    start, end = ornament.points[0][1], ornament.points[-1][1]
    far = max((c for _, c in ornament.points), key=lambda c: abs(c - start))
    path = " -> ".join(key.pitch_name(c) for c in dict.fromkeys((start, far, end)))
    what = f"{kind.title}, {kind.why}" if kind is not None else ornament.name
    return f"ornament: {what} ({path})"


TONE_NAMES = ("root", "third", "fifth", "seventh", "ninth", "eleventh", "thirteenth")


def against_chord(piece, part, note) -> str:
    """What the note is against the chord sounding at its onset: one of its tones, or a non-chord tone by
    type (passing, neighbour, suspension...), told by the notes either side."""
    notes = part.sorted_notes()
    i = notes.index(note)
    before, after = (notes[i - 1] if i else None), (notes[i + 1] if i + 1 < len(notes) else None)
    chords = [piece.chord_at(n.offset) if n is not None else None for n in (before, note, after)]
    symbols = [c.chord if c is not None else None for c in chords]
    cents = [n.pitch.cents if n is not None else None for n in (before, note, after)]
    kind = classify(cents[0], cents[1], cents[2], symbols[1], symbols[0], symbols[2])
    if symbols[1] is None:
        return "no chord sounds here"
    key = piece.key_at(note.offset)
    if kind == CHORD_TONE:
        pcs = symbols[1].pitch_classes_cents
        index = min(range(len(pcs)), key=lambda j: abs((note.pitch.cents - pcs[j] + 600.0) % 1200.0 - 600.0))
        return f"a chord tone: the {TONE_NAMES[min(index, len(TONE_NAMES) - 1)]} of {symbols[1].symbol}"
    names = {"before": key.pitch_name(before.pitch.cents, symbols[0]) if before else "nothing",
             "after": key.pitch_name(after.pitch.cents, symbols[2]) if after else "nothing",
             "chord_before": symbols[0].symbol if symbols[0] else "none",
             "chord_after": symbols[2].symbol if symbols[2] else "none"}
    return f"against {symbols[1].symbol}, " + DESCRIPTIONS[kind].format(**names)


CONSTRAINT_WORDS = {
    "in scale": "in the scale of {key} (a chromatic note only as a tone of the sounding chord or a blue note)",
    "in range": "within the range {low}-{high} of part {part!r}",
    "chord tone on a strong beat": "a strong beat: must be a tone of {chord}",
    "cadence target": "the cadence note of the phrase: must be {targets}",
    "lead-in ends on a chord tone": "the last note of a lead-in into the next phrase: must be a tone of {chord}",
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
