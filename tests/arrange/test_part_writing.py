"""The texture under the melody passes a harmony teacher. For every example with chords (three seeds)
`partita check` on the composed MusicXML finds no parallel fifths or octaves, no voice crossing (so no
accompaniment above the melody) and no unresolved leading tone in an outer voice, and music21's
VoiceLeadingQuartet, reading the same files its own way, finds no parallels either, so the checker is
not the only judge. For every example and a spec in every chord style, 20 seeds each, and for random
specs, the checker finds the same on the score in memory (the MusicXML file is its serialisation)."""
from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from random_specs import specs

from composer import compose, grammar, load_spec
from composer.analysis.check import analyse_score, check
from composer.analysis.texture import allowed_by_style, texture_report
from composer.arrange.voicing import upper_states
from composer.formats.musicxml import to_music21
from theory import Key, Pitch

EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*.yaml")
                  if load_spec(p).harmony == "functional")
STYLES = {    # a spec per chord style, in another key, meter and form than its example
    "classical march in C minor": {"key": "C minor", "meter": "2/4", "form": "rounded_binary", "style": "classical"},
    "classical waltz that modulates": {"key": "Bb major", "meter": "3/4", "form": "ternary", "style": "classical"},
    "pop in E major": {"key": "E major", "meter": "4/4", "form": "verse_chorus", "style": "pop"},
    "jazz in 3/4": {"key": "F major", "meter": "3/4", "form": "aaba", "style": "jazz"},
    "blues in G": {"key": "G major", "meter": "4/4", "form": "twelve_bar_blues", "style": "blues"},
    "modal in E phrygian": {"key": "E phrygian", "meter": "6/8", "form": "binary", "style": "modal"},
    "flamenco in A": {"scale": {"pack": "flamenco", "mode": "phrygian_dominant", "tonic": "A"}, "meter": "3/4",
                      "form": "binary", "style": "flamenco"},
    "klezmer in G freygish": {"scale": {"pack": "klezmer", "mode": "freygish", "tonic": "G"}, "meter": "4/4",
                              "form": "ternary", "style": "klezmer"},
}
FILES = [(p.stem, str(p)) for p in EXAMPLES]
SEEDS = range(20)
BANNED = {"parallel-fifths", "parallel-octaves", "voice-crossing"}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """(piece, MusicXML path) of an example and seed, composed and written once for both judges."""
    folder = tmp_path_factory.mktemp("part_writing")

    @lru_cache(maxsize=None)
    def get(name: str, spec: str, seed: int):
        piece = compose(spec, seed=seed)
        return piece, Path(piece.write(folder / f"{name}-{seed}.musicxml"))
    return get


def test_the_examples_cover_every_chord_style():
    styles = {load_spec(p).style for p in EXAMPLES} | {spec["style"] for spec in STYLES.values()}
    assert styles >= {"classical", "pop", "blues", "jazz", "modal", "flamenco", "klezmer"}


def _outer(piece) -> set[str]:
    """The names of the outer voices as the checker reads them: the melody, and the bass (else the
    lowest accompaniment voice)."""
    melody = next(p.name for p in piece.parts if p.role == "melody")
    bass = next((p.name for p in piece.parts if p.role == "bass"), None)
    return {melody, bass} - {None}


