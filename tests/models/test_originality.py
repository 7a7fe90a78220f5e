"""composer.originality: tokens, window hashes, the corpus index and its calibration, `evaluate --against`
on a training tune, and the guard `compose` applies (checked by an independent measurement).

The corpus tests use the fixture corpus (tests/fixtures/corpus/mini.yaml) parsed into a temporary
cache, so nothing here reads or writes the user's cache.
"""
from __future__ import annotations

import json
from fractions import Fraction as F
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import ROOT, run_cli

from composer.compose import compose
from composer.fill.guard import GUARD_ATTEMPTS, CopyGuard
from composer.models import corpus_index as O
from composer.piece import Instrument, KeyChange, Note, Part, Piece
from composer.score.errors import ComposerError, SpecError
from theory import Key, Meter, Pitch

FIXTURE_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
MINI = FIXTURE_DIR / "mini.yaml"
MINUET = ROOT / "examples" / "minuet_in_g.yaml"
AABA = ROOT / "examples" / "aaba_song.yaml"
VIOLIN = Instrument("Violin", 40, Pitch.from_name("G3"), Pitch.from_name("E7"))
JIG_16_BARS = """\
title: Binary jig
key: D major
meter: 6/8
form: binary
parts:
  - {role: melody, instrument: violin}
seed: 1
"""
MASK64 = (1 << 64) - 1


def n(offset, duration, cents) -> Note:
    return Note(F(offset), F(duration), Pitch(float(cents)))


def run(*pairs, start=0) -> list[Note]:
    """Notes from (cents, duration in quarters) pairs, one after another."""
    out, t = [], F(start)
    for cents, dur in pairs:
        out.append(n(t, dur, cents))
        t += F(dur)
    return out


def decode(token: int) -> tuple[int, int, int]:
    """(interval in cents, first duration, second duration) of a token, as the docstring lays it out."""
    token = int(token)
    return (token >> 32) - O.INTERVAL_OFFSET, (token >> 16) & 0xFFFF, token & 0xFFFF


# --- tokens -----------------------------------------------------------------------------------------------

TUNE = [(6200, F(1, 2)), (6400, F(1, 2)), (6600, 1), (6700, F(1, 4)), (6900, F(1, 4)), (6200, F(3, 2))]


def test_tokens_are_intervals_and_durations():
    mel = O.melody_of("fiddle", run(*TUNE))
    toks = mel.tokens()
    assert len(toks) == len(TUNE) - 1                      # one per pair of neighbours
    # D E F# G A D: +200 +200 +100 +200 -700 cents; durations in twelfths: 6 6 12 3 3 18.
    assert [decode(t) for t in toks] == [(200, 6, 6), (200, 6, 12), (100, 12, 3), (200, 3, 3), (-700, 3, 18)]


@pytest.mark.parametrize("shift", [100, 500, 700, -1200, 350, -50])
def test_a_transposed_melody_has_the_same_tokens(shift):
    """In any key (quarter tones included) the tune is the same tune."""
    original = O.melody_of("a", run(*TUNE)).tokens()
    moved = O.melody_of("b", run(*[(c + shift, d) for c, d in TUNE])).tokens()
    np.testing.assert_array_equal(original, moved)


def test_a_changed_duration_or_pitch_changes_the_tokens():
    original = O.melody_of("a", run(*TUNE)).tokens()
    dotted = list(TUNE)
    dotted[2] = (6600, F(3, 2))                             # the quarter becomes a dotted quarter
    changed = O.melody_of("a", run(*dotted)).tokens()
    assert not np.array_equal(original, changed)
    # Exactly the two tokens that touch the note differ.
    assert list(np.flatnonzero(original != changed)) == [1, 2]
    sharp = list(TUNE)
    sharp[3] = (6800, F(1, 4))                              # G -> G#
    assert list(np.flatnonzero(original != O.melody_of("a", run(*sharp)).tokens())) == [2, 3]


def test_a_rest_lengthens_the_note_before_it():
    """As in the corpora: a quarter then a quarter rest is, to the index, a half note."""
    with_rest = [n(0, 1, 6000), n(2, 1, 6200), n(3, 1, 6400)]
    held = [n(0, 2, 6000), n(2, 1, 6200), n(3, 1, 6400)]
    np.testing.assert_array_equal(O.melody_of("a", with_rest).tokens(), O.melody_of("a", held).tokens())
    assert decode(O.melody_of("a", with_rest).tokens()[0]) == (200, 24, 12)


