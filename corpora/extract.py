"""music21 scores to compact melody lines: pitch, onset, duration and bar position on a 1/12-quarter grid.

One line per selected part of a tune. Ties are merged, grace notes dropped, a chord keeps its
top note, a rest lengthens the note before it (a melody's onsets are what the models learn).
A line is refused, with the reason counted, when it changes time signature, has onsets off the
1/12-quarter grid (quintuplets...), too few notes, or too many interior bars whose length is not
the time signature's (repeat endings and parsing quirks: 4-13 % of bars in these corpora).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

Q = 12                      # grid: twelfths of a quarter note (sixteenths and triplets are exact)
EXTRACTOR_VERSION = 1
MODES = ("major", "minor", "dorian", "mixolydian", "phrygian", "lydian", "locrian")
_MODE_ALIASES = {"ionian": "major", "aeolian": "minor"}


@dataclass
class Line:
    """One extracted melody line (a part of a tune)."""

    id: str
    title: str
    numerator: int
    denominator: int
    tonic_pc: int
    mode: str
    midi: list[int] = field(default_factory=list)
    onset: list[int] = field(default_factory=list)      # in Q units from the start of bar 0
    dur: list[int] = field(default_factory=list)
    bar: list[int] = field(default_factory=list)        # -1 for a pickup (anacrusis)
    bar_pos: list[int] = field(default_factory=list)    # Q units from the start of the note's bar

    @property
    def bar_q(self) -> int:
        return int(Fraction(4 * self.numerator, self.denominator) * Q)

    def fingerprint(self) -> str:
        """Content only (transposition-invariant pitches and durations): identical tunes collide."""
        if not self.midi:
            return self.id
        first = self.midi[0]
        return ",".join(f"{m - first}:{d}" for m, d in zip(self.midi, self.dur))


def _q(value) -> int | None:
    x = Fraction(value).limit_denominator(1000) * Q
    return int(x) if x.denominator == 1 else None


def _key_of(score, key_from: str):
    from music21 import key as m21key

    if key_from == "analysis":
        return score.analyze("key")
    for k in score.recurse().getElementsByClass(m21key.Key):
        return k
    for ks in score.recurse().getElementsByClass(m21key.KeySignature):
        return ks.asKey("major")
    return None


def _part_streams(score, parts: tuple[str, ...]):
    found = list(score.parts) if hasattr(score, "parts") and len(score.parts) else [score]
    out = []
    for which in parts:
        if which in ("first", "soprano"):
            out.append((which, found[0]))
        elif which == "bass" and len(found) > 1:
            out.append((which, found[-1]))
    return out


def extract_score(score, base_id: str, parts: tuple[str, ...], key_from: str, max_bad_bar_share: float,
                  counts: dict) -> list[Line]:
    """The melody lines of one music21 score; refusals are tallied in `counts` by reason."""
    k = _key_of(score, key_from)
    if k is None:
        counts["no key"] = counts.get("no key", 0) + 1
        return []
    mode = _MODE_ALIASES.get(k.mode, k.mode)
    if mode not in MODES:
        counts["unusual mode"] = counts.get("unusual mode", 0) + 1
        return []
    title = (score.metadata.title if score.metadata is not None and score.metadata.title else base_id) or base_id
    lines = []
    for which, part in _part_streams(score, parts):
        line_id = f"{base_id}:{which}" if len(parts) > 1 else base_id
        line, reason = _extract_part(part, line_id, title, k.tonic.pitchClass, mode, max_bad_bar_share)
        if line is None:
            counts[reason] = counts.get(reason, 0) + 1
        else:
            lines.append(line)
    return lines


def _extract_part(part, line_id: str, title: str, tonic_pc: int, mode: str, max_bad_bar_share: float):
    from music21 import meter as m21meter

    sigs = list(part.recurse().getElementsByClass(m21meter.TimeSignature))
    if not sigs:
        return None, "no time signature"
    if len({(t.numerator, t.denominator) for t in sigs}) > 1:
        return None, "time signature changes"
    ts = sigs[0]
    bar_q = _q(ts.barDuration.quarterLength)
    if bar_q is None or bar_q <= 0:
        return None, "off-grid rhythm"
    measures = list(part.stripTies(inPlace=False).getElementsByClass("Measure"))
    if not measures:
        return None, "no measures"
    line = Line(line_id, title, ts.numerator, ts.denominator, int(tonic_pc), mode)
    # A pickup bar (padded on the left) is bar -1 and ends at time 0.
    pickup = bool(measures[0].paddingLeft)
    cursor = 0
    bad = 0
    for i, m in enumerate(measures):
        m_len = _q(m.duration.quarterLength)
        if m_len is None:
            return None, "off-grid rhythm"
        if 0 < i < len(measures) - 1 and m_len != bar_q:
            bad += 1
        is_pickup = pickup and i == 0
        bar_index = i - 1 if pickup else i
        bar_start = -m_len if is_pickup else cursor
        pad = bar_q - m_len if is_pickup else 0
        for el in m.recurse().notesAndRests:
            if el.duration.isGrace or el.quarterLength == 0:
                continue
            off, d = _q(el.getOffsetInHierarchy(m)), _q(el.quarterLength)
            if off is None or d is None:
                return None, "off-grid rhythm"
            if el.isRest:
                if line.dur:
                    line.dur[-1] += d
                continue
            pitch = max(el.pitches, key=lambda p: p.midi) if el.isChord else el.pitch
            line.midi.append(int(pitch.midi))
            line.onset.append(bar_start + off)
            line.dur.append(d)
            line.bar.append(bar_index)
            line.bar_pos.append(off + pad)
        if not is_pickup:
            cursor += m_len
    if bad / max(len(measures) - 2, 1) > max_bad_bar_share:
        return None, "bars of irregular length"
    if any(b <= a for a, b in zip(line.onset, line.onset[1:])):
        return None, "overlapping notes"
    return line, ""
