"""Training corpora: manifests, the music21 loader and its cache, splits, and the extracted lines.

The loader is tested on a fixture of 17 tunes from Ryan's Mammoth Collection
(tests/fixtures/corpus/mini.abc, its manifest mini.yaml) with the cache in a temporary folder,
so nothing here reads or writes the user's cache or parses a whole music21 collection.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import yaml
from conftest import run_cli

import corpora.loader
from corpora import CorpusError, load_corpus, load_manifest, manifest_names
from corpora.extract import MODES, Line
from corpora.loader import SPLITS, _cache_path, _files, music21_corpus_root

FIXTURE_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
MINI = FIXTURE_DIR / "mini.yaml"
MINI_ABC = FIXTURE_DIR / "mini.abc"
SHIPPED = {"bach", "essenFolksong", "oneills1850", "ryansMammoth"}


def load_mini(**kwargs):
    return load_corpus(MINI, root=FIXTURE_DIR, progress=False, workers=1, **kwargs)


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    """The fixture corpus, parsed once for this module into a temporary cache."""
    mp = pytest.MonkeyPatch()
    mp.setenv("PARTITA_CACHE", str(tmp_path_factory.mktemp("partita-cache")))
    try:
        yield load_mini()
    finally:
        mp.undo()


# --- the ABC fixture, read independently of music21 --------------------------------------------

def abc_tunes(text: str) -> dict[str, str]:
    """X number -> the tune's ABC text (from its X: line to the next)."""
    starts = [m.start() for m in re.finditer(r"^X:", text, re.M)]
    out = {}
    for a, b in zip(starts, starts[1:] + [len(text)]):
        body = text[a:b]
        out[re.match(r"X:\s*(\S+)", body).group(1)] = body
    return out


def abc_field(body: str, name: str) -> str:
    return re.search(rf"^{name}:\s*(.*?)\s*$", body, re.M).group(1)


METER_OF = {"2/4": (2, 4), "C": (4, 4), "4/4": (4, 4), "6/8": (6, 8), "C|": (2, 2)}
PC_OF = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
MODE_OF = {"": "major", "maj": "major", "m": "minor", "min": "minor", "minor": "minor", "mix": "mixolydian",
           "dor": "dorian"}
SCALE_STEPS = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10),
               "mixolydian": (0, 2, 4, 5, 7, 9, 10), "dorian": (0, 2, 3, 5, 7, 9, 10)}


def abc_key(field: str) -> tuple[int, str]:
    m = re.match(r"([A-G])([#b]?)\s*([A-Za-z]*)", field)
    pc = (PC_OF[m.group(1)] + {"#": 1, "b": -1, "": 0}[m.group(2)]) % 12
    return pc, MODE_OF[m.group(3).lower()]


FIXTURE_TUNES = abc_tunes(MINI_ABC.read_text(encoding="utf-8"))


# --- manifests -----------------------------------------------------------------------------------

def test_the_shipped_manifests_validate_and_name_their_licence():
    assert set(manifest_names()) == SHIPPED
    manifests = {name: load_manifest(name) for name in manifest_names()}
    for name, m in manifests.items():
        assert m.name == name and m.id.startswith(f"{name}@")
        assert m.licence and len(m.source) > 20, name
        # The public-domain flag and the licence agree.
        assert m.public_domain == (m.licence == "public-domain"), name
        assert 0 < m.validation_percent and 0 < m.test_percent and m.validation_percent + m.test_percent < 50
    # Essen is shared for non-commercial use only: never public domain (weights trained on it inherit that).
    assert manifests["essenFolksong"].licence == "non-commercial"
    assert not manifests["essenFolksong"].public_domain
    for name in ("oneills1850", "ryansMammoth", "bach"):
        assert manifests[name].licence == "public-domain" and manifests[name].public_domain
    # Bach is four-part: both outer voices, key by analysis (chorales often carry no key signature).
    assert manifests["bach"].parts == ("soprano", "bass") and manifests["bach"].key_from == "analysis"


def test_the_shipped_manifests_point_at_files_of_the_music21_corpus():
    root = music21_corpus_root()
    for name in manifest_names():
        m = load_manifest(name)
        assert (root / m.collection).is_dir(), name
        files = _files(m, root)
        assert files and all(f.relative_to(root).parts[0] == m.collection for f in files), name
    # Essen's test files (encoding tests, not songs) are excluded.
    essen = _files(load_manifest("essenFolksong"), root)
    assert not any(f.name.startswith("test") for f in essen)


