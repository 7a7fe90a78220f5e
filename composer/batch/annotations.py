"""Ground-truth labels of a composed piece, exactly as its plan decided them (`docs/annotations.md`).

No analysis guesses anything here: the keys, chords and Roman numerals, phrases and cadences, sections and
form, motif scheme, climax, tradition and mode are read from the `Plan` the piece was written from, the
notes from its parts. Every time is given in quarter notes from the downbeat of bar 1, in seconds at the
piece's tempo (the tempo MIDI files carry: quarter notes a minute), and as a bar and beat (both from 1; the
beat in the meter's units).
"""
from __future__ import annotations

from fractions import Fraction

from ..plan.harmony import CADENCE_LABELS

SCHEMA = "partita-annotations/1"


def annotate(piece, label: dict | None = None) -> dict:
    """The labels of `piece` as plain data (JSON-ready); `label`: the batch item's name, spec, variation,
    seed and digest, kept at the top."""
    plan = piece.plan
    meter = plan.meter
    bar_q = meter.bar_quarters
    per_quarter = 60.0 / float(piece.tempo_bpm)

    def at(q) -> dict:
        q = Fraction(q)
        bar = int(q // bar_q)
        return {"quarters": float(q), "seconds": round(float(q) * per_quarter, 6), "bar": bar + 1,
                "beat": float((q - bar * bar_q) / meter.unit + 1)}

    def span(start, end) -> dict:
        return {"start": at(start), "end": at(end)}

    length = piece.length_quarters
    home = plan.home_key
    keys = sorted(piece.keys, key=lambda k: k.offset)
    return {
        "schema": SCHEMA,
        **(label or {}),
        "title": plan.title,
        "tempo_bpm": float(piece.tempo_bpm),
        "meter": str(meter),
        "cycle": plan.cycle,
        "bars": plan.bars,
        "length": {"quarters": float(length), "seconds": round(float(length) * per_quarter, 6)},
        "form": plan.form,
        "harmony": plan.harmony,
        "style": plan.style if plan.harmony == "functional" else None,
        "tradition": home.pack,
        "mode": home.mode,
        "key": str(home),
        "keys": [{"key": str(k.key), "tonic": k.key.tonic.name, "mode": k.key.mode, "pack": k.key.pack,
                  **span(k.offset, keys[i + 1].offset if i + 1 < len(keys) else length)}
                 for i, k in enumerate(keys)],
        "sections": [{"name": s.name, "role": s.role, "bars": [s.start_bar + 1, s.start_bar + s.bars],
                      "key": str(s.key), "repeat_of": s.repeat_of,
                      **span(s.start_bar * bar_q, (s.start_bar + s.bars) * bar_q)} for s in plan.sections],
        "phrases": [_phrase(p, meter, span) for p in plan.phrases],
        "chords": [{"roman": c.roman, "symbol": c.chord.symbol, "function": c.function, "key": str(c.key),
                    "duration_quarters": float(c.duration), **span(c.offset, c.end)} for c in plan.chords],
        "cadences": [_cadence(p, meter, at) for p in plan.phrases if p.chords],
        "climax": _climax(piece, at),
        "parts": [_part(p) for p in piece.parts],
    }


def _phrase(p, meter, span) -> dict:
    bar_q = meter.bar_quarters
    mod = p.modulation
    return {"index": p.index + 1, "section": p.section, "number": p.number,
            "bars": [p.start_bar + 1, p.start_bar + p.bars], "key": str(p.key),
            "cadence": p.cadence, "cadence_name": CADENCE_LABELS.get(p.cadence, p.cadence),
            "modulation": None if mod is None else {"from": str(mod.from_key), "to": str(mod.to_key)},
            "copied_from_phrase": None if p.copy_of is None else p.copy_of + 1, "copied_bars": p.kept_bars,
            "scheme": [{"bar": m.bar + 1, "label": m.label, "kind": m.kind,
                        "source_bar": None if m.source is None else m.source + 1, "steps": m.steps}
                       for m in p.scheme],
            **span(p.start_bar * bar_q, (p.start_bar + p.bars) * bar_q)}


def _cadence(p, meter, at) -> dict:
    """A phrase's cadence: its kind, and where its final chord begins."""
    last = p.chords[-1]
    return {"phrase": p.index + 1, "section": p.section, "kind": p.cadence,
            "name": CADENCE_LABELS.get(p.cadence, p.cadence), "key": str(p.key),
            "chords": [c.roman for c in p.chords[-2:]], "at": at(last.offset)}


def _climax(piece, at) -> dict | None:
    """The lead melody's highest note (the first, if it sounds twice), and whether the plan placed it."""
    melody = next((p for p in piece.parts if p.role == "melody" and p.notes), None)
    if melody is None:
        return None
    top = max(melody.sorted_notes(), key=lambda n: (n.pitch.cents, -n.offset))
    return {"part": melody.name, "pitch": top.pitch.name(), "cents": round(top.pitch.cents, 3),
            "planned": bool(piece.plan.climaxes), **at(top.offset)}


def _part(p) -> dict:
    notes = p.notes
    low = min(notes, key=lambda n: n.pitch.cents).pitch.name() if notes else None
    high = max(notes, key=lambda n: n.pitch.cents).pitch.name() if notes else None
    return {"name": p.name, "role": p.role, "instrument": p.instrument.name, "program": p.instrument.program,
            "notes": len(notes), "lowest": low, "highest": high}
