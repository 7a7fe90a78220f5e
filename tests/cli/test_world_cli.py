"""Scale packs and cycles through the command line and the spec: `packs show`, `packs scala`,
`cycles`, Scala tunings in a spec, 12-TET only when asked, errors that list close names."""
import pytest
from conftest import run_cli as run

from composer import compose, load_spec
from composer.score.errors import SpecError
from theory import load_pack
from theory.scala import read_scl


def test_packs_show_rast_prints_cents_and_movement(capsys):
    code, out, err = run(capsys, "packs", "show", "arabic:rast")
    assert code == 0, err
    assert "rast" in out and "350" in out  # the neutral third, in cents
    assert "ascending:" in out and "descending:" in out
    assert "movement:" in out and "final:" in out and "jins" in out


def test_packs_scala_exports_a_tuning_that_reads_back(capsys, tmp_path):
    target = tmp_path / "just.scl"
    code, out, err = run(capsys, "packs", "scala", "hindustani", "--tuning", "just", "-o", str(target))
    assert code == 0, err
    tuning = read_scl(target)
    assert tuning.size == 12
    assert abs(tuning.degree_cents[4] - 386.3) < 0.05  # the just major third
    code, _, err = run(capsys, "packs", "scala", "hindustani", "-o", str(target))
    assert code == 2 and "--force" in err  # an existing file is kept


def test_cycles_list_and_show(capsys):
    code, out, _ = run(capsys, "cycles", "list")
    assert code == 0
    for name in ("teentaal", "adi", "maqsum", "aksak", "lancaran", "son_clave_3_2"):
        assert f"{name}:" in out
    code, out, _ = run(capsys, "cycles", "show", "teentaal")
    assert code == 0 and "16 beats" in out and "khali 9" in out and "beat 1:" in out


@pytest.mark.parametrize("spec, field, hint", [
    ({"scale": {"pack": "hindustanee", "mode": "yaman"}}, "scale.pack", "hindustani"),
    ({"scale": {"pack": "hindustani", "mode": "yamen"}}, "scale.mode", "yaman"),
    ({"scale": {"pack": "arabic", "mode": "rast"}, "cycle": "maqsoum"}, "cycle", "maqsum"),
    ({"scale": {"pack": "arabic", "mode": "rast", "tuning": "egyption"}}, "scale.tuning", "egyptian"),
])
def test_unknown_names_list_close_ones(spec, field, hint):
    with pytest.raises(SpecError) as info:
        load_spec(spec)
    text = str(info.value)
    assert f"{field}:" in text and f"did you mean '{hint}'" in text


def test_a_raga_refuses_a_chord_part_unless_asked():
    with pytest.raises(SpecError, match="no chord progression"):
        load_spec({"scale": {"pack": "hindustani", "mode": "yaman"}, "meter": "4/4",
                   "parts": [{"role": "melody"}, {"role": "chords"}]})
    with pytest.raises(SpecError, match="percussion part plays a rhythmic cycle"):
        load_spec({"scale": {"pack": "hindustani", "mode": "yaman"}, "meter": "4/4",
                   "parts": [{"role": "melody"}, {"role": "percussion"}]})


def test_twelve_tet_only_when_the_spec_asks():
    spec = {"scale": {"pack": "hindustani", "mode": "yaman", "tonic": "C"}, "meter": "4/4",
            "sections": [{"name": "A", "bars": 4}], "parts": [{"role": "melody"}, {"role": "drone"}]}
    just = compose(spec, seed=3)
    assert any(abs(n.pitch.cents - round(n.pitch.cents, -2)) > 1 for n in just.part("melody").notes)
    spec["scale"]["tuning"] = "12edo"
    tempered = compose(spec, seed=3)
    assert all(abs(n.pitch.cents - round(n.pitch.cents, -2)) < 1e-6 for n in tempered.part("melody").notes)


def test_a_scala_file_retunes_a_pack(tmp_path):
    # A user's slendro: five notes and a 1205-cent octave.
    (tmp_path / "mine.scl").write_text("! mine.scl\nMy slendro\n 5\n!\n 240.0\n 470.0\n 715.0\n 960.0\n 1205.0\n",
                                       encoding="utf-8")
    spec_path = tmp_path / "song.yaml"
    spec_path.write_text("scale: {pack: gamelan, mode: slendro_nem, tonic: D, tuning: mine.scl}\n"
                         "cycle: lancaran\nsections: [{name: A, cycles: 2}]\n", encoding="utf-8")
    piece = compose(spec_path, seed=2)
    key = piece.key
    assert key.scale.period_cents == 1205.0
    assert set(key.scale.degree_cents) <= {0.0, 240.0, 470.0, 715.0, 960.0}
    for n in piece.part("melody").notes:
        rel = key.rel_cents(n.pitch.cents)
        assert min(abs(rel - d) for d in (0.0, 240.0, 470.0, 715.0, 960.0, 1205.0)) < 0.01


def test_a_scala_file_that_does_not_fit_the_pack_is_a_spec_error(tmp_path):
    (tmp_path / "seven.scl").write_text("seven\n 7\n 100.\n 200.\n 300.\n 400.\n 500.\n 600.\n 1200.\n",
                                        encoding="utf-8")
    spec_path = tmp_path / "song.yaml"
    spec_path.write_text("scale: {pack: gamelan, mode: slendro_nem, tonic: D, tuning: seven.scl}\n", encoding="utf-8")
    with pytest.raises(SpecError, match="scale.tuning"):
        load_spec(spec_path)


def test_melakarta_by_number_in_a_spec():
    spec = load_spec({"scale": {"pack": "carnatic", "mode": "65", "tonic": "C"}, "meter": "4/4"})
    assert spec.key.mode == load_pack("carnatic").mode("kalyani").name
