"""Lyrics: text conventions, English hyphenation and stress, and the rhythm of a sung line."""
from __future__ import annotations

import dataclasses
import gzip
from collections import Counter
from fractions import Fraction

import numpy as np
import pytest

from composer.piece import Lyric
from composer.score.errors import ComposerError, LyricsError
from composer.text.lyric_rhythm import lyric_rhythm, onset_strengths, stress_alignment
from composer.text.lyrics import Syllable, note_lyrics, parse_lyrics
from composer.text.syllables import (
    LEXICON_PATH,
    function_words,
    rule_stress,
    spelled_count,
    stress_lexicon,
    syllabify,
    word_stress,
)
from theory import Meter

# A musician's hyphenation of common song words (the count is the lexicon's first fitting pronunciation).
SPLITS = {
    "happy": "hap-py", "beautiful": "beau-ti-ful", "evening": "eve-ning", "fire": "fire", "heaven": "heav-en",
    "alleluia": "al-le-lu-ia", "hallelujah": "hal-le-lu-jah", "every": "ev-er-y", "little": "lit-tle",
    "gentle": "gen-tle", "table": "ta-ble", "again": "a-gain", "amen": "a-men", "open": "o-pen",
    "over": "o-ver", "glory": "glo-ry", "holy": "ho-ly", "morning": "morn-ing", "singing": "sing-ing",
    "dancing": "danc-ing", "lovely": "love-ly", "together": "to-geth-er", "forever": "for-ev-er",
    "remember": "re-mem-ber", "tomorrow": "to-mor-row", "wonderful": "won-der-ful", "river": "riv-er",
    "shadow": "shad-ow", "spirit": "spir-it", "mother": "moth-er", "father": "fa-ther", "sorrow": "sor-row",
    "darling": "dar-ling", "whisper": "whis-per", "angel": "an-gel", "christmas": "christ-mas",
    "quiet": "qui-et", "cruel": "cru-el", "being": "be-ing", "going": "go-ing", "flying": "fly-ing",
    "idea": "i-de-a", "lion": "li-on", "flower": "flow-er", "desire": "de-sire", "across": "a-cross",
    "afraid": "a-fraid", "someone": "some-one", "without": "with-out", "silent": "si-lent", "music": "mu-sic",
    "hour": "hour", "tired": "tired", "loved": "loved", "heaven's": "heav-en's", "don't": "don't",
    "o'er": "o'er",
}

WORDS = """love heart night day light dream sky sea rain sun moon star home song soul fire heaven angel river
morning evening beautiful wonderful together forever remember tomorrow yesterday sorrow darling whisper
mother father children shepherd glory holy alleluia hallelujah amen again open over only shadow spirit little
gentle silent peaceful wandering weary lonely happy hope faith grace peace joy sweet dear kind true blue green
golden silver shining falling flying singing dancing dreaming calling waiting the a an of to and in on my your
is are was be with for from by at his her our their thy thee we you i me he she they it that this but or as if
when where while so not no all one two three every never ever always still just now then here there softly
gently slowly sweetly brightly rise fall fly sing dance cry call wait hold keep stay go come leave find lose
give take break mend shine glow burn fade grow bloom wind snow storm cloud field flower garden meadow mountain
valley ocean island city road journey window door table candle winter summer autumn spring season memory story
promise silence music melody harmony echo believe rejoice arise beyond above below around across upon within
without between beneath behind before after until because about away alone along among awake asleep afraid
aware remain return release reveal forgive forget begin become belong beside""".split()
METERS = {"2/4": Meter.parse("2/4"), "3/4": Meter.parse("3/4"), "4/4": Meter.parse("4/4"),
          "6/8": Meter.parse("6/8"), "7/8": Meter.parse("7/8 (2+2+3)")}


def texts(line):
    return [s.text for s in line]


# --- text conventions ------------------------------------------------------------------------

def test_lines_words_and_syllabic():
    lines = parse_lyrics("Hap-py birth-day to you,\nsweet-ly sing / A-men")
    assert len(lines) == 3
    assert [s.line for s in lines[2]] == [2, 2]
    first = lines[0]
    assert texts(first) == ["Hap", "py", "birth", "day", "to", "you,"]
    assert [s.syllabic for s in first] == ["begin", "end", "begin", "end", "single", "single"]
    assert [s.word for s in first] == ["Happy", "Happy", "birthday", "birthday", "to", "you"]
    assert [s.stress for s in first] == [1, 0, 1, 2, 0, 0]                     # to, you: function words
    assert texts(lines[1]) == ["sweet", "ly", "sing"] and lines[1][2].stress == 1
    assert all(s.melisma == 0 and s.notes == 1 for line in lines for s in line)


