"""Fit to a duration (`duration`, `tempo` bounds, `cues`): the piece lasts the duration within one beat, in
the MIDI file too, at a tempo inside its bounds, each cadence cue has a phrase's cadence arriving within one
beat of it, each climax cue gets the lead melody's single highest note within one beat of it, and every
hard constraint holds. Over forms, meters (2/4 3/4 4/4 6/8 7/8 and a tala), durations from 20 s to 4 min,
single tempi and tempo ranges, both fillers.

The grids below are the combinations that should always fit: a form with at least about three bars per
section at the preferred tempo, and cues the planner is designed to meet (a cadence cue away from the
piece's edges; a single climax cue). How often random combinations fit is measured in a separate script,
not here (see the report of the session that wrote this file).
"""
from __future__ import annotations

import math
from fractions import Fraction

import mido
import pytest
import yaml
from conftest import ROOT, run_cli

from composer import compose
from composer.analysis.metrics import constraint_satisfaction
from composer.plan.fit import FitError, FitReport, arrival, beat_quarters
from composer.plan.slots import plan_slots
from composer.score.errors import ComposerError, SpecError
from composer.spec.load import load_spec
from composer.spec.timing import parse_seconds
from theory import Meter

FORMS = ("period", "binary", "rounded_binary", "aaba", "rondo")
METERS = ("2/4", "3/4", "4/4", "6/8", "7/8")
SECTIONS = {"period": 2, "binary": 2, "rounded_binary": 3, "aaba": 4, "rondo": 5}
TEMPI = (100, [72, 132], 120, [60, 90], 84, [100, 160])
KEYS = ("C major", "A minor", "Bb major", "E dorian", "F# minor")


def bounds(tempo) -> tuple[float, float]:
    return (min(tempo), max(tempo)) if isinstance(tempo, list) else (tempo * 0.85, tempo * 1.15)


def problems(piece, spec: dict, tmp_path) -> list[str]:
    """Everything wrong with a fitted piece, in words (empty when it is right)."""
    out = []
    where = f"{spec.get('form', 'sections')} {spec.get('meter', spec.get('cycle'))} {spec['duration']} " \
            f"tempo {spec.get('tempo')} cues {spec.get('cues', [])}"
    duration = parse_seconds(spec["duration"])
    beat = float(beat_quarters(piece.meter)) * 60 / piece.tempo_bpm
    seconds = float(piece.length_quarters) * 60 / piece.tempo_bpm
    if abs(seconds - duration) > beat + 1e-9:
        out.append(f"{where}: lasts {seconds:.3f} s, not {duration} s within a beat ({beat:.3f} s)")
    midi = tmp_path / f"fit{len(list(tmp_path.iterdir()))}.mid"
    piece.write(midi)
    heard = mido.MidiFile(midi).length
    if abs(heard - duration) > beat + 1e-9:
        out.append(f"{where}: the MIDI file lasts {heard:.3f} s")
    slow, fast = bounds(spec.get("tempo", 100))
    if not slow - 1e-6 <= piece.tempo_bpm <= fast + 1e-6:
        out.append(f"{where}: tempo {piece.tempo_bpm:.2f} outside {slow:g}-{fast:g}")
    report = piece.plan.fit
    if not isinstance(report, FitReport) or report.bars != piece.plan.bars or \
            abs(report.tempo_bpm - piece.tempo_bpm) > 1e-6 or abs(report.seconds - seconds) > 1e-6:
        out.append(f"{where}: the fit report does not describe the piece: {report}")
    melody = piece.part("melody").sorted_notes()
    top = max(n.pitch.cents for n in melody)
    tops = [n for n in melody if abs(n.pitch.cents - top) < 0.5]
    for cue in spec.get("cues", []):
        at = parse_seconds(cue["at"])
        if cue["event"] == "cadence":
            arrivals = [float(arrival(piece.plan, p)) * 60 / piece.tempo_bpm for p in piece.plan.phrases]
            nearest = min(arrivals, key=lambda a: abs(a - at))
            if abs(nearest - at) > beat + 1e-9:
                out.append(f"{where}: the cadence nearest to the cue at {at} s arrives at {nearest:.2f} s")
        else:
            onsets = [round(float(n.offset) * 60 / piece.tempo_bpm, 2) for n in tops]
            if len(tops) != 1:
                out.append(f"{where}: the highest note ({top} cents) sounds {len(tops)} times, at {onsets} s")
            elif abs(float(tops[0].offset) * 60 / piece.tempo_bpm - at) > beat + 1e-9:
                out.append(f"{where}: the highest note starts at {onsets[0]} s, not within a beat of {at} s")
    report = constraint_satisfaction(piece, piece.plan, plan_slots(piece.plan, piece.spec))
    if report["violations"]:
        out.append(f"{where}: {report['violations']} hard-constraint violation(s): {report['first_violations'][:3]}")
    return out


