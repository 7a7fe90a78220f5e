"""The sections and phrases of a piece: the form grammar's, overridden or replaced by the spec's."""
from __future__ import annotations

from dataclasses import dataclass, replace

from theory import Key, Meter

from .. import grammar
from ..score.errors import ComposerError
from ..spec.charts import parse_chart_item
from ..spec.model import Spec

COMPLEMENT = {"authentic": "half", "half": "authentic"}


@dataclass(frozen=True)
class Motif:
    """Bars copied inside a phrase: `bars` bars from `from_bar` to `to_bar` (0-based, phrase-relative)."""

    from_bar: int
    to_bar: int
    bars: int
    transpose: int


@dataclass(frozen=True)
class SectionDef:
    name: str
    role: str
    key: str | None
    phrases: tuple[tuple[int, str, str | None], ...]   # (bars, cadence, key)
    repeat: str | None
    vary: float
    motifs: tuple[Motif, ...]
    chords: tuple[str, ...] | None
    variation: tuple[float, str] | None = None


def split_bars(bars: int, phrase_bars: int, cadence: str) -> list[tuple[int, str, None]]:
    sizes = [phrase_bars] * (bars // phrase_bars)
    if bars % phrase_bars:
        if sizes and bars % phrase_bars < 2:
            sizes[-1] += bars % phrase_bars
        else:
            sizes.append(bars % phrase_bars)
    out = []
    for i, size in enumerate(reversed(sizes)):
        c = cadence if i % 2 == 0 else COMPLEMENT.get(cadence, "half")
        out.append((size, c, None))
    return list(reversed(out))


def resolve_sections(spec: Spec) -> list[SectionDef]:
    """The sections of the piece: the form's, overridden or replaced by the spec's."""
    defs: list[SectionDef] = []
    if spec.form:
        form = grammar.load_form(spec.form)
        for s in form.sections:
            phrases = tuple((p.bars, p.cadence, p.key) for p in s.phrases)
            motifs = tuple(Motif(m.from_bar - 1, m.to_bar - 1, m.bars, m.transpose) for m in s.motifs)
            defs.append(SectionDef(s.name, s.role, s.key, phrases, s.repeat, s.vary, motifs, s.chords))
    in_form = {d.name for d in defs}
    last_index = len(spec.sections) - 1
    for j, s in enumerate(spec.sections):
        if s.name in in_form:
            # Override every form section of that name (a form may use a label several times).
            defs = [_override(d, s, j == last_index) if d.name == s.name else d for d in defs]
            continue
        src = next((d for d in reversed(defs) if d.name == s.repeat), None) if s.repeat else None
        if src is not None and j == last_index and not spec.form and s.cadence is None and src.phrases \
                and src.phrases[-1][1] != "authentic":
            # A repeat or a variation that ends the piece closes it: an authentic cadence, not its model's.
            s = replace(s, cadence="authentic")
        base = SectionDef(s.name, s.role or ("return" if s.repeat else "statement"), src.key if src else None,
                           src.phrases if src else (), s.repeat, 0.0, src.motifs if src else (),
                           src.chords if src and s.chords is None else None)
        defs.append(_override(base, s, j == last_index))
    return defs


def _override(base: SectionDef, s, is_last: bool) -> SectionDef:
    """A section definition with the spec's fields laid over it."""
    phrases = base.phrases
    bars = s.bars if s.bars is not None else sum(p[0] for p in phrases)
    if s.chords is not None and s.bars is None and (not phrases or base.chords is None):
        bars = len(s.chords) if all(":" not in c for c in s.chords) else 0
    final_cad = s.cadence or (phrases[-1][1] if phrases else ("authentic" if is_last else "half"))
    if bars == 0:  # a chart with durations: its length is measured when planning
        phrases = ((0, final_cad, None),)
    elif s.bars is not None or s.phrase_bars is not None or not phrases or (s.chords is not None and base.chords is None):
        size = s.phrase_bars or (phrases[0][0] if phrases else 4)
        phrases = tuple(split_bars(bars, min(size, bars), final_cad))
    elif s.cadence:
        phrases = phrases[:-1] + ((phrases[-1][0], final_cad, phrases[-1][2]),)
    return SectionDef(
        name=s.name, role=s.role or base.role, key=s.key if s.key is not None else base.key,
        phrases=phrases, repeat=s.repeat if s.repeat is not None else base.repeat,
        vary=s.vary if s.vary is not None else base.vary,
        motifs=tuple(Motif(a - 1, b - 1, n, t) for a, b, n, t in s.motifs) if s.motifs is not None
        else tuple(m for m in base.motifs if m.to_bar + m.bars <= bars),
        chords=s.chords if s.chords is not None else base.chords,
        variation=s.variation if s.variation is not None else (None if s.vary is not None else base.variation),
    )


def _chart_bars(chords: tuple[str, ...], key: Key, meter: Meter) -> int:
    total = sum((meter.bar_quarters if (it := parse_chart_item(c, key)).beats is None else it.beats * meter.unit)
                for c in chords)
    bars = total / meter.bar_quarters
    if bars.denominator != 1:
        raise ComposerError(f"chord chart lasts {total / meter.unit} beats, not a whole number of {meter} bars")
    return int(bars)
