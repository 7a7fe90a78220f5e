"""The grammar data (grammars/) and its loader (composer/grammar.py)."""
from __future__ import annotations

import importlib.resources
from fractions import Fraction

import networkx as nx
import pytest

from composer.grammar.chords import CADENCES, load_chord_style, load_chord_style_file
from composer.grammar.files import list_grammars
from composer.grammar.forms import load_form, load_form_file
from composer.grammar.instruments import default_instrument, find_instrument, load_instruments
from composer.grammar.patterns import load_pattern, load_pattern_file
from composer.grammar.validate import validate_all
from composer.score.errors import GrammarError
from theory.datafile import load_yaml
from theory.key import Key
from theory.meter import Meter
from theory.pitch import Pitch

FORMS = ["period", "sentence", "binary", "rounded_binary", "ternary", "aaba", "rondo", "twelve_bar_blues",
         "verse_chorus"]
STYLES = ["classical", "pop", "blues", "jazz", "modal"]
PATTERNS = ["block", "arpeggio", "alberti", "waltz", "oompah", "pop_eighths", "sustained", "groups", "stride"]


def _key(variant: str) -> Key:
    return Key.parse("C major" if variant == "major" else "C minor" if variant == "minor" else f"C {variant}")


def _all_variants():
    for style in STYLES:
        for name, variant in load_chord_style(style).variants.items():
            yield style, name, variant


# --- every file ----------------------------------------------------------------------------
def test_every_shipped_grammar_file_is_valid():
    assert validate_all() == []


def test_every_data_file_names_itself_and_cites_a_source():
    root = importlib.resources.files("grammars")
    files = [root / "instruments.yaml", root / "prompt_words.yaml"]
    for folder in ("forms", "chords", "accompaniment"):
        files += [e for e in (root / folder).iterdir() if e.name.endswith(".yaml")]
    assert len(files) >= len(FORMS) + len(STYLES) + len(PATTERNS) + 1
    for entry in files:
        data = load_yaml(entry.read_bytes(), entry.name).data
        assert data["name"] == entry.name[:-5]
        assert data["title"] and data["description"]
        assert len(data["source"]) > 20 and any(str(y) in data["source"] for y in range(1950, 2030)), entry.name


def test_named_grammars_exist():
    assert set(FORMS) <= set(list_grammars("forms"))
    assert set(STYLES) <= set(list_grammars("chords"))
    assert set(PATTERNS) <= set(list_grammars("accompaniment"))


# --- forms ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name, bars", [("period", 8), ("sentence", 8), ("aaba", 32), ("twelve_bar_blues", 12),
                                        ("binary", 16), ("rounded_binary", 20), ("ternary", 24), ("rondo", 40),
                                        ("verse_chorus", 48)])
def test_form_bar_counts(name, bars):
    assert load_form(name).bars == bars


def test_period_is_antecedent_half_then_consequent_authentic():
    ante, cons = load_form("period").sections
    assert [p.cadence for p in ante.phrases] == ["half"]
    assert cons.repeat == "antecedent" and 0 < cons.vary < 1
    assert [p.cadence for p in cons.phrases] == ["authentic"]


def test_sentence_repeats_its_basic_idea():
    (section,) = load_form("sentence").sections
    (motif,) = section.motifs
    assert (motif.from_bar, motif.to_bar, motif.bars, motif.transpose) == (1, 3, 2, 0)
    assert section.phrases[-1].cadence == "authentic"


def test_twelve_bar_blues_chart():
    (section,) = load_form("twelve_bar_blues").sections
    # The closing chorus: bar 12 stays on I7 instead of the turnaround V7 of a repeating chorus.
    assert section.chords == ("I7", "IV7", "I7", "I7", "IV7", "IV7", "I7", "I7", "V7", "IV7", "I7", "I7")
    key = Key.parse("F major")
    roots = [key.chord(c).root.name for c in section.chords]
    assert roots == ["F", "Bb", "F", "F", "Bb", "Bb", "F", "F", "C", "Bb", "F", "F"]
    assert [p.cadence for p in section.phrases] == ["none", "none", "plagal"]


