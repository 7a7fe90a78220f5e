"""theory/packs/README.md: its example pack loads and means what the text says; every schema key
is documented; the table of shipped packs agrees with the packs."""
import json
import re
from pathlib import Path

import pytest
import yaml

from theory import list_packs, load_pack, load_pack_file
from theory.pack import PACKS_DIR, SCHEMA_PATH

ROOT = Path(__file__).resolve().parents[2]

README = (PACKS_DIR / "README.md").read_text(encoding="utf-8")
SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def yaml_blocks() -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```", README, flags=re.S | re.M)


def example_packs() -> list[str]:
    """The complete example pack(s): YAML blocks that start a pack (a `pack:` key)."""
    return [b for b in yaml_blocks() if re.search(r"^pack:", b, flags=re.M)]


@pytest.fixture
def example(tmp_path):
    blocks = example_packs()
    assert len(blocks) == 1, "the README should hold one complete example pack"
    name = re.search(r"^pack:\s*(\w+)", blocks[0], flags=re.M).group(1)
    path = tmp_path / f"{name}.yaml"
    path.write_text(blocks[0], encoding="utf-8")
    return load_pack_file(path)


def test_every_example_pack_block_loads(tmp_path):
    blocks = example_packs()
    assert blocks
    for i, block in enumerate(blocks):
        name = re.search(r"^pack:\s*(\w+)", block, flags=re.M).group(1)
        path = tmp_path / f"{i}_{name}.yaml"
        path.write_text(block, encoding="utf-8")
        pack = load_pack_file(path)
        assert pack.name == name and pack.modes


def cents_of(scale, form):
    return [round(scale.degree_cents[i], 1) for i in form]


def test_example_ascending_and_descending_differ(example):
    evening = example.mode("sanjh")
    assert evening.name == "evening"
    scale = evening.scale
    assert cents_of(scale, scale.ascending) == [0, 203.9, 386.3, 702, 884.4]
    assert cents_of(scale, scale.descending) == [0, 203.9, 386.3, 498, 702, 884.4, 1088.3]
    assert scale.ascending != scale.descending and not scale.is_symmetric


def test_example_omitted_notes_are_not_in_the_scale(example):
    evening = example.mode("evening")
    assert sorted(evening.omitted_cents) == pytest.approx([315.6, 590.2, 1017.6])
    for c in evening.omitted_cents:
        assert evening.scale.degree_of(c) is None
    for profile in example.tunings:
        info = example.mode_info("evening", profile)
        assert all(info.scale.degree_of(c) is None for c in info.omitted_cents), profile


def test_example_turn_is_an_edge_of_the_movement_graph(example):
    scale = example.mode("evening").scale
    ma, re_ = scale.degree_of(498.0), scale.degree_of(203.9)
    assert (ma, re_, "down") in scale.extra_edges
    assert scale.movement.edges[ma, re_]["direction"] == "down"
    # Ma and Re are not neighbours of the descending form: the turn is a new edge.
    assert abs(scale.descending.index(ma) - scale.descending.index(re_)) > 1


def test_example_movement_follows_the_forms(example):
    import numpy as np

    scale = example.mode("evening").scale
    ma, pa, sa, ni = (scale.degree_of(c) for c in (498.0, 702.0, 0.0, 1088.3))
    allowed = scale.movement_matrix(np.array([ma, pa, pa, ma, ni, sa]),
                                    np.array([498.0, 702.0, 702.0, 498.0, 1088.3, 1200.0]))
    assert not allowed[0, 1], "Ma is not an ascending note: no rise Ma -> Pa"
    assert allowed[2, 3], "Pa -> Ma falls through the descending notes"
    assert not allowed[4, 5], "Ni is not an ascending note: no rise Ni -> Sa'"
    assert allowed[5, 4], "Sa' -> Ni falls"


def test_example_final_emphasis_drone_and_phrase(example):
    evening = example.mode("evening")
    assert evening.final_cents == 0.0
    assert evening.emphasis == pytest.approx({"vadi": 386.3, "samvadi": 884.4})
    assert evening.drone_cents == pytest.approx((0.0, 702.0))
    (pakad,) = evening.phrases
    assert pakad.name == "pakad"
    assert pakad.cents[0] == pytest.approx(884.4 - 1200)
    assert len(pakad.beats) == len(pakad.cents)
    assert evening.cycles == ("teentaal", "rupak")
    assert evening.harmony == "drone"
    edo = example.mode_info("evening", "12edo")
    assert edo.emphasis == {"vadi": 400.0, "samvadi": 900.0}


def test_example_second_mode_and_modulation(example):
    dusk = example.mode("dusk")
    assert dusk.scale.degree_of(905.9) is not None
    assert example.mode_info("dusk", "12edo").scale.degree_of(900.0) is not None
    assert dusk.emphasis["rare"] == pytest.approx(905.9)
    assert dusk.drone_cents == pytest.approx((0.0, 498.0))
    (edge,) = example.modulations
    assert (edge.from_mode, edge.to_mode) == ("evening", "dusk")
    assert edge.shift_cents == pytest.approx(498.0)


def test_example_cycles_exist():
    from theory.cycle import load_cycle

    for block in example_packs():
        for line in re.findall(r"^\s*cycles:\s*\[(.*?)\]", block, flags=re.M):
            for name in line.split(","):
                assert load_cycle(name.strip()).beats >= 1


def documented(key: str) -> bool:
    return f"`{key}`" in README


def test_every_top_level_key_is_documented():
    missing = [k for k in SCHEMA["properties"] if not documented(k)]
    assert not missing, f"README lacks top-level keys {missing}"


def test_every_mode_profile_phrase_and_nested_key_is_documented():
    d = SCHEMA["definitions"]
    keys = set(d["mode"]["properties"]) | set(d["profile"]["properties"]) | set(d["phrase"]["properties"])
    keys |= set(SCHEMA["properties"]["tuning"]["properties"])
    keys |= set(SCHEMA["properties"]["generator"]["properties"])
    keys |= set(SCHEMA["properties"]["ajnas"]["additionalProperties"]["properties"])
    keys |= set(SCHEMA["properties"]["modulations"]["items"]["properties"])
    keys |= set(SCHEMA["properties"]["chord_qualities"]["additionalProperties"]["properties"])
    keys |= set(d["mode"]["properties"]["turns"]["items"]["properties"])
    keys |= set(d["mode"]["properties"]["ajnas"]["items"]["properties"])
    missing = sorted(k for k in keys if not documented(k) and not (k == "on" and "`'on'`" in README))
    assert not missing, f"README lacks keys {missing}"


def test_every_enum_value_is_documented():
    d = SCHEMA["definitions"]
    values = d["harmony"]["enum"] + d["mode"]["properties"]["family"]["enum"]
    values += SCHEMA["properties"]["generator"]["properties"]["rule"]["enum"]
    assert not [v for v in values if not documented(v)]


def test_every_emphasis_weight_is_documented():
    from theory.melody_rules import role_weight

    section = README.split("### Emphasis", 1)[1].split("\n## ", 1)[0]
    roles = yaml.safe_load((ROOT / "theory" / "rules" / "traditions.yaml").read_text())["roles"]
    for role in roles:
        row = next((line for line in section.splitlines() if line.startswith("|") and f"`{role}`" in line), None)
        assert row is not None, role
        assert float(row.split("|")[2]) == role_weight(role), role


def shipped_rows() -> dict[str, list[str]]:
    section = README.split("## Shipped packs", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        m = re.match(r"^\| `(\w+)` \|(.*)\|$", line)
        if m:
            rows[m.group(1)] = [c.strip() for c in m.group(2).split("|")]
    return rows


def test_shipped_pack_table_lists_every_pack():
    assert sorted(shipped_rows()) == list_packs()


@pytest.mark.parametrize("name", list_packs())
def test_shipped_pack_row_is_true(name):
    modes, default, others, harmony = shipped_rows()[name][:4]
    pack = load_pack(name)
    assert int(modes.split()[0]) == len(pack.modes)
    assert default == f"`{pack.default_tuning}`"
    listed = re.findall(r"`(\w+)`", others)
    assert listed == [t for t in pack.tunings if t != pack.default_tuning]
    assert harmony == f"`{pack.harmony}`"
    assert {m.harmony for m in pack.modes.values()} == {pack.harmony}
