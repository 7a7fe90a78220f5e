"""The spec loader: what it accepts, its defaults, and the words of every error it reports.

Each error test writes a real file under tmp_path so that the reported line numbers
are the ones a person would see in their editor.
"""
from __future__ import annotations

from fractions import Fraction as F

import pytest

from composer.score.errors import SpecError
from composer.spec.load import load_spec
from composer.spec.model import Spec


def write(tmp_path, text: str, name: str = "piece.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path) -> list[str]:
    with pytest.raises(SpecError) as info:
        load_spec(path)
    assert info.value.problems, "SpecError without problems"
    return [str(p) for p in info.value.problems]


def only_problem(path) -> str:
    found = problems_of(path)
    assert len(found) == 1, found
    return found[0]


# --- accepted keys and scales ----------------------------------------------------------------

@pytest.mark.parametrize("text, tonic, mode", [
    ("Eb major", "Eb", "major"),
    ("E-flat major", "Eb", "major"),
    ("F# minor", "F#", "minor"),
    ("Bb dorian", "Bb", "dorian"),
    ("G major", "G", "major"),
])
def test_key_names_accepted(tmp_path, text, tonic, mode):
    spec = load_spec(write(tmp_path, f"title: T\nkey: {text}\n"))
    assert str(spec.key.tonic) == tonic
    assert mode in spec.key.mode


def test_e_flat_spellings_give_the_same_key(tmp_path):
    a = load_spec(write(tmp_path, "key: Eb major\n", "a.yaml"))
    b = load_spec(write(tmp_path, "key: E-flat major\n", "b.yaml"))
    assert a.key == b.key


def test_scale_from_a_pack(tmp_path):
    spec = load_spec(write(tmp_path, "title: T\nscale: {pack: western, mode: dorian, tonic: D}\n"))
    assert spec.key == load_spec(write(tmp_path, "key: D dorian\n", "d.yaml")).key
    assert spec.style == "modal"  # a modal key picks the modal chord style by default


def test_meter_seven_eight_with_grouping_key(tmp_path):
    spec = load_spec(write(tmp_path, "title: T\nmeter: 7/8\ngrouping: 2+2+3\n"))
    assert (spec.meter.numerator, spec.meter.denominator) == (7, 8)
    assert list(spec.meter.grouping) == [2, 2, 3]


def test_meter_seven_eight_grouping_in_the_meter_text(tmp_path):
    spec = load_spec(write(tmp_path, "title: T\nmeter: '7/8 (3+2+2)'\n"))
    assert (spec.meter.numerator, spec.meter.denominator) == (7, 8)
    assert list(spec.meter.grouping) == [3, 2, 2]


def test_defaults(tmp_path):
    spec = load_spec(write(tmp_path, "title: Little Tune\n", "little_tune.yaml"))
    assert isinstance(spec, Spec)
    assert spec.title == "Little Tune"
    assert (spec.meter.numerator, spec.meter.denominator) == (4, 4)
    assert spec.meter.bar_quarters == F(4)
    assert str(spec.key.tonic) == "C" and spec.key.mode == "major"
    assert [p.role for p in spec.parts] == ["melody", "chords", "bass"]
    assert spec.tempo_bpm == 100
    assert spec.seed == 0
    assert spec.stem == "little_tune"
    assert spec.source.endswith("little_tune.yaml")


def test_title_defaults_to_the_file_name(tmp_path):
    spec = load_spec(write(tmp_path, "key: G major\n", "evening_song.yaml"))
    assert spec.title == "Evening Song"


def test_example_specs_all_load():
    from pathlib import Path

    examples = sorted(Path(__file__).resolve().parents[2].joinpath("examples").glob("*.yaml"))
    assert len(examples) >= 6
    for path in examples:
        spec = load_spec(path)
        assert spec.stem == path.stem
        assert any(p.role == "melody" for p in spec.parts)


# --- errors: each names the file, line, field, value received and what is accepted -----------

def test_unknown_top_level_key_suggests_tempo(tmp_path):
    path = write(tmp_path, "title: T\nkey: G major\ntempi: 120\n")
    msg = only_problem(path)
    assert msg.startswith(f"{path}:3: tempi: unknown key")
    assert "received 'tempi'" in msg
    assert "accepted: title, key, scale, meter" in msg
    assert msg.endswith("did you mean 'tempo'?")


def test_wrong_type(tmp_path):
    path = write(tmp_path, "title: T\ntempo: fast\n")
    msg = only_problem(path)
    assert msg.startswith(f"{path}:2: tempo: expected number")
    assert "received 'fast'" in msg
    assert "20 to 400" in msg


def test_out_of_range(tmp_path):
    path = write(tmp_path, "title: T\nkey: C major\nmeter: 3/4\ntempo: 1000\n")
    msg = only_problem(path)
    assert msg.startswith(f"{path}:4: tempo: above the maximum 400")
    assert "received 1000" in msg
    assert "accepted: 20 to 400" in msg


def test_unknown_key_name(tmp_path):
    path = write(tmp_path, "title: T\n\nkey: H major\n")
    msg = only_problem(path)
    assert msg.startswith(f"{path}:3: key: ")
    assert "received 'H major'" in msg
    assert "accepted: a tonic and a mode" in msg and "'Eb major'" in msg


def test_misspelt_mode_suggests_major(tmp_path):
    path = write(tmp_path, "title: T\nkey: C majr\n")
    msg = only_problem(path)
    assert msg.startswith(f"{path}:2: key: ")
    assert "received 'C majr'" in msg
    assert "accepted: " in msg
    assert "did you mean 'major'" in msg


def test_unknown_form_suggests_rondo(tmp_path):
    path = write(tmp_path, "title: T\nkey: C major\nform: rondeau\n")
    msg = only_problem(path)
    assert msg.startswith(f"{path}:3: form: unknown form")
    assert "received 'rondeau'" in msg
    assert "rounded_binary" in msg and "aaba" in msg  # the accepted forms are listed
    assert msg.endswith("did you mean 'rondo'?")


def test_unknown_style(tmp_path):
    path = write(tmp_path, "title: T\nstyle: clasical\n")
    msg = only_problem(path)
    assert msg.startswith(f"{path}:2: style: unknown chord style")
    assert "received 'clasical'" in msg
    assert "accepted: blues, classical, flamenco, jazz, klezmer, modal, pop" in msg
    assert "did you mean 'classical'" in msg


def test_unknown_instrument(tmp_path):
    path = write(tmp_path, "title: T\nparts:\n  - role: melody\n    instrument: violn\n")
    msg = only_problem(path)
    assert msg.startswith(f"{path}:4: parts[0].instrument: ")
    assert "received 'violn'" in msg
    assert "accepted: " in msg and "violin" in msg and "flute" in msg
    assert "did you mean 'violin'" in msg


def test_bad_range_string(tmp_path):
    path = write(tmp_path, "title: T\nparts:\n  - role: melody\n    range: Q4-Z5\n")
    msg = only_problem(path)
    assert msg.startswith(f"{path}:4: parts[0].range: ")
    assert "received 'Q4-Z5'" in msg
    assert "e.g. 'C4-G5'" in msg


def test_range_narrower_than_a_fourth(tmp_path):
    path = write(tmp_path, "title: T\nparts:\n  - role: melody\n    range: C4-E4\n")
    msg = only_problem(path)
    assert msg.startswith(f"{path}:4: parts[0].range: range is narrower than a fourth")
    assert "received 'C4-E4'" in msg
    assert "accepted: at least 5 semitones" in msg


def test_range_of_a_fourth_is_enough(tmp_path):
    spec = load_spec(write(tmp_path, "title: T\nparts:\n  - role: melody\n    range: C4-F4\n"))
    assert (str(spec.parts[0].low), str(spec.parts[0].high)) == ("C4", "F4")


def test_repeat_of_a_later_section(tmp_path):
    path = write(tmp_path, "title: T\nsections:\n  - name: A\n    bars: 4\n  - name: B\n    repeat: C\n"
                           "  - name: C\n    bars: 4\n")
    msg = only_problem(path)
    assert msg.startswith(f"{path}:6: sections[1].repeat: can only repeat an earlier section")
    assert "received 'C'" in msg
    assert "accepted: A)" in msg


def test_repeat_of_an_unknown_section(tmp_path):
    path = write(tmp_path, "title: T\nsections:\n  - {name: A, bars: 4}\n  - {name: B, repeat: Q}\n")
    msg = only_problem(path)
    assert msg.startswith(f"{path}:4: sections[1].repeat: can only repeat an earlier section")
    assert "received 'Q'" in msg and "accepted: A" in msg


def test_bad_chord_in_a_chart(tmp_path):
    path = write(tmp_path, "title: T\nsections:\n  - name: A\n    chords: [I, Xyz]\n")
    msg = only_problem(path)
    assert msg.startswith(f"{path}:4: sections[0].chords[1]: cannot read chord 'Xyz'")
    assert "received 'Xyz'" in msg
    assert "accepted: a Roman numeral" in msg
    assert msg.count("(") == msg.count(")"), msg  # the message reads as one sentence


def test_chart_that_does_not_fill_the_section(tmp_path):
    path = write(tmp_path, "title: T\nsections:\n  - name: A\n    bars: 4\n    chords: [I, IV, V]\n")
    msg = only_problem(path)
    assert msg.startswith(f"{path}:5: sections[0].chords: ")
    assert "lasts 12 beats of 4/4, but the section has 4 bars = 16 beats" in msg
    assert "received ['I', 'IV', 'V']" in msg
    assert "4 bars" in msg


def test_chart_with_durations_that_fill_the_section(tmp_path):
    spec = load_spec(write(tmp_path, "title: T\nsections:\n  - name: A\n    bars: 2\n"
                                     "    chords: ['I:2', 'IV:2', 'V7']\n"))
    assert spec.sections[0].chords == ("I:2", "IV:2", "V7")


def test_chart_durations_short_of_a_whole_bar(tmp_path):
    path = write(tmp_path, "title: T\nsections:\n  - name: A\n    chords: ['I:2', 'V:1']\n")
    msg = only_problem(path)
    assert msg.startswith(f"{path}:4: sections[0].chords: ")
    assert "whole number" in msg


def test_vary_without_repeat(tmp_path):
    path = write(tmp_path, "title: T\nsections:\n  - name: A\n    bars: 4\n    vary: 0.5\n")
    msg = only_problem(path)
    assert msg.startswith(f"{path}:5: sections[0].vary: 'vary' needs 'repeat'")
    assert "received 0.5" in msg


def test_both_key_and_scale(tmp_path):
    path = write(tmp_path, "title: T\nkey: C major\nscale: {pack: western, mode: dorian, tonic: D}\n")
    msg = only_problem(path)
    assert msg.startswith(f"{path}:3: scale: give either 'key' or 'scale', not both")


def test_no_melody_part(tmp_path):
    path = write(tmp_path, "title: T\nparts:\n  - role: bass\n  - role: chords\n")
    msg = only_problem(path)
    assert msg.startswith(f"{path}:2: parts: a spec needs at least one part with role 'melody'")
    assert "received ['bass', 'chords']" in msg
    assert "accepted: melody" in msg


def test_section_not_in_the_form(tmp_path):
    path = write(tmp_path, "title: T\nform: aaba\nsections:\n  - name: C\n    bars: 4\n")
    msg = only_problem(path)
    assert msg.startswith(f"{path}:4: sections[0].name: section is not in form 'aaba'")
    assert "received 'C'" in msg
    assert "accepted: A, B)" in msg  # each name once


def test_yaml_syntax_error_reports_the_line(tmp_path):
    path = write(tmp_path, "title: T\nkey: G major\nmeter: [3/4\ntempo: 100\nseed: 3\n")
    msg = only_problem(path)
    assert msg.startswith(f"{path}:")
    line = int(msg[len(str(path)) + 1:].split(":", 1)[0])
    assert line in (3, 4)
    assert "invalid YAML" in msg


def test_a_list_is_not_a_spec(tmp_path):
    path = write(tmp_path, "- title: T\n- key: C major\n")
    msg = only_problem(path)
    assert msg.startswith(f"{path}")
    assert "a spec must be a mapping" in msg
    assert "received 'list'" in msg


def test_non_utf8_bytes(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: Menuett f\u00fcr Anna\n".encode("latin-1"))
    msg = only_problem(path)
    assert msg.startswith(f"{path}")
    assert "not UTF-8" in msg


def test_python_object_tag_is_refused(tmp_path, monkeypatch):
    called = []
    monkeypatch.setattr("os.system", lambda *a: called.append(a))
    path = write(tmp_path, "title: T\nkey: !!python/object/apply:os.system ['echo hi']\n")
    msg = only_problem(path)
    assert msg.startswith(f"{path}:2: ")
    assert "python/object" in msg
    assert called == []


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.yaml"
    msg = only_problem(path)
    assert msg.startswith(str(path))
    assert "not found" in msg


def test_several_problems_reported_at_once(tmp_path):
    path = write(tmp_path, "title: T\n"
                           "tempi: 120\n"
                           "tempo: 1000\n"
                           "parts:\n"
                           "  - role: melody\n"
                           "    velocity: 300\n")
    found = problems_of(path)
    assert len(found) == 3, found
    assert any(m.startswith(f"{path}:2: tempi: unknown key") for m in found)
    assert any(m.startswith(f"{path}:3: tempo: above the maximum") for m in found)
    assert any(m.startswith(f"{path}:6: parts[0].velocity: above the maximum 127") for m in found)


def test_several_meaning_problems_reported_at_once(tmp_path):
    path = write(tmp_path, "title: T\n"
                           "key: C majr\n"
                           "form: rondeau\n"
                           "style: clasical\n"
                           "parts:\n"
                           "  - {role: melody, instrument: violn}\n")
    found = problems_of(path)
    assert [m.split(": ", 2)[1] for m in found] == ["key", "form", "style", "parts[0].instrument"]
    assert [int(m[len(str(path)) + 1:].split(":", 1)[0]) for m in found] == [2, 3, 4, 6]


def test_shape_and_meaning_problems_reported_together(tmp_path):
    path = write(tmp_path, "title: T\ntempi: 120\nkey: H major\nform: rondeau\n")
    found = problems_of(path)
    fields = sorted(m.split(": ", 2)[1] for m in found)
    assert fields == ["form", "key", "tempi"], found


def test_spec_error_message_lists_every_problem(tmp_path):
    path = write(tmp_path, "title: T\ntempo: 1000\nseed: -1\n")
    with pytest.raises(SpecError) as info:
        load_spec(path)
    assert len(info.value.problems) == 2
    assert str(info.value).splitlines() == [str(p) for p in info.value.problems]


def test_dict_spec(tmp_path):
    spec = load_spec({"title": "From A Dict", "key": "A minor", "meter": "6/8"})
    assert spec.stem == "from_a_dict"
    assert "minor" in spec.key.mode
    with pytest.raises(SpecError) as info:
        load_spec({"title": "X", "tempo": "fast"})
    assert str(info.value.problems[0]).startswith("<dict>: tempo: expected number")


@pytest.mark.parametrize("text, where", [
    ('title: "x\\x01y"\nkey: C major\n', "title"),
    ('title: "\\e[31mred"\nkey: C major\n', "title"),
    ('key: C major\nparts:\n  - {role: melody, name: "fl\\x07ute"}\n', "parts.0.name"),
])
def test_control_characters_in_text_are_refused_naming_the_field(text, where):
    """An escape sequence would reach a terminal through explain, and XML cannot hold most of them."""
    with pytest.raises(SpecError) as info:
        load_spec(text)
    message = str(info.value)
    assert "control character" in message and where.split(".")[0] in message
    assert "\x1b" not in message and "\x01" not in message and "\x07" not in message


def test_text_in_any_script_is_accepted():
    assert load_spec('title: "Uşşak सितार 宫 🎵"\nkey: C major\n').title == "Uşşak सितार 宫 🎵"


def test_a_key_given_twice_is_an_error_naming_both_lines():
    with pytest.raises(SpecError, match=r"<string>:3: .*key 'title' is given twice \(first at line 1\)"):
        load_spec("title: a\nkey: C major\ntitle: b\n")
