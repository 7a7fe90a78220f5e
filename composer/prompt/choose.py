"""Interpreting a prompt's hits: each proposes values for facets of the spec, the strongest wins.

A word that names a facet (a tempo word, a key, a meter, a form, a style, a tradition) is
explicit; what a dance, style or tradition brings with it (a waltz's 3/4, a raga's drone) is
implied; a mood's mode and tempo are a tendency. An exact bpm beats a tempo word, and a word
about length ('short') beats the form a dance implies. Among equals the later word wins, and
the choice lines say so. A mood's tempo, where a dance or tradition implies one, narrows the
implied range instead of replacing it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from theory.cycle import Cycle, load_cycle
from theory.key import Key
from theory.meter import Meter
from theory.pitch import parse_spelling

from .. import grammar
from ..score.errors import ComposerError
from .parse import Hit, Token
from .parts import Instrumentation, choose_parts
from .words import Vocabulary

__all__ = ["Interpreter", "beat_quarters", "MIN_TEMPO", "MAX_TEMPO"]

# A bpm beats a tempo word; a word naming a facet beats a tradition named without its mode
# ('gamelan', beaten by 'pelog'), which beats a length word's form ('short'), which beats what a
# dance or tradition implies, which beats a mood's tendency.
EXACT, EXPLICIT, TRADITION, LENGTH, IMPLIED, TENDENCY = 4.0, 3.0, 2.8, 2.5, 2.0, 1.0
MIN_TEMPO, MAX_TEMPO = 20, 400          # the spec's bounds for a tempo, in quarters a minute (spec.schema.json)
MAX_TITLE_CHARS = 80
_INSTRUMENT_INTRO = {"for", "with", "featuring", "on", "using", "played", "by"}
_BEAT_NAMES = {Fraction(1): "quarters", Fraction(3, 2): "dotted quarters", Fraction(2): "half notes",
               Fraction(3, 4): "dotted eighths", Fraction(4): "whole notes", Fraction(3): "dotted halves"}


def _meter_text(meter: Meter) -> str:
    text = f"{meter.numerator}/{meter.denominator}"
    return text + (f" {'+'.join(map(str, meter.grouping))}" if len(set(meter.grouping)) > 1 else "")


def beat_quarters(meter: Meter) -> Fraction:
    """The felt beat of a meter in quarter notes: a dotted quarter in 6/8, 9/8, 12/8, a half in 2/2, else a quarter."""
    if meter.is_compound:
        return 3 * meter.unit
    if meter.denominator <= 2:
        return meter.unit
    return Fraction(1)


@dataclass
class _Proposal:
    strength: float
    order: int             # the hit's index: the later word wins among equals
    value: Any


class Interpreter:
    def __init__(self, text: str, tokens: list[Token], hits: list[Hit], vocab: Vocabulary, seed: int):
        self.text, self.tokens, self.hits, self.seed, self.vocab = text, tokens, hits, seed, vocab
        self.data = vocab.data
        self.facets: dict[str, list[_Proposal]] = {}
        self.decided: dict[int, list[str]] = {}    # hit index -> what it decided
        self.lost: dict[int, list[str]] = {}       # hit index -> why it decided nothing
        self.notes: list[str] = []                 # what no word decided
        self.winners: dict[str, _Proposal] = {}    # facet -> the proposal that decided it

    # -- bookkeeping
    def propose(self, facet: str, strength: float, order: int, value: Any) -> None:
        self.facets.setdefault(facet, []).append(_Proposal(strength, order, value))

    def decide(self, order: int | None, text: str) -> None:
        if order is None:
            self.notes.append(text)
        else:
            self.decided.setdefault(order, []).append(text)

    def winner(self, facet: str, what: str) -> _Proposal | None:
        """The strongest proposal, the later among equals; equal rivals with other values are told why they lost."""
        props = self.facets.get(facet, [])
        if not props:
            return None
        best = max(props, key=lambda p: (p.strength, p.order))
        self.winners[facet] = best
        for p in props:
            if p.strength == best.strength and p.order < best.order and p.value != best.value:
                self.lost.setdefault(p.order, []).append(f"{what}: {self.hits[best.order].text!r} comes later and wins")
        return best

    def settle(self, facet: str, best: _Proposal, text: str) -> None:
        """`best` decided `text`; words that proposed the same value agree with it and are used too."""
        self.decide(best.order, text + self.overrides(facet, best))
        for p in self.facets.get(facet, []):
            if p.order != best.order and p.value == best.value and p.order not in self.decided:
                self.decide(p.order, f"agrees with {self.hits[best.order].text!r}: {text}")

    def withdraw(self, order: int, facets: tuple[str, ...]) -> None:
        """Take back what a word proposed for `facets` (a style set aside takes its ensemble with it)."""
        for facet in facets:
            self.facets[facet] = [p for p in self.facets.get(facet, []) if p.order != order]

    def why_not(self, order: int) -> str:
        """Why a hit decided nothing: the lines of the conflicts it lost, else the words that decided its facets."""
        if order in self.lost:
            return "; ".join(dict.fromkeys(self.lost[order]))
        reasons = []
        for facet, props in self.facets.items():
            best = self.winners.get(facet)
            if any(p.order == order for p in props) and best is not None and best.order != order:
                reasons.append(f"{facet}: {self.hits[best.order].text!r} decides it")
        return "; ".join(reasons) or "the words it names choose nothing in this piece"

    def overrides(self, facet: str, best: _Proposal) -> str:
        rivals = [self.hits[p.order].text for p in self.facets.get(facet, [])
                  if p.strength == best.strength and p.order < best.order and p.value != best.value]
        return f"; overrides {', '.join(map(repr, rivals))}: the later word wins" if rivals else ""

    # -- the whole spec
    def run(self) -> dict:
        named, solo_hit = Instrumentation(), None
        for order, hit in enumerate(self.hits):
            if hit.kind == "solo":
                solo_hit = order
            self.collect(order, hit, named)
        mode = self.winner("mode", "mode")
        if mode is not None and mode.value[0] == "pack":
            self.propose_tradition(mode.order, self.vocab.tradition(mode.value[1]))
            for p in self.facets["mode"]:
                if p.order != mode.order and p.value[:2] == mode.value[:2] and p.strength == TRADITION:
                    self.decide(p.order, f"the {mode.value[1]} tradition (its mode: {self.hits[mode.order].text!r})")
        key_fields, key = self.choose_key(mode)
        style = self.choose_style(key)
        harmony = "functional" if style else key.harmony
        if harmony != "functional":
            self.set_aside_charted_forms()
        meter, cycle, named_cycle = self.choose_meter(key, mode)
        spec: dict[str, Any] = {"title": self.title()}
        spec.update(key_fields)
        if named_cycle:
            spec["cycle"] = cycle.name
        elif cycle is None:
            spec["meter"] = f"{meter.numerator}/{meter.denominator}"
            if len(set(meter.grouping)) > 1:      # an additive meter: say how its beats group
                spec["grouping"] = "+".join(map(str, meter.grouping))
        felt = cycle.meter if cycle is not None else meter
        spec["tempo"] = self.choose_tempo(felt)
        spec.update(self.choose_form(cycle is not None))
        if style:
            spec["style"] = style
        pattern = self.choose_pattern(felt)
        idiom = self.choose_idiom(felt, cycle is not None)
        if idiom:
            spec["idiom"] = idiom
        ensemble = self.winner("ensemble", "instruments")
        parts, lines = choose_parts(self.vocab, harmony, cycle is not None, named, solo_hit is not None,
                                    ensemble.value if ensemble else None, ensemble.order if ensemble else None)
        for order, line, decided in lines:
            if decided:
                self.decide(order, line)
            else:
                self.lost.setdefault(order, []).append(line)
        if solo_hit is not None:
            self.decide(solo_hit, "no accompaniment: only what is named plays")
        for part in parts:
            if pattern and part["role"] in ("chords", "bass"):
                part["pattern"] = pattern
        spec["parts"] = parts
        spec["seed"] = self.seed
        return spec

    def choose_idiom(self, meter, cycle: bool) -> str | None:
        """The idiom a dance word names (its tune type: rhythm and phrase schemes), when its bars fit the meter."""
        best = self.winner("idiom", "idiom")
        if best is None:
            return None
        idiom = grammar.load_idiom(best.value)
        if cycle or idiom.in_meter(meter) is None:
            self.lost.setdefault(best.order, []).append(
                f"idiom: a {idiom.name} is written in {', '.join(idiom.all_meters)}, and {meter} is chosen")
            return None
        self.settle("idiom", best, f"idiom: {idiom.name} ({idiom.title.lower()}: its bar rhythms and phrase schemes)")
        return idiom.name

    def collect(self, order: int, hit: Hit, named: Instrumentation) -> None:
        v, kind = hit.value, hit.kind
        if kind == "bpm":
            self.propose("tempo", EXACT, order, ("bpm", v))
        elif kind == "tempo":
            self.propose("tempo", EXPLICIT, order, ("range", tuple(v), hit.text))
        elif kind == "mood":
            self.propose("mode", TENDENCY, order, ("western", v["mode"]))
            self.propose("tempo", TENDENCY, order, ("range", tuple(v["tempo"]), hit.text))
        elif kind == "mode":
            self.propose("mode", EXPLICIT, order, ("western", v["mode"]))
        elif kind == "key":
            self.propose("tonic", EXPLICIT, order, v["tonic"])
            if v["mode"]:
                self.propose("mode", EXPLICIT, order, ("western", v["mode"]))
        elif kind == "meter":
            self.propose("meter", EXPLICIT, order, ("meter", v["meter"]))
            if v.get("grouping"):
                self.propose("grouping", EXPLICIT, order, v["grouping"])
        elif kind == "grouping":
            self.propose("grouping", EXPLICIT, order, v)
        elif kind == "cycle":
            self.propose("meter", EXPLICIT, order, ("cycle", v))
        elif kind == "length":
            self.propose("form", LENGTH, order, ("form", v))
        elif kind == "tradition":
            trad = self.vocab.tradition(v["tradition"])
            self.propose("mode", EXPLICIT if v["mode"] else TRADITION, order,
                         ("pack", v["tradition"], v["mode"] or trad["mode"]))
        elif kind == "instrument":
            named.add_instrument(order, hit.text, v)
        elif kind == "ensemble":
            named.add_ensemble(order, hit.text, v)
        elif kind in ("genre", "style", "form"):
            self.collect_implied(order, hit, kind)

    def collect_implied(self, order: int, hit: Hit, kind: str) -> None:
        v = hit.value
        if "meter" in v:
            self.propose("meter", IMPLIED, order, ("meter", v["meter"]))
        if "tempo" in v:
            self.propose("tempo", IMPLIED, order, ("range", tuple(v["tempo"]), hit.text))
        if "mode" in v:
            self.propose("mode", TENDENCY, order, ("western", v["mode"]))
        if "form" in v:
            self.propose("form", EXPLICIT if kind == "form" else IMPLIED, order, ("form", v["form"]))
        if "style" in v:
            self.propose("style", EXPLICIT if kind == "style" else IMPLIED, order, v["style"])
        if "pattern" in v:
            self.propose("pattern", IMPLIED, order, v["pattern"])
        if "idiom" in v:
            self.propose("idiom", IMPLIED, order, v["idiom"])
        if "ensemble" in v:
            self.propose("ensemble", IMPLIED, order, self.data["ensembles"]["words"][v["ensemble"]])

    def propose_tradition(self, order: int, trad: dict) -> None:
        if "meter" in trad:
            self.propose("meter", IMPLIED, order, ("meter", trad["meter"]))
        self.propose("tempo", IMPLIED, order, ("range", tuple(trad["tempo"]), self.hits[order].text))
        if "sections" in trad:
            self.propose("form", IMPLIED, order, ("sections", trad["sections"]))
        if "form" in trad:
            self.propose("form", IMPLIED, order, ("form", trad["form"]))
        if "pattern" in trad:
            self.propose("pattern", IMPLIED, order, trad["pattern"])
        self.propose("ensemble", IMPLIED, order, trad["parts"])

    # -- key or scale
    def choose_key(self, mode: _Proposal | None) -> tuple[dict, Key]:
        tonic = self.winner("tonic", "tonic")
        if mode is not None and mode.value[0] == "pack":
            return self.choose_scale(mode, tonic)
        defaults, words = self.data["defaults"], self.data["modes"]["words"]
        mode_word = mode.value[1] if mode is not None else defaults["mode"]
        tonic_text = tonic.value if tonic is not None else words.get(mode_word, {}).get("tonic", defaults["tonic"])
        key = Key.parse(f"{tonic_text} {mode_word}")
        if mode is None and tonic is None:
            self.notes.append(f"no key named -> key {key} (the default)")
        elif mode is None:
            self.settle("tonic", tonic, f"key {key} ({mode_word} when no word names a mode)")
        elif tonic is not None and tonic.order == mode.order:
            self.settle("mode", mode, f"key {key}")
        else:
            lean = " (what it leans to)" if mode.strength == TENDENCY else ""
            self.settle("mode", mode, f"mode {str(key).split(' ', 1)[1]}{lean}")
            if tonic is not None:
                self.settle("tonic", tonic, f"key {key}")
            else:
                self.notes.append(f"no tonic named -> key {key} ({tonic_text}: the usual tonic of the mode)")
        return {"key": str(key)}, key

    def choose_scale(self, mode: _Proposal, tonic: _Proposal | None) -> tuple[dict, Key]:
        _, name, mode_name = mode.value
        trad = self.vocab.tradition(name)
        tonic_text = tonic.value if tonic is not None else trad.get("tonics", {}).get(mode_name, trad["tonic"])
        scale = {"pack": trad["pack"], "mode": mode_name, "tonic": tonic_text}
        if "tuning" in trad:
            scale["tuning"] = trad["tuning"]
        m = re.match(r"^([A-G][#b]?)(?:([+-]\d+)c)?$", tonic_text)
        key = Key(parse_spelling(m.group(1))[0], mode_name, trad["pack"], scale.get("tuning"),
                  float(m.group(2)) if m.group(2) else 0.0)
        default = " (the tradition's usual mode)" if mode.strength == TRADITION else ""
        on = f" on {tonic_text}" if tonic is None else ""
        tuning = f", tuning {scale['tuning']}" if "tuning" in scale else ""
        self.settle("mode", mode, f"scale {trad['pack']} {mode_name}{default}{on}{tuning}")
        if tonic is not None:
            self.settle("tonic", tonic, f"tonic {tonic_text}")
        return {"scale": scale}, key

    # -- meter or cycle
    def choose_meter(self, key: Key, mode: _Proposal | None) -> tuple[Meter, Cycle | None, bool]:
        chosen = self.winner("meter", "meter")
        group = self.winner("grouping", "grouping")
        if chosen is not None and chosen.value[0] == "cycle":
            cycle = load_cycle(chosen.value[1])
            self.settle("meter", chosen, f"cycle {cycle.name} ({_meter_text(cycle.meter)}, {cycle.tradition})")
            if group is not None:
                self.lost.setdefault(group.order, []).append("grouping: the cycle brings its own groups")
            return cycle.meter, cycle, True
        if chosen is None and group is None and key.pack != "western" and key.info.cycles:
            cycle = load_cycle(key.info.cycles[0])
            self.decide(mode.order, f"cycle {cycle.name} ({_meter_text(cycle.meter)}), the mode's usual cycle")
            return cycle.meter, cycle, False
        text = chosen.value[1] if chosen is not None else self.data["defaults"]["meter"]
        if group is not None and sum(group.value) != Meter.parse(text).numerator:
            if chosen is None or chosen.strength < EXPLICIT:
                text, chosen = f"{sum(group.value)}/8", None
            else:
                self.lost.setdefault(group.order, []).append(
                    f"grouping: {'+'.join(map(str, group.value))} does not add up to the "
                    f"{text} of {self.hits[chosen.order].text!r}")
                group = None
        if group is not None:
            meter = Meter.parse(text, group.value)
            self.settle("grouping", group, f"meter {_meter_text(meter)}")
        else:
            meter = Meter.parse(text, self.data["meters"]["groupings"].get(text))
        if chosen is not None:
            self.settle("meter", chosen, f"meter {_meter_text(meter) if group is None else text}")
        elif group is None:
            self.notes.append(f"no meter named -> meter {text} (the default)")
        return meter, None, False

    # -- tempo
    def choose_tempo(self, meter: Meter) -> int:
        """Quarters a minute. The words' ranges count the meter's felt beat; the midpoint is taken."""
        beat = beat_quarters(meter)
        unit = _BEAT_NAMES.get(beat, f"beats of {beat} quarters") + " a minute"
        unit += "" if beat == 1 else "; the spec counts quarters"
        best = self.winner("tempo", "tempo")
        if best is None:
            lo, hi = self.data["defaults"]["tempo"]
            tempo = self.clamp((lo + hi) // 2 * beat, None)
            self.notes.append(f"no tempo named -> tempo {tempo} ({lo}-{hi} {unit}, the default)")
            return tempo
        if best.strength == EXACT:
            bpm = best.value[1]
            tempo = self.clamp(bpm * beat, best.order)
            beaten = [repr(self.hits[p.order].text) for p in self.facets["tempo"] if p.strength == EXPLICIT]
            self.decide(best.order, f"tempo {tempo} ({bpm} {unit}"
                        + (f"; an exact bpm beats {', '.join(beaten)}" if beaten else "") + ")")
            return tempo
        lo, hi = best.value[1]
        why, mid = f"{best.value[2]}: {lo}-{hi} {unit}", (lo + hi) // 2
        leaning = [p for p in self.facets["tempo"] if p.strength == TENDENCY]
        if best.strength == IMPLIED and leaning:
            # A mood narrows what a dance or tradition implies, or pulls to the end of it nearest its own.
            lean = max(leaning, key=lambda p: p.order)
            llo, lhi = lean.value[1]
            if max(lo, llo) <= min(hi, lhi):
                mid = (max(lo, llo) + min(hi, lhi)) // 2
            else:
                mid = min(max((llo + lhi) // 2, lo), hi)
            why += f"; leaning to {lean.value[2]!r}: {llo}-{lhi}"
            self.decide(lean.order, f"tempo leaning to {llo}-{lhi}")
        tempo = self.clamp(mid * beat, best.order)
        self.decide(best.order, f"tempo {tempo} ({why}{self.overrides('tempo', best)})")
        return tempo

    def clamp(self, quarters, order: int | None) -> int:
        tempo = round(quarters)
        if not MIN_TEMPO <= tempo <= MAX_TEMPO:
            bounded = min(max(tempo, MIN_TEMPO), MAX_TEMPO)
            self.decide(order, f"tempo {tempo} is outside {MIN_TEMPO}-{MAX_TEMPO} quarters a minute: {bounded}")
            return bounded
        return tempo

    # -- form, style, accompaniment pattern
    def set_aside_charted_forms(self) -> None:
        """A form with its own chord chart (the twelve-bar blues) needs chords, which a scale without a
        chord progression has not: set it aside, with what the same word implied (its meter, tempo...)."""
        for p in list(self.facets.get("form", [])):
            if p.value[0] == "form" and any(s.chords for s in grammar.load_form(p.value[1]).sections):
                self.lost.setdefault(p.order, []).append(
                    f"form {p.value[1]}: its chord chart needs chords, and this scale keeps its own harmony")
                self.facets["form"].remove(p)
                for facet in ("meter", "tempo", "ensemble", "pattern"):
                    self.facets[facet] = [q for q in self.facets.get(facet, [])
                                          if q.order != p.order or q.strength > IMPLIED]

    def choose_form(self, has_cycle: bool) -> dict:
        best = self.winner("form", "form")
        if best is None:
            form = self.data["defaults"]["form"]
            self.notes.append(f"no form named -> form {form} (the default)")
            return {"form": form}
        if best.value[0] == "form":
            self.settle("form", best, f"form {best.value[1]}")
            return {"form": best.value[1]}
        unit = "cycles" if has_cycle else "bars"
        sections = []
        for s in best.value[1]:
            item = {"name": s["name"]}
            if "length" in s:
                item[unit] = s["length"]
            item.update({k: s[k] for k in ("key", "cadence", "repeat") if k in s})
            sections.append(item)
        self.settle("form", best, f"sections {' '.join(s['name'] for s in sections)}")
        return {"sections": sections}

    def choose_style(self, key: Key) -> str | None:
        best = self.winner("style", "chord style")
        if best is None:
            return None
        if key.pack != "western" and best.value != key.pack:
            # A tradition keeps its own harmony: its pack's chord style, or none (a drone, a cycle).
            self.lost.setdefault(best.order, []).append(
                f"chord style: the {key.pack} scale keeps its own harmony")
            self.withdraw(best.order, ("ensemble", "pattern"))
            return None
        try:
            grammar.variant_for_key(grammar.load_chord_style(best.value), key)
        except ComposerError:
            self.lost.setdefault(best.order, []).append(f"chord style {best.value!r} has no chords for {key}")
            self.withdraw(best.order, ("ensemble", "pattern"))
            return None
        self.settle("style", best, f"chord style {best.value}")
        return best.value

    def choose_pattern(self, meter: Meter) -> str | None:
        best = self.winner("pattern", "accompaniment")
        if best is None:
            return None
        suits = grammar.load_pattern(best.value).meters
        signature = f"{meter.numerator}/{meter.denominator}"
        if suits and signature not in suits:
            self.lost.setdefault(best.order, []).append(f"accompaniment {best.value} does not suit {signature}")
            return None
        self.settle("pattern", best, f"accompaniment {best.value}")
        return best.value

    # -- title
    def title(self) -> str:
        toks, stop = self.tokens, self.vocab.stop_words
        cut = len(toks)
        for hit in self.hits:
            if hit.kind in ("instrument", "ensemble", "solo"):
                j = hit.start - 1
                while j >= 0 and toks[j].norm in stop:
                    if toks[j].norm in _INSTRUMENT_INTRO:
                        cut = min(cut, j)
                        break
                    j -= 1
        first = 0
        while first < cut and toks[first].norm in stop and toks[first].norm not in ("in", "on", "of"):
            first += 1
        if first >= cut:
            first, cut = 0, len(toks)
            while first < cut and toks[first].norm in stop:
                first += 1
        if first >= cut:
            return "Piece"
        text = " ".join(self.text[toks[first].start:toks[cut - 1].end].split()).strip(" ,;:-")
        if len(text) > MAX_TITLE_CHARS:
            text = text[:MAX_TITLE_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:-") + "..."
        return (text[:1].upper() + text[1:]) or "Piece"