def write_manifest(tmp_path: Path, change) -> Path:
    doc = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    change(doc)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("change, words", [
    (lambda d: d.pop("licence"), ["missing required key", "licence"]),
    (lambda d: d.update(licnese="public-domain"), ["licnese", "unknown key", "did you mean 'licence'"]),
    (lambda d: d["selection"].update(partz=["first"]), ["selection.partz", "unknown key"]),
    (lambda d: d.update(licence="GPL"), ["licence", "'GPL'", "non-commercial"]),
    (lambda d: d["split"].update(test_percent=80), ["split.test_percent", "80"]),
], ids=["missing licence", "unknown key", "unknown nested key", "unknown licence", "test share too big"])
def test_a_bad_manifest_is_refused_naming_the_field(tmp_path, change, words):
    path = write_manifest(tmp_path, change)
    with pytest.raises(CorpusError) as info:
        load_manifest(path)
    message = str(info.value)
    assert str(path) in message
    for word in words:
        assert word in message, message


def test_an_unknown_corpus_lists_the_accepted_names():
    for call in (load_manifest, lambda n: load_corpus(n, progress=False)):
        with pytest.raises(CorpusError) as info:
            call("oneils1850")
        assert "unknown corpus 'oneils1850'" in str(info.value)
        assert "accepted: bach, essenFolksong, oneills1850, ryansMammoth" in str(info.value)