def test_the_melody_is_the_top_note_of_each_chord():
    chordal = [n(0, 1, 6000), n(0, 1, 6400), n(0, 1, 6700), n(1, 1, 6500), n(1, 1, 6900)]
    mel = O.melody_of("piano", chordal)
    assert list(mel.cents) == [6700.0, 6900.0] and list(mel.offsets) == [0, 1]
    assert O.melody_of("solo", [n(0, 1, 6000)]) is None                 # one note: no melody


def test_encode_round_trip_and_distinct():
    intervals = np.array([-2400, -1200, -700, -50, -1, 0, 1, 50, 700, 1200, 2400])
    durations = np.array([1, 3, 4, 6, 12, 18, 24, 48, 96, O.OFF_GRID])
    seen = set()
    for iv in intervals:
        for a in durations:
            toks = O.encode(np.full(len(durations), iv), np.full(len(durations), a), durations)
            for tok, b in zip(toks.tolist(), durations.tolist()):
                assert decode(tok) == (iv, a, b)
                seen.add(tok)
    assert len(seen) == len(intervals) * len(durations) ** 2              # no two (iv, a, b) share a token


def test_grid_units():
    assert O.grid_units(F(1, 2)) == 6 and O.grid_units(F(1, 3)) == 4 and O.grid_units(3) == 36
    assert O.grid_units(F(1, 5)) == O.OFF_GRID            # a quintuplet is off the 1/12 grid
    assert O.grid_units(0) == O.OFF_GRID


# --- window hashes -----------------------------------------------------------------------------------------

def _naive_mix(x: int) -> int:
    x &= MASK64
    x = ((x ^ (x >> 31)) * 0x9E3779B97F4A7C15) & MASK64
    return x ^ (x >> 29)


def naive_window_hashes(tokens, length: int) -> list[int]:
    """The docstring: sum of mix(token[i + k]) * BASE**(length - 1 - k), modulo 2**64."""
    base = 0x100000001B3
    return [sum(_naive_mix(int(tokens[i + k])) * pow(base, length - 1 - k, 1 << 64) for k in range(length)) & MASK64
            for i in range(len(tokens) - length + 1)]


@pytest.mark.parametrize("length", [1, 2, 3, 4, 5, 7, 16, 40, 64])
def test_window_hashes_match_the_naive_polynomial(length):
    rng = np.random.default_rng(length)
    tokens = O.encode(rng.integers(-1500, 1500, 64), rng.integers(1, 49, 64), rng.integers(1, 49, 64))
    got = O.window_hashes(tokens, length)
    assert got.dtype == np.uint64 and len(got) == 64 - length + 1
    assert got.tolist() == naive_window_hashes(tokens, length)


def test_window_hashes_of_too_short_input():
    assert len(O.window_hashes(np.arange(3, dtype=np.int64), 4)) == 0
    assert len(O.window_hashes(np.arange(3, dtype=np.int64), 0)) == 0


# --- an index of hand-made tunes ---------------------------------------------------------------------------

def index_of(token_lists, ids=None) -> O.CorpusIndex:
    starts = np.cumsum([0] + [len(t) for t in token_lists])
    ids = ids or [f"t{i + 1}" for i in range(len(token_lists))]
    return O.CorpusIndex("hand", "hand", np.concatenate([np.asarray(t, np.int64) for t in token_lists]), starts,
                         ids, [f"Tune {i}" for i in ids])


@pytest.fixture(scope="module")
def random_index():
    rng = np.random.default_rng(7)
    tunes = [rng.integers(1, 10 ** 9, size) for size in (30, 40, 25)]
    return index_of(tunes), tunes


@pytest.mark.parametrize("k", [1, 2, 5, 7, 8, 9, 15, 16, 17, 33, 37])
def test_longest_finds_the_exact_shared_run(random_index, k):
    index, tunes = random_index
    # Two tokens of nothing, k tokens of tune 2 from its 4th token, one more token of nothing.
    query = np.concatenate([[-1, -2], tunes[1][3:3 + k], [-3]]).astype(np.int64)
    length, q, c = index.longest(query)
    assert (length, q, c) == (k, 2, 30 + 3)
    mel = SimpleNamespace(part="p", offsets=tuple(F(i) for i in range(len(query) + 1)), tokens=lambda: query)
    found = index.longest_run(mel)
    assert found.notes == k + 1                              # k tokens join k + 1 notes
    assert (found.tune_id, found.tune_note, found.tune_notes, found.start) == ("t2", 3, 41, F(2))


