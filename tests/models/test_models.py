"""The neural models: training on a corpus, the numpy runtime, the weights' integrity, and decoding.

Training runs a tiny model (hidden 16, embed 8, 1-2 epochs) on the 16-tune fixture corpus
(tests/fixtures/corpus), so it takes a second or two. Nothing here depends on the values of
the shipped weights: decoding is checked against the hard constraints, which must hold whatever
the model prefers.
"""
from __future__ import annotations

import hashlib
import json
import math
import shutil
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

from conftest import ROOT, run_cli
from test_properties import _check_piece, specs

from composer import compose
from composer.fill.constraints import is_arrival
from composer.models import safetensors as st_format
from composer.models import vocab as V
from composer.models.net import ConditionedGRU
from composer.models.ngram import KneserNey, best_order
from composer.models.runtime import Sampling, load_model, masked_sample, shipped_weights, weights_dir
from composer.models.spec import model_config
from composer.models.train import nll_bits, sequences, to_arrays, train
from composer.models.weights import WeightsError, file_sha256, load_safetensors, manifest_path, save_safetensors
from corpora import Corpus, load_corpus, load_manifest

FIXTURE_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
MINUET = ROOT / "examples" / "minuet_in_g.yaml"
AABA = ROOT / "examples" / "aaba_song.yaml"
MINI = FIXTURE_DIR / "mini.yaml"
TINY = dict(hidden=16, embed=8, progress=False)
PROVENANCE = dict(vocabulary_version=V.VOCAB_VERSION, corpus="tests: random weights", licence="CC0-1.0",
                  command="pytest tests/models/test_models.py")