def test_blank_lines_are_skipped():
    assert [texts(x) for x in parse_lyrics("\n  love  \n\n   \nyou\n")] == [["love"], ["you"]]


def test_melisma_spellings_agree():
    for text in ("love__ me", "love_ _ me", "love _ _ me", "love __ me", "love_ _\tme"):
        line = parse_lyrics(text)[0]
        assert [(s.text, s.melisma) for s in line] == [("love", 2), ("me", 0)], text
    line = parse_lyrics("a_-men_, glo__-ry")[0]
    assert [(s.text, s.melisma) for s in line] == [("a", 1), ("men,", 1), ("glo", 2), ("ry", 0)]
    assert sum(s.notes for s in line) == 4 + 4


def test_user_hyphens_and_lilypond_double_hyphen():
    assert texts(parse_lyrics("Ky-ri-e e-lei-son")[0]) == ["Ky", "ri", "e", "e", "lei", "son"]
    assert texts(parse_lyrics("hap -- py day")[0]) == ["hap", "py", "day"]
    # a user split is kept even where the dictionary would split otherwise
    assert texts(parse_lyrics("ev-ery")[0]) == ["ev", "ery"]


def test_punctuation_is_printed_but_not_looked_up():
    line = parse_lyrics('"Glory!" (beautiful), don\u2019t o\'er \'tis lovin\'')[0]
    assert texts(line) == ['"Glo', 'ry!"', "(beau", "ti", "ful),", "don\u2019t", "o'er", "'tis", "lov", "in'"]
    assert line[0].word == "Glory" and line[2].word == "beautiful"
    assert [s.stress for s in line[:2]] == [1, 0]
    assert line[5].stress == 1 and line[6].stress == 0 and line[7].stress == 0   # o'er, 'tis: function words


@pytest.mark.parametrize("text, token, reason", [
    ("_ love", "_", "must follow a syllable"),
    ("love / __ you", "__", "must follow a syllable"),
    ("lo_ve", "lo_ve", "underscore can only end"),
    ("hap--py", "hap--py", "empty syllable"),
    ("hap- py", "hap-", "between two syllables"),
    ("-love", "-love", "empty syllable"),
    ("4 you", "4", "digits"),
    ("love ! you", "!", "no letters"),
    ("love -- ", "--", "between two syllables"),
    ("lo+ve", "lo+ve", "character '+'"),
])
def test_nonsense_is_refused_naming_line_and_token(text, token, reason):
    with pytest.raises(LyricsError) as info:
        parse_lyrics("la la\n" + text)
    message = str(info.value)
    assert message.startswith("lyrics line 2") or message.startswith("lyrics line 3"), message
    assert repr(token) in message and reason in message
    assert isinstance(info.value, ComposerError)


def test_empty_segment_between_slashes_and_wrong_type():
    with pytest.raises(LyricsError, match="empty line"):
        parse_lyrics("love / / you")
    with pytest.raises(LyricsError, match="must be text"):
        parse_lyrics(["love"])


def test_syllable_checks_itself():
    with pytest.raises(ValueError):
        Syllable("la", "la", 3, "single")
    with pytest.raises(ValueError):
        Syllable("la", "la", 1, "start")
    with pytest.raises(TypeError):
        Syllable("la", "la", True, "single")
    s = Syllable("la", "la", 1, "single", melisma=2)
    assert s.notes == 3 and dataclasses.replace(s, melisma=0).notes == 1


def test_note_lyrics_marks_first_notes_and_extenders():
    line = parse_lyrics("hap_-py love__")[0]
    marks = note_lyrics(line)
    assert marks == [Lyric("hap", "begin"), None, Lyric("py", "end"), Lyric("love", "single", extend=True),
                     None, None]


# --- hyphenation and stress ------------------------------------------------------------------

def test_common_song_words_split_as_a_musician_expects():
    got = {w: "-".join(syllabify(w)) for w in SPLITS}
    wrong = {w: (got[w], SPLITS[w]) for w in SPLITS if got[w] != SPLITS[w]}
    assert not wrong, wrong
    assert syllabify("Beautiful") == ["Beau", "ti", "ful"]        # case kept


