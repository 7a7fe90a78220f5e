"""Lessons: every lesson has a spec and a page of text, and one command builds them into HTML."""
import re

from conftest import ROOT

from composer.cli.main import main
from composer.lessons import markdown_to_html

LESSONS = ROOT / "examples" / "lessons"
EXPECTED = {"cadences", "period_and_sentence", "modulation_to_the_dominant", "raga_aroha_avaroha", "maqam_ajnas"}


def test_every_lesson_has_a_spec_and_a_page():
    specs = {p.stem for p in LESSONS.glob("*.yaml")}
    pages = {p.stem for p in LESSONS.glob("*.md")}
    assert EXPECTED <= specs and specs == pages


def test_one_command_builds_every_lesson(tmp_path, capsys):
    assert main(["lessons", "build", str(LESSONS), "-o", str(tmp_path)]) == 0
    built = {p.stem for p in tmp_path.glob("*.html")}
    assert built == {p.stem for p in LESSONS.glob("*.yaml")}
    page = (tmp_path / "cadences.html").read_text(encoding="utf-8")
    assert '<section id="lesson"' in page and "<h2>Cadences</h2>" in page
    assert page.index('id="lesson"') < page.index("<audio")  # the text comes first, then the piece
    assert "data:audio/wav;base64," in page and "<svg" in page
    assert not re.search(r"(src|href)=\"https?://", page)  # self-contained
    assert main(["lessons", "build", str(LESSONS), "-o", str(tmp_path)]) == 2  # no overwrite without --force
    assert "--force" in capsys.readouterr().err


def test_what_the_lessons_say_is_what_the_pieces_do():
    from composer import compose

    cad = compose(LESSONS / "cadences.yaml")
    assert [p.cadence for p in cad.plan.phrases] == ["authentic", "half", "plagal", "deceptive", "authentic"]
    period = compose(LESSONS / "period_and_sentence.yaml")
    consequent = period.plan.sections[1]
    assert consequent.repeat_of == "antecedent" and consequent.kept_bars == 2
    sentence = period.plan.sections[2]
    assert sentence.phrases[0].motifs and sentence.phrases[0].motifs[0].to_bar == 2
    mod = compose(LESSONS / "modulation_to_the_dominant.yaml")
    pivot = mod.plan.modulations[0].pivot
    assert str(mod.plan.modulations[0].to_key) == "D major" and (pivot.roman_from, pivot.roman_to) == ("I", "IV")
    figured = compose(LESSONS / "figured_bass.yaml")      # the chorale `partita exercise figured-bass` cuts
    from composer.exercises import four_part_exercise

    answer = four_part_exercise("figured-bass", "D minor", level=1, seed=0)
    assert [[(n.offset, n.pitch.cents) for n in p.notes] for p in figured.parts] == \
        [[(n.offset, n.pitch.cents) for n in p.notes] for p in answer.piece.parts]
    figures = dict(answer.figures)
    assert (figures[0], figures[3], figures[4], figures[5], figures[7], figures[12]) == \
        ("6", "6/5", "7/#", "", "7", "#")                                          # what the page says
    raga = compose(LESSONS / "raga_aroha_avaroha.yaml")
    scale = raga.key.scale
    assert 702.0 not in [scale.degree_cents[i] for i in scale.ascending]  # Pa is skipped going up
    assert raga.spec.cycle.khali == (9,)


def test_markdown_subset():
    html = markdown_to_html("# Title\n\nA **bold** and *soft* `code` <tag>.\n\n- one\n- two\n\n1. first\n2. second\n")
    assert "<h2>Title</h2>" in html and "<strong>bold</strong>" in html and "<em>soft</em>" in html
    assert "<code>code</code>" in html and "&lt;tag&gt;" in html
    assert "<ul><li>one</li><li>two</li></ul>" in html and "<ol><li>first</li><li>second</li></ol>" in html


def test_the_shipped_lessons_build_from_any_folder(tmp_path, monkeypatch):
    """Installed, partita finds its own lessons: no folder named, run from a folder that has none."""
    monkeypatch.chdir(tmp_path)
    assert main(["lessons", "build", "-o", "out"]) == 0
    assert sorted(p.stem for p in (tmp_path / "out").glob("*.html")) == sorted(p.stem for p in LESSONS.glob("*.yaml"))