def _teacher_marks(piece, report) -> list[str]:
    """What a harmony teacher would mark in the texture: parallels, crossings, an outer voice's leading
    tone left unresolved, an accompaniment or bass note sounding above the melody."""
    western = piece.key.pack == "western" and piece.key.family in ("major", "minor")
    outer = _outer(piece) if western else set()       # a mode's own cadence has no leading tone to resolve

    def at_home(f) -> bool:
        """The checker reads a file without its plan by its own analysis of the keys: a leading tone is
        judged where that reading names the plan's key, of the dominant and of the bar after it (where it
        resolves). (A file partita wrote is checked by its plan: `check` without --key.)"""
        offset = (f.bar - 1) * piece.meter.bar_quarters + (Fraction(f.beat).limit_denominator(96) - 1) * piece.meter.unit
        read = re.search(r" in ([A-G][#b]? (?:major|minor))", f.message)
        planned = piece.key_at(offset)
        return (planned == piece.key_at(offset + piece.meter.bar_quarters)
                and (read is None and planned == piece.key or read is not None and read.group(1) == str(planned)))

    tunes = {p.name for p in piece.parts if p.role == "melody"}   # between two tunes is the spec's ranges' doing
    bad = [str(f) for f in report.findings if not set(f.voices) <= tunes and not allowed_by_style(piece, f) and (
           f.rule in BANNED or (f.rule == "leading-tone" and set(f.voices) & outer and at_home(f)))]
    melodies = [p.sorted_notes() for p in piece.parts if p.role == "melody"]
    for part in piece.parts:
        if part.role not in ("chords", "bass"):
            continue
        for n in part.notes:
            for melody in melodies:
                bad += [f"{part.name} {n} sounds above the melody's {m}" for m in melody
                        if m.offset < n.end and n.offset < m.end and n.pitch.cents > m.pitch.cents]
    return bad


def _key_for_check(piece) -> str | None:
    return str(piece.key) if piece.key.pack == "western" else None


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("name, spec", FILES, ids=[name for name, _ in FILES])
def test_partita_check_on_the_musicxml_finds_nothing_a_teacher_would_mark(name, spec, seed, written):
    piece, path = written(name, spec, seed)
    bad = _teacher_marks(piece, check(path, key=_key_for_check(piece)))
    assert not bad, "\n".join(bad[:8])


IN_MEMORY = {**{name: {"title": name, **spec} for name, spec in STYLES.items()}, **dict(FILES)}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", list(IN_MEMORY))
def test_every_style_and_example_over_twenty_seeds_passes_the_checker(name, seed):
    piece = compose(IN_MEMORY[name], seed=seed)
    bad = _teacher_marks(piece, analyse_score(to_music21(piece), key=_key_for_check(piece)))
    assert not bad, "\n".join(bad[:8])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=specs())
def test_random_specs_pass_the_checker(spec):
    piece = compose(spec)
    bad = _teacher_marks(piece, analyse_score(to_music21(piece), key=_key_for_check(piece)))
    assert not bad, "\n".join(bad[:8])


def _m21_voices(score):
    """Each part's notes as voices by rank (top first), read from music21's own parse: (onset, end, pitch)."""
    voices = []
    for part in score.parts:
        by_onset: dict[Fraction, list] = {}
        for el in part.flatten().notes:
            if el.duration.quarterLength == 0 or not (el.isNote or el.isChord) or el.classes[0] == "PercussionChord":
                continue
            onset = Fraction(el.getOffsetInHierarchy(part)).limit_denominator(960)
            end = onset + Fraction(el.duration.quarterLength).limit_denominator(960)
            for p in (el.pitches if el.isChord else [el.pitch]):
                by_onset.setdefault(onset, []).append((end, p))
        ranks: list[list] = []
        for onset in sorted(by_onset):
            for r, (end, p) in enumerate(sorted(by_onset[onset], key=lambda x: -x[1].ps)):
                while len(ranks) <= r:
                    ranks.append([])
                if ranks[r] and ranks[r][-1][1] > onset:
                    ranks[r][-1] = (ranks[r][-1][0], onset, ranks[r][-1][2])
                ranks[r].append((onset, end, p))
        voices += [(f"{part.partName} {r + 1}", line) for r, line in enumerate(ranks)]
    return voices


