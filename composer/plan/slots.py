"""Slots: one per (melody part, phrase), the unit the fillers write.

A slot gathers everything a filler needs to know and nothing it may change: the
time span, the key and scale, the chords (through the plan), the range, the
cadence's target pitch classes, the blue notes the style allows, motif relations,
the bars it copies from an earlier phrase, and the hard-constraint settings.
`precheck` finds impossible slots before any decoding.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from theory import Key, Pitch
from theory.melody_rules import role_weight, tradition_melody

from .. import grammar
from ..spec.model import PartSpec, Spec
from .form import Motif
from .model import PhrasePlan, Plan


@dataclass(frozen=True)
class Slot:
    part_index: int
    part: PartSpec
    phrase: PhrasePlan
    start: Fraction
    end: Fraction
    key: Key
    targets: tuple[float, ...]         # cents above the tonic (within the period) the last note may take
    blue_pcs: tuple[float, ...]        # chromatic pitch classes the style allows anywhere
    motifs: tuple[Motif, ...]
    kept_bars: int                     # leading bars copied from phrase `copy_of`
    copy_of: int | None
    is_last: bool                      # the last phrase of the piece
    max_leap: int
    strong_chord_tones: bool
    notes_per_bar: tuple[int, int] | None
    harmony: str = "functional"        # the harmony policy the slot is written under
    emphasis: tuple[tuple[float, float], ...] = ()   # (cents above the tonic, weight): soft emphasis
    climax_cents: float | None = None  # the climax cue's pitch, when this slot holds it
    next_climax: float | None = None   # ... when the next slot opens on it (this one leads to it)
    lyrics: tuple | None = None        # the syllables sung in this phrase (`text.Syllable`), if any
    chorale: bool = False              # texture: satb; the soprano of a chorale moves in chorale rhythm
    idiom: object = None               # a grammar.Idiom: its bar rhythms replace the filler's
    closes_section: bool = True        # the last phrase of its section: its cadence lands on a beat
    unmetered: bool = False            # in the opening in free rhythm (an alap, a taqsim): no cycle, no sam

    @property
    def lead_in(self) -> bool:
        """Whether the phrase may lead on into the next after its cadence note (`fill.constraints.
        arrival_index`): an instrumental phrase before the piece's last, not a gamelan cycle (whose phrase
        ends on the gong beat) or a chorale (held at its fermata)."""
        return not self.is_last and self.harmony != "colotomic" and not self.chorale and not self.lyrics \
            and not self.unmetered

    @property
    def low(self) -> Pitch:
        return self.part.low

    @property
    def high(self) -> Pitch:
        return self.part.high


def emphasis_of(key: Key, modal: bool, gushe: tuple[str, float] | None = None) -> tuple[tuple[float, float], ...]:
    """(cents above the tonic, factor) for each note the mode leans on or avoids (`theory/rules/traditions.yaml`):
    its emphasised notes by role (in a dastgah's `gushe`, its shahed is the gushe's), and, in a modal slot (no
    chord progression), its final, which a drone or the mode's practice keeps the melody from sitting on
    between cadences."""
    info = key.info
    roles = dict(info.emphasis)
    if gushe is not None:
        roles["shahed"] = gushe[1]
    out = [(cents, role_weight(role)) for role, cents in roles.items()]
    final = tradition_melody(key.pack).final_weight
    if modal and final != 1.0 and key.pack != "western":
        out.append((info.final_cents, final))
    return tuple(out)


def rest_notes(key: Key, gushe: tuple[str, float] | None = None) -> tuple[float, ...]:
    """Cents above the tonic (within one period) where a modal phrase may come to rest: the final, the
    notes the mode leans on (vadi, samvadi, ghammaz, dominant, stressed...), its nyas notes, and in a
    dastgah's gushe that gushe's shahed."""
    info, period = key.info, key.scale.period_cents
    rests = {info.final_cents} | {c for role, c in info.emphasis.items() if role_weight(role) >= 1} \
        | set(info.nyas_cents) | ({gushe[1]} if gushe is not None else set())
    return tuple(sorted(r % period for r in rests))


def phrase_targets(phrase: PhrasePlan, spec: Spec, is_last: bool) -> tuple[float, ...]:
    """Cents above the tonic that the phrase's last melody note may take.

    Functional harmony: the cadence's melody degrees that are tones of the final chord (the tonic
    alone at the very end, when asked). Modal traditions: the final at the very end; at the end of a
    section the piece goes on after, the note of the tradition's `half_close` role where it has one (a
    makam's asma karar on its güçlü); elsewhere the final or an emphasised note (vadi, samvadi,
    ghammaz, dominant, stressed...)."""
    key = phrase.key
    period = key.scale.period_cents
    if key.harmony != "functional" and not phrase.chords:
        info = key.info
        if is_last:
            return (info.final_cents,)
        if phrase.cadence == "half_close":
            return (info.emphasis[tradition_melody(key.pack).half_close] % period,)
        if phrase.gushe is not None and abs(phrase.gushe[1] - info.final_cents) % period > 0.5:
            return (phrase.gushe[1] % period,)      # a gushe's phrases rest on its own shahed until the forud
        return rest_notes(key, phrase.gushe)
    final = phrase.chords[-1].chord if phrase.chords else None
    final_pcs = list(final.pitch_classes_cents) if final else [key.tonic_cents]
    variant = grammar.variant_for_key(grammar.load_chord_style(spec.style), key)
    degrees = variant.cadences[phrase.cadence].melody_degrees if phrase.cadence in variant.cadences else ()
    targets = [key.degree_cents(d - 1) for d in degrees]
    targets = [t for t in targets if any(abs(t - f) % 1200 < 0.5 for f in final_pcs)] or final_pcs
    if is_last and spec.constraints.end_on_tonic and any(abs(key.tonic_cents - f) % 1200 < 0.5 for f in final_pcs):
        targets = [key.tonic_cents]
    return tuple(sorted((t - key.tonic_cents) % 1200.0 for t in targets))


def phrase_lyrics(part: PartSpec, phrases: int) -> list[tuple | None]:
    """The syllables each phrase of a part sings: one line per phrase, in order; when the text has more
    lines than the part has phrases, consecutive lines share a phrase, as evenly as the lines allow;
    phrases after the last line have no words."""
    lines = list(part.lyrics)
    if len(lines) <= phrases:
        return [tuple(lines[i]) if i < len(lines) else None for i in range(phrases)]
    bounds = [round(i * len(lines) / phrases) for i in range(phrases + 1)]
    return [tuple(s for line in lines[bounds[i]:bounds[i + 1]] for s in line) for i in range(phrases)]


def plan_slots(plan: Plan, spec: Spec) -> list[Slot]:
    """Every (melody part, phrase) slot, in part order then time order."""
    style = grammar.load_chord_style(spec.style)
    c = spec.constraints
    slots = []
    for i, part in enumerate(spec.parts):
        if part.role != "melody":
            continue
        sung = phrase_lyrics(part, len(plan.phrases))
        for phrase in plan.phrases:
            is_last = phrase.index == len(plan.phrases) - 1
            functional = bool(phrase.chords)
            variant = grammar.variant_for_key(style, phrase.key) if functional else None
            slots.append(Slot(
                part_index=i, part=part, phrase=phrase, start=phrase.offset(plan.meter), end=phrase.end(plan.meter),
                key=phrase.key, targets=(phrase.key.info.final_cents % phrase.key.scale.period_cents,)
                if _ends_unmetered(plan, phrase) else phrase_targets(phrase, spec, is_last),
                blue_pcs=tuple((phrase.key.tonic_cents + b) % 1200.0 for b in variant.blue_notes) if variant else (),
                motifs=phrase.motifs, kept_bars=phrase.kept_bars, copy_of=phrase.copy_of, is_last=is_last,
                max_leap=c.max_leap, strong_chord_tones=c.chord_tones_on_strong_beats, notes_per_bar=c.notes_per_bar,
                harmony="functional" if functional else phrase.key.harmony,
                emphasis=emphasis_of(phrase.key, not functional, phrase.gushe),
                lyrics=sung[phrase.index], chorale=spec.texture == "satb",
                idiom=grammar.load_idiom(spec.idiom).in_meter(spec.meter) if spec.idiom else None,
                closes_section=is_last or plan.phrases[phrase.index + 1].section != phrase.section,
                unmetered=phrase.start_bar in plan.unmetered_bars,
            ))
    return slots


def _ends_unmetered(plan: Plan, phrase: PhrasePlan) -> bool:
    """Whether the phrase closes an unmetered opening: an alap comes back to Sa before the cycle begins."""
    free = plan.unmetered_bars
    return bool(free) and phrase.start_bar + phrase.bars == free.stop and phrase.key.harmony != "functional"


def note_name(key: Key, rel_cents: float) -> str:
    """A target note for a message: its degree name in the mode where it has one, else a spelling."""
    scale = key.scale
    index = scale.degree_of(rel_cents)
    cents = key.tonic_cents + rel_cents
    spelled = key.spell(int(round(cents / 100.0)) % 12).name
    off = cents - round(cents / 100.0) * 100.0
    spelled += f"{off:+.0f}c" if abs(off) >= 0.5 else ""
    if index is not None and scale.degree_names and scale.degree_names[index] != spelled:
        return f"{scale.degree_names[index]} ({spelled})"
    return spelled
