"""Lyrics set by compose: one note per syllable (plus the melismas), stressed syllables on strong beats,
the underlay in the MusicXML, every constraint kept, and the words kept by refill."""
import random
import xml.etree.ElementTree as ET

import pytest

from composer import compose
from composer.analysis.metrics import constraint_satisfaction
from composer.formats.musicxml import musicxml_bytes
from composer.plan.slots import phrase_lyrics, plan_slots
from composer.score.errors import SpecError
from composer.text.lyric_rhythm import stress_alignment

VERSE = """Twin-kle, twin-kle, lit-tle star,
How I won-der what you are!
Up a-bove the world so high,
Like a dia-mond in the sky."""

WORDS = ("love heart morning river golden evening remember beautiful tomorrow sunlight forever wandering "
         "over under the a of my your sing gently dancing shadow window silver mountain darling away "
         "along believe again forgotten melody").split()


def song(lyrics, seed=0, filler="rules", **extra):
    spec = {"title": "Song", "key": "G major", "meter": "4/4", "form": "period",
            "parts": [{"role": "melody", "lyrics": lyrics}, {"role": "chords"}, {"role": "bass"}], **extra}
    return compose(spec, seed=seed, filler=filler)


def sung_notes(piece):
    return piece.part("melody").sorted_notes()


def per_phrase(piece):
    """(syllables the phrase sings, the melody notes of the phrase) for each phrase with words."""
    part = piece.spec.parts[0]
    lines = phrase_lyrics(part, len(piece.plan.phrases))
    out = []
    for phrase, syllables in zip(piece.plan.phrases, lines):
        if syllables:
            start, end = phrase.offset(piece.meter), phrase.end(piece.meter)
            out.append((syllables, [n for n in sung_notes(piece) if start <= n.offset < end]))
    return out


@pytest.mark.parametrize("filler", ["rules", "neural"])
@pytest.mark.parametrize("seed", range(4))
def test_one_note_per_syllable_plus_melismas(filler, seed):
    text = "Twin-kle, twin-kle, lit-tle star / How I won_-der what you are__"
    piece = song(text, seed, filler)
    for syllables, notes in per_phrase(piece):
        with_words = [n for n in notes if n.lyric is not None]
        assert [n.lyric.text.strip(",!") for n in with_words] == [s.text.strip(",!") for s in syllables]
        # Every note of the phrase is a syllable's first note or one of its marked melisma notes (each
        # line has more syllables than its phrase has bars, so no melisma is added to fill a bar).
        assert len(notes) == sum(s.notes for s in syllables) == len(syllables) + sum(s.melisma for s in syllables)
        assert len(with_words) == len(syllables)
    marked = [n for n in sung_notes(piece) if n.lyric and n.lyric.text.startswith("are")]
    assert marked and marked[0].lyric.extend          # a melisma on a word's last syllable: an extender


@pytest.mark.parametrize("meter", ["2/4", "3/4", "4/4", "6/8"])
def test_stressed_syllables_fall_on_beats_at_least_as_strong_in_90_percent(meter):
    good = pairs = 0
    for seed in range(12):
        r = random.Random(seed)
        lines = [" ".join(r.choice(WORDS) for _ in range(r.randint(3, 5))) for _ in range(2)]
        piece = song(" / ".join(lines), seed, "neural" if seed % 2 else "rules", meter=meter)
        for syllables, notes in per_phrase(piece):
            strengths = [piece.meter.strength(n.offset % piece.meter.bar_quarters) for n in notes
                         if n.lyric is not None]
            g, p = stress_alignment(list(syllables), strengths)
            good, pairs = good + g, pairs + p
    assert pairs > 100
    assert good / pairs >= 0.90, (good, pairs)


@pytest.mark.parametrize("seed", range(3))
def test_every_constraint_holds_with_words(seed):
    piece = song(VERSE, seed, "neural")
    report = constraint_satisfaction(piece, piece.plan, plan_slots(piece.plan, piece.spec))
    assert report["violations"] == 0, report["first_violations"]


def test_musicxml_carries_the_underlay_in_order():
    piece = song(VERSE, 1)
    root = ET.fromstring(musicxml_bytes(piece))
    melody = root.find("part")
    texts = [(lyr.findtext("syllabic"), lyr.findtext("text")) for lyr in melody.iter("lyric")]
    expected = [(n.lyric.syllabic, n.lyric.text) for n in sung_notes(piece) if n.lyric]
    assert texts == expected
    assert texts[:2] == [("begin", "Twin"), ("end", "kle,")]


def test_more_lines_than_phrases_share_phrases_and_fewer_leave_phrases_without_words():
    many = song(" / ".join(["la la la"] * 6), 0)                     # period: 2 phrases
    assert [len(s) for s, _ in per_phrase(many)] == [9, 9]
    few = compose({"title": "S", "key": "C major", "form": "aaba",
                   "parts": [{"role": "melody", "lyrics": "Hap-py birth-day to you"}]}, filler="rules")
    words = [n for n in sung_notes(few) if n.lyric]
    assert [n.lyric.text for n in words] == ["Hap", "py", "birth", "day", "to", "you"]
    assert all(n.offset < few.plan.phrases[0].end(few.meter) for n in words)


def test_a_line_too_long_for_its_phrase_says_which_and_what_to_do():
    from composer.score.errors import LyricsError

    with pytest.raises(LyricsError, match=r"phrase 1 .*give the phrase more bars"):
        compose({"title": "S", "key": "C major", "form": "period",
                 "parts": [{"role": "melody", "lyrics": " ".join(["beautiful"] * 30)}]}, filler="rules")


def test_lyrics_on_a_part_that_does_not_sing_and_bad_text_are_spec_errors():
    with pytest.raises(SpecError, match=r"parts\[1\]\.lyrics: a bass part sings no words"):
        compose({"title": "S", "parts": [{"role": "melody"}, {"role": "bass", "lyrics": "la"}]})
    with pytest.raises(SpecError, match=r"parts\[0\]\.lyrics: .*line 1"):
        compose({"title": "S", "parts": [{"role": "melody", "lyrics": "_ la la"}]})


def test_refill_keeps_the_words_on_their_notes_with_keep_rhythm_and_refuses_otherwise():
    from composer.edit.refill import RefillError

    piece = song(VERSE, 2)
    new = piece.refill("consequent", keep="rhythm", seed=5)
    start = piece.plan.sections[1].start_bar * piece.meter.bar_quarters
    old_words = [(n.offset, n.lyric) for n in sung_notes(piece) if n.offset >= start]
    assert [(n.offset, n.lyric) for n in sung_notes(new) if n.offset >= start] == old_words
    with pytest.raises(RefillError, match="keep='rhythm'"):
        piece.refill("consequent", seed=5)


def test_piece_files_keep_the_lyrics():
    from composer.formats.piece_file import piece_from_dict, piece_to_dict

    piece = song(VERSE, 3)
    again = piece_from_dict(piece_to_dict(piece))
    assert [n.lyric for n in sung_notes(again)] == [n.lyric for n in sung_notes(piece)]