def test_nothing_shared(random_index):
    index, _ = random_index
    assert index.longest(np.array([-1, -2, -3], np.int64)) == (0, -1, -1)
    mel = SimpleNamespace(part="p", offsets=(F(0), F(1), F(2), F(3)), tokens=lambda: np.array([-1, -2, -3]))
    assert index.longest_run(mel) == O.CopiedRun(0, "p")


def test_a_run_across_two_tunes_is_not_a_run(random_index):
    index, tunes = random_index
    # The last 3 tokens of tune 1 then the first 3 of tune 2: adjacent in the index, never in one tune.
    query = np.concatenate([tunes[0][-3:], tunes[1][:3]]).astype(np.int64)
    assert index.longest(query)[0] == 3


def test_longest_run_of_real_notes_in_any_key():
    """Tunes as notes: the query plays 6 notes of tune 2 a minor third higher, between foreign notes."""
    rng = np.random.default_rng(3)
    tunes = [SimpleNamespace(id=f"x#{i}", title=f"Reel {i}", midi=rng.integers(60, 81, 40),
                             dur=rng.choice([3, 6, 12, 18], 40)) for i in range(3)]
    corpus = SimpleNamespace(name="fake", id="fake@1", tunes=lambda split=None: tunes)
    index = O.index_from_corpus(corpus)
    assert len(index) == 3 and list(index.starts) == [0, 39, 78, 117]
    t = tunes[1]
    borrowed = [(float(m) * 100 + 300, F(int(d), 12)) for m, d in zip(t.midi[10:16], t.dur[10:16])]
    # Before and after: a note of 5/12 (a duration no tune has), so the run cannot be extended.
    notes = run((5000, F(5, 12)), *borrowed, (9000, F(5, 12)), start=F(1, 2))
    found = index.longest_run(O.melody_of("violin", notes))
    assert found.notes == 6 and found.tune_id == "x#1" and found.tune_title == "Reel 1"
    assert found.tune_note == 10 and found.tune_notes == 40
    assert found.start == F(1, 2) + F(5, 12)                 # the offset of the first borrowed note


def test_shared_runs_and_calibration():
    # Tunes 1 and 2 share 4 tokens (a run of 5 notes); tune 3 repeats itself but shares nothing.
    a = [1, 2, 3, 100, 101, 102, 103, 4]
    b = [5, 100, 101, 102, 103, 6, 7]
    c = [8, 9, 8, 9, 8, 9, 10]
    index = index_of([a, b, c])
    assert O.shared_runs(index).tolist() == [5, 5, 0]
    cal = O.calibrate(index)
    assert cal["tunes"] == 3
    assert cal["longest_shared_run_histogram"] == {"0": 1, "5": 2}
    assert cal["percentiles"]["50"] == 5 and cal["percentiles"]["25"] == 0
    assert cal["share_at_least"]["8"] == 0.0
    index.calibration = cal
    assert index.percentile(5) == 100.0                       # every tune shares 5 notes or fewer
    assert index.percentile(4) == pytest.approx(33.3)        # only tune 3 (0) is at most 4
    # A shared run of two notes (one token) counts too.
    assert O.shared_runs(index_of([[1, 2], [3, 2, 4], [5]])).tolist() == [2, 2, 0]


# --- acceptance: a training tune fed to `evaluate --against` is reported as copied in full -----------------

