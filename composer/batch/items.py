"""The items of a batch: every spec, every combination of the varied fields (a grid), every seed.

Each combination of a spec and its variation is loaded as a spec before anything runs; one that cannot be
composed (a reel in 3/4, a key the pack lacks) is reported once, with the spec loader's reason, and its
items are left out. An item's `digest` is the sha256 of everything that decides its files' bytes: the
spec's file, the spec as varied, the seed, the formats and options, and partita's version.
"""
from __future__ import annotations

import copy
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..score.errors import ComposerError, SpecError
from ..score.seeds import check_seed
from ..spec.load import load_spec

MAX_ITEMS = 1_000_000          # items one batch may hold (seeds x variations x specs)
MAX_NAME = 150                 # characters of an item's file stem before its digest stands in for the rest


class BatchError(ComposerError):
    """A batch that cannot start: bad seeds, a bad --vary, no spec found, too many items."""


@dataclass(frozen=True)
class Settings:
    """What every item of a batch is written with (part of each item's digest)."""

    formats: tuple[str, ...] = ("mid", "musicxml")
    annotations: bool = False
    filler: str = "neural"
    midi_tuning: str = "bend"
    time_budget_s: float = 60.0

    def key(self) -> dict:
        return {"formats": list(self.formats), "annotations": self.annotations, "filler": self.filler,
                "midi_tuning": self.midi_tuning}


@dataclass(frozen=True)
class BatchItem:
    """One piece to write: a spec file's stem, the spec as varied (`variation`: (field, value) pairs), a seed."""

    name: str                                   # the stem of its files: spec stem, variation, seed
    stem: str
    source: str                                 # the spec file, as named (in the manifest and the annotations)
    spec: dict                                  # the spec as composed (the variation applied)
    variation: tuple[tuple[str, object], ...]
    seed: int
    digest: str
    folder: str = "."                           # the spec file's folder, absolute: a path the spec names is read there

    def label(self) -> dict:
        """The item as the manifest and the annotations name it."""
        return {"item": self.name, "spec": self.source, "variation": dict(self.variation), "seed": self.seed,
                "digest": self.digest}


@dataclass(frozen=True)
class Invalid:
    """A combination of a spec and a variation that cannot be composed, and why (each reason one line)."""

    source: str
    variation: tuple[tuple[str, object], ...]
    reasons: tuple[str, ...]

    def __str__(self) -> str:
        what = ", ".join(f"{f}={v}" for f, v in self.variation)
        return f"{self.source}{' with ' + what if what else ''}: {'; '.join(self.reasons)}"


def parse_seeds(text: str) -> list[int]:
    """'0-999', '7', '1,5,9-12' -> the seeds, in order, each once."""
    out: list[int] = []
    for part in str(text).split(","):
        part = part.strip()
        m = re.fullmatch(r"(\d{1,19})(?:\s*-\s*(\d{1,19}))?", part)
        if not m:
            raise BatchError(f"--seeds: cannot read {part!r} (accepted: N, A-B or a comma-separated list of "
                             f"them, e.g. 0-999 or 1,5,9-12)")
        lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
        if hi < lo:
            raise BatchError(f"--seeds: the range {part!r} runs backwards (write it low-high)")
        if hi - lo + 1 + len(out) > MAX_ITEMS:
            raise BatchError(f"--seeds: {part!r} asks for more than {MAX_ITEMS} seeds")
        out.extend(range(lo, hi + 1))
    for seed in out:
        check_seed(seed)
    return list(dict.fromkeys(out))


def parse_vary(texts) -> list[tuple[str, list]]:
    """'FIELD=V1,V2,...' -> (field, values): a dotted path into the spec (`key`, `tempo`, `parts.0.instrument`),
    each value read as YAML (`90` a number, `D minor` text)."""
    out: list[tuple[str, list]] = []
    for text in texts or ():
        field, eq, values = str(text).partition("=")
        field = field.strip()
        if not eq or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*", field):
            raise BatchError(f"--vary: cannot read {text!r} (accepted: FIELD=V1,V2,... with FIELD a spec key or a "
                             f"dotted path such as parts.0.instrument)")
        if field in (f for f, _ in out):
            raise BatchError(f"--vary: {field} is varied twice (give its values in one --vary)")
        parsed = [_scalar(v.strip()) for v in values.split(",") if v.strip()]
        if not parsed:
            raise BatchError(f"--vary {field}: no values (accepted: FIELD=V1,V2,...)")
        out.append((field, list(dict.fromkeys(parsed))))
    return out