@pytest.fixture(scope="module")
def cache_env(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("PARTITA_CACHE", str(tmp_path_factory.mktemp("partita-cache")))
    yield
    mp.undo()


@pytest.fixture(scope="module")
def mini(cache_env):
    """The fixture corpus (16 lines: 7 train, 3 validation, 6 test), parsed once for this module."""
    return load_corpus(MINI, root=FIXTURE_DIR, progress=False, workers=1)


@pytest.fixture(autouse=True)
def fresh_model_cache():
    """load_model is cached by (kind, path): clear it around each test so no test sees another's model."""
    load_model.cache_clear()
    yield
    load_model.cache_clear()


# --- training --------------------------------------------------------------------------------------

def test_a_tiny_model_trains_and_its_weights_record_where_they_came_from(mini, tmp_path):
    result = train("rhythm", mini, tmp_path, epochs=2, seed=3, command="pytest: tiny rhythm", **TINY)
    assert result.weights == tmp_path / "rhythm.safetensors" and result.weights.is_file()
    assert (tmp_path / "rhythm.ckpt").is_file()
    arrays, manifest = load_safetensors(result.weights)        # size and sha256 checked on the way
    assert manifest == result.manifest
    cfg = manifest["config"]
    assert (cfg["kind"], cfg["hidden"], cfg["embed"], cfg["n_out"]) == ("rhythm", 16, 8, V.N_DUR)
    assert cfg["conditions"] == model_config("rhythm")["conditions"]
    assert manifest["vocabulary_version"] == V.VOCAB_VERSION
    assert manifest["corpus"] == load_manifest(MINI).id == mini.id
    assert manifest["licence"] == "public-domain"
    assert manifest["command"] == "pytest: tiny rhythm"
    assert manifest["sha256"] == file_sha256(result.weights)
    metrics = manifest["metrics"]
    assert metrics["epochs"] == result.epochs == 2 and metrics["seed"] == 3
    assert [h["epoch"] for h in metrics["history"]] == [1, 2]
    assert metrics["parameters"] == sum(int(np.prod(a.shape)) for a in arrays.values())
    # The exported weights are the best epoch's: they score the best validation figure.
    bits = [h["validation_bits"] for h in metrics["history"]]
    assert result.best_validation_bits == pytest.approx(min(bits), abs=1e-4)
    net = ConditionedGRU(cfg)
    net.load_state_dict({k: torch.from_numpy(v) for k, v in arrays.items()})
    assert nll_bits(net, sequences(mini.tunes("validation"), "rhythm")) == pytest.approx(min(bits), abs=1e-3)
    # The runtime loads them, and refuses them as the other kind.
    assert load_model("rhythm", str(result.weights)).hidden == 16
    with pytest.raises(WeightsError, match="expected 'melody'"):
        load_model("melody", str(result.weights))


def test_the_exported_weights_are_the_best_epochs_not_the_last(mini, tmp_path):
    """With far too high a learning rate the validation figure gets worse after an early epoch: the
    weights written must still be those of the best epoch (early stopping's point)."""
    for seed in range(6):
        result = train("rhythm", mini, tmp_path / str(seed), epochs=3, seed=seed, lr=0.3, batch_size=4, patience=10,
                       **TINY)
        bits = [h["validation_bits"] for h in result.manifest["metrics"]["history"]]
        if min(bits) < bits[-1] - 0.05:
            break
    else:
        pytest.skip("no run got worse after its best epoch; nothing to tell the best from the last")
    arrays, manifest = load_safetensors(result.weights)
    net = ConditionedGRU(manifest["config"])
    net.load_state_dict({k: torch.from_numpy(v) for k, v in arrays.items()})
    assert nll_bits(net, sequences(mini.tunes("validation"), "rhythm")) == pytest.approx(min(bits), abs=1e-3)
    assert manifest["metrics"]["validation_bits_per_note"] == pytest.approx(min(bits), abs=1e-4)


def test_training_is_reproducible_from_its_seed(mini, tmp_path):
    a = train("rhythm", mini, tmp_path / "a", epochs=1, seed=5, **TINY)
    b = train("rhythm", mini, tmp_path / "b", epochs=1, seed=5, **TINY)
    assert a.manifest["sha256"] == b.manifest["sha256"]


def test_resume_carries_on_from_the_checkpoint(mini, tmp_path):
    first = train("melody", mini, tmp_path, epochs=1, **TINY)
    assert first.epochs == 1
    second = train("melody", mini, tmp_path, epochs=2, resume=True, **TINY)
    assert second.epochs == 2 and second.manifest["metrics"]["epochs"] == 2
    history = second.manifest["metrics"]["history"]
    assert [h["epoch"] for h in history] == [1, 2]
    assert history[0]["validation_bits"] == first.manifest["metrics"]["history"][0]["validation_bits"]
    # A checkpoint of another shape is refused, not silently mixed.
    with pytest.raises(WeightsError, match="another config or corpus"):
        train("melody", mini, tmp_path, epochs=3, resume=True, hidden=24, embed=8, progress=False)


def test_an_interrupted_and_resumed_run_equals_an_uninterrupted_one(mini, tmp_path):
    train("rhythm", mini, tmp_path / "r", epochs=1, batch_size=2, **TINY)
    resumed = train("rhythm", mini, tmp_path / "r", epochs=2, batch_size=2, resume=True, **TINY)
    straight = train("rhythm", mini, tmp_path / "s", epochs=2, batch_size=2, **TINY)
    a, _ = load_safetensors(resumed.weights)
    b, _ = load_safetensors(straight.weights)
    assert all(np.array_equal(a[k], b[k]) for k in a)


def test_training_without_a_validation_split_is_refused(mini, tmp_path):
    no_validation = Corpus(mini.manifests, mini.tunes("train"), mini.report)
    with pytest.raises(WeightsError, match="0 validation"):
        train("rhythm", no_validation, tmp_path, epochs=1, **TINY)


def test_the_train_command_trains_and_resumes_on_a_manifest_path(mini, capsys, tmp_path, monkeypatch):
    """`--corpus` takes a manifest's path too; its files are found beside it (the `mini` fixture has
    already parsed them into this module's cache, so the command reads the cache: no parsing)."""
    import corpora.loader

    monkeypatch.setattr(corpora.loader, "_parse", lambda *a, **k: pytest.fail("parsed a cached corpus again"))
    args = ["train", "rhythm", "--corpus", MINI, "--out", tmp_path, "--hidden", "16", "--embed", "8"]
    code, out, err = run_cli(capsys, *args, "--epochs", "1")
    assert code == 0, err
    assert "mini: 7 training, 3 validation, 6 test lines; licence public-domain" in out
    report = json.loads(out.splitlines()[-1])
    assert report["weights"] == str(tmp_path / "rhythm.safetensors") and report["epochs"] == 1
    _, manifest = load_safetensors(tmp_path / "rhythm.safetensors")
    assert manifest["corpus"] == load_manifest(MINI).id
    assert manifest["command"].startswith("partita train rhythm")
    code, out, err = run_cli(capsys, *args, "--epochs", "2", "--resume")
    assert code == 0, err
    assert json.loads(out.splitlines()[-1])["epochs"] == 2


def test_the_train_command_refuses_bad_arguments(mini, capsys, tmp_path):
    code, out, err = run_cli(capsys, "train", "melody", "--corpus", "nope", "--out", tmp_path)
    assert code == 2 and "--corpus: unknown corpus 'nope'" in err and "ryansMammoth" in err
    code, out, err = run_cli(capsys, "train", "melody", "--corpus", MINI, "--out", tmp_path, "--epochs", "0")
    assert code == 2 and "--epochs must be at least 1" in err
    assert not (tmp_path / "melody.safetensors").exists()


# --- the numpy runtime against the torch module -------------------------------------------------

@pytest.mark.parametrize("kind", ["rhythm", "melody"])
def test_the_numpy_runtime_matches_the_torch_module_step_by_step(kind, tmp_path):
    torch.manual_seed(11)
    cfg = model_config(kind, embed=8, hidden=16)
    net = ConditionedGRU(cfg).eval()
    with torch.no_grad():  # biases away from zero, so a dropped bias term would show
        for p in net.parameters():
            p.add_(0.3 * torch.randn_like(p))
    path = tmp_path / f"{kind}.safetensors"
    save_safetensors(to_arrays(net), path, config=cfg, **PROVENANCE)
    model = load_model(kind, str(path))
    rng = np.random.default_rng(0)
    B, T = 3, 20
    prev = rng.integers(0, cfg["n_prev"], size=(B, T))
    prev[:, 0] = cfg["bos"]
    conds = {k: rng.integers(0, n, size=(B, T)) for k, n in cfg["conditions"].items()}
    with torch.no_grad():
        want, h_want = net(torch.from_numpy(prev), {k: torch.from_numpy(v) for k, v in conds.items()})
    want, h_want = want.numpy(), h_want.numpy()[0]
    h = model.initial_state(B)
    for t in range(T):
        cond_in = model.condition_inputs({k: v[:, t] for k, v in conds.items()})
        h, logits = model.step(h, prev[:, t], cond_in)
        assert logits.shape == (B, cfg["n_out"])
        np.testing.assert_allclose(logits, want[:, t], atol=1e-5, rtol=0)   # runtime.py promises 1e-5
    np.testing.assert_allclose(h, h_want, atol=1e-5, rtol=0)
    # All steps' conditions at once (as the melody sampler precomputes them) give the same inputs.
    together = model.condition_inputs(conds)
    np.testing.assert_allclose(together[:, 5], model.condition_inputs({k: v[:, 5] for k, v in conds.items()}),
                               atol=1e-6)


# --- the shipped weights and their checksums ----------------------------------------------------

@pytest.fixture
def shipped_copy(tmp_path) -> Path:
    for f in weights_dir().iterdir():
        if f.is_file():
            shutil.copyfile(f, tmp_path / f.name)
    return tmp_path


def test_the_shipped_index_pins_each_file_and_manifest(shipped_copy):
    index = json.loads((shipped_copy / "index.json").read_text(encoding="utf-8"))
    assert set(index) == {"rhythm", "melody"}
    for kind, entry in index.items():
        path = shipped_copy / entry["file"]
        manifest = json.loads(manifest_path(path).read_text(encoding="utf-8"))
        assert entry["sha256"] == manifest["sha256"] == file_sha256(path) == hashlib.sha256(path.read_bytes()).hexdigest()
        assert manifest["size_bytes"] == path.stat().st_size
        assert manifest["config"]["kind"] == kind
        assert entry["corpus"] == manifest["corpus"] and entry["licence"] == manifest["licence"]
        # The default weights may be shipped: no non-commercial corpus (Essen) behind them.
        assert entry["licence"] in ("public-domain", "CC0-1.0", "CC-BY-4.0")
        assert "essenFolksong" not in entry["corpus"]


@pytest.mark.parametrize("kind", ["rhythm", "melody"])
def test_the_shipped_models_load_and_fit_this_vocabulary(kind):
    model = load_model(kind)
    cfg = model.config
    assert cfg["vocabulary_version"] == V.VOCAB_VERSION == model.manifest["vocabulary_version"]
    assert cfg["n_out"] == (V.N_DUR if kind == "rhythm" else V.N_PITCH)
    assert cfg["conditions"] == model_config(kind)["conditions"]
    h, logits = model.step(model.initial_state(1), np.array([model.bos]),
                           model.condition_inputs({k: np.zeros(1, dtype=int) for k in cfg["conditions"]}))
    assert logits.shape == (1, cfg["n_out"]) and np.isfinite(logits).all()
    assert shipped_weights()[kind]["sha256"] == model.manifest["sha256"]


def test_a_flipped_byte_in_the_weights_is_caught_by_the_sha256(shipped_copy):
    path = shipped_copy / "rhythm.safetensors"
    load_safetensors(path)                                       # the intact copy loads
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(WeightsError, match="sha256"):
        load_safetensors(path)


def test_weights_that_match_their_manifest_but_not_the_index_are_refused(shipped_copy):
    index = json.loads((shipped_copy / "index.json").read_text(encoding="utf-8"))
    path = shipped_copy / "melody.safetensors"
    arrays, manifest = load_safetensors(path, expected_sha256=index["melody"]["sha256"])
    # Someone retrains or edits the weights and rewrites the manifest beside them: the file and its
    # manifest agree, but the sha256 pinned by the index does not.
    arrays["out.bias"] = arrays["out.bias"] + 1.0
    save_safetensors(arrays, path, config=manifest["config"], **{k: manifest[k] for k in
                                                                 ("vocabulary_version", "corpus", "licence", "command")})
    load_safetensors(path)
    with pytest.raises(WeightsError, match="expected"):
        load_safetensors(path, expected_sha256=index["melody"]["sha256"])
    with pytest.raises(WeightsError, match="64 hex digits"):
        load_safetensors(path, expected_sha256="abc")


@pytest.mark.parametrize("tamper", ["fewer pitches", "a wider hidden layer in one tensor", "a condition dropped"])
def test_weights_and_manifest_changed_together_to_a_wrong_shape_are_refused_on_loading(shipped_copy, tamper):
    # Consistent with each other (the manifest lists the tensors as they are), wrong for this version:
    # refused when loaded, with the tensor or setting named, not an internal error inside a compose.
    path = shipped_copy / "melody.safetensors"
    arrays, manifest = load_safetensors(path)
    config = dict(manifest["config"])
    if tamper == "fewer pitches":
        arrays["out.weight"], arrays["out.bias"] = arrays["out.weight"][:-1], arrays["out.bias"][:-1]
        config["n_out"] -= 1
    elif tamper == "a wider hidden layer in one tensor":
        arrays["gru.weight_hh_l0"] = np.zeros((arrays["gru.weight_hh_l0"].shape[0], 300), dtype=np.float32)
    else:
        del arrays["conds.mode.weight"]
        config["conditions"] = {k: v for k, v in config["conditions"].items() if k != "mode"}
    save_safetensors(arrays, path, config=config, **{k: manifest[k] for k in
                                                     ("vocabulary_version", "corpus", "licence", "command")})
    load_safetensors(path)                       # the file and its manifest agree
    with pytest.raises(WeightsError, match="n_out|gru.weight_hh_l0|conditions"):
        load_model("melody", str(path))


def test_truncated_weights_are_refused(shipped_copy):
    path = shipped_copy / "rhythm.safetensors"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(WeightsError, match="truncated"):
        load_safetensors(path)


# --- the safetensors format -------------------------------------------------------------------------

def test_safetensors_round_trip_every_dtype_and_shape():
    rng = np.random.default_rng(1)
    arrays = {
        "w.f32": rng.standard_normal((3, 4)).astype(np.float32),
        "w.f64": rng.standard_normal(5),
        "w.f16": rng.standard_normal((2, 2, 2)).astype(np.float16),
        "i64": np.array([-(2 ** 40), 0, 2 ** 40], dtype=np.int64),
        "i32": np.arange(-3, 3, dtype=np.int32).reshape(2, 3),
        "i16": np.array([-32768, 32767], dtype=np.int16),
        "i8": np.array([-128, 127], dtype=np.int8),
        "u8": np.array([0, 255], dtype=np.uint8),
        "empty": np.zeros((0, 3), dtype=np.float32),
        "strided": np.arange(20, dtype=np.float32).reshape(4, 5)[:, ::2],   # not contiguous
    }
    data = st_format.dumps(arrays, {"format": "partita-weights", "note": "ok"})
    back, meta = st_format.loads(data)
    assert meta == {"format": "partita-weights", "note": "ok"}
    assert set(back) == set(arrays)
    for name, a in arrays.items():
        assert back[name].dtype == a.dtype and back[name].shape == a.shape, name
        assert np.array_equal(back[name], a), name
    # The layout is the published one: a little-endian u64 header length, a JSON header padded to 8.
    n = int.from_bytes(data[:8], "little")
    assert n % 8 == 0
    header = json.loads(data[8:8 + n])
    assert header["w.f32"] == {"dtype": "F32", "shape": [3, 4], "data_offsets": header["w.f32"]["data_offsets"]}
    begin, end = header["w.f32"]["data_offsets"]
    assert np.array_equal(np.frombuffer(data[8 + n + begin:8 + n + end], dtype="<f4").reshape(3, 4), arrays["w.f32"])


def test_safetensors_round_trips_a_scalar():
    back, _ = st_format.loads(st_format.dumps({"step": np.array(7, dtype=np.int64)}))
    assert back["step"].shape == () and back["step"] == 7


def test_safetensors_reads_a_file_written_by_hand_from_the_spec():
    body = np.array([1.0, -2.0], dtype="<f4").tobytes() + np.array([7], dtype="<i8").tobytes()
    header = json.dumps({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                         "b": {"dtype": "I64", "shape": [1, 1], "data_offsets": [8, 16]},
                         "__metadata__": {"k": "v"}}).encode()
    arrays, meta = st_format.loads(len(header).to_bytes(8, "little") + header + body)
    assert arrays["a"].tolist() == [1.0, -2.0] and arrays["b"].tolist() == [[7]] and meta == {"k": "v"}


def _bad_files():
    good = st_format.dumps({"x": np.arange(6, dtype=np.float32).reshape(2, 3)})
    n = int.from_bytes(good[:8], "little")

    def with_header(obj) -> bytes:
        text = json.dumps(obj).encode()
        return len(text).to_bytes(8, "little") + text + good[8 + n:]

    return {
        "empty": b"",
        "shorter than the length": good[:5],
        "truncated body": good[:-1],
        "truncated header": good[:8 + n - 3],
        "garbage": bytes(range(256)) * 4,
        "huge header length": (2 ** 60).to_bytes(8, "little") + good[8:],
        "header not JSON": (4).to_bytes(8, "little") + b"{{{{" + good[8 + n:],
        "header a list": with_header([1, 2]),
        "unknown dtype": with_header({"x": {"dtype": "Q7", "shape": [2, 3], "data_offsets": [0, 24]}}),
        "shape and offsets disagree": with_header({"x": {"dtype": "F32", "shape": [3, 3], "data_offsets": [0, 24]}}),
        "offsets past the end": with_header({"x": {"dtype": "F32", "shape": [2, 3], "data_offsets": [8, 32]}}),
        "entry not an object": with_header({"x": 5}),
    }


@pytest.mark.parametrize("name", sorted(_bad_files()))
def test_a_damaged_safetensors_file_raises(name):
    with pytest.raises(st_format.SafetensorsError):
        st_format.loads(_bad_files()[name])


def test_a_garbage_weights_file_is_a_weights_error(tmp_path):
    path = tmp_path / "rhythm.safetensors"
    save_safetensors({"x": np.ones(3, dtype=np.float32)}, path, config={"kind": "rhythm"}, **PROVENANCE)
    path.write_bytes(b"\x00" * path.stat().st_size)
    with pytest.raises(WeightsError):
        load_safetensors(path)
    with pytest.raises(st_format.SafetensorsError, match="not supported"):
        st_format.dumps({"flags": np.array([True, False])})


# --- sampling under a mask ------------------------------------------------------------------------

@st.composite
def masked_problems(draw):
    n_vocab = draw(st.integers(1, 30))
    n_cand = draw(st.integers(1, 30))
    logits = np.array(draw(st.lists(st.floats(-40, 40), min_size=n_vocab, max_size=n_vocab)))
    weights_map = np.array(draw(st.lists(st.integers(0, n_vocab - 1), min_size=n_cand, max_size=n_cand)))
    allowed = np.array(draw(st.lists(st.booleans(), min_size=n_cand, max_size=n_cand)))
    allowed[draw(st.integers(0, n_cand - 1))] = True
    extra = None
    if draw(st.booleans()):
        extra = np.array(draw(st.lists(st.sampled_from([0.0, 0.1, 0.5, 1.0, 3.0]), min_size=n_cand,
                                       max_size=n_cand)))
    return logits, weights_map, allowed, extra


@settings(max_examples=150, deadline=None)
@given(masked_problems(), st.floats(0.05, 5.0), st.floats(0.05, 1.0), st.integers(0, 2 ** 32 - 1))
def test_masked_sample_never_returns_a_disallowed_index(problem, temperature, top_p, seed):
    logits, weights_map, allowed, extra = problem
    rng = np.random.default_rng(seed)
    for _ in range(5):
        i = masked_sample(logits, weights_map, allowed, rng, Sampling(temperature, top_p), extra)
        assert 0 <= i < len(allowed) and allowed[i]


@settings(max_examples=100, deadline=None)
@given(masked_problems(), st.floats(0.2, 3.0), st.integers(0, 2 ** 32 - 1))
def test_masked_sample_with_a_tiny_nucleus_takes_the_best_allowed(problem, temperature, seed):
    logits, weights_map, allowed, extra = problem
    z = logits / temperature
    w = np.exp(z - z.max())[weights_map] * (1.0 if extra is None else extra)
    w = np.where(allowed, w, 0.0)
    if not w.max() > 0:
        w = allowed.astype(float)             # every allowed weight underflowed: any allowed one is fine
    i = masked_sample(logits, weights_map, allowed, np.random.default_rng(seed), Sampling(temperature, 1e-9), extra)
    assert allowed[i] and w[i] >= w.max() * (1 - 1e-9)


def test_masked_sample_follows_the_model_when_nothing_is_masked():
    logits = np.log(np.array([0.7, 0.2, 0.1]))
    rng = np.random.default_rng(0)
    draws = [masked_sample(logits, np.arange(3), np.ones(3, bool), rng, Sampling(1.0, 1.0)) for _ in range(4000)]
    freq = np.bincount(draws, minlength=3) / len(draws)
    assert np.allclose(freq, [0.7, 0.2, 0.1], atol=0.03)
    # Low temperature sharpens; top-p 0.8 cuts the 0.1 tail.
    cold = [masked_sample(logits, np.arange(3), np.ones(3, bool), rng, Sampling(0.2, 1.0)) for _ in range(500)]
    assert np.mean(np.array(cold) == 0) > 0.98
    nucleus = {masked_sample(logits, np.arange(3), np.ones(3, bool), rng, Sampling(1.0, 0.8)) for _ in range(500)}
    assert nucleus == {0, 1}


# --- the n-gram baseline ---------------------------------------------------------------------------

def test_kneser_ney_probabilities_sum_to_one():
    rng = np.random.default_rng(4)
    vocab = 12
    train_seqs = [rng.integers(0, vocab, size=rng.integers(5, 40)).tolist() for _ in range(30)]
    for order in (1, 2, 3, 4):
        model = KneserNey(order, vocab).fit(train_seqs)
        contexts = [tuple(rng.integers(-1, vocab, size=order - 1).tolist()) for _ in range(40)]
        contexts += [tuple(train_seqs[0][:order - 1]), (-1,) * (order - 1), (vocab + 5,) * (order - 1)]
        for ctx in contexts:
            probs = [model.prob(ctx, w) for w in range(vocab)]
            assert abs(sum(probs) - 1.0) < 1e-9, (order, ctx)
            assert min(probs) > 0.0, "smoothing leaves no token impossible"


def test_kneser_ney_learns_a_repeated_figure():
    figure = [0, 4, 7, 4, 2, 5, 9, 5]
    train_seqs = [figure * 6 for _ in range(4)]
    held_out = [figure * 3]
    bits = {n: KneserNey(n, 12).fit(train_seqs).bits(held_out) for n in (1, 3)}
    per_note = {n: b / c for n, (b, c) in bits.items()}
    assert bits[1][1] == bits[3][1] == len(figure) * 3
    assert per_note[3] < 0.5 * per_note[1]
    assert per_note[1] < math.log2(12)                   # even order 1 beats the uniform guess
    order, scores = best_order(train_seqs, held_out, 12, orders=range(1, 5))
    assert order >= 3 and scores[order] == min(scores.values())
    with pytest.raises(ValueError):
        KneserNey(0, 12)


# --- decoding under the constraints -------------------------------------------------------------

def test_the_neural_filler_consults_the_models(monkeypatch):
    import composer.fill.neural as fill_neural

    calls = []
    real = fill_neural.masked_sample
    monkeypatch.setattr(fill_neural, "masked_sample", lambda *a, **k: calls.append(1) or real(*a, **k))
    piece = compose(MINUET, seed=7, filler="neural")
    notes = piece.part("melody").notes
    # A draw for every note's duration (all phrases' rhythms are decoded), more for the pitches of the
    # notes not copied from a repeated section.
    assert len(calls) > len(notes) > 0
    rules = compose(MINUET, seed=7, filler="rules")
    assert [(n.offset, n.duration, n.pitch.cents) for n in notes] != \
           [(n.offset, n.duration, n.pitch.cents) for n in rules.part("melody").notes]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs(), st.floats(0.3, 2.0), st.floats(0.5, 1.0))
