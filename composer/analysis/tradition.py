"""What a practitioner of a modal tradition listens for in a melody, measured: how the duration is shared
among the mode's degrees against the mode's hierarchy (a raga's vadi and samvadi, a maqam's ghammaz, a
pathet's strong tones), how often the mode's characteristic phrases (pakad, seyir, qafla, forud) occur,
and whether each section's last note arrives on the cycle's cadential beat (sam; the gong in gamelan).

    from composer.analysis.tradition import tradition_measures
    tradition_measures(piece)       # None for a Western piece; else a dict ready for JSON

Notes are read against the key in force where they sound (`piece.key_at`); a modulating piece is measured
in its home mode's notes only, so that a B section in another maqam does not blur the home mode's shares.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from theory import Key
from theory.cycle import load_cycle
from theory.melody_rules import leaning_roles, tradition_melody
from theory.written import nearest_degree

from ..fill.arudi import arudi_point
from ..fill.constraints import arrival_index
from ..plan.slots import rest_notes
from ..score.notes import Note

TOLERANCE_CENTS = 1.0


@dataclass(frozen=True)
class DegreeShare:
    name: str
    cents: float          # above the tonic, within one period
    role: str | None      # the mode's emphasis role, 'final', or None
    share: float          # of the home mode's sounding duration


def _degree_name(key: Key, rel: float) -> str:
    scale = key.scale
    index = scale.degree_of(rel, TOLERANCE_CENTS)
    if index is not None and scale.degree_names:
        return scale.degree_names[index]
    return f"{rel:.0f}c"


def _role(key: Key, rel: float) -> str | None:
    period = key.scale.period_cents
    for role, cents in key.info.emphasis.items():
        if _same(rel, cents, period):
            return role
    return "final" if _same(rel, key.info.final_cents, period) else None


def _same(a: float, b: float, period: float) -> bool:
    d = abs(a - b) % period
    return min(d, period - d) < TOLERANCE_CENTS


def home_notes(piece, notes: list[Note]) -> list[Note]:
    """The notes that sound in the piece's home mode (the key of its first bar)."""
    home = piece.key
    return [n for n in notes if piece.key_at(n.offset).info.name == home.info.name]


def degree_shares(key: Key, notes: list[Note]) -> list[DegreeShare]:
    """Each degree's share of the notes' total duration, in the order of the scale (every degree listed,
    the silent ones at 0)."""
    period = key.scale.period_cents
    total = sum((n.duration for n in notes), Fraction(0))
    degrees = sorted({round(c % period, 3) for c in key.scale.degree_cents})
    out = []
    placed = []     # (duration, the degree it sounds or is written as: a raga's just ga written as a letter too)
    for n in notes:
        index, distance = nearest_degree(key, n.pitch.cents)
        if distance < TOLERANCE_CENTS:
            placed.append((n.duration, key.scale.degree_cents[index] % period))
    for rel in degrees:
        dur = sum((d for d, c in placed if _same(c, rel, period)), Fraction(0))
        out.append(DegreeShare(_degree_name(key, rel), rel, _role(key, rel), float(dur / total) if total else 0.0))
    return out


def hierarchy(shares: list[DegreeShare], roles=()) -> dict:
    """The mode's first leaning note (the first of `roles`, the mode's emphasis roles in the pack's order,
    that leans: its vadi, jiva, ghammaz, güçlü, gong tone) against the rest: its share, the largest share
    of a degree that is neither emphasised nor the final, and the final's share. `holds`: the leaning note
    outweighs every plain degree."""
    order = list(leaning_roles(roles))
    leaning = sorted((s for s in shares if s.role in order), key=lambda s: order.index(s.role))
    plain = [s for s in shares if s.role is None]
    final = next((s for s in shares if s.role == "final"), None)
    first = leaning[0] if leaning else None
    top_plain = max(plain, key=lambda s: s.share) if plain else None
    return {"leading_note": first.name if first else None, "leading_share": first.share if first else None,
            "top_plain_note": top_plain.name if top_plain else None,
            "top_plain_share": top_plain.share if top_plain else None,
            "final_share": final.share if final else None,
            "holds": None if first is None else (top_plain is None or first.share > top_plain.share)}