def test_rounded_binary_returns_to_a_and_closes_in_the_tonic():
    a, b, a2 = load_form("rounded_binary").sections
    assert a2.repeat == "A" and a2.role == "return" and a2.bars == a.bars
    assert a.phrases[-1].key == "dominant"  # the first reprise modulates
    assert a2.phrases[-1].cadence == "authentic" and a2.phrases[-1].key is None and a2.key == "tonic"
    assert b.phrases[-1].cadence == "half"


def test_aaba_shape():
    sections = load_form("aaba").sections
    assert [s.name for s in sections] == ["A", "A", "B", "A"]
    assert all(s.bars == 8 for s in sections)
    assert sections[2].key == "subdominant" and sections[2].phrases[-1].cadence == "half"
    assert sections[1].phrases == sections[0].phrases  # a repeat without phrases copies them


def test_rondo_episodes_leave_the_tonic():
    sections = load_form("rondo").sections
    assert [s.name for s in sections] == ["A", "B", "A", "C", "A"]
    assert {s.name: s.key for s in sections} == {"A": "tonic", "B": "dominant", "C": "relative"}


def test_every_form_ends_with_a_cadence_and_repeats_earlier_sections():
    for name in FORMS:
        form = load_form(name)
        seen = set()
        for section in form.sections:
            assert section.repeat is None or section.repeat in seen, (name, section.name)
            seen.add(section.name)
        # A piece closes on the tonic: authentic, or plagal (IV7-I7) for the blues.
        assert form.sections[-1].phrases[-1].cadence in ("authentic", "plagal"), name


# --- chord styles --------------------------------------------------------------------------
def test_every_style_has_major_and_minor_and_modal_has_the_modes():
    for style in ("classical", "pop", "blues", "jazz"):
        assert {"major", "minor"} <= set(load_chord_style(style).variants)
    assert {"dorian", "phrygian", "lydian", "mixolydian", "aeolian"} <= set(load_chord_style("modal").variants)


def test_every_chord_graph_node_has_out_edges_and_cadences_are_reachable():
    for style, name, variant in _all_variants():
        graph = variant.digraph()
        assert all(graph.out_degree(n) > 0 for n in graph.nodes), (style, name)
        assert set(variant.start) <= set(graph.nodes)
        assert set(variant.cadences) == set(CADENCES)
        for cadence in variant.cadences.values():
            for formula in cadence.formulas:
                assert graph.in_degree(formula[0]) > 0, (style, name, formula)
                assert nx.is_path(graph, list(formula)), (style, name, formula)
                # the start chord can reach every cadence
                assert any(nx.has_path(graph, s, formula[0]) for s in variant.start), (style, name, formula)


def test_authentic_cadences_end_on_the_tonic_chord():
    for style, name, variant in _all_variants():
        key = _key(name)
        for formula in variant.cadences["authentic"].formulas:
            last = key.chord(formula[-1])
            assert last.root.name == "C" and last.bass is None, (style, name, formula)
            assert last.quality in ("maj", "min", "dom7", "maj7", "min7")


def test_half_cadences_of_tonal_styles_end_on_a_major_dominant():
    for style in ("classical", "pop", "blues", "jazz"):
        for name in ("major", "minor"):
            for formula in load_chord_style(style).variants[name].cadences["half"].formulas:
                last = Key.parse(f"C {name}").chord(formula[-1])
                assert last.root.name == "G" and last.quality in ("maj", "dom7"), (style, name, formula)


def test_minor_classical_uses_the_leading_tone():
    variant = load_chord_style("classical").variants["minor"]
    key = Key.parse("A minor")
    assert key.chord("V").symbol.startswith("E") and key.chord("V").contains_pc(800)  # G#
    assert any(key.chord(c).quality == "dim7" and key.chord(c).root.name == "G#" for c in variant.transitions)


def test_cadence_melody_degrees_are_tones_of_the_final_chord():
    for style, name, variant in _all_variants():
        key = _key(name)
        for cadence in variant.cadences.values():
            for formula in cadence.formulas:
                chord = key.chord(formula[-1])
                for degree in cadence.melody_degrees:
                    assert chord.contains_pc(key.degree_cents(degree - 1)), (style, name, cadence.name, degree)