def test_known_stress_and_function_words():
    assert word_stress("beautiful", 3) == (1, 0, 0)
    assert word_stress("together", 3) == (0, 1, 0)
    assert word_stress("alleluia", 4) == (2, 0, 1, 0)
    assert word_stress("the", 1) == (0,) and word_stress("my", 1) == (0,) and word_stress("of", 1) == (0,)
    assert word_stress("love", 1) == (1,) and word_stress("night", 1) == (1,)
    assert {"the", "a", "an", "of", "to", "and", "in", "on", "my", "your", "is"} <= function_words()


def test_unknown_words_get_rule_stress():
    assert word_stress("zorbification", 5) == (0, 0, 0, 1, 0)      # -tion: the penult
    assert word_stress("flumtastic", 3) == (0, 1, 0)                # -ic: the penult
    assert word_stress("blorvity", 3) == (1, 0, 0)                  # -ity: the antepenult
    assert word_stress("bezoop", 2) == (0, 1)                       # be-: unstressed prefix
    assert word_stress("grimble", 2) == (1, 0)                      # two syllables: the first
    assert rule_stress("happy", 2) == (1, 0)
    assert len(word_stress("beautiful", 5)) == 5                    # a count the lexicon does not have


def test_spelled_count_rules():
    counts = {"love": 1, "table": 2, "roses": 2, "hopes": 1, "wanted": 2, "loved": 1, "lovely": 2,
              "cruel": 2, "lion": 2, "going": 2, "idea": 3, "create": 2, "quiet": 2, "o'er": 1, "fire": 1}
    assert {w: spelled_count(w) for w in counts} == counts


def test_lexicon_is_small_licensed_and_readable():
    assert LEXICON_PATH.stat().st_size < 700_000
    with gzip.open(LEXICON_PATH, "rt", encoding="utf-8") as handle:
        header = handle.readline() + handle.readline()
    assert "CMU Pronouncing Dictionary" in header and "Carnegie Mellon University" in header
    licence = (LEXICON_PATH.parent / "STRESS_LEXICON_LICENSE").read_text()
    assert "Redistribution and use in source and binary forms" in licence
    table = stress_lexicon()
    assert len(table) > 100_000 and table["happy"] == "10" and table["fire"] == "1"
    assert all(set(v) <= set("012") for v in list(table.values())[:5000])


# --- rhythm of a line ------------------------------------------------------------------------

def random_line(rng: np.random.Generator, size: int) -> list[Syllable]:
    out: list[Syllable] = []
    while len(out) < size:
        out.extend(parse_lyrics(WORDS[int(rng.integers(len(WORDS)))])[0])
    extra = lambda: int(rng.random() < 0.12) * int(rng.integers(1, 3))  # noqa: E731
    return [dataclasses.replace(s, melisma=extra()) for s in out[:size]]


def check_rhythm(meter: Meter, bars: int, rhythm, syllables) -> None:
    assert len(rhythm) == bars
    for bar in rhythm:
        assert bar and bar[0].offset == 0
        assert sum((n.duration for n in bar), Fraction(0)) == meter.bar_quarters
        for a, b in zip(bar, bar[1:]):
            assert a.offset + a.duration == b.offset
        assert all(n.duration > 0 for n in bar)
    assert sum(len(bar) for bar in rhythm) == sum(s.notes for s in syllables)


def test_random_lines_fill_their_bars_and_put_stress_on_strong_beats():
    rng = np.random.default_rng(2024)
    good, total = Counter(), Counter()
    names = list(METERS)
    for trial in range(300):
        name = names[trial % len(names)]
        meter = METERS[name]
        line = random_line(rng, int(rng.integers(3, 15)))
        notes = sum(s.notes for s in line)
        bars = max(1, min(8, round(notes / (meter.beat_count * rng.uniform(0.8, 1.6)))))
        rhythm, sung = lyric_rhythm(meter, bars, line, np.random.default_rng(trial))
        check_rhythm(meter, bars, rhythm, sung)
        assert [s.text for s in sung] == [s.text for s in line]
        g, t = stress_alignment(sung, onset_strengths(meter, rhythm, sung))
        good[name] += g
        total[name] += t
    rates = {name: good[name] / total[name] for name in names}
    assert sum(good.values()) / sum(total.values()) >= 0.9, rates
    assert min(rates.values()) >= 0.85, rates