def test_neural_decoding_under_random_constraints_keeps_every_rule(spec_dict, temperature, top_p):
    piece = compose(spec_dict, filler="neural", temperature=temperature, top_p=top_p)
    _check_piece(piece.spec, piece)


def _notes(piece):
    return [(p.name, n.offset, n.duration, n.pitch.cents) for p in piece.parts for n in p.sorted_notes()]


def test_the_same_seed_gives_the_same_notes_with_the_neural_filler():
    spec = AABA
    a = compose(spec, seed=21, filler="neural", temperature=1.3, top_p=0.9)
    load_model.cache_clear()                      # a freshly loaded model decodes the same
    b = compose(spec, seed=21, filler="neural", temperature=1.3, top_p=0.9)
    assert _notes(a) == _notes(b)
    c = compose(spec, seed=22, filler="neural", temperature=1.3, top_p=0.9)
    assert _notes(c) != _notes(a)
    d = compose(spec, seed=21, filler="neural", temperature=0.5, top_p=0.9)
    assert [n for n in _notes(d) if n[0] == "melody"] != [n for n in _notes(a) if n[0] == "melody"]


@pytest.mark.parametrize("temperature, top_p", [(0.01, 0.9), (1.0, 0.0), (1.0, 1.5), (True, 0.9)])
def test_sampling_settings_out_of_range_are_refused(temperature, top_p):
    from composer.score.errors import ComposerError

    with pytest.raises(ComposerError, match="temperature|top_p"):
        compose(MINUET, filler="neural", temperature=temperature, top_p=top_p)