def _sounding(line, t):
    for onset, end, p in line:
        if onset <= t < end:
            return p
    return None


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("name, spec", FILES, ids=[name for name, _ in FILES])
def test_music21_voice_leading_quartets_find_no_parallels(name, spec, seed, written):
    from music21 import converter, note, voiceLeading

    piece, path = written(name, spec, seed)
    score = converter.parse(str(path))
    voices = _m21_voices(score)
    chords = {p.name for p in piece.parts if p.role == "chords"}
    fifths_free = grammar.load_chord_style(piece.spec.style).relaxes("parallel-fifths")   # planing, power chords
    found = []
    for i, (name_a, a) in enumerate(voices):
        for name_b, b in voices[i + 1:]:
            inside = fifths_free and name_a.rsplit(" ", 1)[0] == name_b.rsplit(" ", 1)[0] in chords
            prev = None
            for t in sorted({n[0] for n in a} | {n[0] for n in b}):
                pa, pb = _sounding(a, t), _sounding(b, t)
                if pa is None or pb is None:
                    prev = None
                    continue
                if prev is not None:
                    q = voiceLeading.VoiceLeadingQuartet(note.Note(prev[0]), note.Note(pa), note.Note(prev[1]),
                                                         note.Note(pb))
                    if (q.parallelFifth() and not inside) or q.parallelOctave() or q.parallelUnison():
                        found.append(f"{name_a}/{name_b} at {t}: {prev[0]}-{prev[1]} -> {pa}-{pb}")
                prev = (pa, pb)
    assert not found, "\n".join(found[:8])


MINOR = [(name, spec) for name, spec in FILES if load_spec(spec).key.is_minor] + \
    [(name, {"title": name, **spec}) for name, spec in STYLES.items() if spec.get("key", "").endswith("minor")]


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("filler", ["neural", "rules"])
@pytest.mark.parametrize("name, spec", MINOR, ids=[name for name, _ in MINOR])
def test_in_minor_a_melody_note_a_semitone_from_another_part_is_a_non_chord_tone_resolving_by_step(
        name, spec, filler, seed):
    report = texture_report(compose(spec, seed=seed, filler=filler))
    assert report.melody_notes > 0
    assert report.clashes == 0, report.examples


TONAL = [(name, spec) for name, spec in FILES if load_spec(spec).key.family in ("major", "minor")]


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("name, spec", TONAL, ids=[name for name, _ in TONAL])
def test_music21_key_analysis_reads_the_spec_key(name, spec, seed, written):
    """The melody agrees with its chords, so a key finder hears the key the spec asked for. A blues is
    read with the Krumhansl-Schmuckler profiles: its tonic chord is a dominant seventh whose flat seventh
    (Eb in F) sounds in nearly every bar, and the Aarden-Essen profiles that music21 uses by default
    (learned from the Essen folk songs) take that for the key of the subdominant (Bb major);
    Krumhansl-Schmuckler hears the tonic. So is a jazz tune, whose every chord carries a seventh and whose
    melody dwells on the ii-V (the supertonic and the leading tone): Aarden-Essen read the aaba song's
    seed 2, whose A section sits on F and D over V7/V and V7 and returns six times, as C minor (0.809
    against 0.782 for Eb major); Krumhansl-Schmuckler hears Eb major."""
    from music21 import converter

    piece, path = written(name, spec, seed)
    method = "key.krumhanslschmuckler" if piece.spec.style in ("blues", "jazz") else "key"
    found = converter.parse(str(path)).analyze(method)
    assert found.tonic.pitchClass == round(piece.key.tonic_cents / 100.0) % 12, (str(piece.key), str(found))
    assert found.mode == ("minor" if piece.key.is_minor else "major"), (str(piece.key), str(found))


def test_a_part_that_cannot_keep_the_rules_is_refused_with_the_reason(tmp_path):
    from composer.cli.main import main
    from composer.score.errors import UnsatisfiableError

    spec = {"title": "t", "key": "C major", "parts": [{"role": "melody", "range": "C4-C5"}, {"role": "chords"},
                                                      {"role": "bass", "range": "C5-C6"}]}
    with pytest.raises(UnsatisfiableError) as info:
        compose(spec)
    assert "part 'bass'" in str(info.value) and "voice-crossing" in str(info.value) and "range" in str(info.value)
    path = tmp_path / "spec.yaml"
    path.write_text("title: t\nkey: C major\nparts:\n  - {role: melody, range: C4-C5}\n  - {role: bass, range: C5-C6}\n")
    assert main(["compose", str(path), "-o", str(tmp_path / "out")]) == 2
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())     # nothing half written