def phrase_occurrences(key: Key, notes: list[Note]) -> dict[str, int]:
    """How many times each characteristic phrase of the mode sounds: its notes in a row, at its pitches
    relative to one another (in any octave), one note of the melody for each note of the phrase."""
    cents = [n.pitch.cents for n in sorted(notes, key=lambda n: n.offset)]
    out = {}
    for phrase in key.info.phrases:
        shape = [c - phrase.cents[0] for c in phrase.cents]
        k = len(shape)
        out[phrase.name] = sum(
            1 for i in range(len(cents) - k + 1)
            if all(abs(cents[i + j] - cents[i] - shape[j]) < TOLERANCE_CENTS for j in range(k))
            and _same(key.rel_cents(cents[i]), phrase.cents[0], key.scale.period_cents))
    return out


def cadential_offset(plan) -> Fraction:
    """Where in a bar (quarters from its start) a section's last note should arrive: the cycle's sam (the
    gong, the last beat, in gamelan), or the downbeat where the piece has no cycle."""
    meter = plan.meter
    if plan.cycle is None:
        return Fraction(0)
    return (load_cycle(plan.cycle).sam - 1) * meter.unit


def cadence_notes(plan, notes: list[Note]) -> list[tuple[object, Note]]:
    """(section, its cadence note) for each metered section with notes: the note of its last bar that a
    listener hears as the arrival (the last note on a strong beat lasting a beat or more, the notes after
    it leading on into the next section: `fill.constraints.arrival_index`; the last note where none is,
    or where the cycle arrives on its last beat, the gong)."""
    meter = plan.meter
    target = cadential_offset(plan)
    out = []
    for s in plan.sections:
        if s.unmetered:
            continue        # an alap or a taqsim has no cycle to arrive in
        start, end = s.start_bar * meter.bar_quarters, (s.start_bar + s.bars) * meter.bar_quarters
        inside = sorted((n for n in notes if start <= n.offset < end), key=lambda n: n.offset)
        if not inside:
            continue
        index = len(inside) - 1 if target else arrival_index([n.offset for n in inside], [n.duration for n in inside],
                              [meter.strength(n.offset % meter.bar_quarters) for n in inside], meter)
        out.append((s, inside[index]))
    return out