def compose_and_check(spec: dict, seed: int, filler: str, tmp_path) -> list[str]:
    try:
        piece = compose(spec, seed=seed, filler=filler)
    except ComposerError as exc:
        return [f"{spec}, seed {seed}, {filler}: {type(exc).__name__}: {str(exc)[:300]}"]
    return problems(piece, spec, tmp_path)


def no_cue_grid() -> list[dict]:
    """Each form in each meter at two durations from 20 s to 4 min: a short one (about four bars per section at
    the preferred tempo: shorter sections meet the one-bar-phrase bug, see `test_short_fitted_sections_stay_
    writable`) and a longer one; single tempi and tempo ranges in turn."""
    specs = []
    for i, form in enumerate(FORMS):
        for j, meter in enumerate(METERS):
            bq = float(Meter.parse(meter).bar_quarters)
            for k, long in enumerate((False, True)):
                tempo = TEMPI[(i + 2 * j + k) % len(TEMPI)]
                preferred = sum(bounds(tempo)) / 2
                short = max(20.0, math.ceil(4.2 * SECTIONS[form] * bq * 60 / preferred))
                duration = (75, 150, 240, "1:45", "3m")[(i + j) % 5] if long else short
                specs.append({"title": "Fit", "key": KEYS[(i + j) % len(KEYS)], "meter": meter, "form": form,
                              "tempo": tempo, "duration": duration})
    return specs


@pytest.mark.parametrize("form", FORMS)
def test_fits_without_cues(form, tmp_path):
    found = []
    for n, spec in enumerate(s for s in no_cue_grid() if s["form"] == form):
        found += compose_and_check(spec, seed=n, filler=("rules", "neural")[n % 2], tmp_path=tmp_path)
    assert not found, "\n".join(found)


# Cadence cues at arbitrary times (each checked to fit; about 16 % of single cadence cues at 25-75 % of a piece
# get a FitError, measured over 300 specs), one or two per spec.
CADENCE_SPECS = [
    {"form": "binary", "meter": "3/4", "tempo": [80, 120], "duration": 120, "cues": [{"at": 30, "event": "cadence"}]},
    {"form": "aaba", "meter": "6/8", "tempo": [80, 120], "duration": 200, "cues": [{"at": 150, "event": "cadence"}]},
    {"form": "rondo", "meter": "7/8", "tempo": [80, 120], "duration": 60, "cues": [{"at": 36, "event": "cadence"}]},
    {"form": "period", "meter": "2/4", "tempo": [80, 120], "duration": 60, "cues": [{"at": 15, "event": "cadence"}]},
    {"form": "rondo", "meter": "4/4", "tempo": [80, 120], "duration": "3:20",
     "cues": [{"at": 50, "event": "cadence"}, {"at": "2m30s", "event": "cadence"}]},
]


# Cues on the cadences the piece has anyway, a third of a beat off: these must always fit, since the plan
# without cues already lands them.
ARRIVAL_CASES = [("rounded_binary", "4/4", 120, 100), ("aaba", "7/8", "1:40", [90, 130]), ("rondo", "3/4", 150, 120),
                 ("binary", "6/8", 75, [60, 90]), ("period", "2/4", 45, 100)]


