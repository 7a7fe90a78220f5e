"""The corpus index behind originality: the longest run of notes a melody shares with a tune of a corpus.

The guard that redraws a copying slot is `fill.guard`; the report on a piece is `analysis.originality`.

A melody becomes a sequence of tokens, one per pair of neighbouring notes: the interval between
them (in cents, so transposition does not matter) and both notes' durations (on the 1/12-quarter
grid, rests folded into the note before, as the corpora are extracted). A *copied run* of n notes
is n - 1 consecutive tokens that also occur, in the same order, in one tune of the corpus: the
same intervals in the same rhythm, in any key.

The index keeps every tune's notes (`corpora/indexes/<name>.npz`, shipped for the corpora the
models were trained on; `partita corpora index NAME` builds one). A query hashes its windows of
L tokens (64-bit polynomial hashes) and looks them up in the sorted hashes of the corpus's windows
of the same length; the longest L is found by bisection (a run of L tokens contains runs of every
shorter length), and every reported run is checked token by token, so a hash collision can never
be reported as a copy.

The calibration (`calibration.json` beside the indexes) is the corpus's own borrowing: for every
tune, the longest run it shares with any *other* tune of the same index. A piece's run is placed
among those (its percentile), and the guard's default threshold comes from it: see
`docs/evaluation.md`.
"""
from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import numpy as np

from corpora import CorpusError, load_corpus
from theory.cache import read_cached, read_cached_array, write_cached, write_cached_array
from theory.datafile import package_folder

from ..score.errors import ComposerError

GRID = 12                         # durations in twelfths of a quarter note, as the corpora
OFF_GRID = 65535                  # a duration off the grid: matches nothing in a corpus
INTERVAL_OFFSET = 1 << 15
INDEX_PACKAGE = "corpora"
INDEX_FOLDER = "indexes"
CALIBRATION_FILE = "calibration.json"
INDEX_FORMAT = 1
DEFAULT_INDEX = "oneills1850+ryansMammoth"   # the corpora the shipped models were trained on
DEFAULT_MAX_COPIED_RUN = 16       # notes; see docs/evaluation.md for the calibration behind it
MIN_MAX_COPIED_RUN = 4
_BASE = np.uint64(0x100000001B3)
HASH_VERSION = 1          # window_hashes' definition (mix, base): cached tables are keyed by it
_MIX = np.uint64(0x9E3779B97F4A7C15)


class OriginalityError(ComposerError):
    """An index that cannot be found or read, or a threshold out of bounds."""


def encode(intervals_cents: np.ndarray, dur_a: np.ndarray, dur_b: np.ndarray) -> np.ndarray:
    """One int64 per note pair: (interval in whole cents, duration of the first, of the second)."""
    iv = np.clip(np.rint(intervals_cents).astype(np.int64), -INTERVAL_OFFSET + 1, INTERVAL_OFFSET - 1)
    a = np.clip(np.asarray(dur_a, dtype=np.int64), 0, OFF_GRID)
    b = np.clip(np.asarray(dur_b, dtype=np.int64), 0, OFF_GRID)
    return ((iv + INTERVAL_OFFSET) << 32) | (a << 16) | b


def line_tokens(cents: np.ndarray, dur_q: np.ndarray) -> np.ndarray:
    """Tokens of one melody: pitches in cents, durations in grid units (inter-onset intervals)."""
    cents = np.asarray(cents, dtype=np.float64)
    dur_q = np.asarray(dur_q, dtype=np.int64)
    if len(cents) < 2:
        return np.zeros(0, dtype=np.int64)
    return encode(np.diff(cents), dur_q[:-1], dur_q[1:])


def grid_units(quarters) -> int:
    """A duration in quarters on the 1/12 grid, or OFF_GRID."""
    x = Fraction(quarters) * GRID
    return int(x) if x.denominator == 1 and 0 < x < OFF_GRID else OFF_GRID


@dataclass(frozen=True)
class Melody:
    """One monophonic line of a piece as the index sees it: the top note at each onset, held until
    the next onset (a rest lengthens the note before it)."""

    part: str
    offsets: tuple[Fraction, ...]
    cents: np.ndarray
    dur_q: np.ndarray

    def tokens(self) -> np.ndarray:
        return line_tokens(self.cents, self.dur_q)