def test_the_manifest_digest_follows_its_content_not_its_comments(tmp_path):
    base = load_manifest(MINI)
    commented = tmp_path / "commented.yaml"
    commented.write_text("# another comment\n" + MINI.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_manifest(commented).digest == base.digest
    changed = write_manifest(tmp_path, lambda d: d["split"].update(validation_percent=25))
    assert load_manifest(changed).digest != base.digest
    # A changed manifest is parsed anew: its cache file has another name.
    assert _cache_path(load_manifest(changed), FIXTURE_DIR) != _cache_path(base, FIXTURE_DIR)


# --- loading and the cache -----------------------------------------------------------------------

def test_the_fixture_parses_once_then_loads_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PARTITA_CACHE", str(tmp_path))
    real_parse = corpora.loader._parse
    calls = []

    def spy(*args, **kwargs):
        calls.append(args)
        result = real_parse(*args, **kwargs)
        calls[-1] = result
        return result

    monkeypatch.setattr(corpora.loader, "_parse", spy)
    first = load_mini()
    assert len(calls) == 1
    cached = sorted((tmp_path / "corpora").glob("mini-*.npz"))
    assert len(cached) == 1 and cached[0].stat().st_size > 0
    assert not list((tmp_path / "corpora").glob("*.tmp*")), "the temporary file is renamed, not left behind"

    def no_parse(*args, **kwargs):
        raise AssertionError("the second load must read the cache, not parse")

    monkeypatch.setattr(corpora.loader, "_parse", no_parse)
    second = load_mini()
    assert [t.id for t in second.tunes()] == [t.id for t in first.tunes()]
    assert second.report == first.report
    for a, b in zip(first.tunes(), second.tunes()):
        assert (a.split, a.numerator, a.denominator, a.tonic_pc, a.mode) == \
               (b.split, b.numerator, b.denominator, b.tonic_pc, b.mode)
        for field in ("midi", "onset", "dur", "bar", "bar_pos"):
            assert np.array_equal(getattr(a, field), getattr(b, field)), (a.id, field)

    # A damaged cache is parsed again (not an error), and rewritten.
    cached[0].write_bytes(b"not an npz file")
    parsed_again = []
    monkeypatch.setattr(corpora.loader, "_parse", lambda *a, **k: parsed_again.append(1) or calls[0])
    third = load_mini()
    assert parsed_again == [1] and len(third) == len(first)
    monkeypatch.setattr(corpora.loader, "_parse", no_parse)
    assert len(load_mini()) == len(first)
    # refresh=True parses even with a good cache.
    monkeypatch.setattr(corpora.loader, "_parse", lambda *a, **k: parsed_again.append(2) or calls[0])
    load_mini(refresh=True)
    assert parsed_again == [1, 2]


def test_the_load_report_counts_lines_and_refusals(mini):
    # 17 tunes: 16 kept, and Come Under My Dimity (X:17) refused for its short bars.
    assert len(FIXTURE_TUNES) == 17
    assert mini.report == {"jobs": 17, "lines": 16, "refused": {"bars of irregular length": 1}}
    assert sorted(t.id for t in mini.tunes()) == sorted(f"mini.abc#{x}" for x in FIXTURE_TUNES if x != "17")
    assert mini.name == "mini" and mini.id == load_manifest(MINI).id and mini.licence == "public-domain"
    assert mini.note_count() == sum(len(t) for t in mini.tunes()) > 16 * 50


# --- splits --------------------------------------------------------------------------------------

def test_splits_are_disjoint_cover_the_corpus_and_none_is_empty(mini):
    by_split = {s: mini.tunes(s) for s in SPLITS}
    ids = [t.id for s in SPLITS for t in by_split[s]]
    assert sorted(ids) == sorted(t.id for t in mini.tunes()) and len(set(ids)) == len(ids)
    assert all(by_split[s] for s in SPLITS), {s: len(v) for s, v in by_split.items()}
    assert [t.id for t in mini.subset("validation").tunes()] == [t.id for t in by_split["validation"]]
    with pytest.raises(CorpusError, match="accepted: train, validation, test"):
        mini.tunes("valid")


def fingerprint(tune) -> str:
    return Line(tune.id, tune.title, tune.numerator, tune.denominator, tune.tonic_pc, tune.mode,
                midi=[int(x) for x in tune.midi], dur=[int(x) for x in tune.dur]).fingerprint()


def test_the_split_comes_from_the_tune_content(mini):
    manifest = load_manifest(MINI)
    for tune in mini.tunes():
        assert tune.split == manifest.split_of(fingerprint(tune)), tune.id
    # The same notes a fourth higher, under another name: the same split (a tune and its copy never
    # land on both sides of the train/test line).
    a = Line("a", "A tune", 6, 8, 2, "major", midi=[62, 64, 66, 67, 69], dur=[6, 6, 6, 12, 6])
    b = Line("b", "Its copy", 6, 8, 7, "major", midi=[67, 69, 71, 72, 74], dur=[6, 6, 6, 12, 6])
    assert a.fingerprint() == b.fingerprint()
    assert manifest.split_of(a.fingerprint()) == manifest.split_of(b.fingerprint())
    # Over many tunes the shares are the manifest's (20 % validation, 20 % test).
    counts = Counter(manifest.split_of(f"{i}:6,{i % 7}:12") for i in range(4000))
    assert abs(counts["test"] / 4000 - 0.20) < 0.03 and abs(counts["validation"] / 4000 - 0.20) < 0.03


def test_the_split_is_fixed_whatever_the_file_order_or_numbering(mini, tmp_path, monkeypatch):
    """Two tunes from each split, written in reverse order with new X numbers, plus an exact copy of
    one under another title: each keeps its split, and the copy is dropped as a duplicate."""
    monkeypatch.setenv("PARTITA_CACHE", str(tmp_path / "cache"))
    chosen = [t for s in SPLITS for t in mini.tunes(s)[:2]]
    bodies = [FIXTURE_TUNES[t.id.split("#")[1]] for t in chosen][::-1]
    copy = re.sub(r"^T:.*$", "T:A Copy Under Another Name", bodies[0], count=1, flags=re.M)
    text = "".join(re.sub(r"^X:\s*\S+", f"X:{100 + i}", body, count=1) + "\n"
                   for i, body in enumerate(bodies + [copy]))
    root = tmp_path / "root"
    root.mkdir()
    (root / "mini.abc").write_text(text, encoding="utf-8")
    again = load_corpus(MINI, root=root, progress=False, workers=1)
    assert again.report["refused"] == {"exact duplicate": 1}
    assert len(again) == len(chosen)
    split_by_title = {t.title: t.split for t in chosen}
    assert {t.title: t.split for t in again.tunes()} == split_by_title


# --- the extracted lines ---------------------------------------------------------------------------

def test_extracted_lines_carry_the_meter_and_key_of_the_abc(mini):
    for tune in mini.tunes():
        body = FIXTURE_TUNES[tune.id.split("#")[1]]
        assert (tune.numerator, tune.denominator) == METER_OF[abc_field(body, "M")], tune.id
        assert (tune.tonic_pc, tune.mode) == abc_key(abc_field(body, "K")), tune.id
        assert tune.mode in MODES
        assert tune.bar_q == 48 * tune.numerator // tune.denominator
        # Most notes belong to the key (a wrong key or octave would show here).
        pcs = (tune.midi.astype(int) - tune.tonic_pc) % 12
        assert np.isin(pcs, SCALE_STEPS[tune.mode]).mean() >= 0.9, tune.id


def test_extracted_lines_are_contiguous_and_sit_in_their_bars(mini):
    for tune in mini.tunes():
        midi, onset, dur = tune.midi.astype(int), tune.onset.astype(int), tune.dur.astype(int)
        bar, pos, bar_q = tune.bar.astype(int), tune.bar_pos.astype(int), tune.bar_q
        assert len(midi) == len(onset) == len(dur) == len(bar) == len(pos) >= 16
        # Fiddle tunes: every pitch on the violin, G3 to E7.
        assert midi.min() >= 55 and midi.max() <= 100, tune.id
        # One note after another: onsets rise, and a note (with any rest after it) lasts until the next.
        assert (np.diff(onset) > 0).all(), tune.id
        assert (onset[:-1] + dur[:-1] == onset[1:]).all(), tune.id
        assert (dur > 0).all()
        # Positions in the bar lie within the bar; bars run in order and each note's bar starts at
        # onset - bar_pos, the same for every note of that bar.
        assert ((0 <= pos) & (pos < bar_q)).all(), tune.id
        assert (np.diff(bar) >= 0).all() and bar.min() >= -1
        starts = {}
        for b, o, p in zip(bar, onset, pos):
            assert starts.setdefault(b, o - p) == o - p, (tune.id, b)
        # A pickup (bar -1) is the only thing before time 0, and it leads into the downbeat of bar 0.
        assert ((onset < 0) == (bar == -1)).all(), tune.id
        assert starts[0] == 0 and onset[bar == 0][0] == 0, tune.id
        if (bar == -1).any():
            last = np.nonzero(bar == -1)[0][-1]
            assert pos[last] + dur[last] == bar_q and onset[last] + dur[last] == 0, tune.id
        # Most bars hold exactly the time signature (short ones come at repeat signs), as the
        # manifest's max_bad_bar_share demands.
        numbers = sorted(b for b in starts if b >= 0)
        lengths = [starts[b2] - starts[b1] for b1, b2 in zip(numbers, numbers[1:])]
        assert all(0 < x <= bar_q for x in lengths), tune.id
        assert sum(x != bar_q for x in lengths[1:]) <= 0.15 * max(len(lengths) - 1, 1), (tune.id, lengths)


def test_the_first_bars_of_deer_foot_hornpipe(mini):
    """X:1, in F, L:1/16, M:2/4: `uc2|cfaf gcde|fegf afga|` -- an eighth-note pickup, then sixteenths."""
    tune = next(t for t in mini.tunes() if t.id == "mini.abc#1")
    assert tune.title.startswith("Deer-Foot")
    assert (tune.numerator, tune.denominator, tune.tonic_pc, tune.mode) == (2, 4, 5, "major")
    # c=C5 (72), f=F5, a=A5, g=G5, d=D5, e=E5
    assert tune.midi[:17].tolist() == [72, 72, 77, 81, 77, 79, 72, 74, 76, 77, 76, 79, 77, 81, 77, 79, 81]
    assert tune.dur[:17].tolist() == [6] + [3] * 16                # an eighth, then sixteenths (Q = 12)
    assert tune.onset[:4].tolist() == [-6, 0, 3, 6]
    assert tune.bar[:10].tolist() == [-1] + [0] * 8 + [1]
    assert tune.bar_pos[:3].tolist() == [18, 0, 3]


# --- the command line ------------------------------------------------------------------------------

def test_corpora_list_prints_every_manifest_with_its_licence(capsys):
    code, out, err = run_cli(capsys, "corpora", "list")
    assert code == 0, err
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == sorted(SHIPPED)
    by_name = {line.split()[0]: line for line in lines}
    assert by_name["essenFolksong"].split()[1] == "non-commercial"
    assert by_name["ryansMammoth"].split()[1] == "public-domain"
    assert "Ryan's Mammoth Collection" in by_name["ryansMammoth"]


def test_corpora_prepare_an_unknown_name_is_an_error_listing_the_names(capsys):
    code, out, err = run_cli(capsys, "corpora", "prepare", "nope")
    assert code == 2 and out == ""
    assert "unknown corpus 'nope'" in err and "ryansMammoth" in err