@pytest.mark.parametrize("form,meter,duration,tempo", ARRIVAL_CASES)
def test_cadence_cues_on_the_pieces_own_cadences_always_fit(form, meter, duration, tempo, tmp_path):
    base = {"key": "G major", "meter": meter, "form": form, "tempo": tempo, "duration": duration}
    plain = compose(base, seed=1, filler="rules")
    beat = float(beat_quarters(plain.meter)) * 60 / plain.tempo_bpm
    arrivals = [float(arrival(plain.plan, p)) * 60 / plain.tempo_bpm for p in plain.plan.phrases[:-1]
                if p.cadence != "none"]
    picks = [arrivals[len(arrivals) // 3], arrivals[(2 * len(arrivals)) // 3]]
    cues = [{"at": round(t + (beat / 3 if i else -beat / 3), 3), "event": "cadence"} for i, t in enumerate(picks)]
    found = []
    for filler in ("rules", "neural"):
        found += compose_and_check(base | {"cues": cues[:1 + (filler == "neural")]}, seed=1, filler=filler,
                                   tmp_path=tmp_path)
    assert not found, "\n".join(found)


# Single climax cues (with cadence cues beside them in two specs). Before the climax beat kept off phrase
# openings and cadence bars, about 27 % of single climax cues at 25-75 % of a piece ended in an
# UnsatisfiableError (measured over 300 specs; see CLIMAX_REGRESSIONS).
CLIMAX_SPECS = [
    {"form": "binary", "meter": "3/4", "tempo": [80, 120], "duration": 120, "cues": [{"at": 80, "event": "climax"}]},
    {"form": "rounded_binary", "meter": "6/8", "tempo": 100, "duration": 90, "cues": [{"at": 60, "event": "climax"}]},
    {"form": "rondo", "meter": "7/8", "tempo": [80, 120], "duration": 150, "cues": [{"at": 100, "event": "climax"}]},
    {"form": "aaba", "meter": "2/4", "tempo": [80, 120], "duration": 150,
     "cues": [{"at": 37.5, "event": "cadence"}, {"at": 75, "event": "cadence"}, {"at": 100, "event": "climax"}]},
    {"form": "rondo", "meter": "3/4", "tempo": [90, 130], "duration": 180,
     "cues": [{"at": 45, "event": "cadence"}, {"at": 100, "event": "climax"}, {"at": 140, "event": "cadence"}]},
    {"form": "period", "meter": "3/4", "tempo": [80, 120], "duration": "1:00", "cues": [{"at": "33s", "event": "climax"}]},
]


@pytest.mark.parametrize("filler", ["rules", "neural"])
@pytest.mark.parametrize("specs", [CADENCE_SPECS, CLIMAX_SPECS], ids=["cadence_cues", "climax_cues"])
def test_cues_land_within_a_beat_and_the_climax_is_the_single_highest_note(specs, filler, tmp_path):
    found = []
    for n, spec in enumerate(specs):
        found += compose_and_check({"key": KEYS[n % len(KEYS)]} | spec, seed=n, filler=filler, tmp_path=tmp_path)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("filler", ["rules", "neural"])
def test_raga_in_teentaal_fits(filler, tmp_path):
    spec = yaml.safe_load((ROOT / "examples" / "raga_yaman_teentaal.yaml").read_text())
    spec.pop("sections")
    found = []
    for n, (duration, tempo, cues) in enumerate([
            ("1:30", 96, [{"at": "45s", "event": "cadence"}]),
            (150, [70, 110], []),
            ("2m", 96, [{"at": 80, "event": "climax"}])]):
        found += compose_and_check(spec | {"duration": duration, "tempo": tempo, "cues": cues}, seed=n,
                                   filler=filler, tmp_path=tmp_path)
    assert not found, "\n".join(found)


# --- bugs found: each one the smallest case that shows it -----------------------------------------

def test_a_fitted_repeat_never_copies_more_bars_than_its_source_phrase(tmp_path):
    """Regression (fixed): fitting stretches a section and its repeat to different phrase layouts (rounded binary at 152 s:
    A gets phrases 4+4+4+3+4+4+4+4, A' gets 8 x 4), and the repeat's phrase 4 'copies' 4 bars from A's
    3-bar phrase 4: bar 63 of the melody is left empty (the bar does not fill). The same in a period in 6/8 at
    85.1 s: the consequent's 4-bar phrase 2 'copies' the antecedent's 2-bar phrase 2, so bar 23 holds the
    copied cadence note instead of the phrase's target and bars 24-25 stay empty. Root: the planner takes
    `kept_bars` per phrase from the section's kept bars, not bounded by the source phrase's length.
    Measured: 6 of 200 random fitted specs (3 %) break a hard constraint so, with either filler."""
    spec = {"key": "C major", "meter": "4/4", "form": "rounded_binary", "tempo": 125, "duration": 152}
    found = compose_and_check(spec, seed=0, filler="rules", tmp_path=tmp_path)
    spec = {"key": "A minor", "meter": "6/8", "form": "period", "tempo": [60, 90], "duration": 85.1,
            "cues": [{"at": 16.3, "event": "cadence"}]}
    found += compose_and_check(spec, seed=17, filler="neural", tmp_path=tmp_path)
    assert not found, "\n".join(found)


def test_short_fitted_sections_stay_writable():
    """Regression (fixed): a 26 s rondo in 6/8 is stretched to 14 bars with one-bar phrases (`fit._stretch_phrases` lets a
    phrase shrink to 1 bar, below MIN_PHRASE_BARS), and the rules filler cannot write section B's one-bar
    cadence: UnsatisfiableError ('bar 4, beat 1: chord tone on a strong beat + cadence target') for every
    seed, though the same sections written out with their bars compose. The fit should try its next plan."""
    spec = {"key": "Bb major", "meter": "6/8", "form": "rondo", "tempo": 100, "duration": 26}
    piece = compose(spec, seed=0, filler="rules")
    assert abs(float(piece.length_quarters) * 60 / piece.tempo_bpm - 26) < 1


CLIMAX_REGRESSIONS = [
    # The climax beat was the beat nearest the cue even when that was the last note of a phrase, whose pitch
    # the cadence fixes: 'no note satisfies cadence target + fixed note', UnsatisfiableError from the filler
    # (every seed, both fillers). Measured: 17 of 75 single climax cues at 30 %, 50 % or 70 % of the piece
    # (5 forms x 5 meters x 40, 90 and 180 s, rules filler) ended so.
    {"key": "D major", "meter": "4/4", "form": "binary", "tempo": [70, 130], "duration": 90,
     "cues": [{"at": 45, "event": "climax"}]},
    # A climax on the first beat after the bars a repeat copies: the copied bar's last note was fixed and lay
    # more than the leap limit below the climax pitch: 'bar 19, beat 1: no note satisfies max leap + scale
    # movement', UnsatisfiableError for seeds 0, 1, 2 and 5 (rules; 1 and 3 neural). Period, 4/4, 96 bpm
    # (fitted to 108), 60 s, climax at 40 s = bar 19 beat 1.
    {"key": "E dorian", "meter": "4/4", "form": "period", "tempo": 96, "duration": 60,
     "cues": [{"at": 40, "event": "climax"}]},
]


@pytest.mark.parametrize("spec", CLIMAX_REGRESSIONS, ids=["on_a_cadence_beat", "just_after_a_repeats_copy"])
def test_a_climax_cue_is_reached_where_a_cadence_or_a_copy_is_near(spec):
    """Regressions (fixed): the climax beat is planned around cadences and copies, and the melody's highest
    note sounds once."""
    piece = compose(spec, seed=0, filler="rules")
    melody = piece.part("melody").sorted_notes()
    top = max(n.pitch.cents for n in melody)
    assert sum(abs(n.pitch.cents - top) < 0.5 for n in melody) == 1


def test_two_climax_cues_are_refused():
    """Regression (fixed): the spec accepts any number of climax cues, though only one note can be the melody's single
    highest. Here (period, 2/4, 22.3 s, climax cues at 9 and 20.6 s) seeds 0-4 and 7-9 give a melody whose
    highest pitch sounds twice (at 9.09 and 20.65 s: the consequent copies the antecedent's climax) while
    `plan.fit` reports each cue as 'the melody's highest note'; seeds 5 and 6 end in an UnsatisfiableError
    from the filler. Over 200 random specs, none with two or more climax cues fit (rules: 10 composed with a
    cue unmet, 21 UnsatisfiableError). Expected: a SpecError (or FitError) naming the second climax cue."""
    spec = {"key": "C major", "meter": "2/4", "form": "period", "tempo": [130, 160], "duration": 22.3,
            "cues": [{"at": 9.0, "event": "climax"}, {"at": 20.6, "event": "climax"}]}
    with pytest.raises((SpecError, FitError)):
        piece = compose(spec, seed=0, filler="rules")
        melody = piece.part("melody").sorted_notes()
        top = max(n.pitch.cents for n in melody)
        print("highest note at", [float(n.offset) * 60 / piece.tempo_bpm for n in melody
                                  if abs(n.pitch.cents - top) < 0.5], "s; the fit report:", piece.plan.fit.lines())


def test_a_cadence_cue_at_the_middle_of_a_period_fits():
    """Regression (fixed): a cadence at the middle of a period, where its antecedent's cadence naturally falls, never fits
    (every meter, 40-180 s, tempo 100 or 70-130): FitError 'the cadence nearest to 45 s arrives at 46.05 s' or
    'no chord walk of 2 chords reaches a authentic cadence'. The planner only cuts phrases at bar lines near
    the cue and measures the arrival at the final chord's onset, a bar before the phrase's end; it never
    moves the boundary between two sections. (Binary at the middle fails the same way.)"""
    spec = {"key": "D major", "meter": "4/4", "form": "period", "tempo": [70, 130], "duration": 90,
            "cues": [{"at": 45, "event": "cadence"}]}
    piece = compose(spec, seed=0, filler="rules")
    beat = float(beat_quarters(piece.meter)) * 60 / piece.tempo_bpm
    assert min(abs(float(arrival(piece.plan, p)) * 60 / piece.tempo_bpm - 45) for p in piece.plan.phrases) <= beat


def test_a_duration_too_short_for_the_form_says_so():
    """Regression (fixed): with no cues, a duration too short for the form's sections gives 'none of 0 plans ... lands
    every cue within one beat (None); move the cue, ...': it speaks of cues the spec does not have and
    prints Python's None instead of the reason."""
    with pytest.raises(FitError) as info:
        compose({"key": "A minor", "meter": "4/4", "form": "rondo", "tempo": 100, "duration": 20.1}, seed=0)
    message = str(info.value)
    assert "None" not in message and "cue" not in message, message


# --- determinism, beats, explain, durations -----------------------------------------------------

def test_same_seed_same_piece_and_file(tmp_path):
    spec = {"key": "G major", "meter": "6/8", "form": "rounded_binary", "tempo": [80, 120], "duration": "1m30s",
            "cues": [{"at": 30, "event": "cadence"}]}
    for filler in ("rules", "neural"):
        one, two = compose(spec, seed=4, filler=filler), compose(spec, seed=4, filler=filler)
        assert one.tempo_bpm == two.tempo_bpm and one.plan.bars == two.plan.bars
        assert [(n.offset, n.pitch.cents) for p in one.parts for n in p.notes] == \
            [(n.offset, n.pitch.cents) for p in two.parts for n in p.notes]
        a, b = one.write(tmp_path / f"a-{filler}.mid"), two.write(tmp_path / f"b-{filler}.mid")
        assert open(a, "rb").read() == open(b, "rb").read()
        assert one.plan.fit.lines() == two.plan.fit.lines()


@pytest.mark.parametrize("meter,beat", [("2/4", 1), ("3/4", 1), ("4/4", 1), ("6/8", Fraction(3, 2)),
                                        ("7/8", 1), ("7/8 (3+2+2)", 1), ("9/8", Fraction(3, 2)),
                                        ("5/4", 1)])
def test_beat_as_a_listener_counts_it(meter, beat):
    assert beat_quarters(Meter.parse(meter)) == beat


@pytest.mark.parametrize("text,seconds", [(90, 90), ("90s", 90), ("90 s", 90), ("1:30", 90), ("1m30s", 90),
                                          ("2m", 120), ("2 min", 120), (12.5, 12.5), ("0:45.5", 45.5)])
def test_durations_read(text, seconds):
    assert parse_seconds(text) == seconds


def test_explain_shows_the_fit():
    spec = {"key": "D major", "meter": "3/4", "form": "binary", "tempo": [80, 120], "duration": 120,
            "cues": [{"at": 30, "event": "cadence"}, {"at": 80, "event": "climax"}]}
    piece = compose(spec, seed=0, filler="rules")
    text = piece.explain()
    lines = piece.plan.fit.lines()
    assert lines[0].startswith("fitted to 120 s: ") and f"{piece.plan.bars} bars" in lines[0]
    assert any(line.startswith("cue cadence at 30 s: ") for line in lines)
    assert any(line.startswith("cue climax at 80 s: ") for line in lines)
    for line in lines:
        assert line in text
    assert piece.plan.fit.tried >= 1 and len(piece.plan.fit.cues) == 2


def test_without_a_duration_nothing_is_fitted():
    piece = compose({"key": "C major", "form": "period", "tempo": [90, 110]}, seed=0, filler="rules")
    assert piece.plan.fit is None and piece.tempo_bpm == 100 and "fitted to" not in piece.explain()


# --- errors ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("extra,field,received", [
    ({"duration": "abc"}, "duration", "'abc'"),
    ({"duration": "1:xx"}, "duration", "'1:xx'"),
    ({"duration": 0}, "duration", "0"),
    ({"duration": 90, "cues": [{"at": 100, "event": "cadence"}]}, "cues[0].at", "100"),
    ({"duration": 90, "cues": [{"at": "1:30", "event": "climax"}]}, "cues[0].at", "'1:30'"),
    ({"duration": 90, "cues": [{"at": 0, "event": "cadence"}]}, "cues[0].at", "0"),
    ({"duration": 90, "cues": [{"at": "soon", "event": "cadence"}]}, "cues[0].at", "'soon'"),
    ({"duration": 90, "cues": [{"at": 10, "event": "peak"}]}, "cues[0].event", "'peak'"),
    ({"cues": [{"at": 10, "event": "cadence"}]}, "cues", "1"),
])
def test_spec_errors(extra, field, received):
    with pytest.raises(SpecError) as info:
        load_spec({"key": "C major", "form": "aaba"} | extra)
    text = str(info.value.problems[0])
    assert f": {field}: " in text and f"received {received}" in text, text


