"""A piece's annotations are its ground truth: they agree with `partita explain --json` for the same spec and
seed, with music21's reading of the MusicXML written beside them, and with the notes themselves."""
import io
import json

import pytest
from conftest import ROOT, run_cli

from composer import compose
from composer.batch import SCHEMA, annotate, compose_many

EXAMPLES = ["minuet_in_g", "aaba_song", "raga_yaman_teentaal", "reel_in_d"]


@pytest.fixture(scope="module")
def batch():
    """Each example above at seed 3, with its MusicXML and its annotations (as a batch writes them)."""
    results = list(compose_many([ROOT / "examples" / f"{e}.yaml" for e in EXAMPLES], seeds=[3],
                                formats=("musicxml",), annotations=True, workers=1))
    assert all(r.ok for r in results), [r.error for r in results]
    return {r.item.stem: r for r in results}


def labels_of(result) -> dict:
    return json.loads(dict(result.files)[result.annotations])


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_annotations_agree_with_explain_json(example, batch, capsys):
    labels = labels_of(batch[example])
    assert labels["schema"] == SCHEMA and labels["seed"] == 3 and labels["item"] == f"{example}__seed3"
    code, out, _ = run_cli(capsys, "explain", ROOT / "examples" / f"{example}.yaml", "--seed", 3, "--json")
    assert code == 0
    plan = json.loads(out)
    for field in ("title", "meter", "bars", "form", "key", "tempo_bpm"):
        assert labels[field] == plan[field], field
    assert [(s["name"], s["bars"], s["key"]) for s in labels["sections"]] == \
        [(s["name"], s["bars"], s["key"]) for s in plan["sections"]]
    phrases = [p for s in plan["sections"] for p in s["phrases"]]
    assert [(p["bars"], p["key"], p["cadence"]) for p in labels["phrases"]] == \
        [(p["bars"], p["key"], p["cadence"]) for p in phrases]
    assert [(c["roman"], c["symbol"], c["start"]["bar"], c["start"]["beat"]) for c in labels["chords"]] == \
        [(c["roman"], c["symbol"], c["bar"], c["beat"]) for p in phrases for c in p["chords"]]
    assert [c["kind"] for c in labels["cadences"]] == [p["cadence"] for p in phrases if p["chords"]]


@pytest.mark.parametrize("example", ["minuet_in_g", "aaba_song"])
def test_music21_reads_the_keys_and_bars_the_annotations_give(example, batch):
    music21 = pytest.importorskip("music21")
    result = batch[example]
    labels = labels_of(result)
    xml = next(data for name, data in result.files if name.endswith(".musicxml"))
    score = music21.converter.parse(io.BytesIO(xml).read(), format="musicxml")
    measures = score.parts[0].getElementsByClass("Measure")
    assert len(measures) == labels["bars"]
    written = {}
    for m in measures:
        for ks in m.getElementsByClass(music21.key.KeySignature):
            written[m.number] = ks.sharps
    assert len(labels["keys"]) >= 2          # both examples modulate: the test sees a key change
    for region in labels["keys"]:
        expected = music21.key.Key(region["tonic"], "minor" if region["mode"] in ("minor", "natural_minor")
                                   else "major").sharps
        bar = region["start"]["bar"]
        assert region["start"]["beat"] == 1.0
        signature = written[max(b for b in written if b <= bar)]
        assert signature == expected, (region, written)


def test_times_are_in_quarters_and_seconds_at_the_tempo():
    piece = compose(ROOT / "examples" / "minuet_in_g.yaml", seed=1)
    labels = annotate(piece)
    per_quarter = 60.0 / piece.tempo_bpm
    assert labels["length"]["quarters"] == piece.bars * 3.0
    assert labels["length"]["seconds"] == pytest.approx(piece.bars * 3.0 * per_quarter, abs=1e-6)
    for chord in labels["chords"]:
        start = chord["start"]
        assert start["seconds"] == pytest.approx(start["quarters"] * per_quarter, abs=1e-6)
        assert start["quarters"] == (start["bar"] - 1) * 3.0 + (start["beat"] - 1)
    assert labels["chords"][-1]["end"]["quarters"] == labels["length"]["quarters"]
    melody = piece.part("melody").notes
    top = max(n.pitch.cents for n in melody)
    assert labels["climax"]["cents"] == pytest.approx(top) and labels["climax"]["planned"]
    assert {p["name"]: p["notes"] for p in labels["parts"]} == {p.name: len(p.notes) for p in piece.parts}
    json.dumps(labels)
