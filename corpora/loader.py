"""Parse a corpus once with music21 (in worker processes, with a progress bar) and cache compact arrays.

The cache lives in ``$PARTITA_CACHE`` (else ``$XDG_CACHE_HOME/partita``, else ``~/.cache/partita``)
under a name that holds the manifest's digest, the extractor's version and the music21 version, so
a changed manifest or extractor is parsed anew, and an unchanged one loads in well under a second.
"""
from __future__ import annotations

import fnmatch
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from theory.cache import cache_dir

from .errors import CorpusError
from .extract import EXTRACTOR_VERSION, Line, extract_score
from .manifest import Manifest, load_manifest
from .progress import Progress

SPLITS = ("train", "validation", "test")


@dataclass(frozen=True)
class Tune:
    """One melody line of a corpus, as arrays (see `corpora.extract` for the fields' meaning)."""

    id: str
    title: str
    split: str
    numerator: int
    denominator: int
    tonic_pc: int
    mode: str
    midi: np.ndarray
    onset: np.ndarray
    dur: np.ndarray
    bar: np.ndarray
    bar_pos: np.ndarray

    @property
    def bar_q(self) -> int:
        return int(48 * self.numerator // self.denominator)

    def __len__(self) -> int:
        return len(self.midi)


class Corpus:
    """The cached lines of one or more corpora; `subset(split)` selects train, validation or test."""

    def __init__(self, manifests: list[Manifest], tunes: list[Tune], report: dict):
        self.manifests = manifests
        self._tunes = tunes
        self.report = report

    @property
    def id(self) -> str:
        return "+".join(m.id for m in self.manifests)

    @property
    def name(self) -> str:
        return "+".join(m.name for m in self.manifests)

    @property
    def licence(self) -> str:
        return "public-domain" if all(m.public_domain for m in self.manifests) else \
            "+".join(sorted({m.licence for m in self.manifests}))

    def tunes(self, split: str | None = None) -> list[Tune]:
        if split is not None and split not in SPLITS:
            raise CorpusError(f"unknown split {split!r} (accepted: {', '.join(SPLITS)})")
        return [t for t in self._tunes if split is None or t.split == split]

    def subset(self, split: str) -> "Corpus":
        return Corpus(self.manifests, self.tunes(split), self.report)

    def __len__(self) -> int:
        return len(self._tunes)

    def note_count(self) -> int:
        return int(sum(len(t) for t in self._tunes))


def music21_corpus_root() -> Path:
    import music21.corpus

    return Path(music21.corpus.__file__).parent


def _cache_path(manifest: Manifest, root: Path) -> Path:
    import music21

    tag = re.sub(r"[^A-Za-z0-9.]+", "_", str(music21.__version__))
    where = ""
    if root.resolve() != music21_corpus_root().resolve():
        # Your own files may change: key the cache on the root and every matched file's size and mtime.
        import hashlib

        h = hashlib.sha256(str(root.resolve()).encode())
        for f in _files(manifest, root):
            st = f.stat()
            h.update(f"{f.relative_to(root).as_posix()}:{st.st_size}:{st.st_mtime_ns}".encode())
        where = "-" + h.hexdigest()[:16]
    return cache_dir() / "corpora" / f"{manifest.name}-{manifest.digest[:16]}-x{EXTRACTOR_VERSION}-m21_{tag}{where}.npz"


def load_corpora(names, progress: bool = True, workers: int | None = None, root: Path | None = None) -> Corpus:
    """Several corpora as one (e.g. ``["oneills1850", "ryansMammoth"]``)."""
    parts = [load_corpus(n, progress=progress, workers=workers, root=root) for n in names]
    report = {p.manifests[0].name: p.report for p in parts}
    return Corpus([m for p in parts for m in p.manifests], [t for p in parts for t in p.tunes()], report)


def load_corpus(name: str | Path, progress: bool = True, workers: int | None = None, root: Path | None = None,
                refresh: bool = False) -> Corpus:
    """A corpus by manifest name or path; parsed once, then read from the cache.

    `root` is the folder the manifest's file patterns are relative to: by default the music21
    package's corpus for the bundled manifests, and the manifest's own folder for a manifest
    given by path (your own corpus, or the tests' fixtures)."""
    from .manifest import MANIFEST_DIR

    manifest = load_manifest(name)
    given = Path(name)
    if root is None and given.suffix in (".yaml", ".yml") and given.is_file() \
            and given.resolve().parent != MANIFEST_DIR.resolve():
        root = given.resolve().parent
    root = Path(root) if root is not None else music21_corpus_root()
    path = _cache_path(manifest, root)
    if path.is_file() and not refresh:
        try:
            return _read_cache(path, manifest)
        except (OSError, ValueError, KeyError) as exc:  # a damaged cache is parsed anew
            if progress:
                print(f"corpus cache {path} unreadable ({exc}); parsing again", flush=True)
    lines, report = _parse(manifest, root, progress, workers)
    _write_cache(path, lines, report, manifest)
    return _read_cache(path, manifest)


# --- parsing ---------------------------------------------------------------------------------

def _files(manifest: Manifest, root: Path) -> list[Path]:
    found = set()
    for pattern in manifest.files:
        found.update(p for p in root.glob(pattern) if p.is_file())
    rel = {p: p.relative_to(root).as_posix() for p in found}
    kept = [p for p in found if not any(fnmatch.fnmatch(rel[p], ex) for ex in manifest.exclude)]
    if not kept:
        raise CorpusError(f"corpus {manifest.name!r}: no file matches {list(manifest.files)} under {root}")
    return sorted(kept, key=lambda p: rel[p])


def _jobs(manifest: Manifest, root: Path) -> list[tuple]:
    """One job per tune of an ABC file (split at its X: fields, with the file header kept), one per
    other file: small jobs keep both workers busy and the progress bar honest."""
    jobs = []
    for path in _files(manifest, root):
        rel = path.relative_to(root).as_posix()
        if path.suffix.lower() == ".abc":
            text = path.read_text(encoding="utf-8", errors="replace")
            header, tunes = _split_abc(text)
            for number, body in tunes:
                jobs.append(("abc", header + body, f"{rel}#{number}", manifest.parts, manifest.key_from,
                             manifest.max_bad_bar_share))
        else:
            jobs.append(("file", str(path), rel, manifest.parts, manifest.key_from, manifest.max_bad_bar_share))
    return jobs


_X_FIELD = re.compile(r"^X:\s*(\S*)", re.MULTILINE)


def _split_abc(text: str) -> tuple[str, list[tuple[str, str]]]:
    starts = list(_X_FIELD.finditer(text))
    if not starts:
        return "", [("1", text)]
    header = text[:starts[0].start()]
    header = "\n".join(line for line in header.splitlines() if not line.startswith("%")) + "\n" if header.strip() else ""
    out = []
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        out.append((m.group(1) or str(i + 1), text[m.start():end]))
    return header, out


def _parse_job(job) -> tuple[list[Line], dict]:
    kind, data, base_id, parts, key_from, max_bad = job
    counts: dict[str, int] = {}
    try:
        from music21 import converter

        parsed = converter.parse(data, format="abc") if kind == "abc" else converter.parse(data)
    except Exception as exc:  # music21 raises many kinds on malformed input; one bad tune must not stop a corpus
        counts[f"unparsable ({type(exc).__name__})"] = 1
        return [], counts
    scores = list(parsed.scores) if hasattr(parsed, "scores") and len(parsed.scores) else [parsed]
    lines = []
    for i, score in enumerate(scores):
        sid = base_id if len(scores) == 1 else f"{base_id}.{i + 1}"
        try:
            lines.extend(extract_score(score, sid, parts, key_from, max_bad, counts))
        except Exception as exc:  # idem: count and go on
            key = f"unreadable ({type(exc).__name__})"
            counts[key] = counts.get(key, 0) + 1
    return lines, counts


def _parse(manifest: Manifest, root: Path, progress: bool, workers: int | None) -> tuple[list[Line], dict]:
    jobs = _jobs(manifest, root)
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    bar = Progress(len(jobs), f"parsing {manifest.name}", enabled=progress)
    lines: list[Line] = []
    counts: dict[str, int] = {}

    def take(result):
        found, c = result
        lines.extend(found)
        for k, v in c.items():
            counts[k] = counts.get(k, 0) + v
        bar.update(1, extra=f"{len(lines)} lines")

    if workers > 1 and len(jobs) > 8:
        import multiprocessing as mp

        with mp.get_context("spawn").Pool(workers) as pool:
            for result in pool.imap(_parse_job, jobs, chunksize=4):
                take(result)
    else:
        for job in jobs:
            take(_parse_job(job))
    bar.close()
    kept, seen = [], set()
    for line in lines:
        fp = line.fingerprint()
        if len(line.midi) < manifest.min_notes:
            counts["too few notes"] = counts.get("too few notes", 0) + 1
        elif fp in seen:
            counts["exact duplicate"] = counts.get("exact duplicate", 0) + 1
        else:
            seen.add(fp)
            kept.append(line)
    report = {"jobs": len(jobs), "lines": len(kept), "refused": dict(sorted(counts.items()))}
    return kept, report


# --- the cache -------------------------------------------------------------------------------

def _write_cache(path: Path, lines: list[Line], report: dict, manifest: Manifest) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lengths = np.array([len(x.midi) for x in lines], dtype=np.int64)
    cat = lambda field, dtype: np.array([v for x in lines for v in getattr(x, field)], dtype=dtype)  # noqa: E731
    arrays = {
        "starts": np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
        "ids": np.array([x.id for x in lines], dtype=str),
        "titles": np.array([x.title for x in lines], dtype=str),
        "splits": np.array([manifest.split_of(x.fingerprint()) for x in lines], dtype=str),
        "meter": np.array([[x.numerator, x.denominator] for x in lines], dtype=np.int16).reshape(-1, 2),
        "tonic_pc": np.array([x.tonic_pc for x in lines], dtype=np.int8),
        "mode": np.array([x.mode for x in lines], dtype=str),
        "midi": cat("midi", np.int16), "onset": cat("onset", np.int32), "dur": cat("dur", np.int32),
        "bar": cat("bar", np.int16), "bar_pos": cat("bar_pos", np.int16),
        "report": np.array(json.dumps(report)),
    }
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp.npz")
    np.savez_compressed(tmp, **arrays)
    os.replace(tmp, path)


def _read_cache(path: Path, manifest: Manifest) -> Corpus:
    with np.load(path, allow_pickle=False) as z:
        a = {k: z[k] for k in z.files}
    s = a["starts"]
    tunes = []
    for i in range(len(a["ids"])):
        lo, hi = int(s[i]), int(s[i + 1])
        tunes.append(Tune(str(a["ids"][i]), str(a["titles"][i]), str(a["splits"][i]), int(a["meter"][i, 0]),
                          int(a["meter"][i, 1]), int(a["tonic_pc"][i]), str(a["mode"][i]), a["midi"][lo:hi],
                          a["onset"][lo:hi], a["dur"][lo:hi], a["bar"][lo:hi], a["bar_pos"][lo:hi]))
    return Corpus([manifest], tunes, json.loads(str(a["report"])))