def test_modal_numerals_count_in_the_mode():
    dorian = load_chord_style("modal").variants["dorian"]
    key = Key.parse("D dorian")
    assert key.chord("IV").symbol == "G" and key.chord("VII").symbol == "C"
    assert "IV" in dorian.transitions["i"]  # the Dorian major IV is in the vocabulary
    phrygian = load_chord_style("modal").variants["phrygian"]
    assert ("II", "i") in phrygian.cadences["authentic"].formulas
    assert Key.parse("E phrygian").chord("II").symbol == "F"


def test_blues_uses_dominant_sevenths_and_blue_notes():
    major = load_chord_style("blues").variants["major"]
    key = Key.parse("C major")
    for numeral in ("I7", "IV7", "V7"):
        assert key.chord(numeral).quality == "dom7" and numeral in major.transitions
    assert set(major.blue_notes) == {300.0, 600.0, 1000.0}


def test_jazz_ii_v_i():
    major = load_chord_style("jazz").variants["major"]
    assert ("ii7", "V7", "Imaj7") in major.cadences["authentic"].formulas
    assert Key.parse("C major").chord("V7/ii").symbol.startswith("A")
    assert ("iiø7", "V7", "i7") in load_chord_style("jazz").variants["minor"].cadences["authentic"].formulas


def test_variant_for_picks_the_mode_then_the_family():
    modal, classical = load_chord_style("modal"), load_chord_style("classical")
    assert modal.variant_for("dorian", "modal").variant == "dorian"
    assert modal.variant_for("natural_minor", "minor").variant == "aeolian"
    assert classical.variant_for("dorian", "modal").variant == "minor"  # minor third
    assert classical.variant_for("lydian", "modal").variant == "major"
    assert classical.variant_for("harmonic_minor", "minor").variant == "minor"


def test_missing_variant_names_what_exists():
    style = load_chord_style("classical")
    only_major = type(style)(style.name, style.title, style.description, style.source,
                             {"major": style.variants["major"]})
    with pytest.raises(GrammarError, match=r"'classical'.*'locrian'.*available: major"):
        only_major.variant_for("locrian", "modal")


# --- accompaniment -------------------------------------------------------------------------
def test_waltz_is_oom_pah_pah():
    waltz = load_pattern("waltz")
    assert waltz.meters == ("3/4",) and waltz.unit == 1 and waltz.length == 3
    assert [(e.at, e.tone) for e in waltz.bass] == [(0, "root")]
    assert [e.at for e in waltz.upper] == [1, 2] and all(e.voices is None for e in waltz.upper)


def test_alberti_is_low_high_middle_high():
    alberti = load_pattern("alberti")
    assert alberti.unit == Fraction(1, 2)
    assert [e.voices for e in alberti.upper] == [(0,), (2,), (1,), (2,)]
    assert [e.at for e in alberti.upper] == [0, 1, 2, 3]


def test_block_and_groups_hold_until_the_chord_changes():
    block, groups = load_pattern("block"), load_pattern("groups")
    for pattern in (block, groups):
        assert pattern.bass[0].dur is None and pattern.upper[0].dur is None and pattern.upper[0].voices is None
    assert groups.per_group and not block.per_group


def test_patterns_fit_their_meters():
    for name in PATTERNS:
        pattern = load_pattern(name)
        for meter in pattern.meters or ():
            assert Meter.parse(meter).bar_quarters % (pattern.unit * pattern.length) == 0, (name, meter)


# --- instruments ---------------------------------------------------------------------------
def test_instruments_have_general_midi_programs_and_ranges():
    table = load_instruments()
    programs = {"piano": 0, "harpsichord": 6, "strings": 48, "choir": 52, "trumpet": 56, "flute": 73,
                "accordion": 21, "sitar": 104, "banjo": 105, "shamisen": 106, "koto": 107, "shakuhachi": 77,
                "fiddle": 110, "acoustic_bass": 32, "violin": 40, "cello": 42}
    for name, program in programs.items():
        assert table[name].program == program, name
    for inst in table.values():
        assert Pitch.from_name(inst.low).midi < Pitch.from_name(inst.high).midi
    assert Pitch.from_name(table["violin"].low).midi == 55  # G3, the open G string
    assert Pitch.from_name(table["piano"].low).midi == 21 and Pitch.from_name(table["piano"].high).midi == 108


def test_find_instrument_by_alias_and_defaults():
    assert find_instrument("Acoustic Grand-Piano").name == "piano"
    assert find_instrument("double bass").name == "contrabass"
    assert "bass" in default_instrument("bass").roles
    with pytest.raises(GrammarError, match="did you mean 'violin'"):
        find_instrument("violn")