def test_the_rules_the_arrangement_obeys_are_rules_its_style_is_marked_by():
    """One set of named rules: every rule the arrangement's search holds hard is kept by the rule set each
    chord style writes by (and by the chorale set), so `partita check` reports whatever the search lets
    through; and what a style relaxes is a rule of its set."""
    from composer import grammar
    from composer.arrange.search import HARD_RULES
    from theory.voice_leading import voice_leading_rules

    books = voice_leading_rules().sets
    for name in [*grammar.list_grammars("chords"), "chorale"]:
        book = books["chorale"] if name == "chorale" else books[grammar.load_chord_style(name).rule_set]
        assert {r for r in HARD_RULES if not book.keeps(r)} == set(), (name, book.name)
        assert all(book.keeps(r.rule) for r in book.relax), (name, book.name)


def test_under_a_low_melody_the_accompaniment_thins_to_a_dyad_before_it_falls_silent():
    """Where three chord tones do not fit under the melody, two still may (the bass has the root): the third
    and the fifth, or the third and the root. The Harbour Reel played low, in a range whose only D is D4,
    ends on it, and its accompaniment goes on under it (F#3, and D4 at the melody's unison) instead of
    resting, never above it."""
    d_major = Key.parse("D major").chord("I")
    states = upper_states(d_major, load_spec({"title": "t"}).parts[1].low.cents, 7400.0)
    assert (5400.0, 5700.0) in states                     # F#3 and A3, the third and the fifth
    assert (5400.0, 6200.0) in states                     # F#3 and D4, the third and the root
    spec = yaml.safe_load((ROOT / "examples" / "reel_in_d.yaml").read_text())
    spec["parts"][0]["range"] = "A3-C#5"
    piece = compose(spec)
    final = piece.part("melody").sorted_notes()[-1]
    assert final.pitch.cents == 6200.0                    # the tune comes to rest on D4
    under = [n for n in piece.part("chords").notes if n.offset >= final.offset]
    assert under and all(n.pitch.cents <= final.pitch.cents for n in under)


def test_a_bass_given_no_range_has_room_under_a_low_melody():
    """Regression (hypothesis, test_models): a blues melody in C3-C4 over a stride bass in its role's register
    (E2-G3) dipped to C3 while the bass's fifth over G7 could only be D3, and the arrangement was refused for a
    voice crossing. A bass part given no range now reaches down under the melody, as a chords part does (a
    minor seventh below its lowest note, here D2): the fifth sounds under the melody."""
    spec = {"title": "random", "key": "C major", "meter": "4/4", "style": "blues", "tempo": 60, "seed": 0,
            "form": "period", "parts": [{"role": "melody", "range": "C3-C4"}, {"role": "chords", "pattern": "alberti"},
                                        {"role": "bass", "pattern": "stride"}],
            "constraints": {"max_leap": 5, "chord_tones_on_strong_beats": False}}
    bass = next(p for p in load_spec(spec).parts if p.role == "bass")
    assert bass.low == Pitch.from_name("D2") and bass.high == Pitch.from_name("G3")
    piece = compose(spec, filler="neural", temperature=1.0, top_p=1.0)
    melody = piece.part("melody").sorted_notes()
    for n in piece.part("bass").notes:
        assert all(n.pitch.cents <= m.pitch.cents for m in melody if m.offset < n.end and n.offset < m.end), n
    with_range = {**spec, "parts": [*spec["parts"][:2], {"role": "bass", "pattern": "stride", "range": "E2-G3"}]}
    assert next(p for p in load_spec(with_range).parts if p.role == "bass").low == Pitch.from_name("E2")