def _scalar(text: str):
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return value if isinstance(value, (str, int, float, bool)) else text


def spec_files(paths) -> list[Path]:
    """The spec files named: a file as given, a folder's `*.yaml` and `*.yml` files (not its subfolders), sorted."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(q for q in p.iterdir() if q.suffix.lower() in (".yaml", ".yml") and q.is_file())
            if not found:
                raise BatchError(f"{p}: no spec (*.yaml) in this folder")
            out.extend(found)
        elif p.is_file():
            out.append(p)
        else:
            raise BatchError(f"{p}: no such spec file or folder")
    return list(dict.fromkeys(out))


def set_field(spec: dict, field: str, value) -> dict:
    """A copy of `spec` with the dotted `field` set to `value` (a list is indexed by number); ValueError
    saying where the path fails."""
    out = copy.deepcopy(spec)
    node, parts = out, field.split(".")
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise ValueError(f"{'.'.join(parts[:i]) or 'the spec'} has {len(node)} entries; no entry {part}")
            index = int(part)
            if last:
                node[index] = value
            else:
                node = node[index]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            else:
                if part not in node:
                    raise ValueError(f"the spec has no {'.'.join(parts[:i + 1])} to set {field} in")
                node = node[part]
        else:
            raise ValueError(f"{'.'.join(parts[:i])} is a value, not a mapping or a list: cannot set {field}")
    return out


def item_name(stem: str, variation, seed: int) -> str:
    """The stem of an item's files: `minuet_in_g__key-D-major__seed3`; a long one ends in its hash."""
    parts = [stem] + [f"{field}-{value}" for field, value in variation] + [f"seed{seed}"]
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", "__".join(parts)).strip("-.")
    if len(name) > MAX_NAME:
        name = name[:MAX_NAME - 17] + "-" + hashlib.sha256(name.encode()).hexdigest()[:16]
    return name


def digest_of(spec_bytes: bytes, spec: dict, seed: int, settings: Settings, version: str) -> str:
    doc = {"spec_file": hashlib.sha256(spec_bytes).hexdigest(), "spec": spec, "seed": seed,
           "settings": settings.key(), "partita": version}
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str, ensure_ascii=True).encode()).hexdigest()


def expand(paths, seeds: list[int] | None, vary: list[tuple[str, list]], settings: Settings,
           version: str) -> tuple[list[BatchItem], list[Invalid]]:
    """Every item of the batch, in order (spec, variation, seed), and the combinations that cannot be composed.
    `seeds` None: each spec's own seed."""
    files = spec_files(paths)
    grid = [[]]
    for field, values in vary:
        grid = [combo + [(field, v)] for combo in grid for v in values]
    total = len(files) * len(grid) * (len(seeds) if seeds else 1)
    if total > MAX_ITEMS:
        raise BatchError(f"the batch holds {total} items (most: {MAX_ITEMS}); fewer seeds or values")
    items: list[BatchItem] = []
    invalid: list[Invalid] = []
    for path in files:
        try:
            base = load_spec(path)
        except SpecError as exc:
            invalid.append(Invalid(str(path), (), tuple(str(p) for p in exc.problems)))
            continue
        spec_bytes = path.read_bytes()
        for combo in grid:
            variation = tuple(combo)
            try:
                varied = base.raw
                for field, value in variation:
                    varied = set_field(varied, field, value)
                loaded = load_spec(varied, source=str(path))
            except ValueError as exc:
                invalid.append(Invalid(str(path), variation, (str(exc),)))
                continue
            except SpecError as exc:
                invalid.append(Invalid(str(path), variation, tuple(_reason(p, str(path)) for p in exc.problems)))
                continue
            for seed in seeds if seeds else [loaded.seed]:
                items.append(BatchItem(item_name(path.stem, variation, seed), path.stem, str(path), varied, variation,
                                       seed, digest_of(spec_bytes, varied, seed, settings, version),
                                       str(path.resolve().parent)))
    twice = sorted(n for n, count in Counter(i.name for i in items).items() if count > 1)
    if twice:
        raise BatchError(f"two items would write the same files ({twice[0]}): two specs share a file name")
    return items, invalid


def _reason(problem, source: str) -> str:
    """A spec problem without its file's name (the reason is printed after it)."""
    text = str(problem)
    return text[len(source) + 2:] if text.startswith(f"{source}: ") else text