@pytest.mark.parametrize("extra,needle", [
    ({"tempo": 100, "duration": 3}, "3 s"),                                           # 3 s of aaba
    ({"tempo": 100, "duration": 60, "cues": [{"at": 1, "event": "cadence"}]}, "1 s"),  # a cadence at 1 s
])
def test_impossible_fits_raise_fit_error(extra, needle):
    with pytest.raises(FitError) as info:
        compose({"key": "C major", "form": "aaba"} | extra, seed=0, filler="rules")
    assert needle in str(info.value)


@pytest.mark.parametrize("extra", [
    {"duration": "abc"},
    {"duration": 90, "cues": [{"at": 95, "event": "climax"}]},
    {"cues": [{"at": 10, "event": "cadence"}]},
    {"tempo": 100, "duration": 3},
    {"tempo": 100, "duration": 60, "cues": [{"at": 1, "event": "cadence"}]},
])
def test_cli_exit_2_with_one_line(extra, tmp_path, capsys):
    spec = tmp_path / "fit.yaml"
    spec.write_text(yaml.safe_dump({"title": "Fit", "key": "C major", "form": "aaba"} | extra))
    for command in (("compose", spec, "-o", tmp_path / "out", "--filler", "rules"), ("explain", spec)):
        code, out, err = run_cli(capsys, *command)
        assert code == 2, (command, out, err)
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_cli_explain_prints_the_fit_lines(tmp_path, capsys):
    spec = tmp_path / "fit.yaml"
    spec.write_text(yaml.safe_dump({"title": "Fit", "key": "C major", "meter": "7/8", "form": "aaba",
                                    "tempo": [90, 130], "duration": "1:40",
                                    "cues": [{"at": "50s", "event": "cadence"}]}))
    code, out, err = run_cli(capsys, "explain", spec, "--filler", "rules")
    assert code == 0, err
    assert "fitted to 100 s: " in out and "cue cadence at 50 s: " in out