def melody_of(part_name: str, notes) -> Melody | None:
    """The skyline of a part's notes (the highest at each onset); None with fewer than two onsets."""
    top: dict[Fraction, tuple[float, Fraction]] = {}
    for n in notes:
        cur = top.get(n.offset)
        if cur is None or n.pitch.cents > cur[0]:
            top[n.offset] = (n.pitch.cents, n.duration)
    onsets = sorted(top)
    if len(onsets) < 2:
        return None
    durs = [b - a for a, b in zip(onsets, onsets[1:])] + [top[onsets[-1]][1]]
    return Melody(part_name, tuple(onsets), np.array([top[o][0] for o in onsets]),
                  np.array([grid_units(d) for d in durs], dtype=np.int64))


def _mix(tokens: np.ndarray) -> np.ndarray:
    x = tokens.astype(np.uint64)
    x = (x ^ (x >> np.uint64(31))) * _MIX
    return x ^ (x >> np.uint64(29))


_BASE_INV = np.uint64(pow(int(_BASE), -1, 1 << 64))


def window_hashes(tokens: np.ndarray, length: int) -> np.ndarray:
    """The hash of every window of `length` tokens (len(tokens) - length + 1 of them):
    sum of mix(token[i + k]) * BASE**(length - 1 - k), modulo 2**64."""
    n = len(tokens) - length + 1
    if n <= 0 or length <= 0:
        return np.zeros(0, dtype=np.uint64)
    if length <= 4:
        mixed = _mix(tokens)
        h = np.zeros(n, dtype=np.uint64)
        for k in range(length):
            h = h * _BASE + mixed[k:k + n]
        return h
    prefix, powers = _prefix(tokens)
    return (prefix[length:length + n] - prefix[:n]) * powers[length - 1:length - 1 + n]


