"""The README's examples run, and the facts it states are true."""
import re
import shlex
import shutil

import pytest
import yaml
from conftest import ROOT

from composer import load_spec
from composer.cli.main import main

README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(lang):
    """The fenced code blocks of the README whose language is `lang` ('' for plain blocks)."""
    out, current, fence_lang = [], None, None
    for line in README.splitlines():
        if line.startswith("```"):
            if current is None:
                current, fence_lang = [], line[3:].strip()
            else:
                if fence_lang == lang:
                    out.append("\n".join(current) + "\n")
                current = None
        elif current is not None:
            current.append(line)
    return out


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("index", range(len(blocks("python"))))
def test_python_examples_run_and_print_what_the_comments_say(index, workdir, capsys):
    code = blocks("python")[index]
    exec(compile(code, f"README python block {index}", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    expected = [m.group(1).strip() for m in re.finditer(r"print\(.*\)\s+# (.*)", code)]
    assert len(printed) == len(expected)
    for got, want in zip(printed, expected):
        assert got.strip() == want


def test_the_spec_reference_is_a_valid_spec(workdir):
    spec_text = blocks("yaml")[0]
    data = yaml.safe_load(spec_text)
    spec = load_spec(data)
    assert spec.key.name == "G major" and str(spec.meter) == "3/4" and spec.form == "rounded_binary"
    assert [p.role for p in spec.parts] == ["melody", "chords", "bass"]
    assert spec.sections[0].chords == ("I", "vi", "ii7", "V7", "I", "IV", "V7", "V")
    assert set(data) == {"title", "key", "meter", "tempo", "form", "sections", "style", "parts", "seed", "constraints"}


def test_spec_keys_documented_match_the_schema():
    from composer.spec.model import spec_schema

    props = set(spec_schema()["properties"])
    for key in props:
        assert re.search(rf"^#? ?{key}:", README, flags=re.M), f"spec key {key!r} is not documented in the README"


def test_cli_lines_run(workdir, capsys):
    shell = "\n".join(blocks(""))
    commands = [shlex.split(line, comments=True) for line in shell.splitlines() if line.startswith("partita ")]
    assert commands
    for argv in commands:
        assert main(argv[1:]) == 0, argv
    assert (workdir / "out" / "minuet_in_g.mid").exists() and (workdir / "out" / "minuet_in_g.musicxml").exists()


def test_ci_runs_the_readme_test_command():
    test_command = next(line for line in README.splitlines() if "pytest" in line and "pip install" in line)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command.strip() in ci


def test_error_example_is_what_the_cli_prints(workdir, capsys):
    (workdir / "spec.yaml").write_text("title: t\nkey: C major\nmeter: 4/4\ntempi: 90\n", encoding="utf-8")
    assert main(["compose", "spec.yaml", "-o", "out"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: spec.yaml:4: tempi: unknown key (received 'tempi'; accepted: title, key,")
    assert err.endswith("did you mean 'tempo'?")


def test_the_tradition_example_composes_as_described(workdir):
    from composer import compose

    data = yaml.safe_load(blocks("yaml")[1])
    piece = compose(data, seed=1)
    assert piece.key.pack == "hindustani" and piece.key.mode == "yaman" and piece.key.tuning is None  # just = default
    assert piece.spec.cycle.name == "teentaal" and piece.plan.bars == 8
    assert [p.role for p in piece.parts] == ["melody", "drone", "percussion"] and piece.chords == []


def test_every_pack_in_the_readme_table_exists():
    from theory import list_packs

    rows = [line.split("|")[1].strip().strip("`") for line in README.splitlines()
            if line.startswith("| `") and line.count("|") == 5]
    assert set(list_packs()) <= set(rows)


def test_the_chorale_in_the_readme_is_the_example():
    shown = yaml.safe_load(blocks("yaml")[2])
    example = yaml.safe_load((ROOT / "examples" / "chorale_d_minor.yaml").read_text(encoding="utf-8"))
    assert shown["texture"] == "satb" and {k: example[k] for k in shown} == shown


def test_the_packs_table_names_each_packs_harmony_policy():
    """The README's pack table says how each tradition is accompanied as `partita packs list` does."""
    from theory import list_packs, load_pack

    rows = re.findall(r"^\| `([a-z]+)` \|.*\| ([^|]+) \|$", README, flags=re.M)
    table = {name: harmony.strip() for name, harmony in rows if name in list_packs()}
    assert set(table) == set(list_packs())
    for name, harmony in table.items():
        said = "functional" if harmony.startswith("chords") else harmony
        assert said == load_pack(name).harmony, (name, harmony)
