"""Choosing the parts of a prompt's piece: the instruments it names over a template of parts.

The template comes from what the words imply (a tradition's parts, a dance's or a style's
ensemble) or from the defaults for the mode's harmony policy, with a percussion part when a
rhythmic cycle is in effect. Then the named instruments take their places:

- the melody goes to the first named instrument that plays one, preferring a single-line
  instrument (in 'violin and piano' the violin sings and the piano accompanies);
- each other instrument takes a free part its roles allow: bass for the lowest, then chords,
  drone, and else a part of its own; an instrument that can carry a piece alone (piano, harp,
  guitar...) takes every accompanying part it can play;
- a named ensemble fills the parts still free with its instruments;
- one instrument named alone keeps the template's accompaniment ('for violin': a violin with
  piano); with two or more, only what was named plays, plus the drone and percussion a tradition
  needs; with 'solo', only what was named.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from theory.pitch import Pitch

from .. import grammar
from ..score.limits import MAX_PITCHED_PARTS
from ..spec.model import DEFAULT_RANGES
from .words import ROLES_BY_POLICY, Vocabulary

__all__ = ["Instrumentation", "choose_parts"]

ROLE_ORDER = ("melody", "chords", "bass", "drone", "percussion")
MAX_PARTS = MAX_PITCHED_PARTS   # a spec takes no more parts that are not percussion
MIN_SPAN_SEMITONES = 19    # an octave and a fifth: room for a melody, a chord voicing or a bass line


@dataclass(frozen=True)
class NamedInstrument:
    order: int             # the hit that named it
    word: str              # as typed
    instrument: str        # its name in grammars/instruments.yaml
    role: str | None       # the role the word asks for (a tanpura drones, a tabla drums)
    stands_in: bool        # the instrument plays a part for one that instruments.yaml lacks


@dataclass
class Instrumentation:
    """The instruments and ensembles a prompt names, in order."""

    instruments: list[NamedInstrument] = field(default_factory=list)
    ensembles: list[tuple[int, str, dict]] = field(default_factory=list)

    def add_instrument(self, order: int, word: str, value: dict) -> None:
        self.instruments.append(NamedInstrument(order, word, value["instrument"], value.get("role"),
                                                bool(value.get("stands_in"))))

    def add_ensemble(self, order: int, word: str, value: dict) -> None:
        self.ensembles.append((order, word, value))


@dataclass
class _Slot:
    role: str
    instrument: str
    name: str | None = None
    order: int | None = None       # the hit that named its instrument; None: from the template

    def as_dict(self, table: dict) -> dict:
        part = {"role": self.role, "instrument": self.instrument}
        if self.name:
            part["name"] = self.name
        span = _range_for(self.role, table[self.instrument])
        if span:
            part["range"] = span
        return part


def _range_for(role: str, inst: grammar.InstrumentDef) -> str | None:
    """A range when the role's usual register leaves the instrument less than an octave and a fifth
    (a recorder's melody): that much of the instrument, as near the usual register as it can be."""
    if role in ("drone", "percussion"):
        return None
    lo, hi = (Pitch.from_name(n).midi for n in DEFAULT_RANGES[role])
    ilo, ihi = Pitch.from_name(inst.low).midi, Pitch.from_name(inst.high).midi
    if min(hi, ihi) - max(lo, ilo) >= MIN_SPAN_SEMITONES:
        return None    # the spec's own choice (the role's register within the instrument's) is roomy enough
    span = min(MIN_SPAN_SEMITONES, ihi - ilo)
    start = min(max(round((lo + hi - span) / 2), ilo), ihi - span)
    return f"{Pitch.from_midi(start).name()}-{Pitch.from_midi(start + span).name()}"


def choose_parts(vocab: Vocabulary, harmony: str, has_cycle: bool, named: Instrumentation, solo: bool,
                 template, template_order: int | None) -> tuple[list[dict], list[tuple[int | None, str, bool]]]:
    """The spec's parts, and lines (hit order or None, text, whether the hit decided something)."""
    return _Chooser(vocab, harmony, has_cycle, named, solo).run(template, template_order)


class _Chooser:
    def __init__(self, vocab: Vocabulary, harmony: str, has_cycle: bool, named: Instrumentation, solo: bool):
        self.vocab, self.named, self.solo, self.has_cycle = vocab, named, solo, has_cycle
        self.policy = harmony if harmony in ROLES_BY_POLICY else "drone"
        self.allowed = ROLES_BY_POLICY[self.policy]
        self.table = grammar.load_instruments()
        self.lines: list[tuple[int | None, str, bool]] = []
        self.slots: list[_Slot] = []

    def roles(self, name: str) -> tuple[str, ...]:
        return self.table[name].roles

    def run(self, template, template_order: int | None) -> tuple[list[dict], list]:
        self.slots = self.template(template)
        melodic = [n for n in self.named.instruments if n.role in (None, "melody") and "melody" in self.roles(n.instrument)]
        lead = next((n for n in melodic if n.instrument not in self.vocab.polyphonic), melodic[0] if melodic else None)
        others = [n for n in self.named.instruments if n is not lead]
        if lead is not None:
            self.place(lead, "melody", lead=True)
        for n in sorted(others, key=lambda n: n.instrument in self.vocab.polyphonic):
            self.place_other(n, others)
        alone = lead is not None and not others and not self.named.ensembles
        if alone and lead.instrument in self.vocab.polyphonic:
            self.play_alone(lead)
        for order, word, ensemble in self.named.ensembles:
            self.place_ensemble(order, word, ensemble, lead)
        self.prune(template_order, lead)
        self.slots.sort(key=lambda s: ROLE_ORDER.index(s.role))
        return [s.as_dict(self.table) for s in self.slots[:MAX_PARTS]], self.lines

    def template(self, template) -> list[_Slot]:
        defaults = self.vocab.data["defaults"]
        if template is None:
            template = defaults["parts"][self.policy]
        if isinstance(template, dict):     # an ensemble: role -> instrument(s)
            roles = ("melody", "chords", "bass") if self.policy == "functional" else ("melody", "drone")
            slots = [_Slot(role, name) for role in roles for name in _listed(template.get(role))]
        else:                              # a list of parts
            slots = [_Slot(p["role"], p["instrument"], p.get("name")) for p in template if p["role"] in self.allowed]
        for part in defaults["parts"][self.policy]:
            wanted = part["role"] == "melody" or isinstance(template, dict) and part["role"] == "drone"
            if wanted and not any(s.role == part["role"] for s in slots):
                slots.append(_Slot(part["role"], part["instrument"]))
        if self.has_cycle:
            slots.append(_Slot("percussion", defaults["percussion"]))
        return slots

    def free(self, role: str) -> _Slot | None:
        return next((s for s in self.slots if s.role == role and s.order is None), None)

    def take(self, slot: _Slot, n) -> None:
        slot.instrument, slot.order = n.instrument, n.order
        slot.name = n.word.lower() if n.stands_in or n.role == "percussion" and n.instrument != n.word.lower() else None

    def say(self, n, roles: list[str]) -> None:
        text = "a percussion part" if roles == ["percussion"] else f"{' and '.join(roles)} {n.instrument}"
        if n.stands_in:
            text += f" (standing in for the {n.word.lower()}, which grammars/instruments.yaml lacks)"
        self.lines.append((n.order, text, True))

    def place(self, n: NamedInstrument, role: str, lead: bool = False) -> None:
        """Into the free part of `role` that the template gave this very instrument or word, else the
        first free one, else a new part; the lead's part goes first among the melodies."""
        free = [s for s in self.slots if s.role == role and s.order is None]
        same = [s for s in free if s.name == n.word.lower() or s.instrument == n.instrument]
        slot = (same or free or [None])[0]
        if slot is None:
            slot = _Slot(role, n.instrument)
            self.slots.append(slot)
        if lead:
            self.slots.remove(slot)
            self.slots.insert(0, slot)
        self.take(slot, n)
        self.say(n, [role])

    def place_other(self, n: NamedInstrument, others: list[NamedInstrument]) -> None:
        roles = self.roles(n.instrument)
        if n.role == "percussion" or "percussion" in roles:
            if self.free("percussion") is not None:
                self.place(n, "percussion")
            elif self.has_cycle:
                self.lines.append((n.order, "the one percussion part, which plays the cycle, is taken", False))
            else:
                self.lines.append((n.order, "a percussion part plays a rhythmic cycle, and this piece has a meter "
                                            "(name a cycle such as teentaal, maqsum or aksak)", False))
            return
        if n.role is not None:
            prefs = [n.role]
        else:
            if n.instrument in self.vocab.polyphonic and not self.named.ensembles:
                took = [s.role for s in self.slots if s.order is None and s.role in ("chords", "bass")
                        and s.role in roles]
                for role in took:
                    self.take(self.free(role), n)
                if took:
                    self.say(n, took)
                    return
            bass_players = [o for o in others if "bass" in self.roles(o.instrument) and o.role is None]
            lowest = min(bass_players, key=lambda o: Pitch.from_name(self.table[o.instrument].low).midi, default=None)
            prefs = (["bass"] if lowest is n else []) + ["chords", "drone", "bass", "melody"]
        for role in prefs:
            if role in roles and role in self.allowed and self.free(role) is not None:
                self.place(n, role)
                return
        for role in prefs:
            if role in roles and role in self.allowed and (role != "drone" or n.role == "drone"):
                self.place(n, role)
                if role == "melody" and self.policy == "functional":
                    self.lines.append((n.order, "a melody of its own over the same chords", True))
                return
        self.lines.append((n.order, f"no part for it: its roles ({', '.join(roles)}) do not fit a piece whose "
                                    f"harmony is {self.policy!r}", False))

    def play_alone(self, lead: NamedInstrument) -> None:
        took, dropped = [], []
        for slot in self.slots:
            if slot.order is None and slot.role in ("chords", "bass"):
                if slot.role in self.roles(lead.instrument):
                    self.take(slot, lead)
                    took.append(slot.role)
                else:
                    dropped.append(slot)
        for slot in dropped:
            self.slots.remove(slot)
        if took:
            self.lines.append((lead.order, f"{' and '.join(took)} {lead.instrument} too: it plays alone", True))

    def place_ensemble(self, order: int, word: str, ensemble: dict, lead) -> None:
        placed = []
        for role in ROLE_ORDER:
            names = _listed(ensemble.get(role))
            if not names or role not in self.allowed or (role == "melody" and lead is not None):
                continue
            free = [s for s in self.slots if s.role == role and s.order is None]
            if role == "drone" and not free:
                continue
            for i, name in enumerate(names):
                slot = free[i] if i < len(free) else None
                if slot is None:
                    slot = _Slot(role, name)
                    self.slots.append(slot)
                slot.instrument, slot.order, slot.name = name, order, None
                placed.append(f"{role} {name}")
        if placed:
            self.lines.append((order, ", ".join(placed), True))
        else:
            self.lines.append((order, "no part left for the ensemble", False))

    def prune(self, template_order: int | None, lead) -> None:
        individual = [n for n in self.named.instruments if n.role != "percussion"
                      and "percussion" not in self.roles(n.instrument)]
        if self.solo:
            keep = [s for s in self.slots if s.order is not None]
            if not any(s.role == "melody" for s in keep):    # 'solo' with no melody named: the template's
                keep.insert(0, next(s for s in self.slots if s.role == "melody"))
            self.slots = keep
            return
        if len(individual) + len(self.named.ensembles) >= 2 or self.named.ensembles:
            self.slots = [s for s in self.slots if s.order is not None or s.role in ("drone", "percussion")]
        if not any(s.role == "melody" for s in self.slots):
            part = next(p for p in self.vocab.data["defaults"]["parts"][self.policy] if p["role"] == "melody")
            self.slots.insert(0, _Slot("melody", part["instrument"]))
            self.lines.append((None, f"melody {part['instrument']}: no instrument named can play a melody", True))
        rest = [s for s in self.slots if s.order is None]
        if rest:
            text = ", ".join("percussion" if s.role == "percussion" else
                             f"{s.role} {s.instrument}" + (f" ({s.name})" if s.name else "") for s in rest)
            self.lines.append((template_order, text if template_order is not None else f"parts: {text}", True))


def _listed(value) -> list[str]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]
