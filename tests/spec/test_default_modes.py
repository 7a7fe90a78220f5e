"""A spec that names only a gamelan tuning ('slendro', 'pelog') gets the pathet that opens a night in it,
and is told which."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import edited_copy

from composer import compose, load_spec
from composer.cli.main import main
from theory.errors import DataFileError
from theory.pack import load_pack_file

ROOT = Path(__file__).resolve().parents[2]


def _spec(mode: str) -> dict:
    return {"title": "Gendhing", "scale": {"pack": "gamelan", "mode": mode}, "cycle": "lancaran",
            "parts": [{"role": "melody", "instrument": "marimba", "range": "C4-D6"}, {"role": "percussion"}]}


@pytest.mark.parametrize("given, mode", [("slendro", "slendro_nem"), ("Pelog", "pelog_nem")])
def test_a_tuning_alone_reads_as_its_first_pathet_and_says_so(given, mode):
    spec = load_spec(_spec(given))
    assert spec.key.mode == mode
    assert any(f"{given!r} is read as {mode}" in n for n in spec.notices)
    piece = compose(spec)
    assert piece.key.info.name == mode and any(f"read as {mode}" in n for n in piece.plan.notes)


def test_a_named_pathet_has_no_notice():
    assert load_spec(_spec("slendro_sanga")).notices == ()


def test_the_cli_prints_the_notice(tmp_path, capsys):
    path = tmp_path / "g.yaml"
    import yaml
    path.write_text(yaml.safe_dump(_spec("slendro")), encoding="utf-8")
    assert main(["compose", str(path), "-o", str(tmp_path / "out"), "--formats", "mid"]) == 0
    err = capsys.readouterr().err
    assert "note: scale.mode 'slendro' is read as slendro_nem" in err and "slendro_sanga or slendro_manyura" in err


def test_a_default_naming_no_mode_of_the_pack_is_refused(tmp_path):
    bad = edited_copy(tmp_path, "theory/packs/gamelan.yaml", "slendro: {mode: slendro_nem", "slendro: {mode: slendro_dawn")
    with pytest.raises(DataFileError, match="names the mode 'slendro_dawn'"):
        load_pack_file(bad)
