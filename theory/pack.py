"""Scale packs: one YAML file per tradition under `theory/packs/`.

`load_pack("hindustani")` reads and validates a pack; `pack.mode("yaman")` gives its
`ModeInfo` (movement graph, omitted notes, emphasis, final, drone, phrases, harmony
policy, default cycles), and `pack.scale("yaman", "just")` the `Scale` in a tuning
profile. Notes are named in a profile (`S`, `r`, `R`, ...) or given as cents above the
tonic. Users may add their own pack file with `load_pack_file(path)`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .datafile import read_yaml_file
from .errors import DataFileError, ParseError, UnknownNameError
from .scale import DOWN, UP, Scale
from .schema import load_schema, validate
from .tuning import Tuning

PACKS_DIR = Path(__file__).resolve().parent / "packs"
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "pack.schema.json"
_OCTAVE_MARKS = re.compile(r"^([.'\u02cc]*)(.*?)([.'^\u02c8]*)$")


@dataclass(frozen=True)
class Phrase:
    """A characteristic phrase: cents above the tonic (octave marks resolved) and beats per note."""

    name: str
    cents: tuple[float, ...]
    beats: tuple[float, ...]
    at: str = "anywhere"     # 'opening' (pakad, seyir), 'closing' (qafla, forud) or 'anywhere'


@dataclass(frozen=True)
class ModeInfo:
    name: str
    family: str
    scale: Scale                        # in the pack's default tuning
    signature_offset: int | None
    parent: str | None
    aliases: tuple[str, ...]
    source: str
    pack: str = "western"
    harmony: str = "functional"
    omitted_cents: tuple[float, ...] = ()
    emphasis: dict = field(default_factory=dict)     # role -> cents above the tonic
    final_cents: float = 0.0
    nyas_cents: tuple[float, ...] = ()               # notes a phrase may rest on besides final and emphasis
    gushes: tuple[tuple[str, float], ...] = ()       # a dastgah's gushes in order: (name, its shahed's cents)
    drone_cents: tuple[float, ...] = ()
    phrases: tuple[Phrase, ...] = ()
    cycles: tuple[str, ...] = ()
    ajnas: tuple[tuple[str, float], ...] = ()         # (jins name, cents of its tonic above the mode's)
    number: int | None = None
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_heptatonic(self) -> bool:
        return len(self.scale.ascending) == 7 and len(self.scale.descending) == 7


@dataclass(frozen=True)
class ChordQuality:
    name: str
    intervals: tuple[float, ...]
    symbols: tuple[str, ...]


@dataclass(frozen=True)
class Modulation:
    from_mode: str
    to_mode: str
    via: str | None
    shift_cents: float | None
    weight: float


@dataclass(frozen=True)
class Pack:
    name: str
    title: str
    harmony: str
    source: str
    tunings: dict[str, Tuning]
    default_tuning: str
    modes: dict[str, ModeInfo]
    chord_qualities: dict[str, ChordQuality]
    path: str
    note_names: dict[str, dict[str, float]] = field(default_factory=dict)   # profile -> name -> cents
    ajnas: dict[str, tuple[float, ...]] = field(default_factory=dict)
    modulations: tuple[Modulation, ...] = ()
    notation: str = "exact"     # how a staff writes its notes: exact, letters, quarter_tones, koron_sori
    default_modes: dict[str, tuple[str, str]] = field(default_factory=dict)   # name -> (mode, why)
    _profile_cache: dict = field(default_factory=dict, compare=False, repr=False)

    def mode(self, name: str | int) -> ModeInfo:
        """A mode by its name, an alias, a melakarta number, or a name the pack gives a default mode
        (`default_modes`: gamelan's 'slendro' is slendro_nem)."""
        key = normalise_name(str(name))
        if key in self.default_modes:
            key = self.default_modes[key][0]
        number = re.sub(r"^(mela|melakarta)_?", "", key)
        for info in self.modes.values():
            if key == info.name or key in info.aliases or (number.isdigit() and info.number == int(number)):
                return info
        names = list(self.modes) + [a for m in self.modes.values() for a in m.aliases]
        raise UnknownNameError(f"mode of pack {self.name!r}", str(name), names)

    def tuning(self, name: str | None = None) -> Tuning:
        name = name or self.default_tuning
        if name not in self.tunings:
            raise UnknownNameError(f"tuning of pack {self.name!r}", name, self.tunings)
        return self.tunings[name]

    def note_cents(self, mode: ModeInfo, note, tuning: str | None = None) -> float:
        """Cents above the tonic of a note of `mode` in a tuning profile (octave marks allowed)."""
        profile = tuning or self.default_tuning
        overrides = (mode.raw.get("tunings") or {}).get(profile, {})
        return resolve_note(note, self.note_names.get(profile, {}), self.tunings[profile].period_cents,
                            overrides, where=f"{self.name}:{mode.name}")

    def scale(self, mode_name: str, tuning: str | None = None) -> Scale:
        """The mode's scale (movement graph) in a tuning profile (default: the pack's)."""
        return self.mode_info(mode_name, tuning).scale

    def mode_info(self, mode_name: str, tuning: str | None = None) -> ModeInfo:
        """The mode's facts with every note in a tuning profile (default: the pack's)."""
        mode = self.mode(mode_name)
        profile = tuning or self.default_tuning
        if profile == self.default_tuning:
            return mode
        self.tuning(profile)  # raises with the names accepted
        cache = self._profile_cache
        if (mode.name, profile) not in cache:
            info = {"names": self.note_names, "periods": {k: t.period_cents for k, t in self.tunings.items()}}
            cache[(mode.name, profile)] = _mode_info(info, mode.name, mode.raw, profile, self.name, mode.harmony,
                                                     self.path)
        return cache[(mode.name, profile)]


    def scale_in_user_tuning(self, mode_name: str, tuning: Tuning) -> Scale:
        return self.mode_info_in_user_tuning(mode_name, tuning).scale

    def mode_info_in_user_tuning(self, mode_name: str, tuning: Tuning) -> ModeInfo:
        """The mode's scale with the pack's default notes retuned by a user tuning (a Scala file):
        the n-th note of the default profile, by rising cents, takes the n-th degree of `tuning`."""
        mode = self.mode(mode_name)
        names = self.note_names.get(self.default_tuning, {})
        if names:
            # The mode's own notes take the file's degrees in rising order when the counts agree
            # (a 5-note slendro file for a slendro mode); else the whole profile's notes do.
            mode_cents = {round(c, 6) for c in mode.scale.degree_cents}
            used = {n: v for n, v in names.items() if round(v % self.tunings[self.default_tuning].period_cents, 6)
                    in mode_cents}
            pool = used if len(mode_cents) == tuning.size else names
            distinct = sorted(set(round(v, 6) for v in pool.values()))
            if len(distinct) != tuning.size:
                raise DataFileError(f"tuning {tuning.name!r} has {tuning.size} degrees; mode {mode.name!r} of pack "
                                    f"{self.name!r} has {len(mode_cents)} notes and its profile "
                                    f"{self.default_tuning!r} names {len(set(round(v, 6) for v in names.values()))}")
            mapping = {n: tuning.degree_cents[distinct.index(round(v, 6))] for n, v in pool.items()}
        else:
            default = self.tunings[self.default_tuning]
            if default.size != tuning.size:
                raise DataFileError(f"tuning {tuning.name!r} has {tuning.size} degrees; pack {self.name!r} "
                                    f"has {default.size} in its profile {self.default_tuning!r}")
            mapping = None
        if mapping is None:
            lookup = dict(zip(self.tunings[self.default_tuning].degree_cents, tuning.degree_cents))
            raw = dict(mode.raw)
            for k in ("degrees", "ascending", "descending", "omitted"):
                if k in raw:
                    raw[k] = [lookup.get(float(v), v) if isinstance(v, (int, float)) else v for v in raw[k]]
            info = {"names": {"user": {}}, "periods": {"user": tuning.period_cents}}
            return _mode_info(info, mode.name, raw, "user", self.name, mode.harmony, tuning.name)
        info = {"names": {"user": mapping}, "periods": {"user": tuning.period_cents}}
        raw = {k: v for k, v in mode.raw.items() if k != "tunings"}
        return _mode_info(info, mode.name, raw, "user", self.name, mode.harmony, tuning.name)


def normalise_name(name: str) -> str:
    return str(name).strip().lower().replace(" ", "_").replace("-", "_")


def resolve_note(note, names: dict[str, float], period: float, overrides: dict | None = None,
                 where: str = "") -> float:
    """'G' -> its cents; "S'" one period up; "'N" or "N." one period down; a number is cents."""
    if isinstance(note, (int, float)) and not isinstance(note, bool):
        return float(note)
    m = _OCTAVE_MARKS.match(str(note).strip())
    lead, body, trail = m.group(1), m.group(2), m.group(3)
    table = dict(names)
    table.update(overrides or {})
    if body not in table:
        try:
            base = float(body)
        except ValueError:
            raise ParseError(f"{where}: unknown note {note!r} (accepted: {', '.join(table) or 'cents numbers'})") from None
    else:
        base = float(table[body])
    octave = trail.count("'") + trail.count("^") + trail.count("\u02c8") - trail.count(".") \
        - lead.count("'") - lead.count(".") - lead.count("\u02cc")
    return base + octave * period


def _mode_scale(pack_data: "Pack | dict", name: str, m: dict, profile: str) -> Scale:
    if isinstance(pack_data, Pack):
        names, period = pack_data.note_names.get(profile, {}), pack_data.tunings[profile].period_cents
    else:
        names, period = pack_data["names"].get(profile, {}), pack_data["periods"][profile]
    overrides = (m.get("tunings") or {}).get(profile, {})
    where = f"mode {name}"

    def cents(note):
        return resolve_note(note, names, period, overrides, where) % period

    up = [cents(n) for n in (m.get("ascending") or m.get("degrees") or [])]
    down = [cents(n) for n in (m.get("descending") or m.get("ascending") or m.get("degrees") or [])]
    if not up or not down:
        raise DataFileError(f"{where}: give 'degrees', or 'ascending' and 'descending'")
    scale = Scale.from_cents(name, sorted(set(up)), sorted(set(down)), period_cents=period)
    turns = []
    for t in m.get("turns") or []:
        a, b = scale.degree_of(cents(t["from"])), scale.degree_of(cents(t["to"]))
        if a is None or b is None:
            raise DataFileError(f"{where}: turn {t['from']}->{t['to']} uses a note outside the mode")
        turns.append((a, b, UP if t["direction"] == "up" else DOWN))
    labels = ()
    if "names" in m and "descending" not in m and len(m["names"]) == scale.size:
        labels = tuple(m["names"])
    elif all(isinstance(n, str) for n in (m.get("ascending") or m.get("degrees") or [])):
        by_cents = {}
        for n in list(m.get("ascending") or m.get("degrees") or []) + list(m.get("descending") or []):
            by_cents.setdefault(round(cents(n), 3), _OCTAVE_MARKS.match(str(n)).group(2))
        labels = tuple(by_cents.get(round(c, 3), f"{c:g}") for c in scale.degree_cents)
    return Scale(name, scale.degree_cents, scale.ascending, scale.descending, labels, period, tuple(turns))


def _build_pack(doc, path: str) -> Pack:
    problems = validate(doc.data, load_schema(SCHEMA_PATH), doc)
    if problems:
        raise DataFileError("; ".join(str(p) for p in problems))
    data = doc.data
    tunings, note_names = {}, {}
    try:
        for name, prof in data["tuning"]["profiles"].items():
            period = float(prof.get("period", 1200.0))
            named = {str(k): float(v) for k, v in (prof.get("notes") or {}).items()}
            cents = prof.get("cents") or sorted(set(v % period for v in named.values()))
            if not cents:
                raise DataFileError(f"{path}: tuning profile {name!r} needs 'cents' or 'notes'")
            tunings[name] = Tuning(name, tuple(float(c) for c in cents), period)  # checks that they rise
            note_names[name] = named
    except ParseError as exc:
        raise DataFileError(f"{path}: {exc}") from None
    default = data["tuning"]["default"]
    if default not in tunings:
        raise DataFileError(f"{path}: tuning.default {default!r} is not a profile (accepted: {', '.join(tunings)})")
    mode_defs = dict(data["modes"])
    if data.get("generator"):
        from .melakarta import generate_modes

        for name, m in generate_modes(data["generator"]).items():
            mode_defs.setdefault(name, m)
    modes = {}
    pack_harmony = data["harmony"]
    info = {"names": note_names, "periods": {k: t.period_cents for k, t in tunings.items()}}
    for name, m in mode_defs.items():
        modes[name] = _mode_info(info, name, m, default, data["pack"], pack_harmony, path)
    qualities = {
        name: ChordQuality(name, tuple(float(c) for c in q["intervals"]), tuple(q["symbols"]))
        for name, q in (data.get("chord_qualities") or {}).items()
    }
    ajnas = {name: tuple(float(c) for c in j["cents"]) for name, j in (data.get("ajnas") or {}).items()}
    mods = []
    for e in data.get("modulations") or []:
        for end in (e["from"], e["to"]):
            if normalise_name(end) not in modes:
                raise DataFileError(f"{path}: modulation names an unknown mode {end!r} (modes: {', '.join(modes)})")
        shift = None
        if "shift" in e:
            src = modes[normalise_name(e["from"])]
            shift = resolve_note(e["shift"], note_names[default], tunings[default].period_cents,
                                 (src.raw.get("tunings") or {}).get(default, {}), f"{path}: modulation")
        mods.append(Modulation(normalise_name(e["from"]), normalise_name(e["to"]), e.get("via"), shift,
                               float(e.get("weight", 1.0))))
    defaults = {}
    for name, d in (data.get("default_modes") or {}).items():
        if normalise_name(d["mode"]) not in modes:
            raise DataFileError(f"{path}: default_modes {name!r} names the mode {d['mode']!r}, which the pack does "
                                f"not have (modes: {', '.join(modes)})")
        defaults[normalise_name(name)] = (normalise_name(d["mode"]), d["why"])
    return Pack(data["pack"], data["title"], pack_harmony, data["source"], tunings, default, modes, qualities, path,
                note_names, ajnas, tuple(mods), data.get("notation", "exact"), defaults)


def _mode_info(info: dict, name: str, m: dict, profile: str, pack_name: str, pack_harmony: str,
               path: str) -> ModeInfo:
    """A mode's facts (scale, omitted notes, emphasis, final, drone, phrases...) in one tuning profile."""
    try:
        scale = _mode_scale(info, name, m, profile)
        period = info["periods"][profile]
        names, overrides = info["names"].get(profile, {}), (m.get("tunings") or {}).get(profile, {})

        def cents(note):
            return resolve_note(note, names, period, overrides, f"{path}: mode {name}")

        mode = ModeInfo(
            name=name, family=m["family"], scale=scale,
            signature_offset=m.get("signature_offset"), parent=m.get("parent"),
            aliases=tuple(normalise_name(a) for a in m.get("aliases", [])), source=m["source"],
            pack=pack_name, harmony=m.get("harmony", pack_harmony),
            omitted_cents=tuple(cents(n) % period for n in m.get("omitted", [])),
            emphasis={k: cents(v) % period for k, v in (m.get("emphasis") or {}).items()},
            final_cents=cents(m["final"]) % period if "final" in m else 0.0,
            nyas_cents=tuple(cents(n) % period for n in m.get("nyas", [])),
            gushes=tuple((g["name"], cents(g["shahed"]) % period) for g in m.get("gushes", [])),
            drone_cents=tuple(cents(n) for n in m.get("drone", [])),
            phrases=tuple(Phrase(p.get("name", f"phrase {i + 1}"), tuple(cents(n) for n in p["notes"]),
                                 tuple(float(b) for b in p.get("beats", [1] * len(p["notes"]))),
                                 p.get("at", "anywhere"))
                          for i, p in enumerate(m.get("phrases", []))),
            cycles=tuple(m.get("cycles", [])),
            ajnas=tuple((j["jins"], cents(j["on"]) % period) for j in m.get("ajnas", [])),
            number=m.get("number"), raw=m,
        )
    except (ParseError, DataFileError) as exc:
        text = str(exc)
        raise DataFileError(text if text.startswith(f"{path}:") else f"{path}: mode {name!r}: {text}") from None
    if scale.degree_of(mode.final_cents) is None:
        raise DataFileError(f"{path}: mode {name!r}: final {m.get('final')!r} ({mode.final_cents:g} cents) is not "
                            f"a note of the mode (notes: {', '.join(f'{c:g}' for c in scale.degree_cents)})")
    if "names" in m and "descending" not in m and len(m["names"]) != scale.size:
        raise DataFileError(f"{path}: mode {name!r}: {len(m['names'])} names for {scale.size} notes")
    for p in mode.phrases:
        if len(p.beats) != len(p.cents):
            raise DataFileError(f"{path}: mode {name!r}: phrase {p.name!r} has {len(p.cents)} notes "
                                f"and {len(p.beats)} beats")
    return mode


def load_pack_file(path: str | Path, shipped: bool = False) -> Pack:
    """Read and validate a pack file (a user's own, or one of ours: `shipped`, read by libyaml)."""
    doc = read_yaml_file(path, shipped)
    return _build_pack(doc, str(path))


def list_packs() -> list[str]:
    """The names of the shipped packs."""
    return list(_shipped_packs())


@lru_cache(maxsize=1)
def _shipped_packs() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in PACKS_DIR.glob("*.yaml")))


_USER_PACKS: dict[str, Pack] = {}


def register_pack(pack: Pack) -> None:
    """Make a user's pack (from `load_pack_file`) available by name, as the shipped ones are."""
    if pack.name in list_packs():
        raise DataFileError(f"{pack.path}: pack name {pack.name!r} is taken by a shipped pack; rename it")
    _USER_PACKS[pack.name] = pack


def load_pack(name: str) -> Pack:
    key = normalise_name(name)
    if key in _USER_PACKS:
        return _USER_PACKS[key]
    if key not in _shipped_packs():
        raise UnknownNameError("pack", name, list_packs() + sorted(_USER_PACKS))
    return _load_pack_cached(key)


@lru_cache(maxsize=None)
def _load_pack_cached(key: str) -> Pack:
    return load_pack_file(PACKS_DIR / f"{key}.yaml", shipped=True)