def section_endings(plan, notes: list[Note]) -> list[dict]:
    """Each section's cadence note (`cadence_notes`): its bar, where it starts in its bar, and whether that
    is the cycle's cadential beat."""
    meter = plan.meter
    target = cadential_offset(plan)
    out = []
    for s, last in cadence_notes(plan, notes):
        at = last.offset % meter.bar_quarters
        out.append({"section": s.name, "bar": int(last.offset // meter.bar_quarters) + 1,
                    "beat": float(at / meter.unit) + 1, "on_cadential_beat": at == target})
    return out


def arudi_landings(plan, piece, notes: list[Note]) -> dict | None:
    """For a cycle with an arudi (`fill.arudi`): in how many of the phrases that have one a note starts on
    it, is held to the end of its group (the karvai) and is a note the mode rests on. None for other cycles."""
    if plan.cycle is None or load_cycle(plan.cycle).arudi is None:
        return None
    bar_q = plan.meter.bar_quarters
    starts = {n.offset: n for n in notes}
    phrases = landed = 0
    for phrase in plan.phrases:
        point = arudi_point(plan, phrase)
        if point is None:
            continue
        phrases += 1
        at = (phrase.start_bar + point.bar) * bar_q + point.at
        note = starts.get(at)
        if note is None or note.duration < point.hold:
            continue
        key = piece.key_at(at)
        rel = key.rel_cents(note.pitch.cents)
        landed += any(_same(rel, r, key.scale.period_cents) for r in rest_notes(key, phrase.gushe))
    return {"beat": load_cycle(plan.cycle).arudi, "phrases": phrases, "landed": landed}


def half_closes(piece, plan, notes: list[Note]) -> dict | None:
    """Where the tradition ends a section the piece goes on after on a second centre (`half_close` in
    `theory/rules/traditions.yaml`: a makam's asma karar on its güçlü): how many such sections there are
    and how many of their cadence notes (`section_endings`) are that note. None elsewhere."""
    key = piece.key
    role = tradition_melody(key.pack).half_close
    if role is None or role not in key.info.emphasis:
        return None
    endings = [note for _, note in cadence_notes(plan, notes)][:-1]
    landed = 0
    for note in endings:
        here = piece.key_at(note.offset)
        landed += here.info.emphasis.get(role) is not None and _same(
            here.rel_cents(note.pitch.cents), here.info.emphasis[role], here.scale.period_cents)
    return {"role": role, "note": _degree_name(key, key.info.emphasis[role] % key.scale.period_cents),
            "sections": len(endings), "landed": landed}


def tradition_measures(piece, part=None, plan=None) -> dict | None:
    """The measures of a piece in a modal tradition (None for a Western piece or one without its plan).
    `part`: the melody measured (default: the part named or with role 'melody'); `plan`: the piece's plan
    where the piece does not carry it (a file read back with its provenance)."""
    key = piece.key
    plan = plan or piece.plan
    if key.pack == "western" or plan is None:
        return None
    part = part or piece.part("melody")
    notes = home_notes(piece, list(part.notes))
    shares = degree_shares(key, notes)
    endings = section_endings(plan, list(part.notes))
    on = sum(e["on_cadential_beat"] for e in endings)
    return {
        "pack": key.pack, "mode": key.info.name, "cycle": plan.cycle,
        "degree_shares": [{"degree": s.name, "cents": round(s.cents, 1), "role": s.role, "share": round(s.share, 4)}
                          for s in shares],
        "hierarchy": hierarchy(shares, tuple(key.info.emphasis)),
        "phrases": phrase_occurrences(key, notes),
        "section_endings": endings,
        "cadential_ending_rate": on / len(endings) if endings else None,
        "arudi": arudi_landings(plan, piece, list(part.notes)),
        "half_close": half_closes(piece, plan, list(part.notes)),
    }


def tradition_lines(m: dict) -> list[str]:
    """`tradition_measures` as lines a person reads (`partita evaluate`)."""
    shares = ", ".join(f"{d['degree']}{' (' + d['role'] + ')' if d['role'] else ''} {d['share']:.0%}"
                       for d in m["degree_shares"])
    h = m["hierarchy"]
    lines = [f"  {m['pack']} {m['mode']}: duration by degree: {shares}"]
    if h["leading_note"] is not None:
        lines.append(f"  leaning note {h['leading_note']} {h['leading_share']:.0%} against the largest plain degree "
                     f"{h['top_plain_note']} {h['top_plain_share'] or 0:.0%}: "
                     + ("leads" if h["holds"] else "does not lead"))
    if m["phrases"]:
        lines.append("  characteristic phrases: " + ", ".join(f"{k} x{v}" for k, v in m["phrases"].items()))
    if m["cadential_ending_rate"] is not None:
        where = "sam (the cycle's cadential beat)" if m["cycle"] else "the downbeat"
        lines.append(f"  section endings on {where}: {m['cadential_ending_rate']:.0%}")
    half = m.get("half_close")
    if half and half["sections"]:
        lines.append(f"  half closes on the {half['role']} {half['note']}: {half['landed']} of {half['sections']} "
                     f"sections before the last end there")
    arudi = m.get("arudi")
    if arudi and arudi["phrases"]:
        lines.append(f"  arudi (beat {arudi['beat']}): {arudi['landed']} of {arudi['phrases']} phrases rest there, "
                     f"held to the end of its group on a note the raga rests on")
    return lines
