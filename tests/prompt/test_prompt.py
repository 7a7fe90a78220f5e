"""Prompts in words -> specs (composer.prompt): what a musician would check from the words.

Each case names the key or scale, the meter (or cycle) and grouping, where the tempo comes from
(a tempo word, a dance, a mood, a tradition, a bpm: its range in grammars/prompt_words.yaml) and
a range written by hand in quarters a minute, and the instruments that must play. Every case's
spec composes (rules filler) into a piece with the spec's meter, tempo and key.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
import yaml
from conftest import ROOT

from composer import compose, load_spec
from composer.prompt import MAX_PROMPT_CHARS, PromptSpec, prompt_to_spec, vocabulary_markdown
from composer.prompt.choose import beat_quarters
from composer.prompt.words import check_prompt_words, load_vocabulary
from composer.score.errors import ComposerError, PromptError
from theory.cycle import load_cycle
from theory.key import Key
from theory.meter import Meter

WORDS = load_vocabulary().data


@dataclass(frozen=True)
class Case:
    prompt: str
    key: str | tuple            # 'D minor', or (pack, mode, tonic)
    meter: str | None           # '3/4', 'cycle:teentaal', or None: the mode's usual cycle (no meter in the spec)
    tempo_from: tuple           # ('tempo', 'slow'), ('genres', 'waltz'), ('moods', 'sad'), ('traditions', 'hindustani'),
                                # ('forms', '12 bar blues'), ('bpm', 90) or ('defaults',)
    quarters: tuple[int, int]   # the tempo a musician expects, in quarters a minute, by hand
    parts: tuple = ()           # (role, instrument) pairs that must be among the parts
    grouping: str | None = None
    only_parts: bool = False    # the parts are exactly `parts`


CASES = [
    Case("slow melancholic waltz in D minor for strings", "D minor", "3/4", ("tempo", "slow"), (50, 80),
         (("melody", "violin"), ("chords", "viola"), ("bass", "cello"))),
    Case("happy march in C for brass", "C major", "2/4", ("genres", "march"), (104, 132),
         (("melody", "trumpet"), ("bass", "tuba"))),
    Case("a fast jig in D for fiddle", "D major", "6/8", ("tempo", "fast"), (190, 260), (("melody", "fiddle"),)),
    Case("reel in A dorian", "A dorian", "4/4", ("genres", "reel"), (170, 220), (("melody", "fiddle"),)),
    Case("lively hornpipe in G", "G major", "4/4", ("tempo", "lively"), (116, 156)),
    Case("polka in F for accordion", "F major", "2/4", ("genres", "polka"), (108, 140),
         (("melody", "accordion"), ("chords", "accordion")), only_parts=True),
    Case("mazurka in 3/4, moderate, in E minor for piano", "E minor", "3/4", ("tempo", "moderate"), (90, 120),
         (("melody", "piano"), ("chords", "piano"), ("bass", "piano")), only_parts=True),
    Case("dance in 5/4 for flute and guitar", "C major", "5/4", ("defaults",), (90, 120),
         (("melody", "flute"), ("chords", "acoustic_guitar")), grouping="3+2", only_parts=True),
    Case("gentle lullaby for harp", "C major", "6/8", ("genres", "lullaby"), (55, 90), (("melody", "harp"),)),
    Case("andante in E-flat for string quartet", "Eb major", "4/4", ("tempo", "andante"), (72, 112),
         (("melody", "violin"), ("chords", "viola"), ("bass", "cello"))),
    Case("presto in B flat major for woodwinds", "Bb major", "4/4", ("tempo", "presto"), (160, 208),
         (("melody", "flute"), ("bass", "bassoon"))),
    Case("largo for solo cello in C minor", "C minor", "4/4", ("tempo", "largo"), (38, 62),
         (("melody", "cello"),), only_parts=True),
    Case("adagio in F sharp minor for violin and piano", "F# minor", "4/4", ("tempo", "adagio"), (64, 78),
         (("melody", "violin"), ("chords", "piano"), ("bass", "piano")), only_parts=True),
    Case("allegro in C# minor for flute", "C# minor", "4/4", ("tempo", "allegro"), (118, 160),
         (("melody", "flute"),)),
    Case("dance in 7/8 2+2+3 for clarinet", "C major", "7/8", ("defaults",), (90, 120),
         (("melody", "clarinet"),), grouping="2+2+3"),
    Case("mysterious dance in 7/8", "E phrygian", "7/8", ("moods", "mysterious"), (60, 92), grouping="2+2+3"),
    Case("sad song in A", "A minor", "4/4", ("moods", "sad"), (50, 80)),
    Case("dreamy nocturne for piano", "F lydian", "4/4", ("genres", "nocturne"), (56, 80),
         (("melody", "piano"),)),
    Case("triumphant fanfare at 120 bpm", "C major", "4/4", ("bpm", 120), (120, 120), (("melody", "trumpet"),)),
    Case("a minuet in G", "G major", "3/4", ("genres", "minuet"), (92, 124),
         (("melody", "violin"), ("chords", "harpsichord"))),
    Case("heroic march in 6/8", "C major", "6/8", ("genres", "march"), (150, 190)),
    Case("bourree in cut time", "C major", "2/2", ("genres", "bourree"), (140, 190)),
    Case("viennese waltz for orchestra", "C major", "3/4", ("genres", "viennese waltz"), (160, 190),
         (("melody", "violin"),)),
    Case("jazz ballad in Eb for alto sax", "Eb major", "4/4", ("genres", "ballad"), (56, 84),
         (("melody", "alto_sax"), ("chords", "piano"), ("bass", "acoustic_bass"))),
    Case("12-bar blues in F for tenor sax", "F major", "4/4", ("forms", "12 bar blues"), (80, 130),
         (("melody", "tenor_sax"),)),
    Case("pop song in A minor", "A minor", "4/4", ("genres", "pop song"), (92, 128),
         (("melody", "voice"), ("bass", "electric_bass"))),
    Case("sad tango for violin and piano", "A minor", "4/4", ("genres", "tango"), (116, 136),
         (("melody", "violin"), ("chords", "piano"))),
    Case("a short siciliana in E minor", "E minor", "6/8", ("genres", "siciliana"), (58, 86)),
    Case("raga yaman for sitar and tabla", ("hindustani", "yaman", "C#"), None, ("traditions", "hindustani"),
         (76, 116), (("melody", "sitar"), ("drone", "strings"), ("percussion", "percussion"))),
    Case("raga bhairav in D for bansuri", ("hindustani", "bhairav", "D"), None, ("traditions", "hindustani"),
         (76, 116), (("melody", "flute"), ("drone", "strings"))),
    Case("raga malkauns in ektaal at 60 bpm", ("hindustani", "malkauns", "C#"), "cycle:ektaal", ("bpm", 60),
         (60, 60), (("melody", "sitar"), ("percussion", "percussion"))),
    Case("carnatic mohanam in adi tala", ("carnatic", "mohanam", "D"), "cycle:adi", ("traditions", "carnatic"),
         (70, 100), (("melody", "violin"), ("drone", "strings"))),
    Case("maqam rast", ("arabic", "rast", "C"), None, ("traditions", "arabic"), (84, 124),
         (("melody", "violin"), ("drone", "strings"), ("percussion", "percussion"))),
    Case("maqam hijaz for oud", ("arabic", "hijaz", "D"), None, ("traditions", "arabic"), (84, 124),
         (("melody", "acoustic_guitar"),)),
    Case("turkish makam hicaz in aksak", ("turkish", "hicaz", "A"), "cycle:aksak", ("traditions", "turkish"),
         (76, 108), (("melody", "oboe"), ("percussion", "percussion"))),
    Case("persian dastgah shur for santur", ("persian", "shur", "D"), "4/4", ("traditions", "persian"), (62, 100),
         (("melody", "dulcimer"),)),       # General MIDI's dulcimer: the hammered dulcimer, the santur's family
    Case("gamelan lancaran in slendro", ("gamelan", "slendro_sanga", "D"), "cycle:lancaran",
         ("traditions", "gamelan"), (96, 136), (("melody", "marimba"), ("percussion", "percussion"))),
    Case("chinese zhi mode for dizi and erhu", ("chinese", "zhi", "G"), "2/4", ("traditions", "chinese"), (62, 96),
         (("melody", "flute"), ("melody", "violin")), only_parts=True),
    Case("japanese in scale for shakuhachi and koto", ("japanese", "in", "E"), "4/4", ("traditions", "japanese"),
         (52, 80), (("melody", "shakuhachi"), ("melody", "koto")), only_parts=True),
    Case("klezmer freygish for clarinet", ("klezmer", "freygish", "D"), "2/4", ("traditions", "klezmer"),
         (104, 136), (("melody", "clarinet"), ("chords", "accordion"), ("bass", "contrabass"))),
    Case("flamenco solea", ("flamenco", "phrygian_dominant", "E"), "cycle:solea", ("traditions", "flamenco"),
         (164, 196), (("melody", "voice"), ("chords", "acoustic_guitar"), ("percussion", "percussion"))),
    Case("blues scale in G for guitar", ("blues", "blues", "G"), "4/4", ("traditions", "blues"), (80, 124),
         (("melody", "acoustic_guitar"),)),
    Case("rachenitsa in D dorian for clarinet", "D dorian", "cycle:rachenitsa", ("defaults",), (90, 120),
         (("melody", "clarinet"), ("percussion", "percussion"))),
    Case("string orchestra elegy in B minor", "B minor", "4/4", ("genres", "elegy"), (46, 70),
         (("melody", "violin"), ("bass", "contrabass"))),
]


def _spec_tempo_range(case: Case, meter: Meter) -> tuple[float, float]:
    """The range in the data file of what chose the tempo, in quarters a minute."""
    kind, *rest = case.tempo_from
    if kind == "bpm":
        lo = hi = rest[0]
    elif kind == "defaults":
        lo, hi = WORDS["defaults"]["tempo"]
    elif kind == "tempo":
        lo, hi = WORDS["tempo"]["words"][rest[0]]
    else:
        lo, hi = WORDS[kind]["words"][rest[0]]["tempo"]
    beat = beat_quarters(meter)
    return float(lo * beat), float(hi * beat)


def _meter_of(spec: dict) -> Meter:
    if "cycle" in spec:
        return load_cycle(spec["cycle"]).meter
    if "meter" in spec:
        return Meter.parse(spec["meter"], spec.get("grouping"))
    return load_spec(spec).meter   # the mode's usual cycle


_COMPOSED: dict[str, tuple] = {}


def _chosen(prompt: str) -> PromptSpec:
    if prompt not in _COMPOSED:
        _COMPOSED[prompt] = (prompt_to_spec(prompt), None)
    return _COMPOSED[prompt][0]


def test_there_are_enough_distinct_cases():
    assert len({c.prompt for c in CASES}) == len(CASES) >= 36


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.prompt)
def test_the_spec_has_what_the_words_say(case: Case):
    chosen = _chosen(case.prompt)
    spec = chosen.spec
    load_spec(spec)   # valid
    if isinstance(case.key, str):
        assert "scale" not in spec and str(Key.parse(spec["key"])) == case.key
    else:
        assert "key" not in spec
        pack, mode, tonic = case.key
        assert (spec["scale"]["pack"], spec["scale"]["mode"], spec["scale"]["tonic"]) == (pack, mode, tonic)
    meter = _meter_of(spec)
    if case.meter is None:
        assert "meter" not in spec and "cycle" not in spec      # the mode's usual cycle, by the spec's default
        assert load_spec(spec).cycle is not None
    elif case.meter.startswith("cycle:"):
        assert spec["cycle"] == case.meter[6:] and "meter" not in spec
    else:
        assert spec["meter"] == case.meter
    if case.grouping is not None:
        assert spec["grouping"] == case.grouping
        assert "+".join(map(str, meter.grouping)) == case.grouping
    lo, hi = _spec_tempo_range(case, meter)
    assert lo - 1 <= spec["tempo"] <= hi + 1, (spec["tempo"], (lo, hi))
    assert case.quarters[0] <= spec["tempo"] <= case.quarters[1], spec["tempo"]
    parts = [(p["role"], p["instrument"]) for p in spec["parts"]]
    for wanted in case.parts:
        assert wanted in parts, parts
    if case.only_parts:
        assert sorted(parts) == sorted(case.parts)
    assert any(role == "melody" for role, _ in parts)
    assert chosen.spec["seed"] == 0 and chosen.spec["title"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.prompt)
def test_the_spec_composes_into_what_it_says(case: Case):
    spec = _chosen(case.prompt).spec
    piece = compose(spec, filler="rules")
    expected = load_spec(spec)
    assert piece.bars > 0 and all(p.notes for p in piece.parts if p.role in ("melody", "bass", "chords"))
    assert (piece.meter.numerator, piece.meter.denominator, piece.meter.grouping) == \
        (expected.meter.numerator, expected.meter.denominator, expected.meter.grouping)
    assert piece.tempo_bpm == spec["tempo"]
    assert piece.key.tonic == expected.key.tonic and piece.key.mode == expected.key.mode
    assert piece.key.pack == expected.key.pack
    assert [p.role for p in piece.parts] == [p["role"] for p in spec["parts"]]


# --- words that chose nothing -------------------------------------------------------------------
def test_unknown_words_are_listed_and_stop_words_are_not():
    chosen = prompt_to_spec("a jaunty waltz about my cat")
    assert chosen.unused == ("about", "my", "cat")
    assert chosen.used == ("jaunty", "waltz")
    assert chosen.spec["meter"] == "3/4"
    chosen = prompt_to_spec("Write me a flibbertigibbet waltz for the piano, please")
    assert chosen.unused == ("flibbertigibbet",)


def test_unused_words_keep_their_spelling_and_appear_once():
    chosen = prompt_to_spec("Zorp waltz, zorp again, in D")
    assert chosen.unused == ("Zorp", "again")
    assert "words not used: Zorp, again" in chosen.yaml_text()


def test_a_prompt_of_unknown_words_still_gives_a_valid_spec():
    chosen = prompt_to_spec("xyzzy plugh")
    assert chosen.unused == ("xyzzy", "plugh") and chosen.used == ()
    load_spec(chosen.spec)
    assert chosen.spec["key"] == "C major" and chosen.spec["meter"] == WORDS["defaults"]["meter"]
    assert any(line.startswith("no key named") for line in chosen.choices)


# --- tempo ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("prompt, tempo", [
    ("slow waltz at 90 bpm", 90),
    ("90 bpm presto waltz", 90),
    ("waltz, tempo 132", 132),
    ("march at 112 beats per minute", 112),
    ("fast jig at 120 bpm", 180),           # 120 dotted quarters a minute in 6/8
    ("120bpm reel", 120),
])
def test_an_explicit_bpm_wins(prompt, tempo):
    chosen = prompt_to_spec(prompt)
    assert chosen.spec["tempo"] == tempo
    assert any(any(ch.isdigit() for ch in u) for u in chosen.used)


def test_the_tempo_bounds_are_the_spec_schemas():
    from composer.prompt.choose import MAX_TEMPO, MIN_TEMPO
    from composer.spec.model import spec_schema

    schema = spec_schema()["properties"]["tempo"]
    number = next(o for o in schema.get("anyOf", [schema]) if o.get("type") == "number")
    assert (number["minimum"], number["maximum"]) == (MIN_TEMPO, MAX_TEMPO)


def test_a_bpm_outside_the_spec_bounds_is_bounded_and_said():
    chosen = prompt_to_spec("march at 900 bpm")
    assert chosen.spec["tempo"] == 400
    assert any("outside 20-400" in line for line in chosen.choices)


@pytest.mark.parametrize("word", sorted(WORDS["tempo"]["words"]))
def test_every_tempo_word_gives_a_tempo_in_its_range(word):
    lo, hi = WORDS["tempo"]["words"][word]
    spec = prompt_to_spec(f"{word} piece in 4/4").spec
    assert lo <= spec["tempo"] <= hi
    spec = prompt_to_spec(f"{word} piece in 6/8").spec     # dotted quarters: 1.5 quarters each
    assert lo * 1.5 - 1 <= spec["tempo"] <= hi * 1.5 + 1 or spec["tempo"] == 400


def test_a_mood_narrows_a_dance_tempo_and_gives_way_to_a_tempo_word():
    lo, hi = WORDS["genres"]["words"]["waltz"]["tempo"]
    happy = prompt_to_spec("happy waltz").spec["tempo"]
    sad = prompt_to_spec("sad waltz").spec["tempo"]
    assert lo <= sad < happy <= hi
    assert prompt_to_spec("happy slow waltz").spec["tempo"] == sum(WORDS["tempo"]["words"]["slow"]) // 2


# --- conflicts ----------------------------------------------------------------------------------------
def test_the_later_of_two_tempo_words_wins_and_a_line_says_so():
    chosen = prompt_to_spec("slow waltz, no, presto")
    lo, hi = WORDS["tempo"]["words"]["presto"]
    assert lo <= chosen.spec["tempo"] <= hi
    assert "slow" in chosen.unused and "presto" in chosen.used
    assert any("'presto'" in line and "later" in line for line in chosen.choices)
    assert any(line.startswith("'slow' -> nothing") for line in chosen.choices)
    chosen = prompt_to_spec("presto waltz, no, slow")
    assert 56 <= chosen.spec["tempo"] <= 76


def test_the_later_of_two_keys_wins():
    chosen = prompt_to_spec("waltz in D minor, or rather in G major")
    assert chosen.spec["key"] == "G major"
    assert any("overrides 'D minor'" in line for line in chosen.choices)


def test_an_explicit_word_beats_what_a_dance_implies_whatever_the_order():
    assert prompt_to_spec("waltz in 4/4").spec["meter"] == "4/4"
    assert prompt_to_spec("in 4/4, a waltz").spec["meter"] == "4/4"
    chosen = prompt_to_spec("waltz in 4/4")
    assert all(p.get("pattern") != "waltz" for p in chosen.spec["parts"])   # the waltz pattern suits 3/4 only
    assert prompt_to_spec("sad march in C major").spec["key"] == "C major"   # a mood only leans
    assert prompt_to_spec("short minuet").spec["form"] == "period"          # a length word beats a dance's form
    assert prompt_to_spec("minuet, rondo").spec["form"] == "rondo"


def test_a_tradition_keeps_its_own_harmony():
    chosen = prompt_to_spec("raga yaman in D, jazz")
    assert "style" not in chosen.spec and "jazz" in chosen.unused
    assert {p["role"] for p in chosen.spec["parts"]} <= {"melody", "drone", "percussion"}
    assert chosen.spec["scale"]["tonic"] == "D"


# --- keys, modes and traditions ------------------------------------------------------------------
@pytest.mark.parametrize("prompt, key", [
    ("waltz in F sharp minor", "F# minor"),
    ("waltz in E-flat", "Eb major"),
    ("waltz in Bb", "Bb major"),
    ("waltz in A", "A major"),
    ("sad waltz in A", "A minor"),
    ("A minor waltz", "A minor"),
    ("a waltz in the key of D", "D major"),
    ("in a jaunty style", "C major"),          # 'a' is the article here
    ("waltz in c# harmonic minor", "C# harmonic minor"),
    ("B flat dorian dance", "Bb dorian"),
    ("dorian dance", "D dorian"),
    ("E♭ major waltz", "Eb major"),
])
def test_keys(prompt, key):
    assert prompt_to_spec(prompt).spec["key"] == key


@pytest.mark.parametrize("prompt, pack, mode", [
    ("yaman raga", "hindustani", "yaman"),
    ("carnatic bilahari", "carnatic", "bilahari"),
    ("rast makam", "turkish", "rast"),
    ("rast maqam", "arabic", "rast"),
    ("makam uşşak", "turkish", "ussak"),
    ("pelog barang", "gamelan", "pelog_barang"),
    ("pelog piece for gamelan", "gamelan", "pelog_nem"),
    ("chinese yu mode", "chinese", "yu"),
    ("hirajoshi", "japanese", "hirajoshi"),
    ("ahava rabbah", "klezmer", "freygish"),
    ("phrygian dominant", "flamenco", "phrygian_dominant"),
])
def test_traditions_and_their_modes(prompt, pack, mode):
    chosen = prompt_to_spec(prompt)
    assert (chosen.spec["scale"]["pack"], chosen.spec["scale"]["mode"]) == (pack, mode)
    assert chosen.unused == ()


def test_every_mode_word_of_every_tradition_gives_a_valid_spec():
    for name, trad in WORDS["traditions"]["words"].items():
        for word, mode in trad["modes"].items():
            spec = prompt_to_spec(word).spec
            assert spec["scale"]["pack"] == trad["pack"], word
            load_spec(spec)


@pytest.mark.parametrize("word", sorted(WORDS["genres"]["words"]))
def test_every_dance_gives_its_meter_and_tempo_and_composes(word):
    genre = WORDS["genres"]["words"][word]
    spec = prompt_to_spec(word).spec
    assert spec["meter"] == genre["meter"]
    beat = beat_quarters(Meter.parse(genre["meter"]))
    lo, hi = genre["tempo"]
    assert lo * beat - 1 <= spec["tempo"] <= hi * beat + 1
    piece = compose(spec, filler="rules")
    assert f"{piece.meter.numerator}/{piece.meter.denominator}" == genre["meter"]


@pytest.mark.parametrize("word", sorted(WORDS["moods"]["words"]))
def test_every_mood_leans_to_its_mode(word):
    mood = WORDS["moods"]["words"][word]
    spec = prompt_to_spec(f"{word} piece in D").spec
    assert Key.parse(spec["key"]) == Key.parse(f"D {mood['mode']}")
    lo, hi = mood["tempo"]
    assert lo <= spec["tempo"] <= hi


# --- instruments ---------------------------------------------------------------------------------
@pytest.mark.parametrize("prompt, parts", [
    ("waltz for violin", [("melody", "violin"), ("chords", "piano"), ("bass", "piano")]),
    ("waltz for solo violin", [("melody", "violin")]),
    ("waltz for piano", [("melody", "piano"), ("chords", "piano"), ("bass", "piano")]),
    ("waltz for guitar", [("melody", "acoustic_guitar"), ("chords", "acoustic_guitar")]),
    ("waltz for flute and guitar", [("melody", "flute"), ("chords", "acoustic_guitar")]),
    ("waltz for piano and violin", [("melody", "violin"), ("chords", "piano"), ("bass", "piano")]),
    ("waltz for flute, viola and cello", [("melody", "flute"), ("chords", "viola"), ("bass", "cello")]),
    ("waltz for clarinet and flute", [("melody", "clarinet"), ("melody", "flute")]),
    ("waltz for piano and strings", [("melody", "piano"), ("chords", "viola"), ("bass", "cello")]),
    ("maqam bayati for ney and riq", [("melody", "shakuhachi"), ("drone", "strings"), ("percussion", "percussion")]),
    ("raga yaman with tanpura, solo sitar", [("melody", "sitar"), ("drone", "sitar")]),
])
def test_instruments_take_their_parts(prompt, parts):
    spec = prompt_to_spec(prompt).spec
    assert sorted((p["role"], p["instrument"]) for p in spec["parts"]) == sorted(parts)
    load_spec(spec)


def test_a_narrow_instrument_gets_room_for_its_part():
    spec = prompt_to_spec("waltz in G for recorder").spec
    melody = next(p for p in spec["parts"] if p["role"] == "melody")
    assert melody["instrument"] == "recorder" and melody["range"] == "C5-G6"   # the recorder's lowest twelfth
    compose(spec, filler="rules")
    assert "range" not in next(p for p in prompt_to_spec("waltz for violin").spec["parts"] if p["role"] == "melody")


def test_solo_keeps_a_melody():
    spec = prompt_to_spec("slendro manyura, solo tanpura").spec
    assert [p["role"] for p in spec["parts"]] == ["melody", "drone"]
    load_spec(spec)


def test_a_form_with_a_chord_chart_needs_chords():
    chosen = prompt_to_spec("raga bhimpalasi, twelve bar blues")
    assert "form" not in chosen.spec and chosen.spec["sections"][0]["name"] == "sthayi"
    assert any("chord chart" in line for line in chosen.choices)
    compose(chosen.spec, filler="rules")


def test_a_stand_in_is_named_after_the_word():
    spec = prompt_to_spec("maqam hijaz for oud").spec
    melody = next(p for p in spec["parts"] if p["role"] == "melody")
    assert melody == {"role": "melody", "instrument": "acoustic_guitar", "name": "oud"}


def test_percussion_needs_a_cycle():
    chosen = prompt_to_spec("waltz with drums")
    assert all(p["role"] != "percussion" for p in chosen.spec["parts"])
    assert "drums" in chosen.unused
    assert any("rhythmic cycle" in line for line in chosen.choices)
    spec = prompt_to_spec("dance in aksak with drums").spec
    assert spec["cycle"] == "aksak" and any(p["role"] == "percussion" for p in spec["parts"])


# --- the result ----------------------------------------------------------------------------------------
def test_the_title_comes_from_the_prompt():
    assert prompt_to_spec("slow melancholic waltz in D minor for strings").spec["title"] == \
        "Slow melancholic waltz in D minor"
    assert prompt_to_spec("Please write a waltz in D").spec["title"] == "Waltz in D"
    assert prompt_to_spec("for strings").spec["title"] == "Strings"
    long_title = prompt_to_spec("waltz " + "very " * 100).spec["title"]
    assert len(long_title) <= 83 and long_title.endswith("...")


def test_yaml_text_round_trips_and_explains():
    chosen = prompt_to_spec("slow melancholic waltz in D minor for strings")
    text = chosen.yaml_text()
    head = [line for line in text.splitlines() if line.startswith("#")]
    assert head[0] == "# prompt: slow melancholic waltz in D minor for strings"
    assert "# 'slow' -> tempo 66 (slow: 56-76 quarters a minute)" in head
    assert head[-1] == "# words not used: (none)"
    assert yaml.safe_load(text) == chosen.spec
    assert list(chosen.spec) == ["title", "key", "meter", "tempo", "form", "parts", "seed"]
    load_spec(text)


def test_the_same_prompt_gives_the_same_spec():
    a, b = prompt_to_spec("raga yaman for sitar and tabla"), prompt_to_spec("raga yaman for sitar and tabla")
    assert a == b and a.yaml_text() == b.yaml_text()
    assert json.dumps(a.spec) == json.dumps(b.spec)
    assert prompt_to_spec("waltz", seed=7).spec["seed"] == 7


# --- errors ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, words", [
    ("", ["empty", "received ''", "accepted"]),
    ("   \n ", ["empty", "accepted"]),
    ("x" * 5000, ["5000 characters", f"at most {MAX_PROMPT_CHARS}"]),
    ("waltz " * 400, ["2400 characters", f"at most {MAX_PROMPT_CHARS}"]),
    ("!!! ???", ["no words", "'!!! ???'"]),
    (None, ["text", "NoneType"]),
    (42, ["text", "int"]),
])
def test_bad_prompts_raise_prompt_error(text, words):
    with pytest.raises(PromptError) as info:
        prompt_to_spec(text)
    assert isinstance(info.value, ComposerError)
    for word in words:
        assert word in str(info.value)


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, True, "7"])
def test_a_bad_seed_raises_prompt_error(seed):
    with pytest.raises(PromptError, match="seed"):
        prompt_to_spec("waltz", seed=seed)


def test_a_prompt_of_2000_characters_is_read():
    text = ("slow waltz in D minor for strings " * 60)[:MAX_PROMPT_CHARS]
    assert len(text) == MAX_PROMPT_CHARS
    load_spec(prompt_to_spec(text).spec)


# --- the data file and the docs -----------------------------------------------------------------
def test_the_vocabulary_data_file_is_valid():
    assert check_prompt_words() == []


def test_the_vocabulary_schema_agrees_with_jsonschema():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "grammars" / "schemas" / "prompt_words.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    validator.check_schema(schema)
    assert list(validator.iter_errors(WORDS)) == []


def test_the_python_example_of_the_docs_runs(capsys):
    docs = (ROOT / "docs" / "prompts.md").read_text(encoding="utf-8")
    code = docs.split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(code, "docs/prompts.md", "exec"), {})
    out = capsys.readouterr().out.splitlines()
    assert out == ["D minor 3/4 66", "()"]


def test_the_docs_hold_the_generated_vocabulary_and_examples():
    docs = (ROOT / "docs" / "prompts.md").read_text(encoding="utf-8")
    assert vocabulary_markdown() in docs
    for prompt in ("slow melancholic waltz in D minor for strings", "raga yaman for sitar and tabla"):
        assert "```yaml\n" + prompt_to_spec(prompt).yaml_text() + "```" in docs, prompt