RHYTHM_METERS = ["2/4", "3/4", "4/4", "6/8", "7/8", "5/4", "9/8"]


def _rhythm_spec(meter: str, seed: int, notes_per_bar=None) -> dict:
    spec = {"title": f"rhythm in {meter}", "key": "G major", "meter": meter, "style": "classical", "seed": seed,
            "sections": [{"name": "A", "bars": 4, "cadence": "half"},
                         {"name": "B", "bars": 3, "cadence": "authentic"},
                         {"name": "A2", "repeat": "A", "vary": 0.5}],
            "parts": [{"role": "melody", "range": "D4-G5"}, {"role": "bass"}]}
    if notes_per_bar:
        spec["constraints"] = {"notes_per_bar": list(notes_per_bar)}
    return spec


def _check_rhythm(piece):
    meter, bar = piece.meter, piece.meter.bar_quarters
    bar_q = V.as_q(bar)
    notes = piece.part("melody").sorted_notes()
    pos = Fraction(0)
    for n in notes:
        assert n.offset == pos, ("gap or overlap", n)
        pos = n.end
        assert n.offset // bar == (n.end - Fraction(1, 10 ** 6)) // bar, ("crosses a barline", n)
        # Plain durations (no tuplets), or the one note that fills out the rest of its bar.
        q = V.as_q(n.duration)
        assert q in V.GENERATED_DURATIONS_Q or n.end % bar == 0, n
    assert pos == piece.plan.bars * bar
    for k in range(piece.plan.bars):
        in_bar = [n for n in notes if k * bar <= n.offset < (k + 1) * bar]
        assert in_bar and sum(V.as_q(n.duration) for n in in_bar) == bar_q, (k, in_bar)
    for phrase in piece.plan.phrases:
        # The phrase lands on a cadence note: on a strong beat of its last bar, a quarter (or the beat) or
        # longer; the notes after it, if any, lead into the next phrase.
        last_bar = [n for n in notes if phrase.end(meter) - bar <= n.offset < phrase.end(meter)]
        assert any(is_arrival(meter, meter.strength(n.offset % bar), n.duration) for n in last_bar), \
            (phrase.index, last_bar)
    # The piece comes to rest on its last note: held from a strong beat of the last bar to the barline, half
    # the bar or more (a whole bar, or a jig's closing dotted quarter, a reel's closing half note).
    last = notes[-1]
    assert last.end == piece.plan.bars * bar and 2 * last.duration >= bar, last
    assert meter.strength(last.offset % bar) >= 0.5, last
    return notes


@pytest.mark.parametrize("meter", RHYTHM_METERS)
def test_neural_rhythms_fill_every_bar_and_land_cadences_on_strong_beats(meter):
    for seed, temperature in ((1, 0.4), (2, 1.0), (3, 2.0)):
        piece = compose(_rhythm_spec(meter, seed), filler="neural", temperature=temperature, top_p=1.0)
        _check_rhythm(piece)
        _check_piece(piece.spec, piece)


@pytest.mark.parametrize("meter", ["3/4", "4/4", "6/8", "7/8"])
def test_neural_rhythms_keep_the_notes_per_bar_outside_cadence_bars(meter):
    lo, hi = 2, 4
    for seed in (4, 5):
        piece = compose(_rhythm_spec(meter, seed, (lo, hi)), filler="neural", temperature=1.5, top_p=1.0)
        notes = _check_rhythm(piece)
        bar = piece.meter.bar_quarters
        cadence_bars = {phrase.start_bar + phrase.bars - 1 for phrase in piece.plan.phrases}
        for k in range(piece.plan.bars):
            if k not in cadence_bars:
                count = sum(1 for n in notes if k * bar <= n.offset < (k + 1) * bar)
                assert lo <= count <= hi, (meter, seed, k, count)
