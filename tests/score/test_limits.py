"""Limits on the size of a request, the compose time budget, and user pack files in a spec."""
import pytest

from composer import compose, load_spec
from composer.cli.main import main
from composer.score.errors import SpecError
from composer.score.limits import MAX_BARS, LimitError
from theory.datafile import MAX_YAML_DEPTH, load_yaml
from theory.errors import DataFileError


def test_too_many_bars_names_the_limit():
    sections = [{"name": f"S{i}", "bars": 256} for i in range(MAX_BARS // 256 + 1)]
    with pytest.raises(LimitError, match=f"limit of {MAX_BARS} bars"):
        compose({"key": "C major", "sections": sections})


def test_a_section_longer_than_its_limit_is_a_spec_error():
    with pytest.raises(SpecError, match="above the maximum 256"):
        load_spec({"sections": [{"name": "A", "bars": 257}]})


def test_too_many_parts_and_too_fast_a_tempo_name_their_limits():
    with pytest.raises(SpecError, match="at most 16 items"):
        load_spec({"parts": [{"role": "melody"}] * 17})
    with pytest.raises(SpecError, match="above the maximum 400"):
        load_spec({"tempo": 401})


def test_nesting_deeper_than_the_limit_is_refused():
    text = "a: " + "[" * (MAX_YAML_DEPTH + 5) + "]" * (MAX_YAML_DEPTH + 5) + "\n"
    with pytest.raises(DataFileError, match="nested deeper than the limit"):
        load_yaml(text, "deep.yaml")


def test_the_time_budget_stops_compose(tmp_path, capsys):
    with pytest.raises(LimitError, match="time budget of 1e-06 s"):
        compose("examples/aaba_song.yaml", time_budget_s=1e-6)
    code = main(["compose", "examples/aaba_song.yaml", "-o", str(tmp_path), "--time-budget", "0.000001"])
    err = capsys.readouterr().err
    assert code == 2 and "--time-budget" in err
    assert list(tmp_path.iterdir()) == []  # nothing half-written


USER_PACK = """pack: my_modes
title: My modes
harmony: drone
source: "the author's notes, 2026"
tuning:
  default: just
  profiles:
    just: {notes: {S: 0, R: 204, G: 386, P: 702, D: 884}, source: "5-limit ratios"}
modes:
  five:
    family: raga
    ascending: [S, R, G, P, D]
    descending: [S, D, P, G, R]
    final: S
    drone: [S, P]
    source: "the author's notes"
"""


def test_a_spec_can_use_a_user_pack_file(tmp_path):
    (tmp_path / "mine.yaml").write_text(USER_PACK, encoding="utf-8")
    spec = tmp_path / "song.yaml"
    spec.write_text("scale: {pack: mine.yaml, mode: five, tonic: D}\nmeter: 4/4\n"
                    "sections: [{name: A, bars: 4}]\n", encoding="utf-8")
    piece = compose(spec, seed=1)
    rels = {round(piece.key.rel_cents(n.pitch.cents)) for n in piece.part("melody").notes}
    assert rels <= {0, 204, 386, 702, 884}
    assert piece.part("drone").notes


def test_a_broken_user_pack_file_is_a_spec_error_with_its_line(tmp_path):
    (tmp_path / "bad.yaml").write_text(USER_PACK.replace("family: raga", "famly: raga"), encoding="utf-8")
    spec = tmp_path / "song.yaml"
    spec.write_text("scale: {pack: bad.yaml, mode: five}\n", encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(spec)
    text = str(info.value)
    assert "scale.pack" in text and "bad.yaml:11: modes.five.famly: unknown key" in text
    assert "famly" in text and "did you mean 'family'" in text


def test_packs_show_validates_a_user_pack_file(tmp_path, capsys):
    (tmp_path / "mine.yaml").write_text(USER_PACK, encoding="utf-8")
    assert main(["packs", "show", str(tmp_path / "mine.yaml") + ":five"]) == 0
    assert "five (raga)" in capsys.readouterr().out
    (tmp_path / "bad.yaml").write_text(USER_PACK.replace("702", "seven"), encoding="utf-8")
    assert main(["packs", "show", str(tmp_path / "bad.yaml")]) == 2
    assert "bad.yaml:" in capsys.readouterr().err
