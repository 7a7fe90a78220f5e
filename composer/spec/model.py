"""The spec's types (`Spec`, `SectionSpec`, `PartSpec`, `Constraints`), its defaults, and its JSON Schema."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from theory import Key, Meter, Pitch
from theory.cycle import Cycle
from theory.melody_rules import melody_rules

from .. import grammar
from ..models.corpus_index import DEFAULT_MAX_COPIED_RUN

DEFAULT_RANGES = {"melody": ("C4", "A5"), "bass": ("E2", "D4"), "chords": ("F3", "D5"), "drone": ("C3", "B3"),
                  "percussion": ("B1", "D#6")}
DEFAULT_VELOCITY = {"melody": 90, "chords": 60, "bass": 76, "drone": 52, "percussion": 84}
DEFAULT_PARTS = ({"role": "melody"}, {"role": "chords"}, {"role": "bass"})
MODAL_PARTS = ({"role": "melody"}, {"role": "drone"})
# texture: satb. The four voices of a chorale in their textbook ranges (Kostka and Payne, Tonal Harmony,
# 7th ed., ch. 5: soprano C4-G5, alto G3-D5, tenor C3-G4, bass E2-D4).
SATB_PARTS = ({"role": "melody", "name": "soprano", "instrument": "choir", "range": "C4-G5"},
              {"role": "chords", "name": "alto", "instrument": "choir", "range": "G3-D5"},
              {"role": "chords", "name": "tenor", "instrument": "choir", "range": "C3-G4"},
              {"role": "bass", "name": "bass", "instrument": "choir", "range": "E2-D4"})
TEXTURES = ("accompanied", "satb")


CADENCES = ("authentic", "half", "plagal", "deceptive", "none")
DEFAULT_VARY_AMOUNT = 0.3     # vary: {of: A}: the share of A's notes changed or ornamented


@lru_cache(maxsize=1)
def spec_schema() -> dict:
    return json.loads((Path(__file__).resolve().parent / "spec.schema.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class SectionSpec:
    name: str
    bars: int | None = None
    phrase_bars: int | None = None
    key: str | None = None
    cadence: str | None = None
    role: str | None = None
    repeat: str | None = None
    vary: float | None = None
    chords: tuple[str, ...] | None = None
    motifs: tuple[tuple[int, int, int, int], ...] | None = None   # (from_bar, to_bar, bars, transpose)
    variation: tuple[float, str] | None = None   # vary: {of, amount, keep}: (amount, keep); `repeat` holds `of`
    unmetered: bool = False      # an opening in free rhythm (alap, alapana, taqsim, gazel, avaz) before the cycle


@dataclass(frozen=True)
class PartSpec:
    role: str
    name: str
    instrument: grammar.InstrumentDef
    low: Pitch
    high: Pitch
    pattern: str | None
    velocity: int
    lyrics: tuple = ()         # lines of `text.Syllable`s to set, one line per phrase (melody parts)


DEFAULT_MAX_LEAP = melody_rules().max_leap_semitones    # an octave: theory/rules/melody.yaml


@dataclass(frozen=True)
class Constraints:
    max_leap: int = DEFAULT_MAX_LEAP
    chord_tones_on_strong_beats: bool = True
    notes_per_bar: tuple[int, int] | None = None
    end_on_tonic: bool = True
    max_copied_run: int = DEFAULT_MAX_COPIED_RUN   # notes; 0 switches the originality guard off


@dataclass(frozen=True)
class Spec:
    title: str
    key: Key
    meter: Meter
    tempo_bpm: float
    form: str | None
    sections: tuple[SectionSpec, ...]
    style: str
    parts: tuple[PartSpec, ...]
    seed: int
    constraints: Constraints
    source: str = "<dict>"
    stem: str = "piece"
    raw: dict = field(default_factory=dict, compare=False)
    cycle: Cycle | None = None
    harmony: str = "functional"   # the harmony policy: functional, drone, heterophony, colotomic
    tempo_range: tuple[float, float] = (100.0, 100.0)   # [slowest, fastest] given, or (tempo, tempo)
    duration_s: float | None = None                      # fit the piece to this many seconds
    cues: tuple = ()                                     # spec.timing.Cue: moments for a cadence or the climax
    texture: str = "accompanied"                         # or satb: a four-part chorale (SATB_PARTS)
    composer: str | None = None                          # named in the score's credits
    idiom: str | None = None                             # a tune type (grammars/idioms): rhythm, schemes, meter
    notices: tuple[str, ...] = ()                        # how a value was read where not as written ('slendro')


def stem_of_title(title) -> str:
    """The file stem for a spec given as a dict: its title, in lower case, with '_' for other characters."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", str(title)).strip("_").lower() or "piece"