def _prefix(tokens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """P[i] = sum_{j<i} mix(t_j) * BASE**-j and BASE**i, so a window's hash is two subtractions away."""
    m = len(tokens)
    inv = np.full(m, _BASE_INV, dtype=np.uint64)
    inv[0] = 1
    inv_powers = np.cumprod(inv, dtype=np.uint64)
    prefix = np.zeros(m + 1, dtype=np.uint64)
    np.cumsum(_mix(tokens) * inv_powers, dtype=np.uint64, out=prefix[1:])
    base = np.full(m + 1, _BASE, dtype=np.uint64)
    base[0] = 1
    return prefix, np.cumprod(base, dtype=np.uint64)


@dataclass(frozen=True)
class CopiedRun:
    """The longest run a melody shares with one corpus tune (`notes` 0 when not even two notes match)."""

    notes: int
    part: str | None = None
    start: Fraction | None = None           # quarter offset of the run's first note in the piece
    tune_id: str | None = None
    tune_title: str | None = None
    tune_note: int | None = None            # index of the run's first note in the tune
    tune_notes: int | None = None           # the tune's length in notes


class CorpusIndex:
    """Every tune of one or more corpora as tokens, with lookups of runs of any length."""

    def __init__(self, name: str, corpus_id: str, tokens: np.ndarray, starts: np.ndarray, tune_ids, titles,
                 calibration: dict | None = None, digest: str | None = None):
        self.name, self.corpus_id = name, corpus_id
        self.tokens = np.asarray(tokens, dtype=np.int64)
        self.starts = np.asarray(starts, dtype=np.int64)          # token offset of each tune, plus the end
        self.tune_ids, self.titles = list(tune_ids), list(titles)
        self.tune_of = np.repeat(np.arange(len(self.tune_ids), dtype=np.int32), np.diff(self.starts))
        self.calibration = calibration
        self._tables: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.digest = digest       # what its cached tables are keyed by: its files' hash, else its tokens'

    @property
    def max_tokens(self) -> int:
        return int(np.diff(self.starts).max()) if len(self.starts) > 1 else 0

    def __len__(self) -> int:
        return len(self.tune_ids)

    def table(self, length: int) -> tuple[np.ndarray, np.ndarray]:
        """(sorted hashes, their window starts) of every window of `length` tokens inside one tune."""
        if length not in self._tables:
            self._tables[length] = self._cached_table(length)
            if len(self._tables) > 16:
                self._tables.pop(next(iter(self._tables)))
        return self._tables[length]

    def _cached_table(self, length: int) -> tuple[np.ndarray, np.ndarray]:
        """table(length), read from partita's cache when an earlier process sorted it (34 ms for the
        shipped index), else sorted now and kept there."""
        if self.digest is None:
            digest = hashlib.blake2b(self.tokens.tobytes(), digest_size=20)
            digest.update(self.starts.tobytes())
            self.digest = digest.hexdigest()
        key = f"{self.digest}-h{HASH_VERSION}-w{length}"
        stored = read_cached_array("index-tables", key)
        if stored is not None and stored.dtype == np.uint64 and stored.ndim == 2 and stored.shape[0] == 2:
            return stored[0], stored[1].astype(np.int64)
        h = window_hashes(self.tokens, length)
        if not len(h):
            return h, np.zeros(0, dtype=np.int64)
        valid = self.tune_of[:len(h)] == self.tune_of[length - 1:]
        pos = np.flatnonzero(valid)
        h = h[pos]
        order = np.argsort(h, kind="stable")
        table = (h[order], pos[order].astype(np.int64))
        write_cached_array("index-tables", key, np.stack([table[0], table[1].astype(np.uint64)]))
        return table

    def hits(self, tokens: np.ndarray, length: int) -> list[tuple[int, int]]:
        """(query start, corpus start) of every window of `length` tokens of the query found in a
        tune, checked token by token (the first corpus occurrence of each)."""
        q = window_hashes(tokens, length)
        if not len(q):
            return []
        table, pos = self.table(length)
        if not len(table):
            return []
        at = np.searchsorted(table, q)
        at = np.minimum(at, len(table) - 1)
        found = np.flatnonzero(table[at] == q)
        out = []
        for i in found.tolist():
            j = int(at[i])
            while j < len(table) and table[j] == q[i]:
                start = int(pos[j])
                if np.array_equal(self.tokens[start:start + length], tokens[i:i + length]):
                    out.append((i, start))
                    break
                j += 1
        return out

    def longest(self, tokens: np.ndarray) -> tuple[int, int, int]:
        """(tokens in the longest shared run, query start, corpus start); (0, -1, -1) if none."""
        tokens = np.asarray(tokens, dtype=np.int64)
        lo, hi = 0, min(len(tokens), self.max_tokens)
        best = (0, -1, -1)
        probe = 8                    # most runs are short: grow the bound before bisecting
        while probe < hi:
            found = self.hits(tokens, probe)
            if not found:
                hi = probe - 1
                break
            lo, best = probe, (probe, found[0][0], found[0][1])
            probe *= 2
        while lo < hi:               # invariant: a run of lo tokens exists (or lo == 0)
            mid = (lo + hi + 1) // 2
            found = self.hits(tokens, mid)
            if found:
                lo, best = mid, (mid, found[0][0], found[0][1])
            else:
                hi = mid - 1
        return best

    def run_at(self, notes: int, melody: Melody, query_start: int, corpus_start: int) -> CopiedRun:
        """The run of `notes` notes starting at token `query_start` of the melody and `corpus_start`
        of the index, with its tune named."""
        tune = int(self.tune_of[corpus_start])
        return CopiedRun(notes, melody.part, melody.offsets[query_start], self.tune_ids[tune], self.titles[tune],
                         int(corpus_start - self.starts[tune]), int(self.starts[tune + 1] - self.starts[tune]) + 1)

    def longest_run(self, melody: Melody) -> CopiedRun:
        length, q, c = self.longest(melody.tokens())
        if length == 0:
            return CopiedRun(0, melody.part)
        return self.run_at(length + 1, melody, q, c)

    def percentile(self, run_notes: int) -> float | None:
        """Percent of the corpus's tunes whose own longest run shared with another tune is at most
        `run_notes` notes; None without a calibration."""
        if not self.calibration:
            return None
        hist = {int(k): v for k, v in self.calibration["longest_shared_run_histogram"].items()}
        total = sum(hist.values())
        return round(100.0 * sum(v for k, v in hist.items() if k <= run_notes) / max(total, 1), 1)

    def save(self, path: Path) -> Path:
        np.savez_compressed(path, format=np.array(INDEX_FORMAT), tokens=self.tokens, starts=self.starts,
                            meta=np.array(json.dumps({"name": self.name, "corpus_id": self.corpus_id,
                                                      "tune_ids": self.tune_ids, "titles": self.titles})))
        return path


def index_from_corpus(corpus) -> CorpusIndex:
    """An index of every tune of a loaded `corpora.Corpus` (all splits)."""
    tokens, starts, ids, titles = [], [0], [], []
    for tune in corpus.tunes():
        t = line_tokens(np.asarray(tune.midi, dtype=np.float64) * 100.0, np.asarray(tune.dur))
        tokens.append(t)
        starts.append(starts[-1] + len(t))
        ids.append(tune.id)
        titles.append(tune.title)
    return CorpusIndex(corpus.name, corpus.id, np.concatenate(tokens) if tokens else np.zeros(0, np.int64),
                       np.array(starts), ids, titles)


def _read_index(path: Path, name: str) -> CorpusIndex:
    """A shipped index file, read from partita's cache when an earlier process unpacked the same bytes
    (its tokens are compressed, its titles JSON: 15 ms of a cold compose)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise OriginalityError(f"{path}: not a readable originality index ({exc.strerror})") from None
    key = hashlib.blake2b(raw, digest_size=20).hexdigest()
    meta, packed = read_cached("index-meta", key), read_cached_array("index-arrays", key)
    if isinstance(meta, dict) and packed is not None and packed.dtype == np.int64 and packed.ndim == 1:
        count = int(packed[0])
        return CorpusIndex(meta["name"], meta["corpus_id"], packed[1 + count:], packed[1:1 + count],
                           meta["tune_ids"], meta["titles"], digest=key)
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as data:
            if int(data["format"]) != INDEX_FORMAT:
                raise OriginalityError(f"{path}: index format {int(data['format'])}, this partita reads "
                                       f"{INDEX_FORMAT}; rebuild it with `partita corpora index {name}`")
            meta = json.loads(str(data["meta"]))
            index = CorpusIndex(meta["name"], meta["corpus_id"], data["tokens"], data["starts"], meta["tune_ids"],
                                meta["titles"], digest=key)
    except (OSError, ValueError, KeyError) as exc:
        raise OriginalityError(f"{path}: not a readable originality index ({exc})") from None
    write_cached("index-meta", key, {"name": index.name, "corpus_id": index.corpus_id, "tune_ids": index.tune_ids,
                                     "titles": index.titles})
    write_cached_array("index-arrays", key, np.concatenate(([len(index.starts)], index.starts, index.tokens)))
    return index


def index_dir() -> Path:
    return package_folder(INDEX_PACKAGE) / INDEX_FOLDER


def shipped_indexes() -> list[str]:
    return sorted(p.stem for p in index_dir().glob("*.npz"))


def calibrations() -> dict:
    path = index_dir() / CALIBRATION_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def combine(indexes: list[CorpusIndex], name: str) -> CorpusIndex:
    offsets = np.cumsum([0] + [len(ix.tokens) for ix in indexes])
    starts = np.concatenate([ix.starts[:-1] + off for ix, off in zip(indexes, offsets)] + [offsets[-1:]])
    digests = [ix.digest for ix in indexes]
    digest = hashlib.blake2b("+".join(digests).encode(), digest_size=20).hexdigest() if all(digests) else None
    return CorpusIndex(name, "+".join(ix.corpus_id for ix in indexes),
                       np.concatenate([ix.tokens for ix in indexes]), starts,
                       [t for ix in indexes for t in ix.tune_ids], [t for ix in indexes for t in ix.titles],
                       digest=digest)


@lru_cache(maxsize=8)
def load_index(names: str = DEFAULT_INDEX, progress: bool = False) -> CorpusIndex:
    """The index of corpora `names` ('a+b' or 'a,b'): shipped ones are read from the package, others
    are built from the parsed corpus (parsed first when needed, with a progress bar; a manifest path
    names your own corpus)."""
    parts = [n.strip() for n in names.replace(",", "+").split("+") if n.strip()]
    if not parts:
        raise OriginalityError("no corpus named for the originality index (accepted: names as in "
                               "`partita corpora list`, or a manifest path)")
    shipped = set(shipped_indexes())
    indexes = []
    for part in parts:
        if part in shipped:
            indexes.append(_read_index(index_dir() / f"{part}.npz", part))
        else:
            try:
                indexes.append(index_from_corpus(load_corpus(part, progress=progress)))
            except CorpusError as exc:
                raise OriginalityError(str(exc)) from None
    index = indexes[0] if len(indexes) == 1 else combine(indexes, "+".join(ix.name for ix in indexes))
    index.calibration = _shipped_calibration(index)
    if index.calibration is None:
        index.calibration = calibrate(index)        # a few seconds for a corpus of thousands of tunes
    return index


def _shipped_calibration(index: CorpusIndex) -> dict | None:
    """The shipped calibration of exactly these corpora (any order, same manifest digests), or None."""
    want = sorted(index.corpus_id.split("+"))
    for cal in calibrations().values():
        if sorted(cal.get("corpus_id", "").split("+")) == want:
            return cal
    return None


def shared_runs(index: CorpusIndex) -> np.ndarray:
    """For every tune, the longest run (in notes) it shares with any other tune of the index
    (0: not even two notes). Grows the window one token at a time; a window length stops counting
    for a tune once none of its windows is shared."""
    n_tunes = len(index)
    best = np.zeros(n_tunes, dtype=np.int64)
    tokens, tune_of = index.tokens, index.tune_of
    mixed = _mix(tokens)
    h = np.zeros(len(tokens), dtype=np.uint64)
    length = 0
    while True:
        length += 1
        n = len(tokens) - length + 1
        if n <= 0:
            break
        h = h[:n] * _BASE + mixed[length - 1:length - 1 + n]
        valid = np.flatnonzero(tune_of[:n] == tune_of[length - 1:length - 1 + n])
        if not len(valid):
            break
        hv, tv = h[valid], tune_of[valid]
        order = np.lexsort((tv, hv))
        hs, ts = hv[order], tv[order]
        first = np.ones(len(hs), dtype=bool)
        first[1:] = (hs[1:] != hs[:-1]) | (ts[1:] != ts[:-1])
        uh = hs[first]                                       # (hash, tune) pairs, deduplicated
        group = np.ones(len(uh), dtype=bool)
        group[1:] = uh[1:] != uh[:-1]
        group_id = np.cumsum(group) - 1
        tunes_per_hash = np.bincount(group_id)
        shared_hash = uh[group][tunes_per_hash >= 2]
        if not len(shared_hash):
            break
        shared = np.isin(hv, shared_hash)
        best[np.unique(tv[shared])] = length + 1
    return best


CALIBRATION_CUTS = (8, 10, 12, 16, 20, 32)


def calibrate(index: CorpusIndex) -> dict:
    runs = shared_runs(index)
    values, counts = np.unique(runs, return_counts=True)
    pct = lambda q: int(np.percentile(runs, q, method="lower")) if len(runs) else 0  # noqa: E731
    return {
        "corpus_id": index.corpus_id, "tunes": int(len(runs)),
        "longest_shared_run_histogram": {str(int(v)): int(c) for v, c in zip(values, counts)},
        "percentiles": {str(q): pct(q) for q in (25, 50, 75, 90, 95, 99)},
        "share_at_least": {str(c): round(float((runs >= c).mean()), 4) if len(runs) else 0.0
                           for c in CALIBRATION_CUTS},
    }


def build_shipped(names: list[str], progress: bool = True, out: Path | None = None) -> dict:
    """Index each corpus, write `<name>.npz`, and calibrate each corpus alone and all together
    (written to calibration.json). Returns the calibrations written."""
    out = Path(out) if out is not None else index_dir()
    out.mkdir(parents=True, exist_ok=True)
    indexes = []
    for name in names:
        index = index_from_corpus(load_corpus(name, progress=progress))
        index.save(out / f"{index.name}.npz")
        indexes.append(index)
    groups = [[ix] for ix in indexes] + ([indexes] if len(indexes) > 1 else [])
    path = out / CALIBRATION_FILE
    existing = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    for group in groups:
        index = group[0] if len(group) == 1 else combine(group, "+".join(ix.name for ix in group))
        existing[index.name] = calibrate(index)
    path.write_text(json.dumps(existing, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return existing