def test_few_notes_get_melismas_until_every_bar_has_one():
    line = parse_lyrics("Glo-ry")[0]
    rhythm, sung = lyric_rhythm(METERS["3/4"], 4, line, np.random.default_rng(0))
    check_rhythm(METERS["3/4"], 4, rhythm, sung)
    assert [s.melisma for s in sung] == [1, 1]                       # the last syllable, then the stressed one
    _, sung = lyric_rhythm(METERS["3/4"], 4, parse_lyrics("A-men")[0], np.random.default_rng(0))
    assert [s.melisma for s in sung] == [0, 2]                       # "a" is unstressed: "men" takes both
    rhythm, sung = lyric_rhythm(METERS["4/4"], 3, parse_lyrics("love")[0], np.random.default_rng(0))
    assert sung[0].melisma == 2 and [len(b) for b in rhythm] == [1, 1, 1]


def test_too_many_notes_name_the_line_and_what_fits():
    line = parse_lyrics("la " * 10 + "\n" + "la " * 17)[1]
    rhythm, _ = lyric_rhythm(METERS["4/4"], 1, line[:16], np.random.default_rng(0))   # sixteenths
    assert all(n.duration == Fraction(1, 4) for n in rhythm[0])
    with pytest.raises(LyricsError, match=r"lyrics line 2: 17 syllables need 17 notes, but at most 16 fit "
                                          r"in 1 bar of 4/4 \(one per sixteenth\)"):
        lyric_rhythm(METERS["4/4"], 1, line, np.random.default_rng(0))
    with pytest.raises(LyricsError, match="bars must be a whole number"):
        lyric_rhythm(METERS["4/4"], 0, line[:3], np.random.default_rng(0))
    rhythm, _ = lyric_rhythm(METERS["4/4"], np.int64(2), line[:3], np.random.default_rng(0))
    assert len(rhythm) == 2
    with pytest.raises(LyricsError, match="no syllables"):
        lyric_rhythm(METERS["4/4"], 1, [], np.random.default_rng(0))
    with pytest.raises(LyricsError, match="grid"):
        lyric_rhythm(METERS["4/4"], 1, line[:3], np.random.default_rng(0), grid=Fraction(3, 5))


def test_melisma_notes_follow_their_syllable_and_the_grid_can_be_given():
    line = parse_lyrics("glo__-ri-a")[0]
    rhythm, sung = lyric_rhythm(METERS["4/4"], 2, line, np.random.default_rng(3), grid=Fraction(1))
    check_rhythm(METERS["4/4"], 2, rhythm, sung)
    assert all(n.offset.denominator == 1 and n.duration.denominator == 1 for bar in rhythm for n in bar)
    assert sum(len(b) for b in rhythm) == 5


def test_seeds_vary_the_rhythm_and_one_seed_repeats_it():
    line = parse_lyrics("The beau-ti-ful eve-ning is o-ver to-night")[0]
    meter = METERS["4/4"]
    runs = [lyric_rhythm(meter, 4, line, np.random.default_rng(seed))[0] for seed in range(8)]
    assert len({repr(r) for r in runs}) >= 2
    assert repr(lyric_rhythm(meter, 4, line, np.random.default_rng(5))[0]) == repr(runs[5])


def test_stress_on_strong_beats_in_a_known_line():
    line = parse_lyrics("Twin-kle, twin-kle, lit-tle star")[0]
    meter = METERS["4/4"]
    rhythm, sung = lyric_rhythm(meter, 2, line, np.random.default_rng(0))
    strengths = onset_strengths(meter, rhythm, sung)
    assert stress_alignment(sung, strengths) == (6, 6)
    assert rhythm[-1][-1].duration >= 1                              # the phrase ends on a long note


def test_stress_alignment_counts_pairs():
    line = parse_lyrics("the night is a-live")[0]                  # 0 1 0 0 1
    assert [s.stress for s in line] == [0, 1, 0, 0, 1]
    assert stress_alignment(line, [1.0, 0.25, 0.125, 0.5, 0.25]) == (1, 3)   # night > is; the < night, a > live
    assert stress_alignment(line, [0.125, 1.0, 0.25, 0.125, 0.5]) == (3, 3)
    with pytest.raises(ValueError):
        stress_alignment(line, [1.0])