def piece_of_tune(tune) -> Piece:
    """A corpus tune as a one-part piece: onsets and durations from twelfths of a quarter, a pickup moved
    into bar 1 (so every offset is >= 0)."""
    shift = tune.bar_q if tune.onset[0] < 0 else 0
    notes = [Note(F(int(o) + shift, 12), F(int(d), 12), Pitch(float(m) * 100.0))
             for o, d, m in zip(tune.onset, tune.dur, tune.midi)]
    end = int(tune.onset[-1] + tune.dur[-1]) + shift
    bars = -(-end // tune.bar_q)
    return Piece(tune.title, Meter(int(tune.numerator), int(tune.denominator)), 120.0, bars,
                 [Part("Fiddle", "melody", VIOLIN, notes)], [], [KeyChange(F(0), Key.parse("C major"))])


@pytest.mark.parametrize("fmt", ["mid", "musicxml"])
@pytest.mark.parametrize("which", [0, 3, 8])     # 2/4 with a pickup, 2/4 without, 6/8 with a pickup
def test_a_training_tune_is_reported_as_copied_in_full(mini_corpus, tmp_path, capsys, fmt, which):
    tune = mini_corpus.tunes()[which]
    path = tmp_path / f"tune.{fmt}"
    piece_of_tune(tune).write(path)
    code, out, err = run_cli(capsys, "evaluate", path, "--against", MINI, "--json")
    assert code == 0, err
    report = json.loads(out)
    piece = report["pieces"][0]
    assert piece["notes"] == len(tune)
    o = piece["originality"]
    assert o["longest_copied_run"] == len(tune)                # every note
    assert o["tune"]["id"] == tune.id and o["tune"]["title"] == tune.title
    assert o["tune"]["first_note"] == 0 and o["tune"]["notes"] == len(tune)
    assert o["bar"] == 1
    assert o["corpus"] == "mini"
    assert 0.0 <= o["corpus_percentile"] <= 100.0              # placed among the fixture's own borrowing


def test_evaluate_against_names_a_copy_in_text(mini_corpus, tmp_path, capsys):
    tune = mini_corpus.tunes()[3]
    path = tmp_path / "tune.mid"
    piece_of_tune(tune).write(path)
    code, out, _ = run_cli(capsys, "evaluate", path, "--against", MINI)
    assert code == 0
    assert f"longest copied run: {len(tune)} notes from {tune.title!r} ({tune.id}), bar 1" in out


def test_a_tune_of_the_shipped_index_is_found_in_full(tmp_path, capsys):
    """The shipped O'Neill index, read back into notes (tokens are intervals and durations: start anywhere)."""
    index = O.load_index("oneills1850")
    k = 100
    toks = index.tokens[index.starts[k]:index.starts[k + 1]]
    parts = [decode(t) for t in toks]
    cents = np.concatenate([[0], np.cumsum([iv for iv, _, _ in parts])])
    cents = cents - cents.min() + 5500                          # from G3 up
    durs = [a for _, a, _ in parts] + [parts[-1][2]]
    offsets = np.concatenate([[0], np.cumsum(durs)])
    notes = [Note(F(int(o), 12), F(int(d), 12), Pitch(float(c))) for o, d, c in zip(offsets, durs, cents)]
    piece = Piece("Borrowed", Meter(4, 4), 100.0, -(-int(offsets[-1]) // 48) + 1, [Part("Flute", "melody", VIOLIN, notes)],
                  [], [KeyChange(F(0), Key.parse("C major"))])
    path = tmp_path / "borrowed.mid"
    piece.write(path)
    code, out, err = run_cli(capsys, "evaluate", path, "--against", "oneills1850", "--json")
    assert code == 0, err
    o = json.loads(out)["pieces"][0]["originality"]
    assert o["longest_copied_run"] == len(toks) + 1
    # The tune named holds exactly these notes (the same tune, or a duplicate of it earlier in the book).
    found = index.tune_ids.index(o["tune"]["id"])
    start = index.starts[found] + o["tune"]["first_note"]
    np.testing.assert_array_equal(index.tokens[start:start + len(toks)], toks)
    assert o["corpus_percentile"] is not None                  # the shipped calibration places it


# --- acceptance: a composed piece never has a copied run at or above the threshold ------------------------

STRICT = 8
ZHI = ROOT / "examples" / "chinese_zhi_song.yaml"        # two melody parts, the second a heterophonic shadow
GUARD_SPECS = {"minuet": MINUET, "jig": JIG_16_BARS, "zhi": ZHI}
SEEDS = {("minuet", "neural"): 30, ("minuet", "rules"): 40, ("jig", "neural"): 30, ("jig", "rules"): 40,
         ("zhi", "neural"): 15, ("zhi", "rules"): 15}


@pytest.fixture(scope="module")
def guard_index():
    return O.load_index()


@pytest.mark.parametrize("filler", ["neural", "rules"])
@pytest.mark.parametrize("spec_name", list(GUARD_SPECS))
def test_composed_melodies_copy_less_than_the_threshold(guard_index, spec_name, filler):
    seeds = range(SEEDS[spec_name, filler])
    resampled = 0
    for seed in seeds:
        piece = compose(GUARD_SPECS[spec_name], seed=seed, filler=filler, max_copied_run=STRICT)
        melodies = [p for p in piece.parts if p.role == "melody"]
        assert len(melodies) == (2 if spec_name == "zhi" else 1)
        for part in melodies:
            run_ = guard_index.longest_run(O.melody_of(part.name, part.notes))      # measured independently
            assert run_.notes < STRICT, (spec_name, filler, seed, run_)
        assert piece.settings["max_copied_run"] == STRICT
        assert piece.originality.longest.notes < STRICT
        resampled += piece.settings["resampled_slots"] > 0
    if filler == "neural" and spec_name != "zhi":
        assert resampled > 0, "the guard never had to redraw a slot: the test did not exercise it"


def test_the_guard_is_active_with_the_rules_filler_too(guard_index):
    """The rules filler copies less, but now and then a first draft of the jig copies 8 notes and is refused
    (one seed in about a hundred: the scan finds it); the piece kept copies fewer."""
    piece = next((p for seed in range(200)
                  if (p := compose(JIG_16_BARS, seed=seed, filler="rules", max_copied_run=STRICT)).settings[
                      "resampled_slots"]), None)
    assert piece is not None, "no seed of 200 drew a copy: the guard was never exercised"
    assert guard_index.longest_run(O.melody_of("melody", piece.part("melody").notes)).notes < STRICT
    assert "drawn 2 times" in " ".join(line for lines in piece.fill.phrase_notes.values() for line in lines)


def test_strict_guard_on_the_jig_seed_48():
    piece = compose(JIG_16_BARS, seed=48, filler="neural", max_copied_run=STRICT)
    assert O.load_index().longest_run(O.melody_of("melody", piece.part("melody").notes)).notes < STRICT


def test_a_slot_no_draft_can_free_is_a_clear_error(monkeypatch):
    # A corpus in which every draft of the first slot is a copy: the guard gives up, naming the tune.
    drafts = []

    def always_copied(self, before, new, part=""):
        drafts.append(len(new))
        return O.CopiedRun(self.max_run, part, new[0].offset, "x/tune.abc#1", "The Everywhere Reel", 0)

    monkeypatch.setattr(CopyGuard, "copy_in", always_copied)
    with pytest.raises(O.OriginalityError) as info:
        compose(JIG_16_BARS, max_copied_run=4)
    assert len(drafts) == GUARD_ATTEMPTS                       # every draft was tried, then it stopped
    text = str(info.value)
    assert "The Everywhere Reel" in text
    assert "part 'melody'" in text and "bar " in text and "every one of 12 drafts" in text
    assert "max_copied_run" in text                             # the way out is named


def test_guard_off_leaves_the_output_unchanged_when_nothing_was_redrawn():
    guarded = compose(AABA)                                     # the default threshold, 16
    assert guarded.settings["max_copied_run"] == O.DEFAULT_MAX_COPIED_RUN == 16
    assert guarded.settings["resampled_slots"] == 0
    off = compose(AABA, max_copied_run=0)
    assert off.settings["max_copied_run"] == 0 and off.settings["resampled_slots"] == 0
    for a, b in zip(guarded.parts, off.parts, strict=True):
        assert a.notes == b.notes, a.name
    assert guarded.originality.longest.notes < 16


@lru_cache(maxsize=1)
def guarded_seed() -> int:
    """The first seed of the minuet (neural filler) whose draft copies STRICT notes and is drawn again."""
    return next(s for s in range(40) if compose(MINUET, seed=s, max_copied_run=STRICT).settings["resampled_slots"])


def test_guard_redraw_changes_only_the_refused_slots():
    """With a strict threshold the piece differs from the unguarded one, but keeps its plan: the same chords
    and bars, and the bass in the same rhythm (its pitches are voice-led against the melody, which changed)."""
    seed = guarded_seed()
    strict = compose(MINUET, seed=seed, max_copied_run=STRICT)
    off = compose(MINUET, seed=seed, max_copied_run=0)
    assert strict.part("melody").notes != off.part("melody").notes
    assert strict.chords == off.chords and strict.bars == off.bars
    rhythm = lambda piece: [(n.offset, n.duration) for n in piece.part("bass").notes]  # noqa: E731
    assert rhythm(strict) == rhythm(off)                               # the accompaniment follows the plan


# --- spec and argument errors -------------------------------------------------------------------------------

def test_spec_max_copied_run_below_four_is_refused():
    spec = MINUET.read_text(encoding="utf-8") + "constraints: {max_copied_run: 2}\n"
    with pytest.raises(SpecError) as info:
        compose(spec)
    assert any("max_copied_run" in str(p) for p in info.value.problems), info.value.problems


def test_spec_max_copied_run_zero_and_sixteen_are_accepted():
    base = MINUET.read_text(encoding="utf-8")
    assert compose(base + "constraints: {max_copied_run: 0}\n").settings["max_copied_run"] == 0
    assert compose(base + "constraints: {max_copied_run: 24}\n").settings["max_copied_run"] == 24


@pytest.mark.parametrize("bad", [-1, 1, 3, True, 2.5, "8"])
def test_compose_refuses_a_bad_threshold(bad):
    with pytest.raises(ComposerError) as info:
        compose(MINUET, max_copied_run=bad)
    assert "max_copied_run" in str(info.value)


def test_copy_guard_refuses_a_threshold_below_four():
    with pytest.raises(O.OriginalityError):
        CopyGuard(O.load_index(), 3)


def test_cli_against_an_unknown_corpus(tmp_path, capsys):
    path = tmp_path / "p.mid"
    compose(MINUET).write(path)
    code, _, err = run_cli(capsys, "evaluate", path, "--against", "nosuch")
    assert code == 2 and "nosuch" in err and "internal error" not in err


def test_copy_in_reports_the_run_that_ends_in_the_new_notes():
    """The guard looks only at runs that end among the new notes."""
    rng = np.random.default_rng(11)
    midi, dur = rng.integers(60, 81, 30), rng.choice([3, 6, 12], 30)
    tune = SimpleNamespace(id="t#1", title="Hornpipe", midi=midi, dur=dur)
    index = O.index_from_corpus(SimpleNamespace(name="one", id="one@1", tunes=lambda split=None: [tune]))
    guard = CopyGuard(index, 5)
    notes = run(*[(float(m) * 100, F(int(d), 12)) for m, d in zip(midi[:12], dur[:12])])
    # The first 4 notes copy 4 (below 5); with the 5th, a run of 5 ends among the new notes.
    assert guard.copy_in([], notes[:4], "fiddle") is None
    found = guard.copy_in(notes[:4], notes[4:5], "fiddle")
    assert found is not None and found.notes == 5 and found.tune_id == "t#1" and found.start == notes[0].offset
    assert guard.copy_in([], [], "fiddle") is None
    # A run of 5 that lies wholly in the notes before is not the new notes' fault.
    foreign = n(notes[4].end, F(5, 12), 9000)
    assert guard.copy_in(notes[:5], [foreign], "fiddle") is None


@pytest.mark.parametrize("value", ['"many"', "-3", "8.5", "true", "100000"])
def test_spec_max_copied_run_of_the_wrong_kind(value):
    spec = MINUET.read_text(encoding="utf-8") + f"constraints: {{max_copied_run: {value}}}\n"
    with pytest.raises(SpecError) as info:
        compose(spec)
    assert all("constraints.max_copied_run" in str(p) for p in info.value.problems), info.value.problems


def test_cli_max_copied_run_below_four(capsys):
    code, _, err = run_cli(capsys, "explain", MINUET, "--max-copied-run", "2")
    assert code == 2 and "max_copied_run" in err and "internal error" not in err


def test_cli_compose_with_a_guard_then_evaluate_against_the_training_corpora(tmp_path, capsys):
    """End to end: compose with a strict guard, then ask `evaluate --against` what the file copies."""
    seed = guarded_seed()           # the minuet, neural: a seed whose draft the guard at STRICT refuses
    code, out, err = run_cli(capsys, "compose", MINUET, "-o", tmp_path, "--formats", "mid", "--seed", seed,
                             "--max-copied-run", STRICT)
    assert code == 0, err
    path = Path(out.split()[0])
    code, out, err = run_cli(capsys, "evaluate", path, "--against", O.DEFAULT_INDEX, "--json")
    assert code == 0, err
    o = json.loads(out)["pieces"][0]["originality"]
    assert 2 <= o["longest_copied_run"] < STRICT
    assert o["max_copied_run"] == STRICT                   # the threshold the file was composed under
    assert o["corpus"] == O.DEFAULT_INDEX and o["part"] == "melody"
    # The same number as the guard's own report when composing.
    piece = compose(MINUET, seed=seed, max_copied_run=STRICT)
    assert piece.settings["resampled_slots"] >= 1
    assert o["longest_copied_run"] == piece.originality.longest.notes


def test_explain_prints_the_originality_summary(capsys):
    code, out, _ = run_cli(capsys, "explain", AABA)
    assert code == 0
    assert "originality: longest run copied from oneills1850+ryansMammoth:" in out
    assert "guard: under 16 notes" in out