# --- errors --------------------------------------------------------------------------------
@pytest.mark.parametrize("loader, name, right", [(load_form, "perod", "period"), (load_chord_style, "jaz", "jazz"),
                                                 (load_pattern, "albert", "alberti")])
def test_misspelt_name_suggests_the_right_one(loader, name, right):
    with pytest.raises(GrammarError) as info:
        loader(name)
    message = str(info.value)
    assert repr(name) in message and f"did you mean {right!r}" in message and "accepted:" in message


def test_unknown_kind_is_an_error():
    with pytest.raises(GrammarError, match="grammar kind"):
        list_grammars("rhythm")


def test_bad_user_form_names_line_and_field(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: mine\ntitle: Mine\ndescription: a form\nsource: 'my own notes, 2024'\n"
                    "sections:\n  - name: A\n    role: statement\n    phrases:\n"
                    "      - {bars: four, cadence: authentic}\n    repeet: B\n", encoding="utf-8")
    with pytest.raises(GrammarError) as info:
        load_form_file(path)
    message = str(info.value)
    assert f"{path}:9" in message and "bars" in message and "expected integer" in message
    assert f"{path}:10" in message and "unknown key" in message and "'repeat'" in message


def test_user_form_with_a_dangling_repeat(tmp_path):
    path = tmp_path / "dangling.yaml"
    path.write_text("name: mine\ntitle: Mine\ndescription: a form\nsource: 'my own notes, 2024'\n"
                    "sections:\n  - {name: A, role: statement, phrases: [{bars: 4, cadence: half}]}\n"
                    "  - {name: B, role: return, repeat: a}\n", encoding="utf-8")
    with pytest.raises(GrammarError, match=r"dangling.yaml:7.*repeats 'a'.*did you mean 'A'"):
        load_form_file(path)


def test_user_chord_style_with_a_dead_end(tmp_path):
    path = tmp_path / "style.yaml"
    cadences = "".join(f"      {c}: {{formulas: [[V, I]], melody_degrees: [1]}}\n" for c in CADENCES)
    path.write_text("name: mine\ntitle: Mine\ndescription: d\nsource: 'my own notes, 2024'\nvariants:\n"
                    "  major:\n    start: {I: 1}\n    functions: {I: tonic, V: dominant, IV: predominant}\n"
                    "    transitions:\n      I: {V: 1, IV: 1}\n      V: {I: 1}\n    cadences:\n" + cadences,
                    encoding="utf-8")
    with pytest.raises(GrammarError) as info:
        load_chord_style_file(path)
    message = str(info.value)
    assert "'IV' has no outgoing transition" in message  # a walk would get stuck on IV
    assert "half cadence ends on the dominant" in message  # [V, I] is no half cadence


def test_user_pattern_that_overruns_its_length(tmp_path):
    path = tmp_path / "pattern.yaml"
    path.write_text("name: mine\ntitle: Mine\ndescription: d\nsource: 'my own notes, 2024'\nunit: 1\nlength: 3\n"
                    "meters: ['4/4']\nbass: [{at: 0, dur: 4, tone: root}]\nupper: [{at: 1, dur: rest, voices: all}]\n",
                    encoding="utf-8")
    with pytest.raises(GrammarError) as info:
        load_pattern_file(path)
    message = str(info.value)
    assert "runs past the pattern length 3" in message and "pattern.yaml:8" in message
    assert "not a whole number of pattern cycles" in message


def test_readme_examples_load(tmp_path):
    text = (importlib.resources.files("grammars") / "README.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in text.split("```yaml\n")[1:]]
    loaders = {"rounded_binary": load_form_file, "classical": load_chord_style_file, "alberti": load_pattern_file}
    loaded = []
    for i, block in enumerate(blocks):
        name = block.split("\n", 1)[0].removeprefix("name: ").strip()
        if name in loaders:
            path = tmp_path / f"{i}.yaml"
            path.write_text(block, encoding="utf-8")
            loaded.append(loaders[name](path))
    assert [g.name for g in loaded] == ["rounded_binary", "classical", "alberti"]
    assert loaded[0].bars == 20 and loaded[2].upper[1].voices == (2,)
